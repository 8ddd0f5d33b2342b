"""`akhbar`: the command line. Thin: parse options, call the library, print, exit with a code.

Exit codes (crawler/run/exits.py, printed by every `--help`): 0 ok · 1 `check` found a problem ·
2 usage error · 3 some outlets failed · 4 could not run · 5 interrupted · 75 archive locked.
"""

from __future__ import annotations

import json
import logging
import shutil
import sys
import traceback
from pathlib import Path
from typing import Any

import click

from archive.db import Archive, check_openable
from archive.errors import ArchiveError
from archive.timeutil import utc_now
from crawler.cli.errors import AkhbarGroup, CannotRun, Locked, exit_codes_help, fail, printable
from crawler.cli.options import (
    ARCHIVE_OPTION,
    archive_option,
    check_outlets,
    on_terminal,
    opened,
)
from crawler.cli.progress import LiveProgress
from crawler.outlets import (
    Outlet,
    OutletError,
    adhoc_outlet,
    load_registry,
    select,
    web_url_problem,
)
from crawler.run import health
from crawler.run.crawl import CrawlReport, CrawlRequest, run_crawl
from crawler.run.errors import describe_failure
from crawler.run.exits import EXIT_PROBLEM
from crawler.run.lock import ArchiveLocked


@click.group(
    cls=AkhbarGroup,
    context_settings={"help_option_names": ["-h", "--help"]},
    epilog=exit_codes_help(),
)
@click.version_option(package_name="akhbar")
def cli() -> None:
    """akhbar: crawl news outlets into a clean, deduplicated SQLite archive.

    Every command that reads or writes an archive takes --archive PATH (default: $AKHBAR_ARCHIVE,
    else ./archive.db).
    """


def usage_error(message: str) -> click.UsageError:
    return click.UsageError(message, click.get_current_context(silent=True))


def _overrides(pairs: tuple[str, ...]) -> dict[str, str]:
    overrides = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name:
            raise click.BadParameter(f"{pair!r} is not NAME=VALUE", param_hint="--set")
        if name.strip() == "ARCHIVE_PATH":  # the lock, the checks and the report follow --archive
            raise click.BadParameter("choose the archive with --archive PATH", param_hint="--set")
        overrides[name.strip()] = value
    return overrides


def _check_can_run(request: CrawlRequest) -> None:
    """Fail fast, before any download or archive access, on outlets, ad-hoc URLs or a Redis URL
    that cannot work (exit 2)."""
    try:
        select(load_registry(request.outlet_files), request.outlets)
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
    except OutletError as exc:
        raise usage_error(str(exc)) from exc
    redis_url = request.overrides.get("REDIS_URL")
    if redis_url:
        from crawler.scale.distributed import redis_url_problem

        problem = redis_url_problem(redis_url)
        if problem:
            raise usage_error(f"--redis {redis_url!r}: {problem}")
    log_dir = request.log_file.parent if request.log_file else None
    if log_dir and request.archive.parent.is_dir() and not log_dir.is_dir():
        raise usage_error(f"--log-file {request.log_file}: directory {log_dir} does not exist")


def default_log(archive_path: Path) -> Path:
    """The crawl log when no --log-file is given: beside the archive (`news.db.log`)."""
    return Path(f"{archive_path}.log")


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
    help="Append the crawl's log (INFO and up) here [default: ARCHIVE.log, warnings and up].",
)
@click.option(
    "-q",
    "--quiet",
    is_flag=True,
    help="Print nothing when all is well, else one line per failed outlet (for cron).",
)
@click.option("-v", "--verbose", is_flag=True, help="Also show the log, INFO and up, on stderr.")
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
    """Crawl OUTLETS (names from `akhbar outlets`) or an ad-hoc site into the archive.

    Scrapy's log goes to --log-file, else to ARCHIVE.log beside the archive, never to the
    terminal unless -v. On a terminal, a line per outlet shows the crawl's progress.
    """
    overrides: dict[str, Any] = _overrides(settings)
    overrides.setdefault("LOG_LEVEL", "INFO" if log_file else "WARNING")
    overrides["AKHBAR_COMMAND"] = "akhbar crawl " + " ".join(sys.argv[2:])
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
        log_file=log_file or default_log(archive_path),
        echo_log="INFO" if verbose else None,
    )
    _check_can_run(request)
    report = locked_crawl(request, live=on_terminal() and not (quiet or verbose))
    print_outcome(report, request, quiet)
    sys.exit(report.exit_code)


def locked_crawl(request: CrawlRequest, live: bool) -> CrawlReport:
    """The crawl, its failures as one line: locked (exit 75), archive (4), a crash (4)."""
    progress = LiveProgress() if live else None
    try:
        return run_crawl(request, progress)
    except ArchiveLocked as exc:
        raise Locked(str(exc)) from exc
    except (OutletError, ArchiveError, OSError) as exc:
        raise CannotRun(str(exc)) from exc
    except Exception as exc:  # a bug: its traceback goes to the log, one line to the terminal
        log = request.log_file or default_log(request.archive)
        _append_traceback(log)
        raise CannotRun(f"the crawl crashed ({type(exc).__name__}: {exc}); see {log}") from exc
    finally:
        if progress:
            progress.clear()


def _append_traceback(log: Path) -> None:
    try:
        with log.open("a", encoding="utf-8") as handle:
            handle.write(f"{utc_now()} akhbar crawl crashed:\n{traceback.format_exc()}\n")
    except OSError:
        logging.getLogger(__name__).exception("akhbar crawl crashed")


def print_outcome(report: CrawlReport, request: CrawlRequest, quiet: bool) -> None:
    """The table (unless quiet), then one line per failed outlet and what the log holds."""
    if not quiet:
        print_report(report, request.archive)
    for summary in report.outlets:
        if summary.outlet in report.failed_outlets:
            click.echo(describe_failure(summary.outlet, summary.errors, summary.hosts), err=True)
    if report.unwritten:
        click.echo(
            printable(
                f"Error: {report.unwritten} articles could not be archived ({report.write_error}); "
                f"the next run fetches them again; see {request.log_file}"
            ),
            err=True,
        )
    elif report.status == "failed" and not report.interrupted_by:
        click.echo(
            f"Error: the crawl failed ({report.finish_reason}); see {request.log_file}", err=True
        )
    elif report.logged and not quiet:
        counts = ", ".join(
            f"{n} {level.lower()}{'' if n == 1 else 's'}" for level, n in report.logged.items()
        )
        click.echo(f"log: {request.log_file} ({counts})")


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
    if report.outlets:  # none when stopped before the crawl began
        click.echo(header)
    for summary in report.outlets:
        cells = "".join(f"{summary.counters.get(key, 0):>9}" for _, key in columns)
        errors = ", ".join(f"{k}={v}" for k, v in sorted(summary.errors.items())) or "-"
        click.echo(f"{summary.outlet.ljust(width)}{cells}   {errors}")
    failed = (
        f"; failed outlets: {', '.join(report.failed_outlets)}" if report.failed_outlets else ""
    )
    reason = f"{report.interrupted_by}, " if report.interrupted_by else ""
    click.echo(
        f"run {report.run_id}: {report.status} ({reason}{report.finish_reason}){failed} "
        f"-> {archive_path}"
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

    problem = web_url_problem(url)
    if problem:
        raise usage_error(f"--url {url!r} is {problem}")
    try:
        outlet = _outlet_for(url, outlet_name, outlet_files)
    except OutletError as exc:
        raise usage_error(str(exc)) from exc
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
@archive_option(Path("demo-archive.db"), "The demo's archive, made afresh each time.", envvar=None)
@click.option("-v", "--verbose", is_flag=True, help="Also show the crawl's log on stderr.")
def demo(archive_path: Path, verbose: bool) -> None:
    """Crawl the bundled sample site (offline, on 127.0.0.1) into a fresh demo archive."""
    from crawler.demo.server import start_demo_site

    _remove_earlier_demo(archive_path)
    site = start_demo_site()
    try:
        names = sorted(load_registry([site.outlets_file], shipped=False))
        click.echo(f"Sample site: {len(names)} outlets on 127.0.0.1 ({', '.join(names)})")
        request = CrawlRequest(
            archive=archive_path,
            outlets=names,
            outlet_files=[site.outlets_file],
            overrides={"AKHBAR_COMMAND": "akhbar demo", "AUTOTHROTTLE_ENABLED": False},
            log_file=default_log(archive_path),
            echo_log="INFO" if verbose else None,
        )
        report = locked_crawl(request, live=on_terminal() and not verbose)
    finally:
        site.stop()
    print_outcome(report, request, quiet=False)
    with opened(archive_path) as archive:
        stats = archive.stats()
    click.echo(
        f"\nThe archive holds {stats.articles} articles from {len(stats.by_outlet)} outlets."
    )
    akhbar = _invocation()
    click.echo(f"Browse it:  {akhbar} serve --archive {archive_path}")
    click.echo(f"Export it:  {akhbar} export --archive {archive_path} out.jsonl")
    sys.exit(report.exit_code)


def _remove_earlier_demo(path: Path) -> None:
    """Each demo starts afresh: the sample site's ports change every run, so the URLs an earlier
    demo archived lead nowhere. A file is removed only if every run it records was a demo's."""
    try:
        check_openable(path)
    except ArchiveError as exc:
        raise CannotRun(str(exc)) from exc
    if not path.exists():
        return
    with opened(path) as archive:
        commands = {run.command for run in archive.runs(1_000_000)}
        empty = not archive.count(latest_only=False)
    if not commands <= {"akhbar demo"} or not (commands or empty):
        raise usage_error(
            f"{path} holds more than an earlier demo: give the demo another --archive"
        )
    for leftover in (path, Path(f"{path}-wal"), Path(f"{path}-shm"), default_log(path)):
        leftover.unlink(missing_ok=True)


def _invocation() -> str:
    """How to run akhbar as this command was run: `akhbar` when that is on the PATH, else the
    script's path (`.venv/bin/akhbar` after `make demo`), so printed commands work as printed."""
    script = Path(sys.argv[0])
    on_path = shutil.which("akhbar")
    if script.name != "akhbar" or (on_path and Path(on_path).resolve() == script.resolve()):
        return "akhbar"
    try:
        return str(script.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(script.resolve())


@cli.command()
@ARCHIVE_OPTION
@click.option(
    "--runs",
    "limit",
    default=5,
    show_default=True,
    type=click.IntRange(1, 1000),
    help="Recent runs shown per outlet.",
)
@click.argument("outlets", nargs=-1)
def status(archive_path: Path, limit: int, outlets: tuple[str, ...]) -> None:
    """Each outlet's recent runs (or only OUTLETS'): pages fetched, articles new/duplicate,
    refusals, errors."""
    with opened(archive_path) as archive:
        check_outlets(outlets, archive)
        if outlets:
            records = [r for name in outlets for r in archive.outlet_runs(name, limit)]
        else:
            records = archive.outlet_runs(limit=limit * 50)
    grouped = health.by_outlet(records)
    if not grouped:
        which = f" of {', '.join(outlets)}" if outlets else ""
        click.echo(f"No runs{which} recorded in {archive_path} yet.")
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
@click.option("-q", "--quiet", is_flag=True, help="Print nothing when all is healthy (for cron).")
@click.argument("outlets", nargs=-1)
def check(archive_path: Path, quiet: bool, outlets: tuple[str, ...]) -> None:
    """Is every outlet (or OUTLETS) healthy, and the archive file sound? Exit 1, a line per
    finding, when a crawl looks broken (blocked, unreachable, stalled, refusals jumping, dates or
    titles lost, the last run failed) or the file is damaged."""
    with opened(archive_path) as archive:
        damage = archive.integrity_problems()  # PRAGMA quick_check
        findings = _archive_findings(archive, damage)
        if not damage:  # else the runs may be unreadable
            check_outlets(outlets, archive)
            records = archive.outlet_runs(limit=1000)
            findings += health.check(r for r in records if not outlets or r.outlet in outlets)
    for finding in findings:
        click.echo(printable(f"{finding.outlet}: {finding.problem}: {finding.detail}"))
    if findings:
        sys.exit(EXIT_PROBLEM)
    if not quiet:
        click.echo("All outlets look healthy.")


def _archive_findings(archive: Archive, damage: list[str]) -> list[health.Finding]:
    """The file's own problems: damaged pages, a last run that failed."""
    findings = [health.Finding("archive", "damaged", line) for line in damage[:10]]
    runs = [] if damage else archive.runs(1)
    if runs and runs[0].status == "failed":
        detail = f"run {runs[0].id} failed (`akhbar status` shows its errors)"
        findings.append(health.Finding("archive", "failed-run", detail))
    return findings


def _mount_optional_commands() -> None:
    """Commands owned by other modules: archive browsing/export, the outlet registry..."""
    from crawler.cli.archive import ARCHIVE_COMMANDS
    from crawler.cli.bench import bench
    from crawler.cli.outlets import outlets
    from crawler.cli.record import record

    outlets.add_command(record)
    from crawler.cli.scale import SCALE_COMMANDS

    for command in [*ARCHIVE_COMMANDS, *SCALE_COMMANDS, outlets, bench]:
        cli.add_command(command)
    for command in cli.commands.values():  # one exit-code table, in every command's --help
        command.epilog = command.epilog or exit_codes_help()


_mount_optional_commands()


def main() -> None:
    logging.captureWarnings(True)
    try:
        cli()
    except (ArchiveError, OutletError) as error:  # any a command did not turn into a message
        fail(str(error))
