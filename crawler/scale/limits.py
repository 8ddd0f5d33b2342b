"""Bounds on an extraction worker process: how long one page may take, and how long the worker
may outlive the process it works for. Kernel mechanisms, so that they hold even while the
worker is stuck in C code (lxml, a regex) that never lets a Python thread or handler run.

- `cpu_budget`: SIGPROF after N seconds of the worker's CPU raises OverBudget wherever Python
  code runs (and inside `re` and `regex` matches, which check for signals); if the page is still
  stuck in C a second later (one libxml2 XPath call on a page of 20,000 spans takes minutes),
  RLIMIT_CPU makes the kernel end the worker.
- `die_with_parent`: PR_SET_PDEATHSIG on Linux. A worker is forked by multiprocessing's fork
  server, which lives as long as someone holds its "alive" pipe: the crawl, and every worker it
  forked (each inherits that pipe). Each worker closes its copy, so the fork server exits when
  the crawl does (kill -9 included) and the kernel then kills every worker, busy or not.
  Elsewhere a watchdog thread polls the crawl's pid (it cannot run while C code holds the GIL).
"""

from __future__ import annotations

import contextlib
import ctypes
import logging
import math
import os
import resource
import signal
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

logger = logging.getLogger(__name__)

PR_SET_PDEATHSIG = 1  # <linux/prctl.h>


class OverBudget(BaseException):
    """A page used up its CPU budget. A BaseException, like KeyboardInterrupt, so that no
    `except Exception` inside the extraction libraries swallows it."""


def _over_budget(signum: int, frame: FrameType | None) -> None:
    raise OverBudget


@contextmanager
def cpu_budget(seconds: float) -> Iterator[None]:
    """Raise OverBudget once the block has used `seconds` of this process's CPU (0: no limit)."""
    if seconds <= 0:
        yield
        return
    previous = signal.signal(signal.SIGPROF, _over_budget)
    _, hard = resource.getrlimit(resource.RLIMIT_CPU)
    used = time.process_time()
    backstop = math.ceil(used + seconds + 1)
    if hard == resource.RLIM_INFINITY or backstop <= hard:
        resource.setrlimit(resource.RLIMIT_CPU, (backstop, hard))
    signal.setitimer(signal.ITIMER_PROF, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.signal(signal.SIGPROF, previous)


def worker_process_setup(crawl_pid: int | None) -> None:
    """In a new worker: die with the crawl, leave signals to the crawl, write no core files."""
    # Ctrl-C reaches the whole process group: the crawl shuts the pool down in order, with the
    # pages in flight; a worker ending on its own would break the pool. (SIGTERM stays: the
    # pool itself terminates workers with it.)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))  # the RLIMIT_CPU backstop would dump one
    if not _die_with_fork_server():
        if crawl_pid is not None:
            watchdog = threading.Thread(target=_exit_when_gone, args=(crawl_pid,), daemon=True)
            watchdog.start()
        return
    if crawl_pid is not None and not _alive(crawl_pid):
        os._exit(0)  # the crawl died before the death signal was armed


def _die_with_fork_server() -> bool:
    """PR_SET_PDEATHSIG, and drop this worker's hold on the fork server; False where the
    kernel offers no such signal."""
    if not sys.platform.startswith("linux"):
        return False
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) != 0:
        logger.warning("prctl(PR_SET_PDEATHSIG) failed: errno %d", ctypes.get_errno())
        return False
    from multiprocessing import forkserver

    alive = getattr(forkserver._forkserver, "_forkserver_alive_fd", None)
    if isinstance(alive, int):
        with contextlib.suppress(OSError):  # not a fork-server child: nothing to drop
            os.close(alive)
    return True


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except (ProcessLookupError, PermissionError):  # gone, or the pid reused by another user
        return False
    return True


def _exit_when_gone(crawl_pid: int, every: float = 1.0) -> None:
    """A worker of a crawl killed with kill -9 would wait on its task queue forever."""
    while _alive(crawl_pid):
        time.sleep(every)
    os._exit(0)
