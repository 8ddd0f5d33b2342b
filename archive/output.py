"""Files written for the user (exports, backups, cards): never half-written under their name,
never over an archive, never over an existing file unless asked.

Each output is written under a temporary name beside its target (`.NAME.XXXX.partial`, in the
same folder, so the final rename is atomic) and renamed into place only once complete: Ctrl-C, a
full disk or a crash leaves at most a `.partial` file, never one that looks finished.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from archive.errors import ExportError

SQLITE_HEADER = b"SQLite format 3\x00"
PARTIAL_SUFFIX = ".partial"


def is_sqlite(path: Path) -> bool:
    """Does the file start with SQLite's header (an archive, or any SQLite database)?"""
    try:
        with path.open("rb") as handle:
            return handle.read(len(SQLITE_HEADER)) == SQLITE_HEADER
    except OSError:
        return False


def archive_files(archive: Path) -> set[Path]:
    """The archive and the files SQLite and akhbar keep beside it."""
    return {Path(f"{archive}{suffix}").resolve() for suffix in ("", "-wal", "-shm", "-journal")}


def check_target(
    out: Path, *, force: bool, archive: Path | None = None, sqlite_target: bool = False
) -> None:
    """Refuse to write `out` over the archive being read, over an SQLite database (unless the
    output is one: a backup), or over an existing file without `force`; the message says what
    to do instead."""
    if archive is not None and out.resolve() in archive_files(archive):
        raise ExportError(f"{out} is the archive itself (or one of its files): choose another path")
    if not out.exists() or out.is_dir():
        return
    if not sqlite_target and is_sqlite(out):
        raise ExportError(
            f"{out} is an SQLite database (an archive?): akhbar never writes over one; "
            f"to read it, give it as --archive {out}"
        )
    if not force:
        raise ExportError(f"{out} exists; add --force to replace it")


def _partial_name(out: Path) -> tuple[str, str]:
    return f".{out.name}.", PARTIAL_SUFFIX


@contextmanager
def atomic_file(out: Path) -> Iterator[Path]:
    """A temporary path beside `out`, renamed to `out` when the block ends without error and
    removed when it fails or is interrupted."""
    prefix, suffix = _partial_name(out)
    fd, name = tempfile.mkstemp(prefix=prefix, suffix=suffix, dir=out.parent)
    os.close(fd)
    partial = Path(name)
    try:
        yield partial
        partial.chmod(0o644)  # mkstemp makes it private; an export is an ordinary file
        partial.replace(out)
    finally:
        partial.unlink(missing_ok=True)


@contextmanager
def atomic_directory(out: Path, replaceable: Iterable[str] = ()) -> Iterator[Path]:
    """Like `atomic_file` for a directory. An existing `out` is replaced only when it is empty
    or holds one of the `replaceable` files (an earlier export): akhbar never deletes a folder
    it did not write."""
    if out.exists() and any(out.iterdir()) and not any((out / n).exists() for n in replaceable):
        raise ExportError(f"{out} is a folder akhbar did not write: choose an empty or new one")
    prefix, suffix = _partial_name(out)
    partial = Path(tempfile.mkdtemp(prefix=prefix, suffix=suffix, dir=out.parent))
    try:
        yield partial
        partial.chmod(0o755)
        _swap_in(partial, out)
    finally:
        shutil.rmtree(partial, ignore_errors=True)


def _swap_in(partial: Path, out: Path) -> None:
    if not out.exists():
        partial.rename(out)
        return
    old = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".old", dir=out.parent))
    old.rmdir()
    out.rename(old)
    partial.rename(out)
    shutil.rmtree(old, ignore_errors=True)
