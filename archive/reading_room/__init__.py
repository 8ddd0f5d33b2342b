"""The reading room: how `akhbar serve` shows the archive in datasette (templates, CSS, a plugin).

templates/   Jinja templates extending datasette's own ("default:row.html"...): article page,
             article lists, search page, front page
static/      reading-room.css, served by datasette under /{STATIC_MOUNT}/
plugins/     the file datasette's --plugins-dir loads; it re-exports hooks.py
hooks.py     datasette hooks; pages.py what each page reads; present.py pure presentation helpers
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

STATIC_MOUNT = "akhbar-static"


def directory(name: str) -> Path:
    """One of the reading room's directories (templates, static, plugins) on disk."""
    return Path(str(resources.files("archive.reading_room").joinpath(name)))
