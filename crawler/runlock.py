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


class ArchiveLocked(RuntimeError):
    """Another crawl holds the archive's lock."""


@contextmanager
def crawl_lock(archive_path: str | Path) -> Iterator[Path]:
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
