"""The outlet registry: outlets declared as data (TOML), loaded into frozen dataclasses.

Shipped outlets live beside this module, in `crawler/outlets/*.toml`; a user adds their own with
`--outlets FILE`.
Every file holds one or more `[[outlet]]` tables; see docs/outlets.md for every key. Imports nothing
else of akhbar: every other package may use it.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

SHIPPED_DIR = Path(__file__).parent
EVIDENCE_LEVELS = ("verified", "reported", "unverified", "fixture")
# What the outlet's recorded test page is: a saved copy of a real page, or a model built to its
# documented layout (tests/outlets/pages/README.md); "" when none is recorded
PAGE_KINDS = ("real", "model", "")


class OutletError(ValueError):
    """An outlet file or name is wrong; the message says which and why."""


@dataclass(frozen=True)
class ExtractionHints:
    """Per-outlet help for extraction: where the body is, what to drop, what marks boilerplate."""

    body: str | None = None  # CSS selector of the article body, when trafilatura needs help
    title: str | None = None  # CSS selector of the headline
    date: str | None = None  # CSS selector of the element whose text holds the date
    drop: tuple[str, ...] = ()  # CSS selectors removed before extraction
    boilerplate: tuple[str, ...] = ()  # regexes: a body line matching one is dropped
    cut_after: tuple[str, ...] = ()  # regexes: a line matching one ends the body (comments...)
    source_line: str | None = None  # aggregators: selector of "Publié dans X le d - m - yyyy"
    source_link: str | None = None  # aggregators: selector of the link to the original


@dataclass(frozen=True)
class Outlet:
    """One news outlet (one edition: Hespress fr and Hespress ar are two outlets)."""

    name: str
    title: str
    home: str
    languages: tuple[str, ...]
    domains: tuple[str, ...]
    feeds: tuple[str, ...] = ()
    sitemaps: tuple[str, ...] = ()
    listings: tuple[str, ...] = ()
    article_pattern: str = ""
    exclude_pattern: str = ""
    aggregator: bool = False
    country: str = "MA"
    hints: ExtractionHints = field(default_factory=ExtractionHints)
    evidence: Mapping[str, str] = field(default_factory=dict)
    notes: str = ""
    sources: tuple[str, ...] = ()  # citations for the evidence ([evidence] sources = [...])
    page: str = ""  # the recorded test page: "real" or "model" (PAGE_KINDS)

    @property
    def discovery(self) -> tuple[str, ...]:
        """The discovery methods this outlet declares, in the order the spider uses them."""
        kinds = (("feeds", self.feeds), ("sitemaps", self.sitemaps), ("listings", self.listings))
        return tuple(name for name, urls in kinds if urls)

    def owns(self, url: str) -> bool:
        """Is this URL on one of the outlet's own domains (subdomains included)?"""
        netloc = urlsplit(url).netloc.lower()
        host = netloc.rsplit("@", 1)[-1]
        bare = host.split(":", 1)[0]
        return any(host == d or bare == d or bare.endswith("." + d) for d in self.domains)

    def is_article_url(self, url: str) -> bool:
        """Does this URL look like one of the outlet's article pages?"""
        if not self.owns(url):
            return False
        if self.exclude_pattern and re.search(self.exclude_pattern, url):
            return False
        return not self.article_pattern or re.search(self.article_pattern, url) is not None


def _tuple(table: Mapping[str, Any], key: str) -> tuple[str, ...]:
    value = table.get(key, ())
    if isinstance(value, str):
        return (value,)
    return tuple(str(v) for v in value)


def _hints(table: Mapping[str, Any]) -> ExtractionHints:
    return ExtractionHints(
        body=table.get("body"),
        title=table.get("title"),
        date=table.get("date"),
        drop=_tuple(table, "drop"),
        boilerplate=_tuple(table, "boilerplate"),
        cut_after=_tuple(table, "cut_after"),
        source_line=table.get("source_line"),
        source_link=table.get("source_link"),
    )


def _check_patterns(name: str, *patterns: str) -> None:
    for pattern in patterns:
        try:
            re.compile(pattern)
        except re.error as exc:
            raise OutletError(
                f"outlet {name!r}: bad regular expression {pattern!r}: {exc}"
            ) from exc


def outlet_from_table(table: Mapping[str, Any], source: str = "<table>") -> Outlet:
    """Build an Outlet from one `[[outlet]]` table, with errors that name the file and key."""
    for key in ("name", "home"):
        if not table.get(key):
            raise OutletError(f"{source}: an [[outlet]] has no {key!r}")
    name, home = str(table["name"]), str(table["home"])
    if not urlsplit(home).scheme.startswith("http"):
        raise OutletError(f"{source}: outlet {name!r}: home {home!r} is not an http(s) URL")
    hints = _hints(table.get("extraction", {}))
    _check_patterns(name, table.get("article_pattern", ""), table.get("exclude_pattern", ""))
    _check_patterns(name, *hints.boilerplate, *hints.cut_after)
    evidence_table = dict(table.get("evidence", {}))
    sources = _tuple(evidence_table, "sources")
    evidence = {str(k): str(v) for k, v in evidence_table.items() if k != "sources"}
    domains = _tuple(table, "domains") or (urlsplit(home).netloc.lower(),)
    page = str(table.get("page", ""))
    if page not in PAGE_KINDS:
        raise OutletError(f"{source}: outlet {name!r}: page {page!r} is not 'real' or 'model'")
    return Outlet(
        name=name,
        title=str(table.get("title", name)),
        home=home,
        languages=_tuple(table, "languages"),
        domains=tuple(d.lower() for d in domains),
        feeds=_tuple(table, "feeds"),
        sitemaps=_tuple(table, "sitemaps"),
        listings=_tuple(table, "listings"),
        article_pattern=str(table.get("article_pattern", "")),
        exclude_pattern=str(table.get("exclude_pattern", "")),
        aggregator=bool(table.get("aggregator", False)),
        country=str(table.get("country", "MA")),
        hints=hints,
        evidence=evidence,
        notes=str(table.get("notes", "")),
        sources=sources,
        page=page,
    )


def load_file(path: Path) -> list[Outlet]:
    """All outlets declared in one TOML file."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise OutletError(f"outlet file not found: {path}") from exc
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise OutletError(f"{path}: not valid TOML: {exc}") from exc
    tables = data.get("outlet", [])
    if not isinstance(tables, list) or not tables:
        raise OutletError(f"{path}: declares no [[outlet]] table")
    return [outlet_from_table(t, str(path)) for t in tables]


def load_registry(extra_files: Iterable[Path] = (), *, shipped: bool = True) -> dict[str, Outlet]:
    """The registry by name: shipped outlets, then the user's files (which may override them)."""
    files = sorted(SHIPPED_DIR.glob("*.toml")) if shipped else []
    registry: dict[str, Outlet] = {}
    for path in [*files, *extra_files]:
        for outlet in load_file(Path(path)):
            registry[outlet.name] = outlet
    return registry


def select(registry: Mapping[str, Outlet], names: Iterable[str]) -> list[Outlet]:
    """The named outlets, or an OutletError naming the unknown ones and the known ones."""
    names = list(names)
    unknown = [n for n in names if n not in registry]
    if unknown:
        known = ", ".join(sorted(registry)) or "none"
        raise OutletError(f"unknown outlet {', '.join(map(repr, unknown))}; known: {known}")
    return [registry[n] for n in names]


def adhoc_outlet(
    *, feeds: Iterable[str] = (), sitemaps: Iterable[str] = (), listings: Iterable[str] = ()
) -> Outlet:
    """An outlet for a site crawled with no outlet file, named after its host."""
    urls = [*feeds, *sitemaps, *listings]
    if not urls:
        raise OutletError("an ad-hoc crawl needs --feed, --sitemap or --start")
    parts = urlsplit(urls[0])
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise OutletError(f"not an http(s) URL: {urls[0]!r}")
    host = parts.netloc.lower()
    bare = host.split(":", 1)[0].removeprefix("www.")
    return Outlet(
        name=bare,
        title=bare,
        home=f"{parts.scheme}://{host}/",
        languages=(),
        domains=(host if ":" in host else bare,),
        feeds=tuple(feeds),
        sitemaps=tuple(sitemaps),
        listings=tuple(listings),
        evidence={"all": "adhoc"},
    )
