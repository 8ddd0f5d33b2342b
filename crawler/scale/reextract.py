"""Rebuild articles from stored responses (WARC), with no network: `akhbar reextract`.

Every response record of our own WARC files that the spider took for an article page goes
through the same steps as in a crawl: the spider's checks (2xx, HTML),
`crawler.scale.worker.extract_page` in worker processes (it chooses the encoding from the body
and the stored Content-Type),
and `Archive.add_many` (content-hash identity, revisions of known URLs). Each page's fate is
counted: new, revised, unchanged (this URL already holds this text), duplicate (another URL
holds it), refused (with the reason), skipped (not an article page, not HTML, error status).

The pieces are shared with `crawler/scale/backfill.py` (`akhbar ingest-warc`), which only decides
differently which records to take and which outlet they belong to.
"""

from __future__ import annotations

import logging
import os
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import Future
from concurrent.futures.process import BrokenProcessPool
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from archive.db import Archive
from archive.ingest import Fetch
from archive.models import WarcRef
from archive.records import OutcomeTally
from crawler.items import Extraction
from crawler.outlets import Outlet, adhoc_outlet
from crawler.scale.pool import extraction_pool
from crawler.scale.warc import ReadCounts, StoredResponse, WarcDamaged, read_responses, warc_files
from crawler.scale.worker import WORKER_DIED, extract_page

logger = logging.getLogger(__name__)

HTML_TYPES = ("text/html", "application/xhtml+xml")  # what NewsSpider.parse_article accepts
BATCH_SIZE = 100
Opener = Callable[[Path], AbstractContextManager[IO[bytes]]]


@dataclass(frozen=True)
class PageJob:
    """One stored response to extract, with everything the archive row needs."""

    url: str
    outlet: Outlet
    body: bytes
    content_type: str | None
    status: int
    fetched_at: str
    warc: WarcRef


@dataclass
class ReplayReport:
    """What a reextract or ingest-warc run did, page by page, counted."""

    files: int = 0
    records: int = 0
    outcomes: Counter[str] = field(default_factory=Counter)  # new, revised, unchanged, ...
    refused: Counter[str] = field(default_factory=Counter)  # by refusal reason
    skipped: Counter[str] = field(default_factory=Counter)  # by reason
    damaged: list[str] = field(default_factory=list)  # one line per damaged file
    revised: list[str] = field(default_factory=list)  # URLs whose text changed

    def add_reading(self, counts: ReadCounts) -> None:
        self.records += counts.records
        self.skipped.update(counts.skipped)


# --- which records, which outlet --------------------------------------------------------------
def page_job(stored: StoredResponse, outlet: Outlet | None) -> PageJob | str:
    """The job for a stored response, or the reason it is skipped (the spider's own checks)."""
    if outlet is None:
        return "undeclared-outlet"
    if not 200 <= stored.status < 300:
        return "http-status"
    media = (stored.header("Content-Type") or "text/html").lower()
    if not media.startswith(HTML_TYPES):
        return "not-html"
    return PageJob(
        url=stored.url,
        outlet=outlet,
        body=stored.body,
        content_type=media,
        status=stored.status,
        fetched_at=stored.date,
        warc=stored.ref,
    )


def crawled_outlet(stored: StoredResponse, registry: Mapping[str, Outlet]) -> Outlet | None:
    """The outlet our crawl fetched this article page for, as the crawl knew it: from the
    registry (and --outlets files), or the ad-hoc outlet of a --feed/--sitemap/--start crawl."""
    name = stored.outlet or ""
    if name in registry:
        return registry[name]
    adhoc = adhoc_outlet(listings=[stored.url])  # an ad-hoc crawl named its outlet by host
    return adhoc if adhoc.name == name else None


# --- extraction in worker processes, in order -------------------------------------------------
def _result(job: PageJob, future: Future[Extraction]) -> tuple[PageJob, Extraction]:
    try:
        return job, future.result()
    except BrokenProcessPool:  # a worker was ended (over its CPU budget, out of memory)
        logger.warning("an extraction worker died while %s waited", job.url)
        return job, Extraction(None, WORKER_DIED)
    except Exception as exc:  # one malformed page must never stop the run: counted as refused
        logger.warning("extraction failed on %s: %r", job.url, exc)
        return job, Extraction(None, "extraction-failed")


def extractions(jobs: Iterable[PageJob], workers: int = 0) -> Iterator[tuple[PageJob, Extraction]]:
    """Extract jobs in worker processes; results in input order, at most a few per worker
    held in memory at once. A pool whose worker died is replaced for the jobs that follow."""
    workers = workers or os.cpu_count() or 1
    window = workers * 4
    pool = extraction_pool(workers)
    try:
        pending: deque[tuple[PageJob, Future[Extraction]]] = deque()
        for job in jobs:
            args = (job.body, job.content_type, job.url, job.outlet)
            try:
                future = pool.submit(extract_page, *args)
            except BrokenProcessPool:
                pool.shutdown(wait=False)
                pool = extraction_pool(workers)
                future = pool.submit(extract_page, *args)
            pending.append((job, future))
            if len(pending) >= window:
                yield _result(*pending.popleft())
        while pending:
            yield _result(*pending.popleft())
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


# --- into the archive -------------------------------------------------------------------------
class ReplayWriter:
    """Batched `Archive.add_many` of extracted pages, counting each page's outcome."""

    def __init__(
        self, archive: Archive, report: ReplayReport, batch_size: int = BATCH_SIZE
    ) -> None:
        self.archive = archive
        self.report = report
        self.batch_size = batch_size
        self.batch: list[Fetch] = []
        self.pending: set[tuple[str, str]] = set()  # (url, content hash) in the batch
        self.tally = OutcomeTally()  # an original taking over its copy's row: not two NEWs

    def add(self, job: PageJob, extraction: Extraction) -> None:
        article = extraction.article
        if article is None:
            self.report.outcomes["refused"] += 1
            self.report.refused[extraction.refused or "not-an-article"] += 1
            return
        if self._unchanged(job.url, article.content_hash):
            self.report.outcomes["unchanged"] += 1
            return
        self.batch.append(Fetch(article, job.status, job.fetched_at, job.warc))
        self.pending.add((job.url, article.content_hash))
        if len(self.batch) >= self.batch_size:
            self.flush()

    def _unchanged(self, url: str, digest: str) -> bool:
        """This URL already holds this text (stored, or earlier in this batch)."""
        if (url, digest) in self.pending:
            return True
        row = self.archive.conn.execute(
            "SELECT 1 FROM article_urls u JOIN articles a ON a.id = u.article_id "
            "WHERE u.url = ? AND a.content_hash = ? LIMIT 1",
            (url, digest),
        ).fetchone()
        return row is not None

    def flush(self) -> None:
        if not self.batch:
            return
        batch, self.batch = self.batch, []
        self.pending.clear()
        for fetch, result in zip(batch, self.archive.add_many(batch), strict=True):
            for _, outcome, change in self.tally.count(fetch.article.outlet, result):
                self.report.outcomes[outcome.value] += change
            if result.outcome.value == "revised":
                self.report.revised.append(fetch.article.url)


def replay(
    archive: Archive,
    files: Iterable[Path],
    choose: Callable[[StoredResponse], PageJob | str],
    wanted: Callable[[str], bool] | None = None,
    open_file: Opener | None = None,
    workers: int = 0,
) -> ReplayReport:
    """Read WARC files in order, extract the chosen records, store them; the shared loop of
    reextract and ingest-warc. `open_file` may wrap each file (a progress bar)."""
    report = ReplayReport()
    writer = ReplayWriter(archive, report)
    jobs = _jobs(files, choose, wanted, open_file, report)
    for job, extraction in extractions(jobs, workers):
        writer.add(job, extraction)
    writer.flush()
    return report


def _jobs(
    files: Iterable[Path],
    choose: Callable[[StoredResponse], PageJob | str],
    wanted: Callable[[str], bool] | None,
    open_file: Opener | None,
    report: ReplayReport,
) -> Iterator[PageJob]:
    for path in files:
        report.files += 1
        counts = ReadCounts()
        handle = open_file(path) if open_file else path.open("rb")
        with handle as stream:
            try:
                for stored in read_responses(stream, path.name, counts, wanted):
                    job = choose(stored)
                    if isinstance(job, str):
                        report.skipped[job] += 1
                    else:
                        yield job
            except WarcDamaged as exc:
                logger.warning("%s", exc)
                report.damaged.append(str(exc))
        report.add_reading(counts)


def reextract(
    archive: Archive, warc_dir: Path, registry: Mapping[str, Outlet], workers: int = 0
) -> ReplayReport:
    """Rebuild the articles of our own crawls from the WARC files in `warc_dir`."""

    unknown: set[str] = set()

    def choose(stored: StoredResponse) -> PageJob | str:
        if stored.kind != "article":
            return "not-an-article-page"
        outlet = crawled_outlet(stored, registry)
        if outlet is None:
            if stored.outlet not in unknown:
                unknown.add(stored.outlet or "")
                logger.warning("outlet %r is not declared: pass its --outlets file", stored.outlet)
            return "undeclared-outlet"
        return page_job(stored, outlet)

    return replay(archive, warc_files(warc_dir), choose, workers=workers)
