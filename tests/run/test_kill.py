"""A crawl killed mid-run (SIGTERM, or kill -9), then run again: the archive is intact, nothing
committed before the kill is lost or fetched again, nothing is stored twice, and the pages left
undone are fetched. Then `akhbar check` finds the archive healthy."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import time
from collections.abc import Callable
from contextlib import closing
from pathlib import Path

import psutil
import pytest

from crawler.run.crawl import EXIT_INTERRUPTED
from tests.faults.faultsite import AKHBAR, FAST, FaultSite, akhbar, crawl

from .conftest import article_urls, integrity

ARTICLES = 40
# Few downloads at once, and none while a page waits for extraction: the kill lands mid-way.
SLOW = (
    *("--set", "ARCHIVE_BATCH_SIZE=1", "--set", "CONCURRENT_REQUESTS=2"),
    *("--set", "SCRAPER_SLOT_MAX_ACTIVE_SIZE=1"),
)


def _archived(archive: Path) -> int:
    try:
        with closing(sqlite3.connect(f"file:{archive}?mode=ro", uri=True, timeout=5)) as db:
            return int(db.execute("SELECT count(*) FROM article_urls").fetchone()[0])
    except sqlite3.OperationalError:
        return 0  # not created yet


def _start(archive: Path, site: FaultSite) -> subprocess.Popen[str]:
    command = [str(AKHBAR), "crawl", "--archive", str(archive), "--feed", f"{site.base}/feed.xml"]
    for setting in FAST:
        command += ["--set", setting]
    return subprocess.Popen(
        [*command, *SLOW], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def _kill_midway(
    process: subprocess.Popen[str], archive: Path, sig: signal.Signals, at: int = 6
) -> list[psutil.Process]:
    """Signal the crawl once `at` articles are committed; return its processes still alive
    a few seconds after it died (its extraction workers, if they outlive it)."""
    deadline = time.monotonic() + 60
    while _archived(archive) < at:
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline
        time.sleep(0.05)
    family = psutil.Process(process.pid).children(recursive=True)
    process.send_signal(sig)
    process.wait(timeout=60)
    _, alive = psutil.wait_procs(family, timeout=5)
    return alive


def _end(processes: list[psutil.Process]) -> None:
    """Terminate processes this test started (by pid), so none outlives it."""
    for process in processes:
        process.kill()
    psutil.wait_procs(processes, timeout=5)


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGKILL], ids=["sigterm", "kill-9"])
def test_a_killed_crawl_resumes_without_loss_or_duplicates(
    make_site: Callable[..., FaultSite], tmp_path: Path, sig: signal.Signals
) -> None:
    site, archive = make_site(n_ok=ARTICLES, delay=0.5), tmp_path / "archive.db"
    process = _start(archive, site)
    _end(_kill_midway(process, archive, sig))  # left-over workers: see the test below
    process.communicate(timeout=10)
    if sig == signal.SIGTERM:
        assert process.returncode == EXIT_INTERRUPTED
    assert integrity(archive) == "ok"
    committed = set(article_urls(archive))
    assert 6 <= len(committed) < ARTICLES

    restart = len(site.hits)
    result = crawl(archive, "--feed", f"{site.base}/feed.xml")
    assert result.returncode == 0, result.stdout + result.stderr

    refetched = {site.base + h.path for h in site.hits[restart:]} & committed
    assert refetched == set()  # nothing committed before the kill is downloaded again
    expected = {f"{site.base}/news/ok-{i}.html" for i in range(1, ARTICLES + 1)}
    assert set(article_urls(archive)) == expected
    with closing(sqlite3.connect(archive)) as db:
        assert db.execute("SELECT count(*) FROM articles").fetchone()[0] == ARTICLES
        statuses = [s for (s,) in db.execute("SELECT status FROM runs ORDER BY id")]
    assert integrity(archive) == "ok"
    assert statuses[-1] == "ok" and "running" not in statuses
    # SIGTERM: recorded by the crawl itself; kill -9: marked by the next crawl, under the lock
    assert statuses[0] == "interrupted"
    checked = akhbar("check", "--archive", str(archive))
    assert (checked.returncode, checked.stdout) == (0, "All outlets look healthy.\n")


def test_extraction_workers_end_with_a_crawl_killed_by_kill_9(
    make_site: Callable[..., FaultSite], tmp_path: Path
) -> None:
    site, archive = make_site(n_ok=ARTICLES, delay=0.5), tmp_path / "archive.db"
    process = _start(archive, site)
    left = _kill_midway(process, archive, signal.SIGKILL, at=1)
    _end(left)
    process.communicate(timeout=10)
    assert left == []
