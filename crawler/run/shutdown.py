"""A crawl's graceful stop, with a deadline.

On the first SIGTERM or Ctrl-C (crawler/run/interrupts.py) the engine stops scheduling and waits
for the requests in flight and the items in the pipelines. Each of those is bounded
(DOWNLOAD_TIMEOUT, the extraction budget, ARCHIVE_WRITE_ATTEMPTS), but their sum can be long, and
systemd or a user will not wait for ever. SHUTDOWN_TIMEOUT seconds after the signal,
`shutdown_overdue` is sent: the extraction pipeline kills its workers, the pages they held are
dropped, and what was already extracted is written and the run recorded `interrupted`. If the
crawl still runs SHUTDOWN_GRACE seconds later, the reactor is stopped, as a second Ctrl-C would
(the next crawl marks the run interrupted).
"""

from __future__ import annotations

import contextlib
import logging

from scrapy.crawler import Crawler
from scrapy.utils.asyncio import call_later

logger = logging.getLogger(__name__)

#: Scrapy signal sent to the crawler when a shutdown overruns SHUTDOWN_TIMEOUT.
shutdown_overdue = object()
SHUTDOWN_GRACE = 10.0


def arm_deadline(crawler: Crawler) -> None:
    """Start the clock of a graceful stop just asked for (call on the reactor thread)."""
    timeout = crawler.settings.getfloat("SHUTDOWN_TIMEOUT")
    if timeout > 0:
        call_later(timeout, _overdue, crawler)


def _overdue(crawler: Crawler) -> None:
    logger.error("shutdown still running after SHUTDOWN_TIMEOUT: abandoning extraction")
    crawler.signals.send_catch_log(signal=shutdown_overdue)
    call_later(SHUTDOWN_GRACE, _force)


def _force() -> None:
    from twisted.internet import reactor

    logger.error("shutdown still running: stopping now")
    with contextlib.suppress(RuntimeError):  # already stopping
        reactor.stop()  # type: ignore[misc]
