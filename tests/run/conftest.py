"""Fixtures for the cron tests: fault-site servers stopped after each test, archive queries.

Every connection here is closed explicitly (`closing`), never left to the garbage collector: a
connection closed late, while a crawl writes, is another process closing the archive under it.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest

from tests.faults.faultsite import FaultSite


@pytest.fixture
def make_site() -> Iterator[Callable[..., FaultSite]]:
    started: list[FaultSite] = []

    def make(**options: Any) -> FaultSite:
        site = FaultSite(**options).start()
        started.append(site)
        return site

    yield make
    for site in started:
        site.stop()


def outlets_file(path: Path, sites: dict[str, FaultSite], listing: bool = False) -> Path:
    """An outlet TOML file declaring each site (feed + sitemap index, and with `listing` its
    section page /list.html) under its name; article URLs are those under /news/."""
    tables = []
    for name, site in sites.items():
        host = site.base.removeprefix("http://")
        listings = f'listings = ["{site.base}/list.html"]\n' if listing else ""
        tables.append(
            f'[[outlet]]\nname = "{name}"\ntitle = "{name}"\nhome = "{site.base}/"\n'
            f'languages = ["fr"]\ndomains = ["{host}"]\nfeeds = ["{site.base}/feed.xml"]\n'
            f'sitemaps = ["{site.base}/sitemap.xml"]\n{listings}'
            f"article_pattern = '/news/'\n[outlet.evidence]\nall = \"fixture\"\n"
        )
    path.write_text("\n".join(tables))
    return path


def outlet_row(archive: Path, outlet: str | None = None, run: int = -1) -> dict[str, Any]:
    """counters + errors of one run (default: the last) of one outlet (default: the only one)."""
    with closing(sqlite3.connect(archive)) as db:
        where, params = ("WHERE outlet = ?", [outlet]) if outlet else ("", [])
        rows = db.execute(
            f"SELECT run_id, counters, errors FROM run_outlets {where} ORDER BY run_id", params
        ).fetchall()
    run_id, counters, errors = rows[run]
    return {"run_id": run_id, **json.loads(counters), "errors": json.loads(errors)}


def article_urls(archive: Path) -> list[str]:
    with closing(sqlite3.connect(archive)) as db:
        return [u for (u,) in db.execute("SELECT url FROM article_urls ORDER BY url")]


def integrity(archive: Path) -> str:
    with closing(sqlite3.connect(archive)) as db:
        return str(db.execute("PRAGMA integrity_check").fetchone()[0])
