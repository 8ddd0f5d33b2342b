"""`akhbar outlets`: list the outlet registry; `outlets check NAME`: test one outlet live;
`outlets record NAME` (crawler/cli/record.py): save real pages of it for the tests.

`check` is what a maintainer runs when an outlet changes its layout: it finds one article URL
through the outlet's feeds, sitemaps or listing pages, else on the site itself (robots.txt
obeyed; crawler/cli/live.py), fetches it, runs extraction, and says whether title, date, body and
language came out, and which extraction hints were ignored. With an archive, it also shows the
outlet's sources: declared, and found on the site by crawls (`discovery_sources`). A blocked
response (Cloudflare challenge, CAPTCHA, bare 403) is reported as blocked and not retried.

Exit codes of `check`: 0 all four came out, from declarations that hold · 1 some did not, or
the article pattern refuses the article's URL, or an extraction hint was ignored · 2 usage error
(unknown outlet, bad file) · 3 blocked · 4 could not fetch or found no article URL.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import click
from w3lib.encoding import html_to_unicode

from archive.db import Archive
from archive.errors import ArchiveError
from crawler.cli.live import Fetched, Walker
from crawler.cli.options import archive_option
from crawler.discovery.blocking import explain_block
from crawler.discovery.sources import VIA_LABELS
from crawler.items import Extraction
from crawler.outlets import Outlet, OutletError, load_registry, select

logger = logging.getLogger(__name__)

EXIT_OK, EXIT_INCOMPLETE, EXIT_USAGE, EXIT_BLOCKED, EXIT_UNREACHABLE = 0, 1, 2, 3, 4
LEVELS = ("verified", "reported", "unverified")  # strongest first
DISCOVERY_KEYS = ("feeds", "sitemaps", "listings")

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
        "page": outlet.page or None,
    }


@click.group(invoke_without_command=True)
@OUTLETS_OPTION
@click.option("--language", "-l", help="Only outlets publishing in this language (fr, ar, ...).")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per line.")
@click.pass_context
def outlets(
    ctx: click.Context, outlet_files: tuple[Path, ...], language: str | None, as_json: bool
) -> None:
    """List the outlet registry: name, title, languages, discovery methods, evidence level,
    recorded test page.

    Evidence: the strongest level among the outlet's feeds, sitemaps and listings, capped by
    its article pattern's: verified (in a cited public source), reported (a third party
    checked it live) or unverified (a guess). Page: the outlet's recorded test page is a real
    capture or a model built to its documented layout. See docs/outlets.md.
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
    header = ("NAME", "TITLE", "LANG", "DISCOVERY", "EVIDENCE", "PAGE")
    cells = [
        (
            r["name"],
            r["title"] + (" [aggregator]" if r["aggregator"] else ""),
            ",".join(r["languages"]),
            ",".join(r["discovery"]) or "-",
            r["evidence"],
            r["page"] or "-",
        )
        for r in rows
    ]
    widths = [max(len(str(c[i])) for c in [header, *cells]) for i in range(len(header))]
    for line in [header, *cells]:
        click.echo("  ".join(str(c).ljust(w) for c, w in zip(line, widths, strict=True)).rstrip())
    languages = sorted({lang for r in rows for lang in r["languages"]})
    click.echo(f"{len(rows)} outlets; languages: {', '.join(languages)}")


@dataclass
class CheckReport:
    """What `outlets check` found for one outlet."""

    outlet: str
    languages: tuple[str, ...]
    steps: list[str] = field(default_factory=list)
    sources: list[dict[str, Any]] = field(default_factory=list)  # from the discovery state
    url: str | None = None
    status: int | None = None
    blocked: str | None = None
    blocked_url: str | None = None
    error: str | None = None
    title: str | None = None
    published: str | None = None
    body_chars: int = 0
    language: str | None = None
    hints_missed: list[str] = field(default_factory=list)
    pattern: str = ""  # the outlet's article_pattern
    pattern_missed: bool = False  # it refuses the article's URL

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
        holds = not self.pattern_missed and not self.hints_missed
        return EXIT_OK if complete and holds else EXIT_INCOMPLETE


def first_article(walker: Walker) -> str | None:
    """The first article URL the outlet's discovery gives (one matching the pattern first)."""
    for document in walker.documents():
        if document.articles:
            return (document.matched or document.missed)[0]
    return None


def extract_page(walker: Walker, url: str) -> tuple[Fetched, Extraction] | None:
    """Fetch one page and run akhbar's extraction on it (None: not fetched)."""
    got = walker.get(url)
    if got is None:
        return None
    content_type = got.headers.get("Content-Type") or got.headers.get("content-type")
    _, html = html_to_unicode(content_type, got.body)
    from crawler.extract import extract  # the extraction stack, only when a page is checked

    return got, extract(html, url, walker.outlet)


def check_outlet(
    outlet: Outlet, *, url: str | None = None, base: str | None = None, timeout: float = 20.0
) -> CheckReport:
    """Find one article of the outlet (or take `url`), fetch it, extract it, report."""
    walker = Walker(outlet, base, timeout)
    report = CheckReport(outlet.name, outlet.languages, steps=walker.steps)
    report.pattern = outlet.article_pattern
    target = url or first_article(walker)
    if target is not None and not walker.blocked:
        report.url = target
        report.pattern_missed = bool(outlet.article_pattern) and not outlet.is_article_url(target)
        page = extract_page(walker, target)
        if page is not None:
            _fill(report, *page)
        elif not walker.blocked:
            report.error = f"could not fetch the article {target}"
    elif not walker.blocked:
        report.error = "no article URL found in the outlet's feeds, sitemaps or listings"
    if walker.blocked:
        report.blocked, report.blocked_url = walker.blocked, walker.blocked_url
        report.status = walker.blocked_status
    return report


def _fill(report: CheckReport, got: Fetched, result: Extraction) -> None:
    report.status = got.status
    article = result.article
    if article is None:
        report.steps.append(f"extraction refused the page: {result.refused}")
        return
    report.title, report.published = article.title or None, article.published
    report.body_chars, report.language = len(article.text or ""), article.language
    report.hints_missed = list(result.hints_missed)


def known_sources(outlet: Outlet, archive_path: Path) -> list[dict[str, Any]]:
    """The outlet's declared sources and those crawls found on the site, with how they did
    (from the archive's discovery state; declared ones not read yet included). None without
    an archive."""
    if not archive_path.exists():
        return []
    try:
        with Archive(archive_path, readonly=True) as archive:
            records = [asdict(r) for r in archive.discovery_sources([outlet.name])]
    except ArchiveError as exc:
        logger.warning("cannot read the discovery state of %s: %s", archive_path, exc)
        records = []
    known = {r["url"] for r in records}
    declared = [("feed", u) for u in outlet.feeds] + [("sitemap", u) for u in outlet.sitemaps]
    unread = [
        {"outlet": outlet.name, "url": url, "kind": kind, "origin": "declared", "via": "declared"}
        for kind, url in declared
        if url not in known
    ]
    return unread + records


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
@archive_option(help="The archive whose discovery state shows the feeds and sitemaps crawls found.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as one JSON object.")
def check(
    name: str,
    outlet_files: tuple[Path, ...],
    url: str | None,
    base: str | None,
    timeout: float,
    archive_path: Path,
    as_json: bool,
) -> None:
    """Fetch one article of outlet NAME live and report whether extraction still works; show
    its sources: declared, and found on the site by crawls (from the archive)."""
    outlet = _one(outlet_files, name)
    report = check_outlet(outlet, url=url, base=base, timeout=timeout)
    report.sources = known_sources(outlet, archive_path)
    if as_json:
        data = asdict(report) | {"exit_code": report.exit_code}
        click.echo(json.dumps(data, ensure_ascii=False))
    else:
        _print_report(outlet, report)
    raise SystemExit(report.exit_code)


def _one(outlet_files: tuple[Path, ...], name: str) -> Outlet:
    registry = _load(outlet_files)
    try:
        (outlet,) = select(registry, [name])
    except OutletError as exc:
        raise click.BadParameter(str(exc), param_hint="NAME") from exc
    return outlet


def _mark(ok: object) -> str:
    return "ok     " if ok else "MISSING"


def _print_report(outlet: Outlet, report: CheckReport) -> None:
    click.echo(f"outlet    {outlet.name} ({outlet.title})")
    for source in report.sources:
        click.echo(f"source    {describe_source(source)}")
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
    if report.pattern_missed:
        click.echo(f"pattern   MISSED  article_pattern '{report.pattern}' refuses this URL")
    for hint in report.hints_missed:
        click.echo(f"hint      IGNORED {hint} (matched nothing, or would drop the body)")
    verdict = "OK" if report.exit_code == EXIT_OK else "INCOMPLETE"
    click.echo(f"result    {verdict}")


def describe_source(source: Mapping[str, Any]) -> str:
    """`declared feed URL: ok, last read …` / `found    sitemap URL (robots.txt): …`."""
    via = "" if source["origin"] == "declared" else f" ({VIA_LABELS.get(source['via'], '')})"
    head = f"{source['origin']:<8} {source['kind']} {source['url']}{via}"
    failures = source.get("failures")
    if failures is None:
        return f"{head}: not read by a crawl yet"
    if failures:
        runs = f"{failures} run{'s' if failures != 1 else ''} in a row"
        tried = source["last_tried_at"]
        return f"{head}: FAILING ({source['last_error']}, {runs}; last tried {tried})"
    return f"{head}: ok (last read {source['last_ok_at']})"
