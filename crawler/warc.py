"""WARC writing: every fetched response, kept as received (enabled by WARC_DIR)."""

from __future__ import annotations

from typing import Self

from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured


class WarcWriterMiddleware:
    """Writes request and response records to rotating gzipped WARC files (see docs/scale.md)."""

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        if not crawler.settings.get("WARC_DIR"):
            raise NotConfigured  # bare: Scrapy logs a warning for NotConfigured with a message
        raise NotConfigured("WARC writing is not built yet")
