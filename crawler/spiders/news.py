"""NewsSpider: feeds, sitemaps and listing pages of the chosen outlets -> raw article pages.

The spider routes: it reads discovery documents, asks the outlet (and `urls.py`) which links
are articles, and hands each article response on as a PageItem. It never parses article
text and never touches SQLite; extraction and archiving are the pipelines' work.

The registry hints, the site decides: links from an outlet's own feeds and sitemaps are fetched
even when they miss its `article_pattern` (if they have an article's shape), and the extractor
decides; listing-page links must match the pattern. When the declared feeds and sitemaps give
nothing, `SourcePlan` (crawler/discovery/sources.py) finds others on the site.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Self

from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import StopDownload
from scrapy.http import Response, TextResponse
from twisted.python.failure import Failure

from crawler.discovery import feeds as discovery
from crawler.discovery import sources as site_sources
from crawler.discovery.sources import Outcome, Source, SourcePlan
from crawler.discovery.urls import MISSED, canonical_url, link_verdict
from crawler.extensions import add_example
from crawler.items import PageItem
from crawler.outlets import Outlet, adhoc_outlet, load_registry, select
from crawler.run.errors import TRANSIENT_KINDS, error_kind

HTML_TYPES = (b"text/html", b"application/xhtml+xml")
SOURCE_CALLBACKS = {
    "feed": "parse_feed",
    "sitemap": "parse_sitemap",
    "home": "parse_home",
    "robots": "parse_robots",
}


def _split(value: str | Iterable[str] | None) -> list[str]:
    if not value:
        return []
    items = value.split(",") if isinstance(value, str) else list(value)
    return [v.strip() for v in items if v.strip()]


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class NewsSpider(Spider):
    name = "news"

    def __init__(self, outlets: list[Outlet], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.outlets = {o.name: o for o in outlets}
        self.adhoc = {o.name for o in outlets if o.evidence.get("all") == "adhoc"}
        self.blocked: set[str] = set()
        self.capped: set[str] = set()  # outlets cut at OUTLET_MAX_ARTICLES this run
        self.article_counts: dict[str, int] = {}
        self.max_xml_bytes = discovery.MAX_XML_BYTES
        self.max_listing_pages = 5
        self.max_articles = 0
        self.skip_older_than = ""
        self.max_url_length = 2083
        self.max_sitemap_depth = 3
        self.max_sitemaps = 2000
        self.sitemap_counts: dict[str, int] = {}
        # what the archive's discovery state knows of each outlet's sources, set by
        # DiscoveryStateMiddleware when the spider opens (before start() runs)
        self.known_sources: dict[str, list[Any]] = {}
        self.plans: dict[str, SourcePlan] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> Self:
        settings = crawler.settings
        files = [
            Path(p)
            for p in settings.getlist("OUTLETS_FILES") + _split(kwargs.pop("outlets_file", None))
        ]
        names = settings.getlist("OUTLETS") + _split(kwargs.pop("outlets", None))
        feeds, sitemaps = _split(kwargs.pop("feed", None)), _split(kwargs.pop("sitemap", None))
        starts = _split(kwargs.pop("start", None))
        chosen: list[Outlet] = []
        if names:
            chosen = select(load_registry(files), names)
        elif files:
            chosen = list(load_registry(files, shipped=False).values())
        if feeds or sitemaps or starts:
            chosen.append(adhoc_outlet(feeds=feeds, sitemaps=sitemaps, listings=starts))
        if not chosen:
            raise ValueError("nothing to crawl: name outlets, or give a feed, sitemap or start URL")
        spider = cls(chosen, *args, **kwargs)
        spider._set_crawler(crawler)
        crawler.signals.connect(spider.headers_received, signal=signals.headers_received)
        spider.max_listing_pages = settings.getint("LISTING_MAX_PAGES")
        spider.max_articles = settings.getint("OUTLET_MAX_ARTICLES")
        spider.skip_older_than = settings.get("SITEMAP_SKIP_OLDER_THAN") or ""
        spider.max_xml_bytes = settings.getint("DOWNLOAD_MAXSIZE") or discovery.MAX_XML_BYTES
        spider.max_url_length = settings.getint("URLLENGTH_LIMIT") or spider.max_url_length
        spider.max_sitemap_depth = settings.getint("SITEMAP_MAX_DEPTH")
        spider.max_sitemaps = settings.getint("SITEMAP_MAX_DOCUMENTS")
        return spider

    async def start(self) -> AsyncIterator[Any]:
        now = datetime.now(UTC)
        for outlet in self.outlets.values():
            known = self.known_sources.get(outlet.name, ())
            plan = SourcePlan.build(outlet, known, now, fallback=outlet.name not in self.adhoc)
            self.plans[outlet.name] = plan
            for source in plan.start():
                yield self._source_request(outlet, source)
            for outcome in plan.failing():  # declared sources waiting after failed runs
                self._report(outlet, outcome)
            for url in outlet.listings:
                yield self._request(url, outlet, "listing", self.parse_listing, depth=1)

    def _request(self, url: str, outlet: Outlet, kind: str, callback: Any, **meta: Any) -> Request:
        return Request(
            url,
            callback=callback,
            errback=self.on_error,
            meta={"outlet": outlet.name, "kind": kind, **meta},
        )

    def _source_request(self, outlet: Outlet, source: Source) -> Request:
        callback = getattr(self, SOURCE_CALLBACKS[source.kind])
        request = self._request(source.url, outlet, source.kind, callback, source=source)
        request.meta["probe"] = source.origin == "found"  # its failures are no outlet errors
        return request.replace(dont_filter=True)  # settles its plan even if read elsewhere

    # --- discovery ------------------------------------------------------------------------
    # A document flagged `discovery_unchanged` (a 304, or the same body as when last read in
    # full; see crawler/conditional.py) is not parsed: everything it links to was handled.
    def parse_feed(self, response: Response) -> Iterator[Request]:
        outlet = self.outlets[response.meta["outlet"]]
        if response.meta.get("discovery_unchanged"):
            yield from self._settle(outlet, response.meta, None)
            return
        links = discovery.parse_feed(response.body, response.url)
        if not links and not discovery.is_feed(response.body):
            yield from self._settle(outlet, response.meta, "not_a_feed")
            if not response.meta.get("probe"):  # a probed path that is no feed is no error
                self._count_xml_problems(outlet, response.body)
                self._count(outlet, "errors/bad_feed")
                self.logger.warning("Ignoring a feed that is not RSS or Atom: %s", response.url)
            return
        self._count_xml_problems(outlet, response.body)
        self._count(outlet, "feed_links", len(links))
        yield from self._settle(outlet, response.meta, None if links else "empty")
        yield from self._article_requests(outlet, links, trusted=True)

    def parse_sitemap(self, response: Response) -> Iterator[Request]:
        outlet = self.outlets[response.meta["outlet"]]
        if response.meta.get("discovery_unchanged"):
            yield from self._settle(outlet, response.meta, None)
            return
        try:
            body = discovery.maybe_gunzip(response.body, self.max_xml_bytes)
        except (ValueError, OSError, EOFError):
            yield from self._settle(outlet, response.meta, "not_a_sitemap")
            self._count(outlet, "errors/bad_sitemap")
            self.logger.warning("Ignoring a sitemap that does not decompress: %s", response.url)
            return
        sitemap = discovery.parse_sitemap(body)
        response.meta["doc_kind"] = sitemap.kind
        problem = "not_a_sitemap" if sitemap.kind == "invalid" else None
        yield from self._settle(
            outlet, response.meta, problem or (None if sitemap.entries else "empty")
        )
        if problem and response.meta.get("probe"):
            return
        self._count_xml_problems(outlet, body)
        if sitemap.kind == "invalid":
            self._count(outlet, "errors/bad_sitemap")
            self.logger.warning("Ignoring invalid sitemap %s", response.url)
        elif sitemap.kind == "sitemapindex":
            yield from self._sub_sitemaps(outlet, sitemap.entries, response.meta)
        else:
            links = [e.url for e in sitemap.entries]
            self._count(outlet, "sitemap_links", len(links))
            yield from self._article_requests(outlet, links, trusted=True)

    def _sub_sitemaps(
        self, outlet: Outlet, entries: Iterable[discovery.SitemapEntry], meta: dict[str, Any]
    ) -> Iterator[Request]:
        """The sitemaps an index lists, within SITEMAP_MAX_DEPTH levels below the outlet's own
        and SITEMAP_MAX_DOCUMENTS per outlet and run (a chained or endless index ends there)."""
        depth = meta.get("sitemap_depth", 0) + 1
        if depth > self.max_sitemap_depth:
            self._count(outlet, "sitemaps_too_deep")
            self.logger.warning("%s: sitemap index nested too deep, not followed", outlet.name)
            return
        for entry in entries:
            if self._unchanged_since_last_run(entry.lastmod):
                self._count(outlet, "sitemaps_unchanged")
            elif outlet.owns(entry.url):
                if self.sitemap_counts.get(outlet.name, 0) >= self.max_sitemaps:
                    self._count(outlet, "sitemaps_over_limit")
                    self.capped.add(outlet.name)
                    continue
                self.sitemap_counts[outlet.name] = self.sitemap_counts.get(outlet.name, 0) + 1
                yield self._request(
                    entry.url,
                    outlet,
                    "sitemap",
                    self.parse_sitemap,
                    lastmod=entry.lastmod,
                    sitemap_depth=depth,
                )

    def _count_xml_problems(self, outlet: Outlet, body: bytes) -> None:
        for problem in discovery.xml_problems(body):
            self._count(outlet, f"errors/{problem}")

    def _unchanged_since_last_run(self, lastmod: str | None) -> bool:
        return bool(self.skip_older_than and lastmod) and discovery.older_than(
            str(lastmod), self.skip_older_than
        )

    def parse_listing(self, response: Response) -> Iterator[Request]:
        outlet = self.outlets[response.meta["outlet"]]
        if response.meta.get("discovery_unchanged"):
            return
        if not isinstance(response, TextResponse):
            self._count(outlet, "errors/listing_not_html")
            return
        links = discovery.parse_listing(response.body, response.url)
        yield from self._article_requests(outlet, links.articles, trusted=False)
        depth = response.meta.get("depth_listing", response.meta.get("depth", 1))
        if depth >= self.max_listing_pages:
            return
        for url in links.next_pages:
            if outlet.owns(url):
                yield self._request(
                    url, outlet, "listing", self.parse_listing, depth_listing=depth + 1
                )

    def _article_requests(
        self, outlet: Outlet, links: Iterable[str], *, trusted: bool
    ) -> Iterator[Request]:
        if outlet.name in self.blocked:
            return
        for link in links:
            url = self._canonical(outlet, link)
            if url is None:
                continue
            verdict = link_verdict(outlet, url, trusted=trusted)
            if verdict is None:
                if not outlet.owns(url):
                    self._count(outlet, "links_offsite")
                continue
            count = self.article_counts.get(outlet.name, 0)
            if self.max_articles and count >= self.max_articles:
                self.capped.add(outlet.name)
                return
            self.article_counts[outlet.name] = count + 1
            meta = {"pattern_missed": True} if verdict == MISSED else {}
            yield self._request(url, outlet, "article", self.parse_article, **meta)

    def _canonical(self, outlet: Outlet, link: str) -> str | None:
        """The link's canonical URL; None, counted, for one that cannot be fetched (longer than
        URLLENGTH_LIMIT, or not parseable: `http://[::1`)."""
        if len(link) > self.max_url_length:
            self._count(outlet, "links_too_long")
            return None
        try:
            return canonical_url(link)
        except ValueError:
            self._count(outlet, "links_invalid")
            return None

    # --- sources: declared, else found on the site (crawler/discovery/sources.py) ----------
    def parse_home(self, response: Response) -> Iterator[Request]:
        """The home page: the feeds its <link rel="alternate"> announce."""
        outlet = self.outlets[response.meta["outlet"]]
        found = []
        if isinstance(response, TextResponse):
            found = [("feed", url) for url in site_sources.feed_links(response.body, response.url)]
        yield from self._found(outlet, response.meta, found, "home")

    def parse_robots(self, response: Response) -> Iterator[Request]:
        """robots.txt: its Sitemap: lines."""
        outlet = self.outlets[response.meta["outlet"]]
        urls = site_sources.robots_sitemaps(response.body, response.url)
        yield from self._found(outlet, response.meta, [("sitemap", u) for u in urls], "robots")

    def _found(
        self, outlet: Outlet, meta: dict[str, Any], found: list[tuple[str, str]], via: str
    ) -> Iterator[Request]:
        plan = self.plans.get(outlet.name)
        for kind, link in found:
            url = self._canonical(outlet, link)
            source = plan.found(url, kind, via) if plan and url else None
            if source is not None:
                yield self._source_request(outlet, source)
        yield from self._settle(outlet, meta, None)

    def _settle(self, outlet: Outlet, meta: dict[str, Any], error: str | None) -> Iterator[Request]:
        """Tell the outlet's plan how a source went; read the next stage when nothing worked."""
        source, plan = meta.get("source"), self.plans.get(outlet.name)
        if not isinstance(source, Source) or plan is None:
            return
        if source.is_source and error is None and source.origin == "found":
            self._count(outlet, "discovery_ok")  # probes are not counted by the run record
        stage = plan.stage
        answered = error not in TRANSIENT_KINDS  # a timeout or DNS failure: the site is down
        blocked = outlet.name in self.blocked
        following = [] if blocked else plan.settle(source, error is None, error, answered)
        if source.url in plan.outcomes and source.is_source:
            self._report(outlet, plan.outcomes[source.url])
        if following and plan.stage != stage:
            self.logger.info(
                "%s: no working feed or sitemap so far; reading %s",
                outlet.name,
                ", ".join(s.describe() for s in following),
            )
        for nxt in following:
            yield self._source_request(outlet, nxt)

    def _report(self, outlet: Outlet, outcome: Outcome) -> None:
        """Count and keep an example of a declared source that fails, or a found one that works."""
        if outcome.source.origin == "declared" and not outcome.ok:
            self._count(outlet, "sources_failed")
            self._example(outlet, "sources_failed", outcome.describe())
            tried = outcome.error != "waiting"  # a waiting one was reported when it failed
            level = logging.WARNING if tried else logging.INFO
            self.logger.log(level, "%s: declared %s", outlet.name, outcome.describe())
        elif outcome.source.origin == "found" and outcome.ok:
            self._count(outlet, "sources_found")
            self._example(outlet, "sources_found", outcome.describe())

    # --- articles -------------------------------------------------------------------------
    def headers_received(
        self, headers: Any, body_length: int, request: Request, spider: Spider
    ) -> None:
        """Stop downloading an article page as soon as its headers say it is no HTML (a PDF, an
        image): parse_article then refuses the stub, so nothing but the headers is fetched."""
        if request.meta.get("kind") == "article":
            content_type = (headers.get(b"Content-Type") or b"text/html").lower()
            if not content_type.startswith(HTML_TYPES):
                raise StopDownload(fail=False)

    def parse_article(self, response: Response) -> Iterator[PageItem]:
        outlet = self.outlets[response.meta["outlet"]]
        content_type = (response.headers.get(b"Content-Type") or b"text/html").lower()
        if not content_type.startswith(HTML_TYPES):
            self._count(outlet, "pages_refused/not-html")
            return
        yield PageItem(
            url=response.url,
            outlet=outlet.name,
            status=response.status,
            body=response.body,
            content_type=content_type.decode("latin-1"),
            fetched_at=now_iso(),
            warc=response.meta.get("warc"),
            pattern_missed=bool(response.meta.get("pattern_missed")),
        )

    # --- errors ---------------------------------------------------------------------------
    def on_error(self, failure: Failure) -> Iterator[Request]:
        request = failure.request  # type: ignore[attr-defined]
        outlet = self.outlets.get(request.meta.get("outlet", ""))
        kind = error_kind(failure)
        if outlet is None:
            return
        if kind is not None and kind.startswith("blocked"):
            self._block(outlet, kind)
        if kind is not None and not request.meta.get("probe"):
            self._count(outlet, f"errors/{kind}")
            self.logger.info("%s: %s on %s", outlet.name, kind, request.url)
        yield from self._settle(outlet, request.meta, kind or "skipped")

    def _block(self, outlet: Outlet, kind: str) -> None:
        if outlet.name not in self.blocked:
            self.blocked.add(outlet.name)
            self.logger.warning(
                "%s looks blocked (%s): its remaining requests are dropped this run",
                outlet.name,
                kind,
            )

    def _count(self, outlet: Outlet, key: str, value: int = 1) -> None:
        assert self.crawler.stats is not None
        self.crawler.stats.inc_value(f"outlet/{outlet.name}/{key}", value)

    def _example(self, outlet: Outlet, key: str, text: str) -> None:
        assert self.crawler.stats is not None
        add_example(self.crawler.stats, outlet.name, key, text)
