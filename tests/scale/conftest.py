"""Fixtures for the scale tests: the fixture site, crawls in subprocesses, archive rows."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from .fixture_site import FixtureSite

REPO = Path(__file__).resolve().parents[2]
AKHBAR = str(Path(sys.executable).with_name("akhbar"))
ROW_COLUMNS = "url, title, text, language, published, outlet, content_hash"
FAST = ("--set", "AUTOTHROTTLE_ENABLED=False", "--set", "EXTRACT_WORKERS=1")


@pytest.fixture
def site() -> Iterator[FixtureSite]:
    with FixtureSite(articles=12) as running:
        yield running


def akhbar_crawl(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """`akhbar crawl ARGS` in a subprocess, with fast local settings."""
    command = [AKHBAR, "crawl", *args, *FAST]
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    result = subprocess.run(
        command, capture_output=True, text=True, timeout=timeout, check=False, env=env, cwd=REPO
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result


def article_rows(path: Path) -> list[tuple[object, ...]]:
    """The article rows that must survive a rebuild, in a stable order."""
    with sqlite3.connect(path) as conn:
        return conn.execute(f"SELECT {ROW_COLUMNS} FROM articles ORDER BY url").fetchall()
