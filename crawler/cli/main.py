"""`akhbar`: the command line. Thin: parse options, call the library, print, exit with a code.

Exit codes: 0 ok · 2 usage error · 3 some outlets failed · 4 could not run · 5 interrupted
(SIGTERM) · 75 another crawl holds the archive (cron: try again later).
"""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path
from typing import Any

import click

from archive.db import Archive
from archive.errors import ArchiveError
from archive.records import OutletRunRecord
from crawler.cli.options import ARCHIVE_OPTION, archive_option
from crawler.outlets import Outlet, OutletError, adhoc_outlet, load_registry, select
from crawler.run import health
from crawler.run.crawl import (
    EXIT_CANNOT_RUN,
    EXIT_LOCKED,
    CrawlReport,
    CrawlRequest,
    run_crawl,
)
from crawler.run.lock import ArchiveLocked, crawl_lock


def fail(message: str, code: int = EXIT_CANNOT_RUN) -> None:
    click.echo(f"Error: {message}", err=True)
    sys.exit(code)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="akhbar")
def cli() -> None:
    """akhbar: crawl news outlets into a clean, deduplicated SQLite archive."""


def _overrides(pairs: tuple[str, ...]) -> dict[str, str]:
    overrides = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name:
            raise click.BadParameter(f"{pair!r} is not NAME=VALUE", param_hint="--set")
        overrides[name.strip()] = value
    return overrides


def _check_can_run(request: CrawlRequest) -> None:
    """Fail fast, before any download or archive access, on bad outlets or a missing directory."""
    registry = load_registry(request.outlet_files)
    select(registry, request.outlets)
    if not (
        request.outlets
        or request.outlet_files
        or request.feeds
        or request.sitemaps
        or request.starts
    ):
        raise OutletError(
            "nothing to crawl: name outlets (see `akhbar outlets`), "
            "or give --feed, --sitemap or --start"
        )
    if request.feeds or request.sitemaps or request.starts:
        adhoc_outlet(feeds=request.feeds, sitemaps=request.sitemaps, listings=request.starts)
    parent = request.archive.parent
    if not parent.is_dir():
        raise OutletError(
            f"cannot open archive {request.archive}: directory {parent} does not exist"
        )


@cli.command()
@click.argument("outlets", nargs=-1)
@ARCHIVE_OPTION
@click.option(
    "--outlets",
    "outlet_files",
    multiple=True,
    type=click.Path(path_type=Path),
    help="An outlet TOML file of your own (repeatable).",
)
@click.option("--feed", "feeds", multiple=True, help="Ad hoc: crawl this RSS/Atom feed's site.")
@click.option("--sitemap", "sitemaps", multiple=True, help="Ad hoc: crawl this sitemap's site.")
@click.option(
    "--start", "starts", multiple=True, help="Ad hoc: walk this listing page and its pagination."
)
@click.option("--refresh", is_flag=True, help="Download article URLs even if already archived.")
@click.option(
    "--set",
    "settings",
    multiple=True,
    metavar="NAME=VALUE",
    help="Override a Scrapy/akhbar setting.",
)
@click.option(
    "--warc",
    "warc_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Keep every response in gzipped WARC files in this directory.",
)
@click.option(
    "--redis",
    "redis_url",
    metavar="URL",
    help="Distributed crawl: share the frontier through this Redis (see docs/scale.md).",
)
@click.option(
    "--log-file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the full crawl log here.",
)
@click.option(
    "-q", "--quiet", is_flag=True, help="Print nothing unless something went wrong (for cron)."
)
@click.option("-v", "--verbose", is_flag=True, help="Log progress at INFO level.")
def crawl(
    outlets: tuple[str, ...],
    archive_path: Path,
    outlet_files: tuple[Path, ...],
    feeds: tuple[str, ...],
    sitemaps: tuple[str, ...],
    starts: tuple[str, ...],
    refresh: bool,
    settings: tuple[str, ...],
    warc_dir: Path | None,
    redis_url: str | None,
    log_file: Path | None,
    quiet: bool,
    verbose: bool,
) -> None:
    """Crawl OUTLETS (names from `akhbar outlets`) or an ad-hoc site into the archive."""
    overrides: dict[str, Any] = _overrides(settings)
    # A log file records the whole run; on the terminal only warnings show unless -v.
    quiet_level = "INFO" if log_file else "WARNING"
    overrides["LOG_LEVEL"] = "INFO" if verbose else overrides.get("LOG_LEVEL", quiet_level)
    overrides["AKHBAR_COMMAND"] = "akhbar crawl " + " ".join(sys.argv[2:])
    if log_file:
        overrides["LOG_FILE"] = str(log_file)
    if warc_dir:
        overrides["WARC_DIR"] = str(warc_dir)
    if redis_url:
        overrides["REDIS_URL"] = redis_url
    request = CrawlRequest(
        archive=archive_path,
        outlets=outlets,
        outlet_files=outlet_files,
        feeds=feeds,
        sitemaps=sitemaps,
        starts=starts,
        refresh=refresh,
        overrides=overrides,
    )
    report = _locked_crawl(request)
    if not (quiet and report.status == "ok"):
        print_report(report, archive_path)
    sys.exit(report.exit_code)


def _locked_crawl(request: CrawlRequest) -> CrawlReport:
    try:
        _check_can_run(request)
        # The lock comes first: a second crawl must not even open the archive a running one writes.
        with crawl_lock(request.archive):
            Archive(request.archive).close()
            return run_crawl(request)
    except ArchiveLocked as exc:
        fail(str(exc), EXIT_LOCKED)
    except (OutletError, ArchiveError, OSError) as exc:
        fail(str(exc))
    raise AssertionError("unreachable")


COLUMNS = (
    ("fetched", "pages_fetched"),
    ("new", "articles_new"),
    ("dup", "articles_duplicate"),
    ("revised", "articles_revised"),
    ("refused", "pages_refused"),
    ("skipped", "requests_skipped_known"),
    ("queued", "articles_queued"),
)


def print_report(report: CrawlReport, archive_path: Path) -> None:
    width = max([len(s.outlet) for s in report.outlets] + [6])
    # the queued column only matters for distributed workers (--redis)
    columns = [
        (label, key)
        for label, key in COLUMNS
        if key != "articles_queued" or any(s.counters.get(key) for s in report.outlets)
    ]
    header = "outlet".ljust(width) + "".join(f"{label:>9}" for label, _ in columns) + "   errors"
    click.echo(header)
    for summary in report.outlets:
        cells = "".join(f"{summary.counters.get(key, 0):>9}" for _, key in columns)
        errors = ", ".join(f"{k}={v}" for k, v in sorted(summary.errors.items())) or "-"
        click.echo(f"{summary.outlet.ljust(width)}{cells}   {errors}")
    failed = (
        f"; failed outlets: {', '.join(report.failed_outlets)}" if report.failed_outlets else ""
    )
    click.echo(
        f"run {report.run_id}: {report.status} ({report.finish_reason}){failed} -> {archive_path}"
    )


@cli.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--url", required=True, help="The URL the page was fetched from.")
@click.option(
    "--outlet", "outlet_name", help="Use this outlet's hints (default: the outlet owning URL)."
)
@click.option(
    "--outlets",
    "outlet_files",
    multiple=True,
    type=click.Path(path_type=Path),
    help="An outlet TOML file of your own.",
)
def extract(file: Path, url: str, outlet_name: str | None, outlet_files: tuple[Path, ...]) -> None:
    """Print the article in FILE as one JSON object, or `null` if it is not an article."""
    from crawler.extract import extract_article
    from crawler.scale.worker import decode_html

    try:
        outlet = _outlet_for(url, outlet_name, outlet_files)
    except OutletError as exc:
        fail(str(exc))
    article = extract_article(decode_html(file.read_bytes(), None), url, outlet)
    click.echo(json.dumps(article.to_dict() if article else None, ensure_ascii=False, indent=2))


def _outlet_for(url: str, name: str | None, files: tuple[Path, ...]) -> Outlet | None:
    registry = load_registry(files)
    if name:
        return select(registry, [name])[0]
    owners = [o for o in registry.values() if o.owns(url)]
    matching = [o for o in owners if o.is_article_url(url)]
    candidates = matching or owners
    return candidates[0] if candidates else None


@cli.command()
@archive_option(Path("demo-archive.db"), "The archive the demo writes.")
@click.option("-v", "--verbose", is_flag=True, help="Log the crawl at INFO level.")
def demo(archive_path: Path, verbose: bool) -> None:
    """Crawl the bundled sample site (offline, on 127.0.0.1) into a demo archive."""
    from crawler.demo.server import start_demo_site

    site = start_demo_site()
    try:
        names = sorted(load_registry([site.outlets_file], shipped=False))
        click.echo(f"Sample site: {len(names)} outlets on 127.0.0.1 ({', '.join(names)})")
        request = CrawlRequest(
            archive=archive_path,
            outlets=names,
            outlet_files=[site.outlets_file],
            overrides={
                "LOG_LEVEL": "INFO" if verbose else "WARNING",
                "AKHBAR_COMMAND": "akhbar demo",
                "AUTOTHROTTLE_ENABLED": False,
            },
        )
        report = _locked_crawl(request)
    finally:
        site.stop()
    print_report(report, archive_path)
    with Archive(archive_path) as archive:
        stats = archive.stats()
    click.echo(
        f"\nThe archive holds {stats.articles} articles from {len(stats.by_outlet)} outlets."
    )
    click.echo(f"Browse it:  akhbar serve --archive {archive_path}")
    click.echo(f"Export it:  akhbar export --archive {archive_path} --format jsonl out.jsonl")
    sys.exit(report.exit_code)


@cli.command()
@ARCHIVE_OPTION
@click.option("--runs", "limit", default=5, show_default=True, help="Recent runs shown per outlet.")
@click.argument("outlets", nargs=-1)
def status(archive_path: Path, limit: int, outlets: tuple[str, ...]) -> None:
    """Each outlet's recent runs: pages fetched, articles new/duplicate, refusals, errors."""
    records = _outlet_runs(archive_path, limit * 50)
    grouped = health.by_outlet(r for r in records if not outlets or r.outlet in outlets)
    if not grouped:
        click.echo("No runs recorded yet.")
        return
    click.echo(
        f"{'outlet':<16}{'run':>5}  {'finished':<20}"
        f"{'fetched':>8}{'new':>6}{'dup':>6}{'refused':>8}  errors"
    )
    for outlet, runs in grouped.items():
        for run in runs[:limit]:
            c = run.counters
            errors = ", ".join(f"{k}={v}" for k, v in sorted(run.errors.items())) or "-"
            click.echo(
                f"{outlet:<16}{run.run_id:>5}  {(run.finished_at or 'running')[:19]:<20}"
                f"{c.get('pages_fetched', 0):>8}{c.get('articles_new', 0):>6}"
                f"{c.get('articles_duplicate', 0):>6}{c.get('pages_refused', 0):>8}  {errors}"
            )


@cli.command()
@ARCHIVE_OPTION
def check(archive_path: Path) -> None:
    """Exit non-zero, naming the outlet, when a crawl looks broken (for monitoring)."""
    findings = health.check(_outlet_runs(archive_path, 1000))
    for finding in findings:
        click.echo(f"{finding.outlet}: {finding.problem}: {finding.detail}")
    if findings:
        sys.exit(1)
    click.echo("All outlets look healthy.")


def _outlet_runs(archive_path: Path, limit: int) -> list[OutletRunRecord]:
    if not archive_path.exists():
        fail(f"no archive at {archive_path}")
    try:
        with Archive(archive_path, readonly=True) as archive:
            return archive.outlet_runs(limit=limit)
    except ArchiveError as exc:
        fail(str(exc))
    raise AssertionError("unreachable")


def _mount_optional_commands() -> None:
    """Commands owned by other modules: archive browsing/export, the outlet registry."""
    from crawler.cli.archive import ARCHIVE_COMMANDS
    from crawler.cli.bench import bench
    from crawler.cli.outlets import outlets
    from crawler.cli.record import record

    outlets.add_command(record)
    from crawler.cli.scale import SCALE_COMMANDS

    for command in [*ARCHIVE_COMMANDS, *SCALE_COMMANDS, outlets, bench]:
        cli.add_command(command)


_mount_optional_commands()


def main() -> None:
    logging.captureWarnings(True)
    cli()
