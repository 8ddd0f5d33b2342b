"""RunRecordExtension: one row per run and per outlet in the archive, from the crawl's stats.

Counters live in Scrapy's stats under `outlet/<name>/<counter>` (errors under
`outlet/<name>/errors/<kind>`, refusals under `outlet/<name>/pages_refused/<reason>`); when
the spider closes they are written to the archive's `runs` and `run_outlets` tables.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any, Self

from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Response
from scrapy.statscollectors import StatsCollector

from archive.db import Archive
from archive.errors import ArchiveError

logger = logging.getLogger(__name__)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def outlet_counters(stats: Mapping[str, Any], outlet: str) -> tuple[dict[str, int], dict[str, int]]:
    """(counters, errors) of one outlet from the crawl's stats."""
    prefix = f"outlet/{outlet}/"
    counters: dict[str, int] = {}
    errors: dict[str, int] = {}
    for key, value in stats.items():
        if not key.startswith(prefix) or not isinstance(value, int) or isinstance(value, bool):
            continue
        name = key[len(prefix) :]
        if name.startswith("errors/"):
            errors[name.removeprefix("errors/")] = value
        else:
            counters[name.replace("/", ":")] = value
            if name.startswith("pages_refused/"):
                counters["pages_refused"] = counters.get("pages_refused", 0) + value
    return counters, errors


MAX_EXAMPLES = 5  # examples kept per outlet and counter


def add_example(stats: StatsCollector, outlet: str, key: str, text: str) -> None:
    """Keep `text` (a URL, a selector, a source) as an example of an outlet's counter `key`."""
    name = f"outlet/{outlet}/examples/{key}"
    examples = list(stats.get_value(name) or [])
    if text not in examples and len(examples) < MAX_EXAMPLES:
        stats.set_value(name, [*examples, text])


def outlet_examples(stats: Mapping[str, Any], outlet: str) -> dict[str, list[str]]:
    """Examples of one outlet's counters from the crawl's stats (`add_example`)."""
    prefix = f"outlet/{outlet}/examples/"
    return {k[len(prefix) :]: list(v) for k, v in stats.items() if k.startswith(prefix)}


def outlet_failed(counters: Mapping[str, int], errors: Mapping[str, int]) -> bool:
    """An outlet failed when none of its discovery documents could be read, or it blocked us."""
    blocked = any(kind.startswith("blocked") for kind in errors)
    return blocked or counters.get("discovery_ok", 0) == 0


def run_status(finish_reason: str, failed_outlets: list[str], write_failed: bool = False) -> str:
    """ok · partial (some outlets failed) · interrupted (SIGTERM, Ctrl-C) · failed (the crawl
    broke, or articles could not be written to the archive)."""
    if write_failed:
        return "failed"
    if finish_reason == "shutdown":
        return "interrupted"
    if finish_reason != "finished":
        return "failed"
    return "partial" if failed_outlets else "ok"


class RunRecordExtension:
    def __init__(self, crawler: Crawler, path: str) -> None:
        self.crawler = crawler
        self.path = path
        self.run_id: int | None = None
        self.started_at = _now()
        self.failed_outlets: list[str] = []

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        path = crawler.settings.get("ARCHIVE_PATH")
        if not path:
            raise NotConfigured("ARCHIVE_PATH is not set")
        extension = cls(crawler, path)
        crawler.signals.connect(extension.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(extension.response_received, signal=signals.response_received)
        return extension

    def spider_opened(self, spider: Spider) -> None:
        self.started_at = _now()
        # `akhbar crawl` starts the row itself, before Scrapy, so that an early interrupt has one.
        self.run_id = self.crawler.settings.getint("AKHBAR_RUN_ID") or None
        if self.run_id:
            return
        try:
            with Archive(self.path) as archive:
                self.run_id = archive.start_run(
                    self.crawler.settings.get("AKHBAR_COMMAND", "scrapy crawl news"),
                    sorted(getattr(spider, "outlets", {})),
                )
        except ArchiveError as error:
            logger.error("the run could not be recorded: %s", error)

    def response_received(self, response: Response, request: Request, spider: Spider) -> None:
        outlet = request.meta.get("outlet")
        if outlet is None or self.crawler.stats is None:
            return
        self.crawler.stats.inc_value(f"outlet/{outlet}/pages_fetched")
        # a probed source (home page, robots.txt, a CMS path) counts once it parses (the spider)
        probe = request.meta.get("probe")
        if 200 <= response.status < 300 and request.meta.get("kind") != "article" and not probe:
            self.crawler.stats.inc_value(f"outlet/{outlet}/discovery_ok")

    def spider_closed(self, spider: Spider, reason: str) -> None:
        if self.run_id is None or self.crawler.stats is None:
            return
        try:
            status = self._record(spider, reason, self.crawler.stats.get_stats())
        except ArchiveError as error:  # the report says failed; the next crawl marks the row
            logger.error("run %s could not be recorded: %s", self.run_id, error)
            return
        self.crawler.stats.set_value("akhbar/run_id", self.run_id)
        self.crawler.stats.set_value("akhbar/run_status", status)
        self.crawler.stats.set_value("akhbar/failed_outlets", ",".join(self.failed_outlets))
        logger.info(
            "run %s: %s (failed outlets: %s)", self.run_id, status, self.failed_outlets or "none"
        )

    def _record(self, spider: Spider, reason: str, stats: Mapping[str, Any]) -> str:
        """Write the run's per-outlet rows and final status; return the status."""
        assert self.run_id is not None
        finished = _now()
        with Archive(self.path) as archive:
            for outlet in sorted(getattr(spider, "outlets", {})):
                counters, errors = outlet_counters(stats, outlet)
                if outlet_failed(counters, errors):
                    self.failed_outlets.append(outlet)
                archive.record_outlet_run(
                    self.run_id,
                    outlet,
                    started_at=self.started_at,
                    finished_at=finished,
                    counters=counters,
                    errors=errors,
                    examples=outlet_examples(stats, outlet),
                )
            write_failed = bool(stats.get("archive/write_failed"))
            status = run_status(reason, self.failed_outlets, write_failed)
            archive.finish_run(self.run_id, status=status, finished_at=finished)
        return status
