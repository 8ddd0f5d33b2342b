"""`akhbar serve` stopped by Ctrl-C or SIGTERM: datasette stops too, its temporary metadata
file is gone, the exit is 5 (interrupted) without a traceback."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from conftest import sample_articles

from archive.db import Archive

AKHBAR = Path(sys.executable).parent / "akhbar"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_until_up(url: str, process: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert process.poll() is None, process.communicate()
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.1)
    pytest.fail("datasette did not start")


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["sigterm", "sigint"])
def test_serve_stops_datasette_and_removes_its_files(tmp_path: Path, sig: signal.Signals) -> None:
    archive, temp = tmp_path / "news.db", tmp_path / "tmp"
    temp.mkdir()
    with Archive(archive) as opened:
        opened.add_many(sample_articles())
    port = _free_port()
    process = subprocess.Popen(
        [str(AKHBAR), "serve", "--archive", str(archive), "--port", str(port)],
        env={**os.environ, "TMPDIR": str(temp)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        _wait_until_up(f"http://127.0.0.1:{port}/-/versions.json", process)
        assert list(temp.glob("akhbar-serve-*/metadata.json"))  # written while it serves
        process.send_signal(sig)
        _, stderr = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == 5
    assert "Traceback" not in stderr
    assert list(temp.iterdir()) == []
    with socket.socket() as sock:  # datasette is gone: nothing listens on its port
        assert sock.connect_ex(("127.0.0.1", port)) != 0
