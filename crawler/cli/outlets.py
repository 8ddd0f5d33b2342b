"""`akhbar outlets`: list the outlet registry; `akhbar outlets check NAME`: test one outlet live.

`check` is what a maintainer runs when an outlet changes its layout: it finds one article URL
through the outlet's feeds, sitemaps or listing pages (robots.txt obeyed), fetches it, runs
extraction, and says whether title, date, body and language came out. A blocked response
(Cloudflare challenge, CAPTCHA, bare 403) is reported as blocked and not retried.

Exit codes of `check`: 0 all four came out · 1 some did not · 2 usage error (unknown outlet,
bad file) · 3 blocked · 4 could not fetch or found no article URL.
"""

from __future__ import annotations

import json
import logging
import urllib.error
import urllib.request
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import click
from protego import Protego
from w3lib.encoding import html_to_unicode

from crawler.discovery import feeds as discovery
from crawler.discovery.blocking import detect_block, explain_block
from crawler.outlets import Outlet, OutletError, load_registry, select

logger = logging.getLogger(__name__)

EXIT_OK, EXIT_INCOMPLETE, EXIT_USAGE, EXIT_BLOCKED, EXIT_UNREACHABLE = 0, 1, 2, 3, 4
LEVELS = ("verified", "reported", "unverified")  # strongest first
DISCOVERY_KEYS = ("feeds", "sitemaps", "listings")
MAX_BYTES = 10 * 1024 * 1024
MAX_CHILD_SITEMAPS = 3

OUTLETS_OPTION = click.option(
    "--outlets",
    "outlet_files",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="An extra outlet TOML file (repeatable); its outlets override shipped ones.",
)


def evidence_level(outlet: Outlet) -> str:
    """How well-founded the outlet's discovery is: the strongest level among its feeds,
    sitemaps and listings (one working method is enough), capped by its article pattern's."""
    found = [outlet.evidence.get(k, "unverified") for k in DISCOVERY_KEYS if getattr(outlet, k)]
    pattern = outlet.evidence.get("article_pattern", "unverified")
    odd = [level for level in [*found, pattern] if level not in LEVELS]  # "fixture", "adhoc"
    if odd:
        return odd[0]
    best = min(found, key=LEVELS.index) if found else "unverified"
    return max(best, pattern, key=LEVELS.index)


def _load(files: Iterable[Path]) -> dict[str, Outlet]:
    try:
        return load_registry(list(files))
    except OutletError as exc:
        raise click.UsageError(str(exc)) from exc


def _row(outlet: Outlet) -> dict[str, Any]:
    return {
        "name": outlet.name,
        "title": outlet.title,
        "languages": list(outlet.languages),
        "discovery": list(outlet.discovery),
        "evidence": evidence_level(outlet),
        "aggregator": outlet.aggregator,
        "home": outlet.home,
    }


@click.group(invoke_without_command=True)
@OUTLETS_OPTION
@click.option("--language", "-l", help="Only outlets publishing in this language (fr, ar, ...).")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per line.")
@click.pass_context
def outlets(
    ctx: click.Context, outlet_files: tuple[Path, ...], language: str | None, as_json: bool
) -> None:
    """List the outlet registry: name, title, languages, discovery methods, evidence level.

    Evidence: the strongest level among the outlet's feeds, sitemaps and listings, capped by
    its article pattern's: verified (in a cited public source), reported (a third party
    checked it live) or unverified (a guess). See docs/outlets.md.
    """
    if ctx.invoked_subcommand is not None:
        return
    rows = [_row(o) for o in _load(outlet_files).values()]
    if language:
        rows = [r for r in rows if language in r["languages"]]
    rows.sort(key=lambda r: r["name"])
    if as_json:
        for row in rows:
            click.echo(json.dumps(row, ensure_ascii=False))
        return
    _print_table(rows)


def _print_table(rows: list[dict[str, Any]]) -> None:
    header = ("NAME", "TITLE", "LANG", "DISCOVERY", "EVIDENCE")
    cells = [
        (
            r["name"],
            r["title"] + (" [aggregator]" if r["aggregator"] else ""),
            ",".join(r["languages"]),
            ",".join(r["discovery"]) or "-",
            r["evidence"],
        )
        for r in rows
    ]
    widths = [max(len(str(c[i])) for c in [header, *cells]) for i in range(len(header))]
    for line in [header, *cells]:
        click.echo("  ".join(str(c).ljust(w) for c, w in zip(line, widths, strict=True)).rstrip())
    languages = sorted({lang for r in rows for lang in r["languages"]})
    click.echo(f"{len(rows)} outlets; languages: {', '.join(languages)}")


@dataclass(frozen=True)
class Fetched:
    url: str
    status: int
    headers: Mapping[str, str]
    body: bytes


@dataclass
class CheckReport:
    """What `outlets check` found for one outlet."""

    outlet: str
    languages: tuple[str, ...]
    steps: list[str] = field(default_factory=list)
    url: str | None = None
    status: int | None = None
    blocked: str | None = None
    blocked_url: str | None = None
    error: str | None = None
    title: str | None = None
    published: str | None = None
    body_chars: int = 0
    language: str | None = None

    @property
    def language_ok(self) -> bool:
        return bool(self.language) and (not self.languages or self.language in self.languages)

    @property
    def exit_code(self) -> int:
        if self.blocked:
            return EXIT_BLOCKED
        if self.error:
            return EXIT_UNREACHABLE
        complete = self.title and self.published and self.body_chars and self.language_ok
        return EXIT_OK if complete else EXIT_INCOMPLETE


def user_agent() -> str:
    from crawler import settings

    return str(getattr(settings, "USER_AGENT", "akhbar (news archiver)"))


def fetch(url: str, timeout: float = 20.0) -> Fetched:
    """GET one URL; HTTP errors come back as a Fetched (their status matters), not raised."""
    request = urllib.request.Request(url, headers={"User-Agent": user_agent()})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return Fetched(
                response.geturl(), response.status, dict(response.headers), response.read(MAX_BYTES)
            )
    except urllib.error.HTTPError as exc:
        body = exc.read(MAX_BYTES) if exc.fp else b""
        return Fetched(url, exc.code, dict(exc.headers or {}), body)


def rebase(url: str, base: str | None) -> str:
    """The URL with its scheme and host replaced by `base` (a local mirror), path kept."""
    if not base:
        return url
    parts, new = urlsplit(url), urlsplit(base)
    return urlunsplit((new.scheme, new.netloc, parts.path, parts.query, ""))


class _Checker:
    """Walks an outlet's discovery documents to one article URL, then extracts it."""

    def __init__(self, outlet: Outlet, base: str | None, timeout: float) -> None:
        self.outlet, self.base, self.timeout = outlet, base, timeout
        self.report = CheckReport(outlet.name, outlet.languages)
        self._robots: dict[str, Protego | None] = {}

    def get(self, url: str) -> Fetched | None:
        """Fetch (robots.txt obeyed); None and a recorded reason when blocked or refused."""
        if not self._allowed(url):
            self.report.steps.append(f"robots.txt disallows {url}")
            return None
        try:
            got = fetch(rebase(url, self.base), self.timeout)
        except (urllib.error.URLError, OSError, ValueError) as exc:
            self.report.steps.append(f"cannot fetch {url}: {exc}")
            return None
        kind = detect_block(got.status, got.headers, got.body)
        if kind:
            self.report.blocked, self.report.blocked_url = kind, url
            self.report.status = got.status
            return None
        if got.status != 200:
            self.report.steps.append(f"HTTP {got.status} for {url}")
            return None
        return got

    def _allowed(self, url: str) -> bool:
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        if origin not in self._robots:
            self._robots[origin] = self._read_robots(origin)
        robots = self._robots[origin]
        return robots is None or robots.can_fetch(url, user_agent())

    def _read_robots(self, origin: str) -> Protego | None:
        try:
            got = fetch(rebase(origin + "/robots.txt", self.base), self.timeout)
        except (urllib.error.URLError, OSError, ValueError):
            return None
        if got.status != 200:
            return None
        return Protego.parse(got.body.decode("utf-8", "replace"))

    def first_article(self) -> str | None:
        sources = [
            *(("feed", u) for u in self.outlet.feeds),
            *(("sitemap", u) for u in self.outlet.sitemaps),
            *(("listing", u) for u in self.outlet.listings),
        ]
        for kind, url in sources:
            links = self._links(kind, url)
            if self.report.blocked:
                return None
            articles = [link for link in links if self.outlet.is_article_url(link)]
            self.report.steps.append(
                f"{kind} {url}: {len(links)} links, {len(articles)} article URLs"
            )
            if articles:
                return articles[0]
        return None

    def _links(self, kind: str, url: str, depth: int = 0) -> list[str]:
        got = self.get(url)
        if got is None:
            return []
        body = discovery.maybe_gunzip(got.body)
        if kind == "listing":
            return list(discovery.parse_listing(body, url).articles)
        doc = discovery.parse_sitemap(body)
        if doc.kind == "urlset":
            return [e.url for e in doc.entries]
        if doc.kind == "sitemapindex" and depth == 0:
            links: list[str] = []
            for entry in doc.entries[:MAX_CHILD_SITEMAPS]:
                links += self._links("sitemap", entry.url, depth + 1)
                if self.report.blocked:
                    break
            return links
        return discovery.parse_feed(body, url)

    def extract(self, url: str) -> None:
        self.report.url = url
        got = self.get(url)
        if got is None:
            if not self.report.blocked:
                self.report.error = f"could not fetch the article {url}"
            return
        self.report.status = got.status
        content_type = got.headers.get("Content-Type") or got.headers.get("content-type")
        _, html = html_to_unicode(content_type, got.body)
        from crawler.extract import extract

        result = extract(html, url, self.outlet)
        article = result.article
        if article is None:
            self.report.steps.append(f"extraction refused the page: {result.refused}")
            return
        self.report.title, self.report.published = article.title or None, article.published
        self.report.body_chars, self.report.language = len(article.text or ""), article.language


def check_outlet(
    outlet: Outlet, *, url: str | None = None, base: str | None = None, timeout: float = 20.0
) -> CheckReport:
    """Find one article of the outlet (or take `url`), fetch it, extract it, report."""
    checker = _Checker(outlet, base, timeout)
    target = url or checker.first_article()
    if checker.report.blocked:
        return checker.report
    if target is None:
        checker.report.error = "no article URL found in the outlet's feeds, sitemaps or listings"
        return checker.report
    checker.extract(target)
    return checker.report


@outlets.command("check")
@click.argument("name")
@OUTLETS_OPTION
@click.option("--url", help="Check this article URL instead of discovering one.")
@click.option(
    "--base",
    help="Fetch from this base URL instead (a local mirror, e.g. http://127.0.0.1:8000): "
    "paths are kept, article patterns still see the outlet's own URLs.",
)
@click.option("--timeout", type=float, default=20.0, show_default=True, help="Seconds per request.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as one JSON object.")
def check(
    name: str,
    outlet_files: tuple[Path, ...],
    url: str | None,
    base: str | None,
    timeout: float,
    as_json: bool,
) -> None:
    """Fetch one article of outlet NAME live and report whether extraction still works."""
    registry = _load(outlet_files)
    try:
        (outlet,) = select(registry, [name])
    except OutletError as exc:
        raise click.BadParameter(str(exc), param_hint="NAME") from exc
    report = check_outlet(outlet, url=url, base=base, timeout=timeout)
    if as_json:
        data = asdict(report) | {"exit_code": report.exit_code}
        click.echo(json.dumps(data, ensure_ascii=False))
    else:
        _print_report(outlet, report)
    raise SystemExit(report.exit_code)


def _mark(ok: object) -> str:
    return "ok     " if ok else "MISSING"


def _print_report(outlet: Outlet, report: CheckReport) -> None:
    click.echo(f"outlet    {outlet.name} ({outlet.title})")
    for step in report.steps:
        click.echo(f"step      {step}")
    if report.blocked:
        click.echo(
            f"blocked   {report.blocked}: {explain_block(report.blocked)}, "
            f"HTTP {report.status} at {report.blocked_url}"
        )
        click.echo("result    BLOCKED (not retried; see docs/outlets.md, 'Blocked outlets')")
        return
    if report.error:
        click.echo(f"result    UNREACHABLE: {report.error}")
        return
    click.echo(f"article   {report.url} (HTTP {report.status})")
    click.echo(f"title     {_mark(report.title)} {report.title or ''}")
    click.echo(f"date      {_mark(report.published)} {report.published or ''}")
    click.echo(f"body      {_mark(report.body_chars)} {report.body_chars} characters")
    declared = ",".join(report.languages) or "any"
    lang = f"{report.language or ''} (declared {declared})"
    click.echo(f"language  {_mark(report.language_ok)} {lang}")
    verdict = "OK" if report.exit_code == EXIT_OK else "INCOMPLETE"
    click.echo(f"result    {verdict}")
