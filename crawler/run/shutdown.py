"""A crawl's graceful stop, with a deadline.

On the first SIGTERM or Ctrl-C Scrapy stops scheduling and waits for the requests in flight and
the items in the pipelines. Each of those is bounded (DOWNLOAD_TIMEOUT, the extraction budget,
ARCHIVE_WRITE_ATTEMPTS), but their sum can be long, and systemd or a user will not wait for
ever. SHUTDOWN_TIMEOUT seconds after the signal, `shutdown_overdue` is sent: the extraction
pipeline kills its workers, the pages they held are dropped, and what was already extracted is
written and the run recorded `interrupted`. If the crawl still runs SHUTDOWN_GRACE seconds
later, the reactor is stopped, as a second Ctrl-C would (the next crawl marks the run
interrupted).
"""

from __future__ import annotations

import logging
from typing import Any

from scrapy.crawler import CrawlerProcess
from scrapy.utils.asyncio import call_later

logger = logging.getLogger(__name__)

#: Scrapy signal sent to every crawler when a shutdown overruns SHUTDOWN_TIMEOUT.
shutdown_overdue = object()
SHUTDOWN_GRACE = 10.0


class BoundedShutdownProcess(CrawlerProcess):
    """CrawlerProcess whose graceful stop ends within SHUTDOWN_TIMEOUT + SHUTDOWN_GRACE."""

    shutdown_requested = False

    def _signal_shutdown(self, signum: int, frame: Any) -> None:
        from twisted.internet import reactor

        super()._signal_shutdown(signum, frame)
        self.shutdown_requested = True
        reactor.callFromThread(self._arm_deadline)

    def _arm_deadline(self) -> None:
        timeout = self.settings.getfloat("SHUTDOWN_TIMEOUT")
        if timeout > 0:
            call_later(timeout, self._overdue)

    def _overdue(self) -> None:
        logger.error("shutdown still running after SHUTDOWN_TIMEOUT: abandoning extraction")
        for crawler in self.crawlers:
            crawler.signals.send_catch_log(signal=shutdown_overdue)
        call_later(SHUTDOWN_GRACE, self._force)

    def _force(self) -> None:
        logger.error("shutdown still running: stopping now")
        self._stop_reactor()
