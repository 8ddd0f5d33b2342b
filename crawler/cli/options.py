"""Options shared by every `akhbar` command module."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import click


def archive_option(
    default: Path = Path("archive.db"), help: str = "The SQLite archive file."
) -> Callable[[Any], Any]:
    """`--archive PATH` (into the command's `archive_path` argument)."""
    return click.option(
        "--archive",
        "archive_path",
        type=click.Path(dir_okay=False, path_type=Path),
        default=default,
        show_default=True,
        help=help,
    )


ARCHIVE_OPTION = archive_option()
