"""Smoke test of the crawl benchmark: it runs end to end on a small site and prints its ratios.

Not a timed test: it asserts that every measurement happened and the report is complete, never
that a figure reached a target.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bench import crawl_bench


def test_crawl_bench_runs_and_prints_the_ratio_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert (
        crawl_bench.main(["--pages", "40", "--rounds", "2", "--sites", str(tmp_path / "sites")])
        == 0
    )
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[-1].startswith("ratios: akhbar/ceiling ")
    ratios = re.findall(r"(\d+\.\d+)", lines[-1])
    assert len(ratios) >= 4 and all(float(r) > 0 for r in ratios[:3])
    assert "akhbar/minimal ceiling" in lines[-1]
    table = "\n".join(lines)
    for row in (
        "download (bare Scrapy spider)",
        "extraction + language",
        "archive write",
        "ceiling",
        "naive",
        "akhbar crawl, 20 pages",
        "akhbar crawl, 40 pages",
        "akhbar / ceiling, as measured",
        "= CPU efficiency",
        "x cores kept busy",
        "first to last committed batch",
        "trafilatura + langdetect alone",
        "minimal ceiling at the crawl's speed",
        "akhbar / minimal ceiling",
    ):
        assert row in table, row
    per_round = next(line for line in lines if line.startswith("akhbar / ceiling at the crawl"))
    assert len(re.findall(r"\d+\.\d+", per_round)) == 3  # two rounds and their median
    # the speed reference: the extraction counter before each crawl and in it, both rounds
    counter = next(line for line in lines if line.startswith("extraction counter, ms/page"))
    assert len(re.findall(r"\d+\.\d+", counter)) == 4
    assert all(float(ms) > 0 for ms in re.findall(r"\d+\.\d+", counter))
