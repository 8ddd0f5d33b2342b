"""Errors the archive raises. The CLI turns each into one clear line and a non-zero exit."""

from __future__ import annotations


class ArchiveError(Exception):
    """Base class of every error raised by `archive`."""


class ArchiveUnreadable(ArchiveError):
    """The path cannot be opened as an archive: a directory, not SQLite, no permission..."""


class ArchiveSchemaError(ArchiveError):
    """The file is SQLite but not an akhbar archive, or its schema is newer than this code."""


class ArchiveBusy(ArchiveError):
    """Another process holds the write lock longer than the busy timeout."""


class ExportError(ArchiveError):
    """An export cannot be written: unknown format, unsafe or unwritable output path."""


class ArchiveDamaged(ArchiveError):
    """SQLite found a damaged page (disk or copy trouble): restore from a backup."""


def read_error(path: object, error: Exception) -> ArchiveError:
    """The ArchiveError for an sqlite3 error met while reading `path`: one line naming it."""
    message = str(error)
    if "malformed" in message or "not a database" in message or "corrupt" in message:
        return ArchiveDamaged(
            f"archive {path} is damaged ({message}): `akhbar check` tells how badly; "
            "restore it from a backup"
        )
    return ArchiveError(f"cannot read archive {path}: {message}")


class ArchiveFilterError(ArchiveError, ValueError):
    """A query filter is malformed: a date that is no ISO 8601 date, time or span."""
