"""SIGINT and SIGTERM at any moment of a crawl: it stops cleanly, exits 5, never a traceback.

`akhbar` turns SIGTERM into KeyboardInterrupt from its first line (crawler/cli/entry.py). Until
Scrapy sets up, a signal unwinds whatever runs (imports, the lock, opening the archive) and the
run's row, once there is one, is marked `interrupted`. From the moment Scrapy sets up, unwinding is
no longer safe: Twisted's Deferreds would catch the exception halfway through opening the spider.
So `StopOnSignal` takes both signals over (Scrapy's own handlers are not installed): the first
asks the engine to stop gracefully, at once if it runs or as soon as it starts, and the pages in
flight are finished and committed, within SHUTDOWN_TIMEOUT (crawler/run/shutdown.py); a second
one stops the reactor at once.
"""

from __future__ import annotations

import contextlib
import logging
import signal
import sys
from collections.abc import Iterator
from types import FrameType
from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.utils.defer import deferred_from_coro

from crawler.run.shutdown import arm_deadline

logger = logging.getLogger(__name__)

SIGNALS = (signal.SIGINT, signal.SIGTERM)


@contextlib.contextmanager
def signals_deferred() -> Iterator[None]:
    """SIGINT and SIGTERM wait for the end of the block, then act as usual: for steps that must
    not be cut in half, like creating or migrating the archive and starting the run's row."""
    caught: list[int] = []
    previous = {number: signal.signal(number, lambda n, _: caught.append(n)) for number in SIGNALS}
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
        if caught:
            signal.raise_signal(caught[0])  # now handled as it would have been


class StopOnSignal:
    """While installed, SIGINT and SIGTERM stop `crawler` instead of raising."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.received: str | None = None  # the first signal's name, e.g. "SIGTERM"
        self._previous: dict[int, Any] = {}
        self._armed = False  # the shutdown deadline runs
        crawler.signals.connect(self._engine_started, signal=signals.engine_started)

    def __enter__(self) -> StopOnSignal:
        for number in SIGNALS:
            self._previous[number] = signal.getsignal(number)
            signal.signal(number, self._handle)
        return self

    def __exit__(self, *exc_info: object) -> None:
        for number, handler in self._previous.items():
            signal.signal(number, handler)

    def _handle(self, number: int, frame: FrameType | None) -> None:
        # Only note it here: the reactor acts on it (logging in a signal handler can deadlock).
        first = self.received is None
        self.received = self.received or signal.Signals(number).name
        if "twisted.internet.reactor" not in sys.modules:
            return  # Scrapy installs it later; the engine stops as soon as it starts
        from twisted.internet import reactor

        reactor.callFromThread(self._stop if first else self._stop_now)

    def _stop(self) -> None:
        logger.warning(
            "%s received: finishing the pages in flight (send it again to stop at once)",
            self.received,
        )
        self._arm()
        deferred_from_coro(self.crawler.stop_async())  # a no-op before the engine runs

    async def _engine_started(self) -> None:
        if self.received:  # the signal came while Scrapy was setting up
            self._arm()
            await self.crawler.engine.stop_async()

    def _arm(self) -> None:
        if not self._armed:
            self._armed = True
            arm_deadline(self.crawler)

    def _stop_now(self) -> None:
        from twisted.internet import reactor

        logger.warning("%s received again: stopping at once", self.received)
        with contextlib.suppress(RuntimeError):  # already stopping
            reactor.stop()  # type: ignore[misc]
