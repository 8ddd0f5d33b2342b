"""Options shared by every `akhbar` command module."""

from __future__ import annotations

from pathlib import Path

import click

ARCHIVE_OPTION = click.option(
    "--archive",
    "archive_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("archive.db"),
    show_default=True,
    help="The SQLite archive file.",
)
