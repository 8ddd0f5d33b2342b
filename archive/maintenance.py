"""Keeping the archive file whole: WAL checkpoints, integrity checks, online backups.

In WAL mode SQLite appends commits to `<archive>-wal` and copies them into the `.db` file at
checkpoints. Until then, a copy of the `.db` file alone misses them; `checkpoint` runs at every
writer's close so that the file is complete once a command ends. A live archive is copied with
`backup` (SQLite's online backup API), never with `cp`.
"""

from __future__ import annotations

import logging
import sqlite3
from pathlib import Path

from archive.errors import ArchiveError
from archive.output import atomic_file

log = logging.getLogger(__name__)

# A reader busy on the archive (an export, datasette) must not hold a closing writer back: past
# this wait the checkpoint copies what it can, and a later writer's close does the rest.
CHECKPOINT_WAIT_MS = 200


def checkpoint(conn: sqlite3.Connection, path: Path) -> None:
    """Copy the write-ahead log into the database file and empty it (TRUNCATE)."""
    try:
        conn.execute(f"PRAGMA busy_timeout = {CHECKPOINT_WAIT_MS}")
        busy, frames, copied = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    except sqlite3.Error as error:
        log.warning("archive %s: checkpoint failed (%s); its -wal file holds data", path, error)
        return
    if busy:
        log.info("archive %s: a reader kept %d WAL frames back", path, frames - copied)


def quick_check(conn: sqlite3.Connection) -> list[str]:
    """`PRAGMA quick_check`: every page and index entry readable (not cross-checked with the
    tables, which integrity_check also does at several times the cost). Empty when sound."""
    try:
        rows = [str(row[0]) for row in conn.execute("PRAGMA quick_check")]
    except sqlite3.DatabaseError as error:
        return [str(error)]
    return [] if rows == ["ok"] else rows


def backup(conn: sqlite3.Connection, target: Path) -> None:
    """A consistent copy of the database behind `conn` at `target`, renamed into place once
    complete (never a half-written file under that name)."""
    try:
        with atomic_file(target) as partial:
            copy = sqlite3.connect(partial)
            try:
                conn.backup(copy)
                copy.execute("PRAGMA journal_mode = DELETE")  # one self-contained file
            finally:
                copy.close()
    except sqlite3.Error as error:
        raise ArchiveError(f"cannot back up to {target}: {error}") from error
