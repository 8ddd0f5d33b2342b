"""The outlet registry: outlets declared as data (TOML), loaded into frozen dataclasses.

Shipped outlets live beside this module, in `crawler/outlets/*.toml`; a user adds their own with
`--outlets FILE`.
Every file holds one or more `[[outlet]]` tables; see docs/outlets.md for every key. Imports nothing
else of akhbar: every other package may use it.
"""

from __future__ import annotations

import difflib
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import regex

from crawler.outlets.patterns import user_pattern

SHIPPED_DIR = Path(__file__).parent
EVIDENCE_LEVELS = ("verified", "reported", "unverified", "fixture")
# The only schemes akhbar fetches, from any source of links (feeds, sitemaps, listings, redirects).
WEB_SCHEMES = frozenset({"http", "https"})
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
        """Is this an http(s) URL on one of the outlet's own domains (subdomains included; a
        domain written with a port owns that port only)?"""
        try:
            parts = urlsplit(url)
            port = parts.port
        except ValueError:  # "http://[::1", a port past 65535
            return False
        host = parts.hostname or ""
        if parts.scheme.lower() not in WEB_SCHEMES or not host:
            return False
        for domain in self.domains:
            domain_host, domain_port = _domain_parts(domain)
            if domain_port is not None and domain_port != port:
                continue
            if host == domain_host or host.endswith("." + domain_host):
                return True
        return False

    def is_article_url(self, url: str) -> bool:
        """Does this URL look like one of the outlet's article pages?"""
        if not self.owns(url):
            return False
        if self.exclude_pattern and user_pattern(self.exclude_pattern).search(url):
            return False
        pattern = self.article_pattern
        return not pattern or user_pattern(pattern).search(url) is not None


@lru_cache(maxsize=256)
def _domain_parts(domain: str) -> tuple[str, int | None]:
    """`example.com` -> (example.com, None); `127.0.0.1:8080` and `[::1]:8080` with the port."""
    if domain.count(":") > 1 and not domain.startswith("["):
        return domain, None  # a bare IPv6 address
    try:
        parts = urlsplit(f"//{domain}")
        return parts.hostname or domain, parts.port
    except ValueError:
        return domain, None


def web_url_problem(url: str) -> str | None:
    """Why `url` is no URL akhbar may fetch (None: an http(s) URL with a host and valid port)."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - parsing the port is the check: it raises past 65535
    except ValueError as exc:
        return f"not a valid URL ({exc})"
    if parts.scheme.lower() not in WEB_SCHEMES:
        return "not an http(s) URL"
    if not parts.hostname:
        return "not a URL with a host"
    return None


class _Table:
    """One TOML table read with type checks: a wrong type is an OutletError naming the key."""

    def __init__(self, data: object, where: str) -> None:
        if not isinstance(data, Mapping):
            raise OutletError(f"{where} must be a table, not {_type_name(data)}")
        self.data, self.where = data, where

    def text(self, key: str, default: str = "") -> str:
        value = self.data.get(key, default)
        if not isinstance(value, str):
            raise OutletError(f"{self.where}: {key!r} must be a string, not {_type_name(value)}")
        return value

    def optional(self, key: str) -> str | None:
        return self.text(key) if key in self.data else None

    def texts(self, key: str) -> tuple[str, ...]:
        value = self.data.get(key, ())
        if isinstance(value, str):
            return (value,)
        if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
            raise OutletError(f"{self.where}: {key!r} must be a list of strings")
        return tuple(value)

    def flag(self, key: str) -> bool:
        value = self.data.get(key, False)
        if not isinstance(value, bool):
            raise OutletError(f"{self.where}: {key!r} must be true or false")
        return value

    def table(self, key: str) -> _Table:
        return _Table(self.data.get(key, {}), f"{self.where}: [{key}]")

    def urls(self, key: str) -> tuple[str, ...]:
        urls = self.texts(key)
        for url in urls:
            problem = web_url_problem(url)
            if problem:
                raise OutletError(f"{self.where}: {key} {url!r} is {problem}")
        return urls


def _type_name(value: object) -> str:
    return {str: "a string", int: "a number", float: "a number", bool: "true/false",
            list: "a list", dict: "a table"}.get(type(value), type(value).__name__)  # fmt: skip


def _hints(table: _Table) -> ExtractionHints:
    return ExtractionHints(
        body=table.optional("body"),
        title=table.optional("title"),
        date=table.optional("date"),
        drop=table.texts("drop"),
        boilerplate=table.texts("boilerplate"),
        cut_after=table.texts("cut_after"),
        source_line=table.optional("source_line"),
        source_link=table.optional("source_link"),
    )


def _check_patterns(where: str, *patterns: str) -> None:
    for pattern in patterns:
        try:
            user_pattern(pattern)
        except regex.error as exc:
            raise OutletError(f"{where}: bad regular expression {pattern!r}: {exc}") from exc


def outlet_from_table(table: Mapping[str, Any], source: str = "<table>") -> Outlet:
    """Build an Outlet from one `[[outlet]]` table, with errors that name the file and key."""
    raw = _Table(table, f"{source}: an [[outlet]]")
    for key in ("name", "home"):
        if not raw.text(key):
            raise OutletError(f"{source}: an [[outlet]] has no {key!r}")
    name = raw.text("name")
    values = _Table(table, f"{source}: outlet {name!r}")
    home = values.urls("home")[0]
    hints = _hints(values.table("extraction"))
    _check_patterns(values.where, values.text("article_pattern"), values.text("exclude_pattern"))
    _check_patterns(values.where, *hints.boilerplate, *hints.cut_after)
    evidence_table = values.table("evidence")
    evidence = {str(k): str(v) for k, v in evidence_table.data.items() if k != "sources"}
    domains = values.texts("domains") or (urlsplit(home).netloc.lower(),)
    page = values.text("page")
    if page not in PAGE_KINDS:
        raise OutletError(f"{values.where}: page {page!r} is not 'real' or 'model'")
    return Outlet(
        name=name,
        title=values.text("title", name),
        home=home,
        languages=values.texts("languages"),
        domains=tuple(d.lower() for d in domains),
        feeds=values.urls("feeds"),
        sitemaps=values.urls("sitemaps"),
        listings=values.urls("listings"),
        article_pattern=values.text("article_pattern"),
        exclude_pattern=values.text("exclude_pattern"),
        aggregator=values.flag("aggregator"),
        country=values.text("country", "MA"),
        hints=hints,
        evidence=evidence,
        notes=values.text("notes"),
        sources=evidence_table.texts("sources"),
        page=page,
    )


def load_file(path: Path) -> list[Outlet]:
    """All outlets declared in one TOML file."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise OutletError(f"outlet file not found: {path}") from exc
    except IsADirectoryError as exc:
        raise OutletError(f"{path} is a folder: give an outlet TOML file") from exc
    except OSError as exc:
        raise OutletError(f"cannot read outlet file {path}: {exc.strerror or exc}") from exc
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
    """The named outlets, or an OutletError naming the unknown ones and the nearest known names."""
    names = list(names)
    unknown = [n for n in names if n not in registry]
    if unknown:
        raise OutletError(unknown_outlets(unknown, registry, "`akhbar outlets` lists them all"))
    return [registry[n] for n in names]


def unknown_outlets(unknown: Iterable[str], known: Iterable[str], where: str) -> str:
    """`unknown outlet 'hespres-fr' (did you mean 'hespress-fr'?); <where>`: the close names
    only, never the whole list (a typo among 38 names is found by eye in none of them)."""
    names = sorted(set(known))
    described = []
    for name in unknown:
        close = difflib.get_close_matches(name, names, n=3, cutoff=0.6)
        hint = f" (did you mean {' or '.join(map(repr, close))}?)" if close else ""
        described.append(f"{name!r}{hint}")
    noun = "outlet" if len(described) == 1 else "outlets"
    return f"unknown {noun} {', '.join(described)}; {where}"


def adhoc_outlet(
    *, feeds: Iterable[str] = (), sitemaps: Iterable[str] = (), listings: Iterable[str] = ()
) -> Outlet:
    """An outlet for a site crawled with no outlet file, named after its host."""
    urls = [*feeds, *sitemaps, *listings]
    if not urls:
        raise OutletError("an ad-hoc crawl needs --feed, --sitemap or --start")
    for url in urls:
        problem = web_url_problem(url)
        if problem:
            raise OutletError(f"{problem}: {url!r}")
    parts = urlsplit(urls[0])
    hostname = parts.hostname or ""
    host = f"[{hostname}]" if ":" in hostname else hostname
    netloc = f"{host}:{parts.port}" if parts.port is not None else host
    bare = hostname.removeprefix("www.")
    return Outlet(
        name=bare,
        title=bare,
        home=f"{parts.scheme.lower()}://{netloc}/",
        languages=(),
        domains=(netloc if parts.port is not None else bare,),
        feeds=tuple(feeds),
        sitemaps=tuple(sitemaps),
        listings=tuple(listings),
        evidence={"all": "adhoc"},
    )
