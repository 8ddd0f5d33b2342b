"""A crawl runs while other programs use its archive: monitoring (`akhbar status`, `check`)
and any other program opening it read-write (an export, a script on the library)."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from contextlib import closing
from pathlib import Path

from archive.db import Archive
from crawler.run.lock import lock_holder
from tests.faults.faultsite import AKHBAR, FAST, FaultSite, akhbar

from .conftest import article_urls, integrity

OPEN_AND_CLOSE = "import sys; from archive.db import Archive; Archive(sys.argv[1]).close()"


def _crawl_while(site: FaultSite, archive: Path, meanwhile: Callable[[], None]) -> None:
    command = [str(AKHBAR), "crawl", "--archive", str(archive), "--feed", f"{site.base}/feed.xml"]
    for setting in (
        *FAST,
        "CONCURRENT_REQUESTS=2",
        "ARCHIVE_BATCH_SIZE=1",
        "SCRAPER_SLOT_MAX_ACTIVE_SIZE=1",
    ):
        command += ["--set", setting]
    crawl = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while lock_holder(archive) != crawl.pid or not _archived(archive):
            assert crawl.poll() is None and time.monotonic() < deadline, crawl.communicate()
            time.sleep(0.1)
        rounds = 0
        while crawl.poll() is None:  # again and again, as long as the crawl runs
            meanwhile()
            rounds += 1
        assert rounds >= 1
        out, err = crawl.communicate(timeout=120)
    finally:
        if crawl.poll() is None:
            crawl.kill()
    assert integrity(archive) == "ok"
    assert crawl.returncode == 0, out + err


def _archived(archive: Path) -> int:
    """Articles committed so far, read without writing (a read-only connection)."""
    try:
        with closing(sqlite3.connect(f"file:{archive}?mode=ro", uri=True)) as db:
            return int(db.execute("SELECT count(*) FROM article_urls").fetchone()[0])
    except sqlite3.Error:
        return 0  # not created yet


def test_monitoring_while_a_crawl_runs_does_not_disturb_it(
    make_site: Callable[..., FaultSite], tmp_path: Path
) -> None:
    site, archive = make_site(n_ok=20, delay=0.5), tmp_path / "archive.db"

    def monitor() -> None:
        assert akhbar("status", "--archive", str(archive)).returncode == 0
        assert akhbar("check", "--archive", str(archive)).returncode in (0, 1)

    _crawl_while(site, archive, monitor)
    assert len(article_urls(archive)) == 20


def test_a_crawls_archive_survives_another_program_opening_and_closing_it(tmp_path: Path) -> None:
    """What a crawl's process does (one connection kept open, others opened later by other
    components), while another program opens the archive read-write and closes it."""
    path = tmp_path / "archive.db"
    with Archive(path) as kept:
        kept.start_run("akhbar crawl", ["o"])  # the WAL now holds a commit
        Archive(path).close()  # another component of the same process opens the archive
        subprocess.run([sys.executable, "-c", OPEN_AND_CLOSE, str(path)], check=True)
        assert Path(f"{path}-wal").exists()  # the other program must not remove it
        with Archive(path) as later:  # the run record opened at the end of a crawl
            assert later.runs(1)[0].command == "akhbar crawl"
