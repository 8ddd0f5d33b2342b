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
from collections.abc import Coroutine
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, Self

from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem, NotConfigured
from scrapy.utils.asyncio import AsyncioLoopingCall, create_looping_call
from twisted.internet.task import LoopingCall

from archive.db import Archive
from archive.errors import ArchiveBusy, ArchiveError
from archive.ingest import Fetch
from archive.records import AddResult, OutcomeTally
from crawler.extensions import add_example
from crawler.items import Extraction, PageItem
from crawler.outlets import Outlet
from crawler.run.shutdown import shutdown_overdue
from crawler.scale.pool import extraction_pool, kill_workers
from crawler.scale.worker import OVER_TIME, WORKER_DIED, Budget, extract_page

logger = logging.getLogger(__name__)


class ExtractionPipeline:
    """PageItem (raw bytes) -> PageItem with `.article`, or DropItem with the refusal reason.

    Each page is held to a budget in its worker (EXTRACT_TIMEOUT, EXTRACT_MAX_MARKUP): a page
    over it is refused and counted, and the workers are replaced (the old pool finishes its
    pages, then ends). A worker killed outright (the CPU backstop inside C code, out of memory)
    fails every page of its pool: those pages are extracted again one at a time in a
    one-worker quarantine pool, so that only the page that kills a worker there is refused
    (`worker-died`) and no other page is lost. If a shutdown overruns SHUTDOWN_TIMEOUT, the
    workers are killed and the pages still in extraction dropped (fetched again next run).
    """

    def __init__(
        self, crawler: Crawler, workers: int, max_pending: int, budget: Budget | None = None
    ) -> None:
        self.crawler = crawler
        self.workers = workers or os.cpu_count() or 1
        self.max_pending = max_pending
        self.budget = budget or Budget()
        self.pool: ProcessPoolExecutor | None = None
        self.quarantine: ProcessPoolExecutor | None = None
        self.quarantine_turn = asyncio.Lock()
        self.pending: asyncio.Semaphore | None = None
        self.aborted = False

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        settings = crawler.settings
        budget = Budget(settings.getfloat("EXTRACT_TIMEOUT"), settings.getint("EXTRACT_MAX_MARKUP"))
        pipeline = cls(
            crawler,
            settings.getint("EXTRACT_WORKERS"),
            settings.getint("EXTRACT_MAX_PENDING"),
            budget,
        )
        crawler.signals.connect(pipeline.abort, signal=shutdown_overdue)
        return pipeline

    def open_spider(self) -> None:
        self.pool = self._new_pool(self.workers)
        self.pending = asyncio.Semaphore(self.max_pending)

    def _new_pool(self, workers: int) -> ProcessPoolExecutor:
        # workers exit with this crawl process, even killed with kill -9 (crawler/scale/limits.py)
        return extraction_pool(workers, watch_pid=os.getpid(), budget=self.budget)

    def _replace(self, pool: ProcessPoolExecutor) -> None:
        """New workers for the pages to come (once per old pool, however many pages saw it
        fail); the old pool finishes what it holds, then its workers exit."""
        if pool is self.pool and not self.aborted:
            self.pool = self._new_pool(self.workers)
            pool.shutdown(wait=False, cancel_futures=False)

    def abort(self) -> None:
        """Kill the workers: the pages they hold are dropped (a shutdown past its deadline)."""
        self.aborted = True
        for pool in (self.pool, self.quarantine):
            if pool is not None:
                kill_workers(pool)

    def close_spider(self) -> None:
        for pool in (self.pool, self.quarantine):
            if pool is not None:
                pool.shutdown(wait=True, cancel_futures=True)

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
        pool = self.pool
        assert pool is not None
        try:
            extraction = await self._run(pool, item, outlet)
        except BrokenProcessPool:
            if not self.aborted:
                logger.warning("an extraction worker died while %s waited: quarantine", item.url)
                self._replace(pool)
            extraction = await self._alone(item, outlet)  # dropped at once when aborted
        except DropItem:
            raise
        except Exception as exc:  # one malformed page must never stop the crawl
            logger.warning("extraction failed on %s: %r", item.url, exc)
            self._count(item.outlet, "errors/extraction_failed")
            raise DropItem(f"extraction failed: {item.url}", log_level="WARNING") from exc
        if extraction.refused == OVER_TIME:
            logger.warning("extraction of %s ran out of time: new workers", item.url)
            self._replace(pool)  # whatever the page left in its worker goes with it
        return extraction

    async def _run(self, pool: ProcessPoolExecutor, item: PageItem, outlet: Outlet) -> Extraction:
        if self.aborted:
            self._count(item.outlet, "pages_abandoned")
            raise DropItem(f"shutdown: extraction abandoned: {item.url}", log_level="INFO")
        future = pool.submit(extract_page, item.body, item.content_type, item.url, outlet)
        extraction: Extraction = await asyncio.wrap_future(future)
        return extraction

    async def _alone(self, item: PageItem, outlet: Outlet) -> Extraction:
        """The page extracted by itself in the quarantine worker; `worker-died` if it kills
        that worker too (it is then the page that killed the first one)."""
        async with self.quarantine_turn:
            if self.quarantine is None:
                self.quarantine = self._new_pool(1)
            try:
                return await self._run(self.quarantine, item, outlet)
            except BrokenProcessPool:
                logger.warning("%s kills extraction workers: refused", item.url)
                self.quarantine.shutdown(wait=False)
                self.quarantine = None
                return Extraction(None, WORKER_DIED)

    def _count(self, outlet: str, key: str, count: int = 1) -> None:
        assert self.crawler.stats is not None
        self.crawler.stats.inc_value(f"outlet/{outlet}/{key}", count)


class ArchivePipeline:
    """Writes extracted articles to the archive, ARCHIVE_BATCH_SIZE per transaction, and at
    least every ARCHIVE_FLUSH_SECONDS (a timer: a slow crawl commits what it has).

    The writes run in a thread of their own that owns the archive connection: SQLite and the
    near-duplicate index work there while the reactor keeps downloading and feeding the
    extraction workers. One batch is written at a time; the item that fills a batch waits for
    that batch's transaction (and any before it), so memory stays bounded.

    A batch the archive refuses is tried again while another writer holds the lock
    (ARCHIVE_WRITE_ATTEMPTS, each waiting ARCHIVE_BUSY_TIMEOUT); if it still cannot be written
    (disk full, a damaged file) its articles are counted `errors/archive_write_failed`, the
    spider closes with that reason and the run is recorded `failed`: its discovery documents
    are not marked read, so the next run fetches those articles again.
    """

    def __init__(
        self,
        crawler: Crawler,
        path: str,
        batch_size: int,
        flush_seconds: float,
        attempts: int = 3,
        busy_timeout: float = 30.0,
    ) -> None:
        self.crawler = crawler
        self.path = path
        self.batch_size = max(1, batch_size)
        self.flush_seconds = flush_seconds
        self.attempts = max(1, attempts)
        self.busy_timeout = busy_timeout
        self.batch: list[PageItem] = []
        self.last_flush = time.monotonic()
        self.archive: Archive | None = None
        self.writer: ThreadPoolExecutor | None = None
        self.writing = asyncio.Lock()
        self.timer: AsyncioLoopingCall | LoopingCall | None = None
        self.tasks: set[asyncio.Future[None]] = set()
        self.closing = False
        self.tally = OutcomeTally()

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
            settings.getint("ARCHIVE_WRITE_ATTEMPTS"),
            settings.getfloat("ARCHIVE_BUSY_TIMEOUT"),
        )

    def open_spider(self) -> None:
        self.writer = ThreadPoolExecutor(1, thread_name_prefix="archive-writer")
        self.archive = self.writer.submit(Archive, self.path, timeout=self.busy_timeout).result()
        if self.flush_seconds > 0:
            self.timer = create_looping_call(self._flush_if_due)
            self.timer.start(max(0.1, self.flush_seconds / 2), now=False)

    async def close_spider(self) -> None:
        self.closing = True
        if self.timer is not None and self.timer.running:
            self.timer.stop()
        await self.flush()
        if self.writer is not None:
            if self.archive is not None:
                await asyncio.wrap_future(self.writer.submit(self.archive.close))
            self.writer.shutdown(wait=True)

    async def process_item(self, item: PageItem) -> PageItem:
        self.batch.append(item)
        if len(self.batch) >= self.batch_size or self._due():
            await self.flush()
        return item

    def _due(self) -> bool:
        return time.monotonic() - self.last_flush >= self.flush_seconds

    def _flush_if_due(self) -> None:
        if self.batch and self._due() and not self.writing.locked():
            self._spawn(self.flush())

    def _spawn(self, work: Coroutine[Any, Any, None]) -> None:
        task = asyncio.ensure_future(work)
        self.tasks.add(task)  # held until done: the loop keeps only weak references
        task.add_done_callback(self.tasks.discard)

    async def flush(self) -> None:
        async with self.writing:
            if not self.batch or self.archive is None or self.writer is None:
                return
            batch, self.batch = self.batch, []
            self.last_flush = time.monotonic()
            results = await self._write(batch)
        if results is None:
            return
        for item, result in zip(batch, results, strict=True):
            self._count(item.outlet, result)

    async def _write(self, batch: list[PageItem]) -> list[AddResult] | None:
        """The batch written (tried again while the file is locked), or None if it failed."""
        assert self.archive is not None and self.writer is not None
        fetches = [
            Fetch(i.article, status=i.status, fetched_at=i.fetched_at, warc=i.warc)
            for i in batch
            if i.article is not None
        ]
        for attempt in range(1, self.attempts + 1):
            try:
                return await asyncio.wrap_future(self.writer.submit(self.archive.add_many, fetches))
            except ArchiveBusy as error:
                failure: ArchiveError = error
                logger.warning("archive write attempt %d of %d: %s", attempt, self.attempts, error)
                self._count_key("archive/write_retries")
            except ArchiveError as error:
                failure = error
                break
        self._failed(batch, failure)
        return None

    def _failed(self, batch: list[PageItem], error: ArchiveError) -> None:
        assert self.crawler.stats is not None
        logger.error("%d articles could not be archived: %s", len(batch), error)
        for item in batch:
            self._count_key(f"outlet/{item.outlet}/errors/archive_write_failed")
        self.crawler.stats.inc_value("archive/write_failed", len(batch))
        self.crawler.stats.set_value("archive/write_error", str(error))
        if not self.closing:  # stop fetching what could not be stored
            self.closing = True
            assert self.crawler.engine is not None
            self._spawn(self.crawler.engine.close_spider_async(reason="archive_write_failed"))

    def _count(self, outlet: str, result: AddResult) -> None:
        """Per outlet and in total; an original taking over its copy's row moves the copy's
        count to duplicates, so the counts do not depend on which arrived first."""
        assert self.crawler.stats is not None
        for name, outcome, change in self.tally.count(outlet, result):
            self.crawler.stats.inc_value(f"outlet/{name}/articles_{outcome.value}", change)
            self.crawler.stats.inc_value(f"archive/{outcome.value}", change)

    def _count_key(self, key: str) -> None:
        assert self.crawler.stats is not None
        self.crawler.stats.inc_value(key)
