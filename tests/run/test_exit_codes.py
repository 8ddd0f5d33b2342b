"""What cron sees: one crawl per archive at a time (exit 75 at once), exit codes it can act on
(0 ok, 2 usage, 3 some outlets failed, 4 could not run), silence with -q when all is well, a log
file."""

from __future__ import annotations

import sqlite3
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

import pytest

from crawler.run.lock import lock_holder
from tests.faults.faultsite import AKHBAR, FAST, FaultSite, crawl

from .conftest import outlets_file


@dataclass(frozen=True)
class Concurrent:
    archive: Path
    first_pid: int
    first: subprocess.CompletedProcess[str]
    second: subprocess.CompletedProcess[str]
    second_seconds: float
    first_still_running: bool


@pytest.fixture(scope="module")
def concurrent(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Concurrent]:
    """A crawl of a slow site, and a second crawl of the same archive started meanwhile."""
    site = FaultSite(n_ok=12, delay=0.5).start()
    archive = tmp_path_factory.mktemp("lock") / "archive.db"
    command = [str(AKHBAR), "crawl", "--archive", str(archive), "--feed", f"{site.base}/feed.xml"]
    for setting in (*FAST, "CONCURRENT_REQUESTS=2"):
        command += ["--set", setting]
    first = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 30
        while lock_holder(archive) != first.pid:
            assert first.poll() is None and time.monotonic() < deadline
            time.sleep(0.05)
        started = time.monotonic()
        second = crawl(archive, "--feed", f"{site.base}/feed.xml")
        seconds, running = time.monotonic() - started, first.poll() is None
        out, err = first.communicate(timeout=120)
        done = subprocess.CompletedProcess(command, first.returncode, out, err)
        yield Concurrent(archive, first.pid, done, second, seconds, running)
    finally:
        if first.poll() is None:
            first.kill()
        site.stop()


def test_a_second_concurrent_crawl_exits_75_at_once(concurrent: Concurrent) -> None:
    second = concurrent.second
    assert concurrent.first_still_running  # the second one really overlapped the first
    assert second.returncode == 75
    assert second.stderr == (
        f"Error: another crawl (pid {concurrent.first_pid}) is writing to {concurrent.archive}; "
        "try again later\n"
    )
    assert second.stdout == ""
    assert concurrent.second_seconds < 30  # no crawling: the time is interpreter start-up
    with closing(sqlite3.connect(concurrent.archive)) as db:
        assert db.execute("SELECT count(*) FROM runs").fetchone()[0] == 1


def test_the_running_crawl_is_unharmed_by_the_second(concurrent: Concurrent) -> None:
    assert concurrent.first.returncode == 0, concurrent.first.stdout + concurrent.first.stderr


@pytest.fixture(scope="module")
def quiet_run(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[subprocess.CompletedProcess[str], Path]]:
    """`akhbar crawl -q --log-file logs/crawl-DATE.log` of a healthy site, as cron runs it."""
    site, folder = FaultSite(n_ok=2).start(), tmp_path_factory.mktemp("quiet")
    log = folder / "logs" / "crawl-2026-11-22.log"
    log.parent.mkdir()
    try:
        args = ("--feed", f"{site.base}/feed.xml", "-q", "--log-file", str(log))
        yield crawl(folder / "archive.db", *args), log
    finally:
        site.stop()


def test_quiet_prints_nothing_when_all_is_well(
    quiet_run: tuple[subprocess.CompletedProcess[str], Path],
) -> None:
    result, log = quiet_run
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")
    assert log.exists()
    assert not Path(f"{log.parent.parent / 'archive.db'}.log").exists()  # --log-file, not both


def test_the_log_file_records_the_run(
    quiet_run: tuple[subprocess.CompletedProcess[str], Path],
) -> None:
    assert "Spider closed (finished)" in quiet_run[1].read_text()


def test_exit_3_names_the_outlets_that_failed_even_when_quiet(
    make_site: Callable[..., FaultSite], tmp_path: Path
) -> None:
    good, gone = make_site(n_ok=2), make_site(n_ok=0)
    registry = outlets_file(tmp_path / "outlets.toml", {"good": good, "gone": gone})
    gone.stop()  # nothing answers: neither the declared sources nor the site's own
    result = crawl(tmp_path / "a.db", "good", "gone", "--outlets", str(registry), "-q")
    assert (result.returncode, result.stdout) == (3, "")
    host = gone.base.removeprefix("http://")
    assert result.stderr == f"gone: connection refused by {host} (2 requests)\n"


def test_exit_4_when_the_archive_cannot_be_opened_and_2_for_an_unknown_outlet(
    tmp_path: Path,
) -> None:
    missing_dir = tmp_path / "no-such-dir" / "archive.db"
    result = crawl(missing_dir, "--feed", "http://127.0.0.1:9/feed.xml")
    assert result.returncode == 4
    assert result.stderr == (
        f"Error: cannot open archive {missing_dir}: directory {missing_dir.parent} does not exist\n"
    )
    unknown = crawl(tmp_path / "a.db", "no-such-outlet")
    assert unknown.returncode == 2 and unknown.stderr.startswith(
        "Error: unknown outlet 'no-such-outlet'; `akhbar outlets` lists them all\n"
    )
