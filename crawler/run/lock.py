"""One crawl per archive at a time: an exclusive, non-blocking lock beside the archive file.

The lock is an flock on `<archive>.lock`; the kernel releases it when the process dies, so a
crawl killed with kill -9 never leaves a stale lock behind.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from archive.db import Archive, check_openable


class ArchiveLocked(RuntimeError):
    """Another crawl holds the archive's lock."""


@contextmanager
def crawl_lock(archive_path: str | Path) -> Iterator[Path]:
    check_openable(Path(archive_path))  # nothing is created beside a path that cannot be one
    lock_path = Path(f"{archive_path}.lock")
    fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 64, 0).decode(errors="replace").strip() or "unknown"
            raise ArchiveLocked(
                f"another crawl (pid {holder}) is writing to {archive_path}; try again later"
            ) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        yield lock_path
    finally:
        os.close(fd)


def lock_holder(archive_path: str | Path) -> int | None:
    """The pid written in the archive's lock file (the crawl holding it, or the last one)."""
    try:
        text = Path(f"{archive_path}.lock").read_text().strip()
    except OSError:
        return None
    return int(text) if text.isdigit() else None


def mark_interrupted_runs(archive_path: str | Path) -> int:
    """Runs still `running` in the archive were killed (kill -9, power loss): mark them
    `interrupted`. Call it only while holding the crawl lock (then no other crawl can be writing,
    so a `running` row is a dead one). Returns how many were marked."""
    with Archive(archive_path) as archive:
        archive.conn.execute("BEGIN IMMEDIATE")
        try:
            cursor = archive.conn.execute(
                "UPDATE runs SET status = 'interrupted' WHERE status = 'running'"
            )
        except BaseException:
            archive.conn.execute("ROLLBACK")
            raise
        archive.conn.execute("COMMIT")
        return cursor.rowcount
