"""Issue 20, findings 2 and 7: what happens to extracted articles when the archive cannot take
them (a full disk, simulated with RLIMIT_FSIZE; another process holding the write lock), and
the flush timer that commits a slow crawl's articles while it still runs."""

from __future__ import annotations

import resource
import sqlite3
import subprocess
import threading
import time
from collections.abc import Callable
from contextlib import closing
from pathlib import Path

from archive.db import Archive
from crawler.run.crawl import EXIT_CANNOT_RUN
from tests.faults.faultsite import AKHBAR, FAST, FaultSite, akhbar, crawl

from .conftest import article_urls, outlet_row

ARTICLES = 30


def _command(archive: Path, site: FaultSite, *settings: str) -> list[str]:
    command = [str(AKHBAR), "crawl", "--archive", str(archive), "--feed", f"{site.base}/feed.xml"]
    for setting in (*FAST, *settings):
        command += ["--set", setting]
    return command


def _popen(command: list[str]) -> subprocess.Popen[str]:
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_a_full_disk_fails_the_run_and_loses_nothing(
    make_site: Callable[..., FaultSite], tmp_path: Path
) -> None:
    """The batch cannot be written (files may not grow past 64 KiB beyond the empty archive):
    the run is recorded failed with the articles counted, the exit code is 4, `akhbar check`
    says so, and no discovery state is saved, so the next run fetches every article."""
    site, archive = make_site(n_ok=ARTICLES), tmp_path / "archive.db"
    Archive(archive).close()
    limit = archive.stat().st_size + 64 * 1024
    process = _popen(_command(archive, site))
    # every file the crawl writes stops at `limit` (set at once: the interpreter takes a second
    # to start, and the archive is written well after)
    resource.prlimit(process.pid, resource.RLIMIT_FSIZE, (limit, limit))
    out, err = process.communicate(timeout=120)
    assert process.returncode == EXIT_CANNOT_RUN, out + err
    assert "could not be archived" in err and "Traceback" not in err
    row = outlet_row(archive)
    assert row["errors"]["archive_write_failed"] == ARTICLES
    with closing(sqlite3.connect(archive)) as db:
        assert db.execute("SELECT status FROM runs").fetchall() == [("failed",)]
        assert db.execute("SELECT count(*) FROM discovery_state").fetchone() == (0,)
    checked = akhbar("check", "--archive", str(archive))
    assert checked.returncode == 1
    assert "failed-run" in checked.stdout and "could not be written" in checked.stdout

    again = crawl(archive, "--feed", f"{site.base}/feed.xml")
    assert again.returncode == 0, again.stderr
    expected = {f"{site.base}/news/ok-{i}.html" for i in range(1, ARTICLES + 1)}
    assert set(article_urls(archive)) == expected


def test_a_write_lock_held_by_another_process_is_waited_out(
    make_site: Callable[..., FaultSite], tmp_path: Path
) -> None:
    """Another program holds the archive's write lock for 3 s while the crawl writes: the
    batch is tried again (ARCHIVE_BUSY_TIMEOUT=1, up to 6 attempts) and nothing is lost."""
    site, archive = make_site(n_ok=8, delay=0.2), tmp_path / "archive.db"
    settings = ("ARCHIVE_BUSY_TIMEOUT=1", "ARCHIVE_WRITE_ATTEMPTS=6", "ARCHIVE_FLUSH_SECONDS=0.2")
    process = _popen(_command(archive, site, *settings))
    deadline = time.monotonic() + 60
    while not site.fetched("/news/ok-"):
        assert process.poll() is None and time.monotonic() < deadline
        time.sleep(0.02)
    holder = sqlite3.connect(archive, timeout=30, isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")
    release = threading.Timer(3, holder.execute, ("COMMIT",))
    release.start()
    out, err = process.communicate(timeout=120)
    release.join()
    holder.close()
    assert process.returncode == 0, out + err
    assert "archive write attempt 1 of 6" in Path(f"{archive}.log").read_text()
    assert len(article_urls(archive)) == 8


def test_articles_are_committed_every_flush_seconds_while_the_crawl_waits(
    make_site: Callable[..., FaultSite], tmp_path: Path
) -> None:
    """ARCHIVE_FLUSH_SECONDS is a timer: the good articles are in the archive while the crawl
    still waits on a page that takes 6 s to answer (no article arrives meanwhile)."""
    site, archive = make_site(n_ok=3, faults=("hang",)), tmp_path / "archive.db"
    settings = ("ARCHIVE_FLUSH_SECONDS=0.5", "DOWNLOAD_TIMEOUT=20", "RETRY_TIMES=0")
    process = _popen(_command(archive, site, *settings))
    try:
        deadline = time.monotonic() + 60
        committed = 0
        while process.poll() is None and time.monotonic() < deadline and committed < 3:
            time.sleep(0.1)
            try:
                committed = len(article_urls(archive))
            except sqlite3.OperationalError:
                committed = 0  # not created yet
        assert committed == 3 and process.poll() is None  # written while the crawl still runs
    finally:
        out, err = process.communicate(timeout=60)
    assert process.returncode == 0, out + err
