"""Archive commands for the `akhbar` CLI: stats, export, serve, search.

The lead mounts them: `for command in ARCHIVE_COMMANDS: cli.add_command(command)`.
`python -m crawler.cli.archive` runs them stand-alone. Failures are one `Error:` line and an exit
code of the shared table (crawler/run/exits.py): 2 for a bad option, 4 for an unreadable archive.
"""

from __future__ import annotations

import subprocess
from collections import Counter
from pathlib import Path
from typing import Any

import click

from archive.card import card_path, write_card
from archive.errors import ArchiveError
from archive.export import FORMATS, Filters, format_of
from archive.export import export as export_archive
from archive.serve import serve_command, write_metadata
from crawler.cli.errors import AkhbarGroup, CannotRun
from crawler.cli.options import ARCHIVE_OPTION, DATE, check_outlets, on_terminal, opened


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
@click.option("--language", help="Only this language (fr, ar, en, es...).")
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
@click.argument("out", type=click.Path(path_type=Path))
def export(archive_path: Path, fmt: str | None, out: Path, card: bool, progress: bool | None,
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
    with opened(archive_path) as archive:
        if chosen.outlet:
            check_outlets([chosen.outlet], archive)
        try:
            bar = on_terminal() if progress is None else progress
            summary = export_archive(archive, fmt, out, chosen, progress=bar)
            card_file = write_card(archive, summary, chosen, card_path(out, fmt)) if card else None
        except (ArchiveError, OSError) as error:
            raise CannotRun(str(error)) from error
    if not summary.count:
        used = " ".join(f"--{k} {v}" for k, v in vars(chosen).items() if v is not None)
        click.echo(f"nothing matched {used or 'the archive'}: {out} holds no article "
                   "(`akhbar stats` shows what the archive holds)", err=True)  # fmt: skip
    click.echo(f"exported {summary.count} articles to {out} ({fmt})")
    _counts("by outlet", summary.by_outlet)
    _counts("by language", summary.by_language)
    if card_file:
        click.echo(f"corpus card: {card_file}")


@click.command()
@ARCHIVE_OPTION
@click.option("--limit", default=20, show_default=True, help="How many results.")
@click.argument("query")
def search(archive_path: Path, limit: int, query: str) -> None:
    """Full-text search of titles and texts (accents and harakat ignored)."""
    with opened(archive_path) as archive:
        hits = archive.search(query, limit)
    for hit in hits:
        date = (hit.published or "")[:10] or "undated"
        snippet = " ".join(hit.snippet.split())
        click.echo(f"{hit.id}\t{hit.outlet}\t{date}\t{hit.title}\n\t{hit.url}\n\t{snippet}")
    click.echo(f"{len(hits)} result(s)")


@click.command()
@ARCHIVE_OPTION
@click.option("--port", default=8001, show_default=True, help="Port to listen on.")
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to bind.")
def serve(archive_path: Path, port: int, host: str) -> None:
    """Browse the archive with datasette (read-only): search, facets, charts, canned queries."""
    with opened(archive_path):
        pass  # fail here, with a clear message, rather than inside datasette
    try:
        import datasette  # noqa: F401
    except ImportError as error:
        raise CannotRun("akhbar serve needs datasette: pip install 'akhbar[browse]'") from error
    metadata_file = write_metadata(archive_path)
    click.echo(f"serving {archive_path} on http://{host}:{port}/ (Ctrl-C stops)", err=True)
    _serve(serve_command(archive_path, port, host, metadata_file), metadata_file)


def _serve(command: list[str], metadata_file: Path) -> None:
    """Run datasette until it stops, then remove its temporary metadata file."""
    try:
        with subprocess.Popen(command) as datasette:
            try:
                code = datasette.wait()
            except KeyboardInterrupt:  # Ctrl-C reaches datasette too; SIGTERM only this process
                datasette.terminate()
                raise
    finally:
        metadata_file.unlink(missing_ok=True)
    if code:
        raise CannotRun(f"datasette stopped with exit code {code}")


ARCHIVE_COMMANDS: list[click.Command] = [stats, export, serve, search]


@click.group(cls=AkhbarGroup)
def main() -> None:
    """akhbar archive commands (stand-alone)."""


for _command in ARCHIVE_COMMANDS:
    main.add_command(_command)


if __name__ == "__main__":
    from crawler.cli.entry import interrupt_on_sigterm

    interrupt_on_sigterm()  # `serve` then stops datasette and removes its files on SIGTERM too
    main()
