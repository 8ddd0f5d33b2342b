"""The `akhbar` console script's entry point, kept free of imports on purpose.

Extraction workers are started through multiprocessing's forkserver, and every child re-runs the
parent's main script (the generated `akhbar` script, which imports this module) before its first
task. Importing `crawler.cli.main` here would load Scrapy, Twisted, sqlite-utils and every command
into each worker: ~30 MB of memory and ~0.4 s of CPU per worker, for nothing a worker uses.

From its first line, SIGTERM raises KeyboardInterrupt("SIGTERM") as SIGINT does, so a command
stopped at any moment, even while it imports, unwinds and exits 5 (interrupted) without a
traceback; a crawl takes both signals over once Scrapy sets up (crawler/run/interrupts.py).
"""

from __future__ import annotations

import signal
import sys
from types import FrameType

EXIT_INTERRUPTED = 5  # crawler/run/exits.py, not imported here (see above)


def _terminate(number: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt("SIGTERM")


def interrupt_on_sigterm() -> None:
    """From now on SIGTERM raises KeyboardInterrupt("SIGTERM"), as SIGINT raises one."""
    signal.signal(signal.SIGTERM, _terminate)


def main() -> None:
    interrupt_on_sigterm()
    try:
        from crawler.cli.main import main as cli_main  # deferred: see the module docstring

        cli_main()
    except KeyboardInterrupt:
        sys.exit(EXIT_INTERRUPTED)
