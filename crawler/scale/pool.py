"""The extraction worker pool: processes forked from a server that imported extraction once.

forkserver, not fork: workers never inherit the reactor's threads and sockets. The server imports
the extraction stack once (trafilatura, langdetect: ~0.3 s of CPU); every worker it forks starts
with it, and the crawl process itself never imports it.
Used by the crawl's ExtractionPipeline and by reextract / ingest-warc.
"""

from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import forkserver
from multiprocessing.context import BaseContext

from crawler.scale.worker import EXTRACTION_MODULES, Budget, start_worker

PRELOAD = ["crawler.scale.worker", *EXTRACTION_MODULES]


def _context() -> BaseContext:
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(PRELOAD)
    return context


def start_server() -> None:
    """Start the fork server now and return at once: it imports the extraction stack while this
    process sets the crawl up, so creating the pool later does not wait for that import."""
    _context()
    forkserver.ensure_running()


def extraction_pool(
    workers: int, watch_pid: int | None = None, budget: Budget | None = None
) -> ProcessPoolExecutor:
    """A pool of `workers` extraction processes, all started now (the executor would start one
    per submitted task): their warm-up (~0.4 s of CPU each) overlaps the reading of robots.txt,
    feeds and sitemaps instead of delaying the first articles. Workers end with this process
    (kill -9 included; `watch_pid` is checked once more at start), and hold each page to
    `budget` (crawler/scale/worker.py)."""
    pool = ProcessPoolExecutor(
        workers, mp_context=_context(), initializer=start_worker, initargs=(watch_pid, budget)
    )
    for _ in range(workers):
        pool.submit(os.getpid)
    return pool


def kill_workers(pool: ProcessPoolExecutor) -> None:
    """Kill the pool's worker processes now, whatever they are doing (their pages fail with
    BrokenProcessPool). Python 3.14 has `terminate_workers()`; before it, `_processes`."""
    processes = getattr(pool, "_processes", None) or {}
    for process in list(processes.values()):
        process.kill()
