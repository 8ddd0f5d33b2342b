"""`akhbar demo` as `make demo` runs it: every run starts from a fresh demo archive (the sample
site's ports change, so URLs an earlier demo archived lead nowhere), and the commands it prints
at the end work exactly as printed."""

from __future__ import annotations

import json
import shlex
import sqlite3
import subprocess
from contextlib import closing
from pathlib import Path

from click.testing import CliRunner

from archive.db import Archive
from crawler.cli.main import cli
from tests.e2e.conftest import AKHBAR


def demo(cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [AKHBAR, "demo"], cwd=cwd, capture_output=True, text=True, timeout=300, check=False
    )


def test_a_second_demo_starts_afresh_and_its_commands_work_as_printed(tmp_path: Path) -> None:
    first = demo(tmp_path)
    assert first.returncode == 0, first.stdout + first.stderr
    second = demo(tmp_path)
    assert second.returncode == 0, second.stdout + second.stderr
    assert second.stderr == ""
    assert "run 1: ok (finished) -> demo-archive.db" in second.stdout.splitlines()
    with closing(sqlite3.connect(tmp_path / "demo-archive.db")) as db:
        assert db.execute("SELECT count(*) FROM runs").fetchone()[0] == 1
        assert db.execute("SELECT count(*) FROM articles").fetchone()[0] == 16

    printed = dict(line.split(":  ", 1) for line in second.stdout.splitlines() if ":  " in line)
    assert set(printed) == {"Browse it", "Export it"}
    assert shlex.split(printed["Browse it"])[1:] == ["serve", "--archive", "demo-archive.db"]
    export = subprocess.run(
        shlex.split(printed["Export it"]), cwd=tmp_path, capture_output=True, text=True, check=False
    )
    assert export.returncode == 0, export.stderr
    rows = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text().splitlines()]
    assert len(rows) == 16 and all(row["urls"] for row in rows)


def test_the_demo_never_replaces_an_archive_that_is_not_a_demo(tmp_path: Path) -> None:
    archive = tmp_path / "news.db"
    with Archive(archive) as opened:
        opened.finish_run(opened.start_run("akhbar crawl medias24", ["medias24"]), status="ok")
    before = archive.read_bytes()
    result = CliRunner().invoke(cli, ["demo", "--archive", str(archive)])
    assert result.exit_code == 2
    assert result.stderr.splitlines()[0] == (
        f"Error: {archive} holds more than an earlier demo: give the demo another --archive"
    )
    assert archive.read_bytes() == before
