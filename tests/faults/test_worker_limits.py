"""Issue 20, findings 7, 9 and 10: extraction that would run for minutes.

The site serves good articles and one page whose extraction takes minutes of CPU inside one
libxml2 call (`hostile_site.slow_page`): Python handlers and threads cannot run meanwhile. The
page is held to EXTRACT_TIMEOUT (the others are archived), a SIGTERM during it ends the crawl
after SHUTDOWN_TIMEOUT with what was extracted written, and a kill -9 of the crawl takes its busy
worker with it.
"""

from __future__ import annotations

import json
import signal
import sqlite3
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import closing
from pathlib import Path

import psutil
import pytest

from crawler.run.crawl import EXIT_INTERRUPTED

from .faultsite import AKHBAR, FAST, crawl
from .hostile_site import HostileSite

OK = 3


@pytest.fixture
def heavy_site() -> Iterator[HostileSite]:
    site = HostileSite(n_ok=OK, faults=("heavy",)).start()
    yield site
    site.stop()


def _counters(archive: Path) -> dict[str, int]:
    with closing(sqlite3.connect(archive)) as db:
        (counters,) = db.execute("SELECT counters FROM run_outlets").fetchone()
    return dict(json.loads(counters))


def _urls(archive: Path) -> set[str]:
    with closing(sqlite3.connect(archive)) as db:
        return {u for (u,) in db.execute("SELECT url FROM article_urls")}


def _start(archive: Path, site: HostileSite, *settings: str) -> subprocess.Popen[str]:
    command = [str(AKHBAR), "crawl", "--archive", str(archive), "--feed", f"{site.base}/feed.xml"]
    # two workers: the good pages are not queued behind the heavy one
    for setting in (*FAST, "EXTRACT_WORKERS=2", *settings):
        command += ["--set", setting]
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _when(condition: Callable[[], bool], process: subprocess.Popen[str], limit: float = 60) -> None:
    deadline = time.monotonic() + limit
    while not condition():
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline
        time.sleep(0.05)


def _extracting_heavy(site: HostileSite, archive: Path) -> Callable[[], bool]:
    """The heavy page is fetched and every good page archived: a worker is on the heavy one."""

    def ready() -> bool:
        if not site.fetched("/news/heavy.html") or not archive.exists():
            return False
        try:
            return len(_urls(archive)) == OK
        except sqlite3.OperationalError:
            return False

    return ready


def test_a_page_over_the_cpu_budget_is_refused_and_the_others_archived(
    heavy_site: HostileSite, tmp_path: Path
) -> None:
    """Finding 10: the worker is ended at EXTRACT_TIMEOUT (+1 s, by the kernel: the page never
    lets Python run), the pages that shared its pool are extracted again alone, and only the
    heavy page is refused."""
    archive = tmp_path / "archive.db"
    result = crawl(archive, "--feed", f"{heavy_site.base}/feed.xml",
                   settings=(*FAST, "EXTRACT_TIMEOUT=2"))  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert _urls(archive) == {f"{heavy_site.base}/news/ok-{i}.html" for i in range(1, OK + 1)}
    counters = _counters(archive)
    over = counters.get("pages_refused:worker-died", 0)
    over += counters.get("pages_refused:extraction-timeout", 0)
    assert over == 1, counters


def test_sigterm_ends_the_crawl_by_shutdown_timeout_keeping_what_was_extracted(
    heavy_site: HostileSite, tmp_path: Path
) -> None:
    """Finding 7: with no extraction budget the heavy page holds its worker for minutes; a
    SIGTERM then ends the crawl after SHUTDOWN_TIMEOUT: the page is abandoned, every article
    extracted before is written, the run is recorded interrupted, exit 5."""
    archive = tmp_path / "archive.db"
    process = _start(archive, heavy_site, "EXTRACT_TIMEOUT=0", "SHUTDOWN_TIMEOUT=2",
                     "ARCHIVE_FLUSH_SECONDS=0.2")  # fmt: skip
    _when(_extracting_heavy(heavy_site, archive), process)
    process.send_signal(signal.SIGTERM)
    out, err = process.communicate(timeout=60)
    assert process.returncode == EXIT_INTERRUPTED, out + err
    assert "abandoning extraction" in Path(f"{archive}.log").read_text()
    assert len(_urls(archive)) == OK
    assert _counters(archive)["pages_abandoned"] == 1
    with closing(sqlite3.connect(archive)) as db:
        assert db.execute("SELECT status FROM runs").fetchall() == [("interrupted",)]


def test_kill_9_of_the_crawl_ends_a_worker_busy_in_c(
    heavy_site: HostileSite, tmp_path: Path
) -> None:
    """Finding 9: the crawl is killed while its worker is deep in one C call (the watchdog
    thread cannot run then); every process of the crawl is gone within seconds."""
    archive = tmp_path / "archive.db"
    process = _start(archive, heavy_site, "EXTRACT_TIMEOUT=0", "ARCHIVE_FLUSH_SECONDS=0.2")
    _when(_extracting_heavy(heavy_site, archive), process)
    time.sleep(1)
    family = psutil.Process(process.pid).children(recursive=True)
    busy = [p for p in family if p.cpu_percent(interval=0.5) > 50]
    process.kill()
    process.communicate(timeout=10)
    _, alive = psutil.wait_procs(family, timeout=5)
    for leftover in alive:  # a process this test started must not outlive it
        leftover.kill()
    assert busy, "no worker was busy when the crawl was killed"
    assert alive == []
