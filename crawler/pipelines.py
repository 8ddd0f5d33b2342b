"""Item pipelines: extraction in worker processes, then batched writes to the archive.

ExtractionPipeline keeps the reactor downloading while both cores extract: each page goes to
a process pool and the pipeline awaits the result. At most EXTRACT_MAX_PENDING pages wait
for or are in extraction; Scrapy's scraper slot then stops scheduling downloads, so memory
stays bounded however fast pages arrive.
"""

from __future__ import annotations

import asyncio
import logging
import os
import time
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Self

from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem, NotConfigured

from archive.db import Archive
from archive.ingest import Fetch
from archive.records import AddResult
from crawler.extensions import add_example
from crawler.items import Extraction, PageItem
from crawler.outlets import Outlet
from crawler.scale.pool import extraction_pool
from crawler.scale.worker import extract_page

logger = logging.getLogger(__name__)


class ExtractionPipeline:
    """PageItem (raw bytes) -> PageItem with `.article`, or DropItem with the refusal reason."""

    def __init__(self, crawler: Crawler, workers: int, max_pending: int) -> None:
        self.crawler = crawler
        self.workers = workers or os.cpu_count() or 1
        self.max_pending = max_pending
        self.pool: ProcessPoolExecutor | None = None
        self.pending: asyncio.Semaphore | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        settings = crawler.settings
        return cls(
            crawler, settings.getint("EXTRACT_WORKERS"), settings.getint("EXTRACT_MAX_PENDING")
        )

    def open_spider(self) -> None:
        self.pool = self._new_pool()
        self.pending = asyncio.Semaphore(self.max_pending)

    def _new_pool(self) -> ProcessPoolExecutor:
        # workers exit by themselves if this crawl process is killed (kill -9)
        return extraction_pool(self.workers, watch_pid=os.getpid())

    def close_spider(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)

    async def process_item(self, item: PageItem) -> PageItem:
        assert self.pending is not None
        outlet = self.crawler.spider.outlets[item.outlet]  # type: ignore[union-attr]
        async with self.pending:
            extraction = await self._extract(item, outlet)
        self._count(item.outlet, "pages_extracted")
        self._count(item.outlet, "extraction_cpu_ms", round(extraction.cpu_ms))
        if extraction.article is None:
            reason = extraction.refused or "not-an-article"
            self._count(item.outlet, f"pages_refused/{reason}")
            raise DropItem(f"not an article ({reason}): {item.url}", log_level="INFO")
        item.article = extraction.article
        self._count_registry_misses(item, outlet, extraction)
        if not item.article.published:
            self._count(item.outlet, "articles_missing_date")
        if not item.article.title:
            self._count(item.outlet, "articles_missing_title")
        item.body = b""  # the bytes are no longer needed; free them before archiving
        return item

    def _count_registry_misses(
        self, item: PageItem, outlet: Outlet, extraction: Extraction
    ) -> None:
        """An article its outlet's pattern missed (found through a feed or sitemap), and the
        outlet's extraction hints that did not help on it: counted, with examples."""
        assert self.crawler.stats is not None
        if item.pattern_missed:
            self._count(item.outlet, "pattern_missed")
            add_example(self.crawler.stats, item.outlet, "pattern_missed", item.url)
            add_example(self.crawler.stats, item.outlet, "article_pattern", outlet.article_pattern)
        if extraction.hints_missed:
            self._count(item.outlet, "hint_missed")
        for hint in extraction.hints_missed:
            self._count(item.outlet, f"hint_missed/{hint.split(' ', 1)[0]}")
            add_example(self.crawler.stats, item.outlet, "hint_missed", hint)

    async def _extract(self, item: PageItem, outlet: Outlet) -> Extraction:
        for attempt in (1, 2):
            assert self.pool is not None
            future = self.pool.submit(extract_page, item.body, item.content_type, item.url, outlet)
            try:
                return await asyncio.wrap_future(future)
            except BrokenProcessPool:
                # a worker died (out of memory on a hostile page?): replace the pool, retry once
                logger.warning("extraction worker died on %s (attempt %d)", item.url, attempt)
                self.pool.shutdown(wait=False, cancel_futures=False)
                self.pool = self._new_pool()
            except Exception as exc:  # one malformed page must never stop the crawl
                logger.warning("extraction failed on %s: %r", item.url, exc)
                break
        self._count(item.outlet, "errors/extraction_failed")
        raise DropItem(f"extraction failed: {item.url}", log_level="WARNING")

    def _count(self, outlet: str, key: str, count: int = 1) -> None:
        assert self.crawler.stats is not None
        self.crawler.stats.inc_value(f"outlet/{outlet}/{key}", count)


class ArchivePipeline:
    """Writes extracted articles to the archive, ARCHIVE_BATCH_SIZE per transaction.

    The writes run in a thread of their own that owns the archive connection: SQLite and the
    near-duplicate index work there while the reactor keeps downloading and feeding the
    extraction workers. One batch is written at a time; the item that fills a batch waits for
    that batch's transaction (and any before it), so memory stays bounded and a write error
    still surfaces on an item.
    """

    def __init__(self, crawler: Crawler, path: str, batch_size: int, flush_seconds: float) -> None:
        self.crawler = crawler
        self.path = path
        self.batch_size = max(1, batch_size)
        self.flush_seconds = flush_seconds
        self.batch: list[PageItem] = []
        self.last_flush = time.monotonic()
        self.archive: Archive | None = None
        self.writer: ThreadPoolExecutor | None = None
        self.writing = asyncio.Lock()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        settings = crawler.settings
        path = settings.get("ARCHIVE_PATH")
        if not path:
            raise NotConfigured("ARCHIVE_PATH is not set")
        return cls(
            crawler,
            path,
            settings.getint("ARCHIVE_BATCH_SIZE"),
            settings.getfloat("ARCHIVE_FLUSH_SECONDS"),
        )

    def open_spider(self) -> None:
        self.writer = ThreadPoolExecutor(1, thread_name_prefix="archive-writer")
        self.archive = self.writer.submit(Archive, self.path).result()

    async def close_spider(self) -> None:
        await self.flush()
        if self.writer is not None:
            if self.archive is not None:
                await asyncio.wrap_future(self.writer.submit(self.archive.close))
            self.writer.shutdown(wait=True)

    async def process_item(self, item: PageItem) -> PageItem:
        self.batch.append(item)
        due = time.monotonic() - self.last_flush >= self.flush_seconds
        if len(self.batch) >= self.batch_size or due:
            await self.flush()
        return item

    async def flush(self) -> None:
        if not self.batch or self.archive is None or self.writer is None:
            return
        batch, self.batch = self.batch, []
        self.last_flush = time.monotonic()
        fetches = [
            Fetch(i.article, status=i.status, fetched_at=i.fetched_at, warc=i.warc)
            for i in batch
            if i.article is not None
        ]
        async with self.writing:
            results = await asyncio.wrap_future(self.writer.submit(self.archive.add_many, fetches))
        for item, result in zip(batch, results, strict=True):
            self._count(item.outlet, f"articles_{result.outcome.value}")
        self._count_total(results)

    def _count(self, outlet: str, key: str) -> None:
        assert self.crawler.stats is not None
        self.crawler.stats.inc_value(f"outlet/{outlet}/{key}")

    def _count_total(self, results: list[AddResult]) -> None:
        assert self.crawler.stats is not None
        for result in results:
            self.crawler.stats.inc_value(f"archive/{result.outcome.value}")
