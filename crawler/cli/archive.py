"""Archive commands for the `akhbar` CLI: stats, export, serve, search.

The lead mounts them: `for command in ARCHIVE_COMMANDS: cli.add_command(command)`.
`python -m crawler.cli.archive` runs them stand-alone. Library errors become one line and exit
code 1.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

from archive.card import card_path, write_card
from archive.db import Archive
from archive.errors import ArchiveError
from archive.export import FORMATS, Filters
from archive.export import export as export_archive
from archive.schema import SCHEMA_VERSION
from archive.serve import front_page_url
from archive.serve import serve as serve_archive

DEFAULT_ARCHIVE = "./archive.db"

archive_option = click.option(
    "--archive", "archive_path", default=DEFAULT_ARCHIVE, show_default=True,
    type=click.Path(path_type=Path, dir_okay=True), help="The archive file.",
)  # fmt: skip


@contextmanager
def opened(path: Path) -> Iterator[Archive]:
    """Open the archive read-only; any ArchiveError becomes a ClickException."""
    try:
        with Archive(path, readonly=True) as archive:
            yield archive
    except ArchiveError as error:
        raise click.ClickException(str(error)) from error


def _counts(title: str, counts: dict[str, int] | Counter[str]) -> None:
    items = ", ".join(f"{name} {count}" for name, count in counts.items()) or "none"
    click.echo(f"{title}: {items}")


@click.command()
@archive_option
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
@archive_option
@click.option("--format", "fmt", type=click.Choice(FORMATS), required=True, help="Output format.")
@click.option("--outlet", help="Only this outlet.")
@click.option("--language", help="Only this language (fr, ar, en, es...).")
@click.option("--since", help="Published on or after this ISO date.")
@click.option("--until", help="Published on or before this ISO date (inclusive).")
@click.option("--search", help="Only articles matching this full-text query.")
@click.option("--card", is_flag=True, help="Also write a corpus card (markdown) beside the export.")
@click.option("--progress/--no-progress", default=True, help="Progress bar on stderr.")
@click.argument("out", type=click.Path(path_type=Path))
def export(archive_path: Path, fmt: str, out: Path, card: bool, progress: bool,
           **filters: Any) -> None:  # fmt: skip
    """Export the latest articles to OUT (a file; a directory for txt)."""
    chosen = Filters(**filters)
    with opened(archive_path) as archive:
        try:
            summary = export_archive(archive, fmt, out, chosen, progress=progress)
            card_file = write_card(archive, summary, chosen, card_path(out, fmt)) if card else None
        except (ArchiveError, OSError) as error:
            raise click.ClickException(str(error)) from error
    click.echo(f"exported {summary.count} articles to {out} ({fmt})")
    _counts("by outlet", summary.by_outlet)
    _counts("by language", summary.by_language)
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
@archive_option
@click.option("--limit", default=20, show_default=True, help="How many results.")
@click.argument("query")
def search(archive_path: Path, limit: int, query: str) -> None:
    _up_to_date(archive_path)
    with opened(archive_path) as archive:
        hits = archive.search(query, limit)
    for hit in hits:
        date = (hit.published or "")[:10] or "undated"
        snippet = " ".join(hit.snippet.split())
        click.echo(f"{hit.id}\t{hit.outlet}\t{date}\t{hit.title}\n\t{hit.url}\n\t{snippet}")
    click.echo(f"{len(hits)} result(s)")


@click.command()
@archive_option
@click.option("--port", default=8001, show_default=True, help="Port to listen on.")
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to bind.")
def serve(archive_path: Path, port: int, host: str) -> None:
    """Browse the archive with datasette (read-only): articles to read, search, lists, charts."""
    _up_to_date(archive_path)  # and fail here, with a clear message, rather than inside datasette
    try:
        import datasette  # noqa: F401
    except ImportError as error:
        raise click.ClickException(
            "akhbar serve needs datasette: pip install 'akhbar[browse]'"
        ) from error
    url = front_page_url(host, port)
    name = archive_path.stem
    click.echo(f"serving {archive_path} at {url} (search: {url}{name}/search, "
               f"latest: {url}{name}/latest_articles); Ctrl-C stops", err=True)  # fmt: skip
    code = serve_archive(archive_path, port, host)
    if code:
        raise SystemExit(code if code > 0 else 128 - code)


ARCHIVE_COMMANDS: list[click.Command] = [stats, export, serve, search]


@click.group()
def main() -> None:
    """akhbar archive commands (stand-alone)."""


for _command in ARCHIVE_COMMANDS:
    main.add_command(_command)


if __name__ == "__main__":
    main()
