"""Archive commands for the `akhbar` CLI: stats, export, serve, search.

The lead mounts them: `for command in ARCHIVE_COMMANDS: cli.add_command(command)`.
`python -m crawler.cli.archive` runs them stand-alone. Failures are one `Error:` line and an exit
code of the shared table (crawler/run/exits.py): 2 for a bad option, 4 for an unreadable archive.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import click

from archive.card import card_path, write_card
from archive.db import Archive
from archive.errors import ArchiveError
from archive.export import FORMATS, Filters, format_of
from archive.export import export as export_archive
from archive.output import check_target
from archive.schema import SCHEMA_VERSION
from archive.serve import front_page_url, is_loopback
from archive.serve import serve as serve_archive
from crawler.cli.errors import AkhbarGroup, CannotRun, printable
from crawler.cli.options import (
    ARCHIVE_OPTION,
    DATE,
    LANGUAGE,
    check_outlets,
    check_span,
    on_terminal,
    opened,
)
from crawler.run.exits import EXIT_INTERRUPTED


def _counts(title: str, counts: dict[str, int] | Counter[str]) -> None:
    items = ", ".join(f"{name} {count}" for name, count in counts.items()) or "none"
    click.echo(f"{title}: {items}")


@click.command()
@ARCHIVE_OPTION
def stats(archive_path: Path) -> None:
    """What the archive holds: articles per outlet and language, URLs, last run."""
    with opened(archive_path) as archive:
        s = archive.stats()
    click.echo(f"archive: {archive_path} (schema version {s.schema_version})")
    click.echo(
        f"articles: {s.articles} latest, {s.versions} versions, {s.urls} URLs, "
        f"{s.clusters} near-duplicate clusters"
    )
    _counts("by outlet", s.by_outlet)
    _counts("by language", s.by_language)
    click.echo(f"first seen: {s.first_seen_at or '-'}; last seen: {s.last_seen_at or '-'}")
    run = s.last_run
    if run:
        click.echo(
            f"last run: #{run.id} {run.command} {run.started_at} -> {run.finished_at or '-'} "
            f"{run.status}"
        )
    else:
        click.echo("last run: none")


@click.command()
@ARCHIVE_OPTION
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    help="Output format (default: from OUT's extension; txt for a directory).",
)
@click.option("--outlet", help="Only this outlet.")
@click.option("--language", type=LANGUAGE, help="Only this language (fr, ar, en, es...).")
@click.option(
    "--since",
    type=DATE,
    help="Published on or after DATE: 2025-02-01, "
    "2025-02-01T10:00 (UTC unless a zone follows), or back from now: 7d, 24h, 2w.",
)
@click.option("--until", type=DATE, help="Published on or before DATE (inclusive), same forms.")
@click.option("--search", help="Only articles matching this full-text query.")
@click.option("--card", is_flag=True, help="Also write a corpus card (markdown) beside the export.")
@click.option(
    "--progress/--no-progress",
    default=None,
    help="Progress bar on stderr (default: only when stderr is a terminal).",
)
@click.option("--force", is_flag=True, help="Replace OUT if it exists (never an SQLite file).")
@click.argument("out", type=click.Path(path_type=Path))
def export(archive_path: Path, fmt: str | None, out: Path, card: bool, progress: bool | None,
           force: bool,
           **filters: Any) -> None:  # fmt: skip
    """Export the latest articles to OUT (a file; a directory for txt)."""
    fmt = fmt or format_of(out)
    if fmt is None:
        raise click.UsageError(
            f"cannot tell the format of {out}: name it .jsonl, .csv or .parquet, or give "
            "--format (txt writes a directory)",
            click.get_current_context(),
        )
    chosen = Filters(**filters)
    check_span(chosen.since, chosen.until)
    if fmt != "txt":  # OUT first: `export news.db` (no --archive) is about news.db
        try:
            check_target(out, force=force, archive=archive_path)
        except ArchiveError as error:
            raise CannotRun(str(error)) from error
    with opened(archive_path) as archive:
        if chosen.outlet:
            check_outlets([chosen.outlet], archive)
        try:
            if card:
                check_target(card_path(out, fmt), force=force, archive=archive_path)
            bar = on_terminal() if progress is None else progress
            summary = export_archive(archive, fmt, out, chosen, progress=bar, force=force)
            card_file = write_card(archive, summary, chosen, card_path(out, fmt)) if card else None
        except (ArchiveError, OSError) as error:
            raise CannotRun(str(error)) from error
    if not summary.count:
        used = " ".join(f"--{k} {v}" for k, v in vars(chosen).items() if v is not None)
        click.echo(f"nothing matched {used or 'the archive'}: {out} holds no article "
                   "(`akhbar stats` shows what the archive holds)", err=True)  # fmt: skip
    click.echo(f"exported {summary.count} articles to {out} ({fmt})")
    _counts("by outlet", dict(sorted(summary.by_outlet.items())))  # not in arrival order
    _counts("by language", dict(sorted(summary.by_language.items())))
    if card_file:
        click.echo(f"corpus card: {card_file}")


def _up_to_date(path: Path) -> None:
    """Migrate an archive an older akhbar wrote (its search index follows the search rules).

    A file that cannot be written (read-only copy, a writer holding the lock) is read as it is.
    """
    with opened(path) as archive:
        behind = archive.schema_version < SCHEMA_VERSION
    if behind:
        click.echo(f"upgrading {path} to schema version {SCHEMA_VERSION}...", err=True)
        try:
            Archive(path).close()
        except ArchiveError as error:
            click.echo(f"not upgraded ({error}); searches may miss Arabic spelling variants",
                       err=True)  # fmt: skip


SEARCH_HELP = """Full-text search of titles and texts of the latest versions, best match first.

\b
QUERY syntax:
  barrages remplissage        every word is required
  sécheresse OR pluie         OR (capitals) between two terms: either
  "conseil de gouvernement"   double quotes: a phrase
  électri*                    a star: words starting with these letters
  Tanger -football            a minus: without this word

Case and Latin accents are ignored (etablit finds établit), and so are Arabic harakat, tatweel
and the spellings of hamza on alef (أ إ آ -> ا), ta marbuta (ة -> ه) and alef maqsura (ى -> ي):
اطلاق finds إطلاق, المملكه finds المملكة. Other punctuation is ignored.
"""


@click.command(help=SEARCH_HELP)
@ARCHIVE_OPTION
@click.option(
    "--limit", default=20, show_default=True, type=click.IntRange(1, 100_000),
    help="How many results.",
)  # fmt: skip
@click.argument("query")
def search(archive_path: Path, limit: int, query: str) -> None:
    _up_to_date(archive_path)
    with opened(archive_path) as archive:
        hits = archive.search(query, limit)
    for hit in hits:
        date = (hit.published or "")[:10] or "undated"
        snippet = " ".join(hit.snippet.split())
        line = f"{hit.id}\t{hit.outlet}\t{date}\t{hit.title}\n\t{hit.url}\n\t{snippet}"
        click.echo(printable(line))
    click.echo(f"{len(hits)} result(s)")


@click.command()
@ARCHIVE_OPTION
@click.option(
    "--port", default=8001, show_default=True, type=click.IntRange(1, 65535),
    help="Port to listen on.",
)  # fmt: skip
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to bind.")
@click.option(
    "--allow-sql/--no-allow-sql", default=None,
    help="Arbitrary SQL queries (default: on for 127.0.0.1/localhost, off for any other host).",
)  # fmt: skip
def serve(archive_path: Path, port: int, host: str, allow_sql: bool | None) -> None:
    """Browse the archive with datasette (read-only): articles to read, search, lists, charts."""
    _up_to_date(archive_path)  # and fail here, with a clear message, rather than inside datasette
    try:
        import datasette  # noqa: F401
    except ImportError as error:
        raise CannotRun("akhbar serve needs datasette: pip install 'akhbar[browse]'") from error
    sql = is_loopback(host) if allow_sql is None else allow_sql
    url = front_page_url(host, port)
    name = archive_path.stem
    click.echo(f"serving {archive_path} at {url} (search: {url}{name}/search, "
               f"latest: {url}{name}/latest_articles); Ctrl-C stops", err=True)  # fmt: skip
    code = serve_archive(archive_path, port, host, allow_sql=sql)
    if code < 0:  # datasette stopped by a signal: ours, passed on
        raise SystemExit(EXIT_INTERRUPTED)
    if code:
        raise CannotRun(f"datasette stopped with exit code {code}")


@click.command()
@ARCHIVE_OPTION
@click.option("--force", is_flag=True, help="Replace COPY if it exists.")
@click.argument("copy", type=click.Path(dir_okay=False, path_type=Path))
def backup(archive_path: Path, copy: Path, force: bool) -> None:
    """Copy the archive to COPY, consistent even while a crawl writes to it (SQLite's backup)."""
    with opened(archive_path) as archive:
        try:
            check_target(copy, force=force, archive=archive_path, sqlite_target=True)
            archive.backup(copy)
        except (ArchiveError, OSError) as error:
            raise CannotRun(str(error)) from error
    click.echo(f"backed up {archive_path} to {copy}")


ARCHIVE_COMMANDS: list[click.Command] = [stats, export, serve, search, backup]


@click.group(cls=AkhbarGroup)
def main() -> None:
    """akhbar archive commands (stand-alone)."""


for _command in ARCHIVE_COMMANDS:
    main.add_command(_command)


if __name__ == "__main__":
    from crawler.cli.entry import interrupt_on_sigterm

    interrupt_on_sigterm()  # `serve` then stops datasette and removes its files on SIGTERM too
    main()
