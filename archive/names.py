"""Safe, stable file names for exported articles: never outside the output directory.

A name is built only from word characters of the outlet, the date and the title (any script),
so `../`, `/`, `\\`, NUL, control characters and dots cannot appear; it is bounded in bytes,
and the content hash makes it unique and stable across runs and archives.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from archive.errors import ExportError
from archive.search import remove_arabic_marks

_NOT_WORD = re.compile(r"[\W_]+", re.UNICODE)
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
MAX_SLUG_BYTES = 120


def slug(text: str | None, max_bytes: int = MAX_SLUG_BYTES) -> str:
    """Lower-case words joined by '-', any script kept, at most `max_bytes` of UTF-8."""
    folded = remove_arabic_marks(unicodedata.normalize("NFKC", text or "")).casefold()
    words = _NOT_WORD.sub("-", folded).strip("-")
    encoded = words.encode("utf-8")[:max_bytes]
    return encoded.decode("utf-8", errors="ignore").strip("-")


def article_filename(outlet: str, date: str | None, content_hash: str, title: str | None) -> str:
    """`<outlet>/<YYYY-MM-DD>-<hash12>-<title-slug>.txt`, a relative POSIX path."""
    folder = slug(outlet, 60) or "unknown-outlet"
    day = date[:10] if date and _DATE.fullmatch(date[:10]) else "undated"
    digest = re.sub(r"[^0-9a-f]", "", content_hash.lower())[:12] or "nohash"
    title_slug = slug(title)
    stem = f"{day}-{digest}-{title_slug}" if title_slug else f"{day}-{digest}"
    return f"{folder}/{stem}.txt"


def safe_join(root: Path, relative: str) -> Path:
    """`root / relative`, refusing anything that would resolve outside `root`."""
    if relative.startswith(("/", "\\")) or "\x00" in relative:
        raise ExportError(f"refusing to write {relative!r} outside {root}")
    base = root.resolve()
    target = (base / relative).resolve()
    if not target.is_relative_to(base):
        raise ExportError(f"refusing to write {relative!r} outside {root}")
    return target
