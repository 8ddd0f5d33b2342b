"""`akhbar status` and `akhbar check` on archives built by real crawls: an outlet whose new pages
suddenly lose their dates (a layout change), and one that blocks us."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.faults.faultsite import FaultSite, akhbar, crawl

from .conftest import outlet_row, outlets_file


@dataclass(frozen=True)
class Health:
    archive: Path
    exit_codes: tuple[int, int]


@pytest.fixture(scope="module")
def health(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Health]:
    steady, walled = FaultSite(n_ok=4).start(), FaultSite(n_ok=4, blocked=True).start()
    folder = tmp_path_factory.mktemp("health")
    archive = folder / "archive.db"
    registry = outlets_file(folder / "outlets.toml", {"steady": steady, "walled": walled})
    try:
        first = crawl(archive, "steady", "walled", "--outlets", str(registry))
        steady.n_ok, steady.undated_from = 8, 5  # four new articles, none with a date
        second = crawl(archive, "steady", "walled", "--outlets", str(registry))
        yield Health(archive, (first.returncode, second.returncode))
    finally:
        steady.stop()
        walled.stop()


def test_the_crawls_exit_3_because_one_outlet_blocks(health: Health) -> None:
    assert health.exit_codes == (3, 3)
    errors = outlet_row(health.archive, "walled")["errors"]
    assert errors == {"blocked_cloudflare": 2}  # feed and sitemap; then no more requests


def test_check_names_the_outlet_that_lost_its_dates_and_the_one_that_blocks(health: Health) -> None:
    result = akhbar("check", "--archive", str(health.archive))
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        "steady: no-dates: every article of the last run lost its date: a layout change?",
        "walled: blocked: the outlet blocks our requests (blocked_cloudflare)",
    ]


def test_status_shows_each_outlets_recent_runs(health: Health) -> None:
    result = akhbar("status", "--archive", str(health.archive))
    assert result.returncode == 0
    lines = result.stdout.splitlines()
    assert lines[0].split() == [
        "outlet",
        "run",
        "finished",
        "fetched",
        "new",
        "dup",
        "refused",
        "errors",
    ]
    steady = [line.split() for line in lines if line.startswith("steady")]
    assert [(row[1], row[4]) for row in steady] == [("2", "4"), ("1", "4")]  # run, new
    walled = [line for line in lines if line.startswith("walled")]
    assert len(walled) == 2 and all(line.endswith("blocked_cloudflare=2") for line in walled)


def test_check_on_a_missing_archive_is_a_clear_error(tmp_path: Path) -> None:
    result = akhbar("check", "--archive", str(tmp_path / "none.db"))
    assert result.returncode == 4
    assert result.stderr == f"Error: cannot open archive {tmp_path / 'none.db'}: no such file\n"


def test_check_quiet_prints_only_findings_and_can_check_some_outlets(health: Health) -> None:
    quiet = akhbar("check", "-q", "--archive", str(health.archive))
    assert (quiet.returncode, quiet.stderr) == (1, "")
    assert len(quiet.stdout.splitlines()) == 2
    walled = akhbar("check", "-q", "walled", "--archive", str(health.archive))
    assert (walled.returncode, walled.stdout) == (
        1, "walled: blocked: the outlet blocks our requests (blocked_cloudflare)\n")  # fmt: skip
