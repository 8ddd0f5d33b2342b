"""Downloader middlewares that drop requests before download, and count what they drop."""

from __future__ import annotations

import logging
from typing import Self

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest, NotConfigured

from archive.db import Archive

logger = logging.getLogger(__name__)


class SkipArchivedMiddleware:
    """Drop article requests whose URL the archive already holds (ARCHIVE_SKIP_KNOWN), and
    every request of an outlet the spider found blocked this run.

    The lookup is an indexed SQLite query per article request on a connection of its own,
    so memory does not grow with the archive and URLs archived during this run count too.
    """

    def __init__(self, crawler: Crawler, archive_path: str, skip_known: bool) -> None:
        self.crawler = crawler
        self.archive_path = archive_path
        self.skip_known = skip_known
        self.archive: Archive | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        path = crawler.settings.get("ARCHIVE_PATH")
        if not path:
            raise NotConfigured("ARCHIVE_PATH is not set")
        return cls(crawler, path, crawler.settings.getbool("ARCHIVE_SKIP_KNOWN"))

    def process_request(self, request: Request) -> None:
        outlet = request.meta.get("outlet", "")
        spider = self.crawler.spider
        if outlet in getattr(spider, "blocked", ()):
            self._count(f"outlet/{outlet}/requests_skipped_blocked")
            raise IgnoreRequest(f"outlet {outlet} is blocked this run")
        if not self.skip_known or request.meta.get("kind") != "article":
            return
        if self._archive().has_url(request.url):
            self._count(f"outlet/{outlet}/requests_skipped_known")
            self._count("archive/skipped_known")
            raise IgnoreRequest("already archived")

    def _archive(self) -> Archive:
        if self.archive is None:
            self.archive = Archive(self.archive_path)
        return self.archive

    def _count(self, key: str) -> None:
        assert self.crawler.stats is not None
        self.crawler.stats.inc_value(key)
