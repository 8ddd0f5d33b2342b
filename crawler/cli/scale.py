"""`akhbar ingest`, `reextract`, `ingest-warc`: the scale-out commands (docs/scale.md).

Thin: options in, library call, summary out. Mounted by crawler/cli/main.py from SCALE_COMMANDS.
"""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

import click
from tqdm import tqdm
from tqdm.utils import CallbackIOWrapper

from archive.db import Archive
from archive.errors import ArchiveError
from crawler.cli.errors import CannotRun, Locked
from crawler.cli.options import ARCHIVE_OPTION, on_terminal
from crawler.outlets import OutletError, load_registry
from crawler.run.exits import EXIT_PARTIAL  # ingest-warc: a WARC ends in a damaged record
from crawler.run.interrupts import signals_deferred
from crawler.run.lock import ArchiveLocked, crawl_lock
from crawler.scale.reextract import ReplayReport

OUTLETS_OPTION = click.option(
    "--outlets",
    "outlet_files",
    multiple=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="An outlet TOML file of your own, beside the registry (repeatable).",
)
WORKERS_OPTION = click.option(
    "--workers", default=0, show_default=True, help="Extraction processes (0: one per core)."
)


@contextmanager
def _writing(archive_path: Path) -> Iterator[Archive]:
    """The archive, opened for writing under the crawl lock; errors become one clear line."""
    try:
        with crawl_lock(archive_path):
            with signals_deferred():  # a migration is never cut half-way
                archive = Archive(archive_path)
            with archive:
                yield archive
    except ArchiveLocked as exc:
        raise Locked(str(exc)) from exc
    except (ArchiveError, OutletError, OSError) as exc:
        raise CannotRun(str(exc)) from exc


def print_replay(report: ReplayReport, verb: str) -> None:
    outcomes = report.outcomes
    click.echo(
        f"{verb} {report.files} WARC files, {report.records} records: "
        f"{outcomes['new']} new, {outcomes['revised']} revised, "
        f"{outcomes['unchanged']} unchanged, {outcomes['duplicate']} duplicate, "
        f"{outcomes['refused']} refused"
    )
    for title, counter in (("refused", report.refused), ("skipped", report.skipped)):
        if counter:
            click.echo(f"  {title}: " + ", ".join(f"{k}={v}" for k, v in sorted(counter.items())))
    for url in report.revised[:20]:
        click.echo(f"  revised: {url}")
    if len(report.revised) > 20:
        click.echo(f"  ... and {len(report.revised) - 20} more revised")
    for line in report.damaged:
        click.echo(f"  damaged: {line}")


@click.command()
@ARCHIVE_OPTION
@click.option(
    "--warc",
    "warc_dir",
    required=True,
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="The directory the crawls wrote their WARC files to (`akhbar crawl --warc DIR`).",
)
@OUTLETS_OPTION
@WORKERS_OPTION
def reextract(
    archive_path: Path, warc_dir: Path, outlet_files: tuple[Path, ...], workers: int
) -> None:
    """Rebuild articles from the stored responses in WARC files, without the network."""
    from crawler.scale.reextract import reextract as run

    with _writing(archive_path) as archive:
        report = run(archive, warc_dir, load_registry(outlet_files), workers)
    print_replay(report, "Re-extracted")


@click.command("ingest-warc")
@click.argument(
    "files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@ARCHIVE_OPTION
@OUTLETS_OPTION
@WORKERS_OPTION
@click.option("--quiet", "-q", is_flag=True, help="No progress bar (there is none off a terminal).")
def ingest_warc(
    files: tuple[Path, ...],
    archive_path: Path,
    outlet_files: tuple[Path, ...],
    workers: int,
    quiet: bool,
) -> None:
    """Backfill the archive from WARC FILES made elsewhere (e.g. Common Crawl CC-NEWS),
    keeping only pages of declared outlets."""
    from crawler.scale.backfill import ingest_warc as run

    bar = tqdm(total=sum(p.stat().st_size for p in files), unit="B", unit_scale=True,
               disable=quiet or not on_terminal())  # fmt: skip

    @contextmanager
    def progress(path: Path) -> Iterator[IO[bytes]]:
        bar.set_description(path.name)
        with path.open("rb") as handle:
            yield CallbackIOWrapper(bar.update, handle, "read")

    with bar, _writing(archive_path) as archive:
        registry = load_registry(outlet_files)
        report = run(archive, files, registry, progress, workers)
    print_replay(report, "Ingested")
    if report.damaged:
        sys.exit(EXIT_PARTIAL)


@click.command()
@click.option("--redis", "redis_url", required=True, metavar="URL", help="The crawl's Redis.")
@ARCHIVE_OPTION
@click.option("--batch", default=100, show_default=True, help="Articles per transaction.")
@click.option(
    "--exit-when-idle",
    "idle_exit",
    default=0.0,
    metavar="SECONDS",
    help="Stop once, this long, the queue stayed empty and no crawler was busy "
    "(default: run until stopped).",
)
@click.option(
    "--prefix", default="akhbar", show_default=True, help="REDIS_KEY_PREFIX of the crawl."
)
def ingest(redis_url: str, archive_path: Path, batch: int, idle_exit: float, prefix: str) -> None:
    """Store the articles distributed crawlers queue in Redis (the archive's one writer)."""
    import redis

    from crawler.scale.distributed import Ingester, client, redis_url_problem

    problem = redis_url_problem(redis_url)
    if problem:
        raise click.UsageError(f"--redis {redis_url!r}: {problem}")
    outcomes: Counter[str] = Counter()
    with _writing(archive_path) as archive:
        ingester = Ingester(client(redis_url), archive, prefix)
        try:
            outcomes = ingester.run(batch, idle_exit=idle_exit)
        except redis.RedisError as exc:
            raise CannotRun(f"Redis at {redis_url}: {exc}") from exc
        except KeyboardInterrupt:
            outcomes = ingester.outcomes  # an unfinished batch is taken again next start
    total = sum(outcomes.values())
    click.echo(
        f"Ingested {total} articles: {outcomes['new']} new, {outcomes['duplicate']} duplicate, "
        f"{outcomes['revised']} revised -> {archive_path}"
    )


SCALE_COMMANDS = [ingest, reextract, ingest_warc]
