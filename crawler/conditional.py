"""Incremental discovery: feeds, sitemaps and listing pages re-read with conditional requests.

DiscoveryStateMiddleware sends If-None-Match / If-Modified-Since from the state the archive
keeps for each discovery URL (`archive.discovery_state`), flags a 304 or a body whose hash is
unchanged as `discovery_unchanged` (the spider then does not parse it), and drops sub-sitemaps
whose `<lastmod>` is older than the last time a run read them in full.

State is written only when the crawl finishes (reason `finished`) with every article written to
the archive, and only for outlets whose article pages were all fetched or failed for good (404,
not HTML, too large): a run killed or interrupted, a failed archive write, a blocked outlet, an
outlet cut at OUTLET_MAX_ARTICLES or at the sitemap limits, or an article that timed out or got
a 5xx/429 leaves the outlet's documents to be read again in full next run (the article pages
already archived are still not downloaded). With --refresh (ARCHIVE_SKIP_KNOWN
off) every document is read in full.

It also keeps which feeds and sitemaps each outlet is read from (`discovery_sources`): what the
archive knows is handed to the spider when it opens (sources found on the site by earlier runs,
declared ones failing lately), and how each source went this run is saved when it finishes.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Self

from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import Response
from twisted.python.failure import Failure

from archive.db import Archive
from archive.discovery_state import (
    DiscoveryState,
    SourceResult,
    get_sources,
    get_state,
    save_sources,
    save_states,
)
from crawler.discovery.feeds import older_than
from crawler.run.errors import error_kind, is_transient

logger = logging.getLogger(__name__)

DISCOVERY_KINDS = frozenset({"feed", "sitemap", "listing"})
_TRANSIENT_STATUSES = frozenset({408, 429})


def document_key(meta: dict[str, Any], url: str) -> str:
    """The URL a discovery document is known by: the one requested, before any redirect."""
    redirects = meta.get("redirect_urls") or ()
    return str(redirects[0]) if redirects else url


def body_hash(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


@dataclass
class _Read:
    """A discovery document read this run, waiting to be saved if the run completes it."""

    outlet: str
    meta: dict[str, Any]  # the request's meta: the spider adds `doc_kind` once parsed
    etag: str | None
    last_modified: str | None
    body_hash: str | None
    fetched_at: str


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _header(response: Response, name: bytes) -> str | None:
    value = response.headers.get(name)
    return value.decode("latin-1") if value else None


class DiscoveryStateMiddleware:
    def __init__(self, crawler: Crawler, path: str, conditional: bool) -> None:
        self.crawler = crawler
        self.path = path
        self.conditional = conditional
        self.archive: Archive | None = None
        self.read: dict[str, _Read] = {}
        self.dirty: set[str] = set()  # outlets with an article that may load next time

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        settings = crawler.settings
        path = settings.get("ARCHIVE_PATH")
        if not path or not settings.getbool("DISCOVERY_STATE_ENABLED"):
            raise NotConfigured("discovery state is off")
        middleware = cls(crawler, path, settings.getbool("ARCHIVE_SKIP_KNOWN"))
        crawler.signals.connect(middleware.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(middleware.spider_closed, signal=signals.spider_closed)
        return middleware

    def spider_opened(self, spider: Spider) -> None:
        """Hand the spider what the archive knows of its outlets' sources (before start())."""
        outlets = list(getattr(spider, "outlets", {}))
        if not outlets or not hasattr(spider, "known_sources"):
            return
        known: dict[str, list[Any]] = {}
        for record in get_sources(self._archive().conn, outlets):
            known.setdefault(record.outlet, []).append(record)
        spider.known_sources = known

    def _archive(self) -> Archive:
        if self.archive is None:
            self.archive = Archive(self.path)
        return self.archive

    # --- requests ---------------------------------------------------------------------------
    def process_request(self, request: Request) -> None:
        kind = request.meta.get("kind")
        if kind not in DISCOVERY_KINDS or not self.conditional:
            return
        state = get_state(self._archive().conn, document_key(request.meta, request.url))
        if state is None:
            return
        lastmod = request.meta.get("lastmod")
        if kind == "sitemap" and lastmod and older_than(lastmod, state.checked_at):
            self._count(request.meta["outlet"], "sitemaps_unchanged")
            raise IgnoreRequest(f"sitemap unchanged since it was last read: {request.url}")
        if state.kind == "sitemapindex":
            return  # an index is always read: its sub-sitemaps may change behind it
        if state.etag:
            request.headers.setdefault(b"If-None-Match", state.etag.encode("latin-1"))
        if state.last_modified:
            request.headers.setdefault(b"If-Modified-Since", state.last_modified.encode("latin-1"))
        request.meta["handle_httpstatus_list"] = [
            *request.meta.get("handle_httpstatus_list", ()),
            304,
        ]

    # --- responses --------------------------------------------------------------------------
    def process_response(self, request: Request, response: Response) -> Response:
        kind = request.meta.get("kind")
        if kind == "article":
            if response.status >= 500 or response.status in _TRANSIENT_STATUSES:
                self._dirty(request)
        elif kind in DISCOVERY_KINDS:
            self._discovery_response(request, response)
        return response

    def _discovery_response(self, request: Request, response: Response) -> None:
        outlet = request.meta.get("outlet", "")
        key = document_key(request.meta, request.url)
        state = get_state(self._archive().conn, key) if self.conditional else None
        if response.status == 304 and state is not None:
            self._unchanged(request, outlet)
            self.read[key] = _Read(
                outlet, request.meta, state.etag, state.last_modified, state.body_hash, _now()
            )
            return
        if not 200 <= response.status < 300:
            return
        digest = body_hash(response.body)
        if state is not None and state.kind != "sitemapindex" and state.body_hash == digest:
            self._unchanged(request, outlet)
        etag, modified = _header(response, b"ETag"), _header(response, b"Last-Modified")
        self.read[key] = _Read(outlet, request.meta, etag, modified, digest, _now())

    def _unchanged(self, request: Request, outlet: str) -> None:
        request.meta["discovery_unchanged"] = True
        self._count(outlet, "discovery_unchanged")
        self._count(outlet, "discovery_ok")  # read fine, and known already

    def process_exception(self, request: Request, exception: Exception) -> None:
        if request.meta.get("kind") != "article" or isinstance(exception, IgnoreRequest):
            return
        kind = error_kind(Failure(exception))
        if kind is None or is_transient(kind):
            self._dirty(request)

    def _dirty(self, request: Request) -> None:
        self.dirty.add(request.meta.get("outlet", ""))

    # --- end of run -------------------------------------------------------------------------
    def spider_closed(self, spider: Spider, reason: str) -> None:
        try:
            if reason != "finished" or self._stats("archive/write_failed"):
                logger.info("discovery state not saved: the run ended with %r", reason)
                return
            states = self._completed(spider)
            saved = save_states(self._archive().conn, states) if states else 0
            logger.info("discovery state saved for %d documents", saved)
            sources = save_sources(self._archive().conn, _source_results(spider), _now())
            logger.info("discovery sources saved: %d", sources)
        finally:
            if self.archive is not None:
                self.archive.close()

    def _completed(self, spider: Spider) -> list[DiscoveryState]:
        unfinished = (
            self.dirty | set(getattr(spider, "blocked", ())) | set(getattr(spider, "capped", ()))
        )
        return [
            DiscoveryState(
                url,
                read.outlet,
                _stored_kind(read.meta),
                read.etag,
                read.last_modified,
                read.body_hash,
                read.fetched_at,
            )
            for url, read in self.read.items()
            if read.outlet not in unfinished
        ]

    def _count(self, outlet: str, key: str) -> None:
        assert self.crawler.stats is not None
        self.crawler.stats.inc_value(f"outlet/{outlet}/{key}")

    def _stats(self, key: str) -> int:
        assert self.crawler.stats is not None
        return int(self.crawler.stats.get_value(key, 0))


def _stored_kind(meta: dict[str, Any]) -> str:
    return str(meta.get("doc_kind") or meta.get("kind"))


def _source_results(spider: Spider) -> list[SourceResult]:
    """How each feed and sitemap went this run, for outlets that did not block us (a waiting
    source was not tried: nothing to record)."""
    blocked = set(getattr(spider, "blocked", ()))
    return [
        SourceResult(name, o.source.url, o.source.kind, o.source.origin, o.source.via, o.error)
        for name, plan in getattr(spider, "plans", {}).items()
        if name not in blocked
        for o in plan.outcomes.values()
        if o.error != "waiting"
    ]
