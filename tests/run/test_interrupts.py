"""SIGINT and SIGTERM at any moment of a crawl's start-up: exit 5, never a traceback, never
exit 4, and once the archive is open its run is recorded `interrupted`. Then Ctrl-C on a
terminal, where the crawl shows one live line per outlet."""

from __future__ import annotations

import os
import pty
import select
import signal
import sqlite3
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import closing
from pathlib import Path

import pytest

from tests.faults.faultsite import AKHBAR, FAST, FaultSite

Moment = Callable[[Path, FaultSite, int], bool]


def statuses(archive: Path) -> list[str]:
    if not archive.exists():
        return []
    with closing(sqlite3.connect(f"file:{archive}?mode=ro", uri=True, timeout=5)) as db:
        try:
            return [s for (s,) in db.execute("SELECT status FROM runs ORDER BY id")]
        except sqlite3.OperationalError:
            return []  # created, not migrated yet


def catches_sigterm(pid: int) -> bool:
    """Has the process installed its SIGTERM handler: is akhbar's first line done?"""
    status = Path(f"/proc/{pid}/status").read_text()
    caught = int(next(line for line in status.splitlines() if line.startswith("SigCgt:"))[7:], 16)
    return bool(caught & (1 << (signal.SIGTERM - 1)))


MOMENTS: dict[str, Moment] = {
    # Before this, the interpreter itself starts: signals kill it as they would any program.
    "while-python-imports": lambda archive, site, pid: catches_sigterm(pid),
    "while-the-archive-opens": lambda archive, site, pid: Path(f"{archive}.lock").exists(),
    "while-scrapy-sets-up": lambda archive, site, pid: statuses(archive) == ["running"],
    "during-the-first-requests": lambda archive, site, pid: bool(site.hits),
}


@pytest.fixture(scope="module")
def site() -> Iterator[FaultSite]:
    slow = FaultSite(n_ok=10, delay=0.5).start()
    yield slow
    slow.stop()


def command(archive: Path, site: FaultSite) -> list[str]:
    args = [str(AKHBAR), "crawl", "--archive", str(archive), "--feed", f"{site.base}/feed.xml"]
    for setting in (*FAST, "CONCURRENT_REQUESTS=1"):
        args += ["--set", setting]
    return args


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["sigint", "sigterm"])
@pytest.mark.parametrize("moment", list(MOMENTS))
def test_an_interrupt_at_start_up_exits_5_cleanly(
    site: FaultSite, tmp_path: Path, moment: str, sig: signal.Signals
) -> None:
    archive = tmp_path / "archive.db"
    site.hits.clear()
    process = subprocess.Popen(
        command(archive, site), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    deadline = time.monotonic() + 60
    while not MOMENTS[moment](archive, site, process.pid):
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline
        time.sleep(0.005)
    process.send_signal(sig)
    out, err = process.communicate(timeout=60)
    assert process.returncode == 5, out + err
    assert err == ""  # no traceback, no "Error:", no warning on the terminal
    runs = statuses(archive)
    assert set(runs) <= {"interrupted"}
    if moment in ("while-scrapy-sets-up", "during-the-first-requests"):
        assert runs == ["interrupted"]
        report = [line for line in out.splitlines() if line.startswith("run 1: ")]
        assert report == [f"run 1: interrupted ({sig.name}, shutdown) -> {archive}"]
    if moment == "while-python-imports":
        assert out == ""


def test_ctrl_c_on_a_terminal_after_live_progress(site: FaultSite, tmp_path: Path) -> None:
    """On a terminal (a pty), one line per outlet is redrawn in place; Ctrl-C reaches the whole
    process group, extraction workers included, and still nothing but the report is printed."""
    archive = tmp_path / "archive.db"
    pid, fd = pty.fork()
    if pid == 0:  # the child: the crawl, on the pty
        os.execv(str(AKHBAR), command(archive, site))
    output, sent, deadline = b"", False, time.monotonic() + 60
    while time.monotonic() < deadline:
        if not sent and output.count(b"\x1b[1F") >= 2:  # redrawn twice: it is crawling
            os.write(fd, b"\x03")  # Ctrl-C, as typed
            sent = True
        if select.select([fd], [], [], 0.1)[0]:
            try:
                chunk = os.read(fd, 4096)
            except OSError:  # the child closed the terminal
                break
            if not chunk:
                break
            output += chunk
    _, status = os.waitpid(pid, 0)
    os.close(fd)
    text = output.decode(errors="replace")
    assert sent, text
    assert os.waitstatus_to_exitcode(status) == 5, text
    assert "Traceback" not in text
    assert "127.0.0.1  fetched " in text  # the live line, before the final table
    assert f"\r\nrun 1: interrupted (SIGINT, shutdown) -> {archive}\r\n" in text
    assert statuses(archive) == ["interrupted"]
