"""`akhbar bench`: the group and its pass-through to the bench modules."""

from __future__ import annotations

from click.testing import CliRunner

from crawler.cli.bench import bench


def test_bench_group_lists_its_benchmarks() -> None:
    result = CliRunner().invoke(bench, ["--help"])
    assert result.exit_code == 0
    for name in ("crawl", "extraction", "scale"):
        assert name in result.output


def test_arguments_pass_through_to_the_module_main() -> None:
    result = CliRunner().invoke(bench, ["extraction", "--help"])
    assert result.exit_code == 0
    assert "--worst" in result.output  # bench/extraction_bench.py's own argparse help


def test_crawl_options_are_checked_before_any_work() -> None:
    result = CliRunner().invoke(bench, ["crawl", "--pages", "many"])
    assert result.exit_code == 2
    assert "'many' is not a valid integer" in result.output
