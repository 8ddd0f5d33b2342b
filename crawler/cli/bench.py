"""`akhbar bench`: the benchmarks, each a thin wrapper over a `bench/*.py` module's `main`.

    akhbar bench crawl [--pages N] [--rounds R]  crawl -> archive throughput (bench/crawl_bench.py)
    akhbar bench extraction [ARGS...]           extraction quality (bench/extraction_bench.py)
    akhbar bench scale [ARGS...]                distributed workers (bench/scale_bench.py)

The `bench` package lives in the source tree, not in the installed wheel: run these from a clone.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable

import click

PASS_THROUGH = {"ignore_unknown_options": True, "allow_extra_args": True}


def _bench_main(module: str) -> Callable[[list[str] | None], int]:
    try:
        main: Callable[[list[str] | None], int] = importlib.import_module(f"bench.{module}").main
        return main
    except ModuleNotFoundError as exc:
        if exc.name not in ("bench", f"bench.{module}"):
            raise
        click.echo(f"Error: bench/{module}.py is not here (run from a clone of akhbar)", err=True)
        sys.exit(4)


@click.group()
def bench() -> None:
    """Benchmarks: crawl throughput, extraction quality, distributed scale."""


@bench.command()
@click.option(
    "--pages", type=int, default=2000, show_default=True, help="Article pages of the site."
)
@click.option("--seed", type=int, default=1, show_default=True, help="The synthetic site's seed.")
@click.option(
    "--rounds", type=int, default=5, show_default=True, help="Stages + crawl rounds (median kept)."
)
def crawl(pages: int, seed: int, rounds: int) -> None:
    """Crawl -> archive pages/s against the ceiling and a naive pipeline, on a synthetic site."""
    args = ["--pages", str(pages), "--seed", str(seed), "--rounds", str(rounds)]
    sys.exit(_bench_main("crawl_bench")(args))


@bench.command(context_settings=PASS_THROUGH, add_help_option=False)
@click.pass_context
def extraction(ctx: click.Context) -> None:
    """Extraction quality on recorded pages (arguments go to bench/extraction_bench.py)."""
    sys.exit(_bench_main("extraction_bench")(list(ctx.args)))


@bench.command(context_settings=PASS_THROUGH, add_help_option=False)
@click.pass_context
def scale(ctx: click.Context) -> None:
    """1 vs 2 distributed crawl workers (arguments go to bench/scale_bench.py)."""
    sys.exit(_bench_main("scale_bench")(list(ctx.args)))
