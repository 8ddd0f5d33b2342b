"""Options and checks shared by every `akhbar` command module: the archive, dates, outlet names.

Every check names the value that was wrong and what would be right; a usage error exits 2, an
archive that cannot be opened exits 4 with the same message in every command.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click
from click.core import ParameterSource

from archive.db import Archive
from archive.errors import ArchiveError, ArchiveFilterError
from archive.filters import DATE_FORMS, parse_bound
from crawler.cli.errors import CannotRun
from crawler.outlets import OutletError, load_registry, unknown_outlets

ARCHIVE_ENV = "AKHBAR_ARCHIVE"


def archive_option(
    default: Path = Path("archive.db"),
    help: str = "The SQLite archive file.",
    envvar: str | None = ARCHIVE_ENV,
) -> Callable[[Any], Any]:
    """`--archive PATH` (into the command's `archive_path` argument), default from $AKHBAR_ARCHIVE.

    No click checks on the path: the archive itself says what is wrong with it (exit 4)."""
    return click.option(
        "--archive",
        "archive_path",
        type=click.Path(path_type=Path),
        default=default,
        envvar=envvar,
        show_default=True,
        show_envvar=envvar is not None,
        help=help,
    )


ARCHIVE_OPTION = archive_option()


class DateType(click.ParamType):
    """An ISO 8601 day or time, or a span back from now (archive/filters.py), resolved once: a
    span becomes the UTC time it stands for, so every query of one command sees the same bound."""

    name = "DATE"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        try:
            bound = parse_bound(value)
        except ArchiveFilterError:
            self.fail(f"{value!r} is not a date or time: {DATE_FORMS}", param, ctx)
        return bound.value if bound.is_day else bound.value.replace(" ", "T") + "Z"


DATE = DateType()


class LanguageType(click.ParamType):
    """A language code as the archive stores it (langdetect's: fr, ar, zh-cn...), in any case."""

    name = "LANG"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        code = str(value).strip().lower()
        if not _LANGUAGE_CODE.fullmatch(code):
            self.fail(f"{value!r} is not a language code: use one like fr, ar, en, es", param, ctx)
        return code


LANGUAGE = LanguageType()
_LANGUAGE_CODE = re.compile(r"[a-z]{2,3}(?:-[a-z]{2})?")


def check_span(since: str | None, until: str | None) -> None:
    """Usage error for bounds that can hold nothing (a day bound covers its whole day)."""
    if not (since and until):
        return
    day_after = since[:10] > until[:10]
    instant_after = len(since) > 10 and len(until) > 10 and since > until
    if day_after or instant_after:
        raise click.UsageError(f"--since {since} is after --until {until}: nothing can match")


def on_terminal(stream: Any = None) -> bool:
    """Is `stream` (default stderr) a terminal? Progress is drawn there, never into a file."""
    stream = sys.stderr if stream is None else stream
    return bool(getattr(stream, "isatty", lambda: False)())


@contextmanager
def opened(path: Path) -> Iterator[Archive]:
    """The archive, opened read-only; an ArchiveError becomes `Error: ...` and exit 4."""
    try:
        with Archive(path, readonly=True) as archive:
            yield archive
    except ArchiveError as error:
        raise CannotRun(f"{error}{_unnamed_archive(path)}") from error


def _unnamed_archive(path: Path) -> str:
    """What to do when the default archive is missing because none was named."""
    ctx = click.get_current_context(silent=True)
    if ctx is None or path.exists() or "archive_path" not in ctx.params:
        return ""
    if ctx.get_parameter_source("archive_path") is not ParameterSource.DEFAULT:
        return ""
    return f" (no --archive given and ${ARCHIVE_ENV} not set: name the archive, --archive PATH)"


def check_outlets(
    names: Iterable[str], archive: Archive | None, outlet_files: Iterable[Path] = ()
) -> None:
    """Usage error for a name neither the registry nor the archive knows, with the nearest ones."""
    try:
        known = set(load_registry(list(outlet_files)))
    except OutletError as error:
        raise click.UsageError(str(error)) from error
    if archive is not None:
        known.update(archive.outlets())
    unknown = [name for name in names if name not in known]
    if unknown:
        where = "not in the registry (`akhbar outlets`) nor in the archive"
        raise click.UsageError(unknown_outlets(unknown, known, where))
