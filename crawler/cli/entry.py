"""The `akhbar` console script's entry point, kept free of imports on purpose.

Extraction workers are started through multiprocessing's forkserver, and every child re-runs the
parent's main script (the generated `akhbar` script, which imports this module) before its first
task. Importing `crawler.cli.main` here would load Scrapy, Twisted, sqlite-utils and every command
into each worker: ~30 MB of memory and ~0.4 s of CPU per worker, for nothing a worker uses.
"""

from __future__ import annotations


def main() -> None:
    from crawler.cli.main import main as cli_main  # deferred: see the module docstring

    cli_main()
