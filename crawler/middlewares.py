"""Downloader middlewares: drop requests before download, retry politely, refuse bad redirects;
count what they drop."""

from __future__ import annotations

import email.utils
import logging
from datetime import UTC, datetime
from pathlib import Path
from typing import Self
from urllib.parse import urljoin

from scrapy import Request, signals
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.redirect import MetaRefreshMiddleware
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import HtmlResponse, Response
from scrapy.settings import BaseSettings
from scrapy.utils.asyncio import sleep
from scrapy.utils.response import response_status_message
from w3lib.url import safe_url_string

from archive.db import Archive
from crawler.run.errors import RefusedRequest

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
        middleware = cls(crawler, path, crawler.settings.getbool("ARCHIVE_SKIP_KNOWN"))
        crawler.signals.connect(middleware.spider_closed, signal=signals.spider_closed)
        return middleware

    def spider_closed(self) -> None:
        # a reader left open would keep the write-ahead log from being folded into the file
        if self.archive is not None:
            self.archive.close()
            self.archive = None

    def process_request(self, request: Request) -> None:
        outlet = request.meta.get("outlet", "")
        spider = self.crawler.spider
        if outlet in getattr(spider, "blocked", ()):
            self._count(f"outlet/{outlet}/requests_skipped_blocked")
            raise IgnoreRequest(f"outlet {outlet} is blocked this run")
        if not self.skip_known or request.meta.get("kind") != "article":
            return
        archive = self._archive()
        if archive is not None and archive.has_url(request.url):
            self._count(f"outlet/{outlet}/requests_skipped_known")
            self._count("archive/skipped_known")
            raise IgnoreRequest("already archived")

    def _archive(self) -> Archive | None:
        """The archive, read-only (lookups need no more, and SQLite's small default page cache
        keeps the crawl's memory flat as the archive grows); None while no file exists yet."""
        if self.archive is None and Path(self.archive_path).exists():
            self.archive = Archive(self.archive_path, readonly=True)
        return self.archive

    def _count(self, key: str) -> None:
        assert self.crawler.stats is not None
        self.crawler.stats.inc_value(key)


def retry_after_seconds(value: bytes | str | None, now: datetime | None = None) -> float | None:
    """Seconds a Retry-After header asks us to wait (delta-seconds or an HTTP date), or None."""
    if not value:
        return None
    text = value.decode("latin-1") if isinstance(value, bytes) else value
    text = text.strip()
    if text.isdigit():
        return float(text)
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


class RetryAfterMiddleware(RetryMiddleware):
    """Scrapy's retries, honouring Retry-After on 429/503 and the like (RETRY_AFTER_MAX caps it).

    A server asking for a pause longer than the cap is not retried this run: the response goes
    on as an HTTP error and is counted. Retries are counted per outlet (`retries`).
    """

    def __init__(self, settings: BaseSettings) -> None:
        super().__init__(settings)
        self.max_wait = settings.getfloat("RETRY_AFTER_MAX")

    async def process_response(self, request: Request, response: Response) -> Request | Response:  # type: ignore[override]
        if request.meta.get("dont_retry") or response.status not in self.retry_http_codes:
            return response
        wait = retry_after_seconds(response.headers.get(b"Retry-After"))
        if wait is not None and wait > self.max_wait:
            logger.info("not retrying %s: Retry-After %.0fs exceeds RETRY_AFTER_MAX", request, wait)
            return response
        retry = self._retry(request, response_status_message(response.status))
        if retry is None:
            return response
        if wait:
            await sleep(wait)
        self._count_retry(request)
        return retry

    def process_exception(  # type: ignore[override]
        self, request: Request, exception: Exception
    ) -> Request | Response | None:
        retry = super().process_exception(request, exception)
        if isinstance(retry, Request):
            self._count_retry(request)
        return retry

    def _count_retry(self, request: Request) -> None:
        outlet = request.meta.get("outlet")
        if outlet and self.crawler.stats is not None:
            self.crawler.stats.inc_value(f"outlet/{outlet}/retries")


class RedirectGuardMiddleware:
    """Refuse, before Scrapy follows them, redirects off the outlet's domains and redirect loops.

    Sits just outside RedirectMiddleware so it sees each 3xx response first; a refused redirect
    reaches the spider's errback as `offsite_redirect` or `redirect_loop` and is counted there.
    """

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    def process_response(self, request: Request, response: Response) -> Response:
        location = response.headers.get(b"Location")
        if response.status not in _REDIRECTS or not location:
            return response
        target = safe_url_string(urljoin(request.url, location.decode("latin-1")))
        guard_redirect(self.crawler, request, target)
        return response


_REDIRECTS = frozenset({301, 302, 303, 307, 308})


def guard_redirect(crawler: Crawler, request: Request, target: str) -> None:
    """Raise RefusedRequest if following `request` to `target` would loop, or leave the
    outlet's domains or http(s): the one rule for 3xx redirects and meta refreshes."""
    seen = {*request.meta.get("redirect_urls", ()), request.url}
    if target in seen:
        raise RefusedRequest("redirect_loop", f"redirect loop at {request.url} -> {target}")
    outlet = getattr(crawler.spider, "outlets", {}).get(request.meta.get("outlet"))
    if outlet is not None and not outlet.owns(target):
        raise RefusedRequest(
            "offsite_redirect", f"{request.url} redirects off {outlet.name}'s domains: {target}"
        )


class QuickMetaRefreshMiddleware(MetaRefreshMiddleware):
    """Scrapy's meta-refresh redirects, without decoding the pages that cannot have one.

    Scrapy decodes the whole body of every HTML response (~0.13 ms of reactor CPU for a 100 KB
    page) to look for `<meta http-equiv="refresh">` in its first 4,096 characters. In an
    ASCII-compatible encoding such a tag shows its ASCII letters in the bytes: a page whose first
    bytes lack "http-equiv" or "refresh" goes on untouched. Anything else, and pages with NUL
    bytes (UTF-16/32), get Scrapy's own check. A refresh is then held to the redirect rule
    (`guard_redirect`): no loops, never off the outlet's domains.
    """

    HEAD_BYTES = 4 * 4096  # 4,096 characters are at most this many bytes of UTF-8

    def process_response(  # type: ignore[override]
        self, request: Request, response: Response
    ) -> Request | Response:
        if isinstance(response, HtmlResponse):
            head = response.body[: self.HEAD_BYTES].lower()
            if b"\x00" not in head and (b"http-equiv" not in head or b"refresh" not in head):
                return response
        result = super().process_response(request, response)
        if isinstance(result, Request):
            guard_redirect(self.crawler, request, result.url)
        return result
