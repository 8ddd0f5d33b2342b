"""Where an outlet's article links come from: declared feeds and sitemaps first, the site itself
when they fail.

Pure: `SourcePlan` decides which feeds and sitemaps to read, stage by stage, from what the
spider reports back; the parsers find feeds and sitemaps the way a browser or a search engine
does (the home page's `<link rel="alternate">`, robots.txt `Sitemap:` lines, the usual paths of
common CMSs). Every URL they return is http(s) and on the outlet's own hosts.

Stages, each tried only when the one before gave no working source:
1. `declared`: the outlet's feeds and sitemaps (a declared source that failed in earlier runs
   waits, 1 h after one failure, doubling up to a week, before it is tried again);
2. `known`: sources found by earlier runs (kept in the archive's discovery state);
3. `site`: the home page's feed links and robots.txt's sitemaps;
4. `cms`: WordPress, Yoast, news-sitemap and Blogger paths.
A source works when it parses with at least one entry (or is unchanged since last read). When
nothing of the outlet answered at all (timeouts, DNS, refused connections), the site is down, not
wrong: the search stops there.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Protocol
from urllib.parse import urljoin, urlsplit

import lxml.etree
import lxml.html
from scrapy.utils.sitemap import sitemap_urls_from_robots

from crawler.outlets import Outlet

FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/feed+json")
# (kind, path) probed in the last stage, most common first
CMS_PATHS: tuple[tuple[str, str], ...] = (
    ("feed", "/feed/"),  # WordPress
    ("sitemap", "/sitemap_index.xml"),  # Yoast SEO
    ("sitemap", "/wp-sitemap.xml"),  # WordPress core
    ("sitemap", "/sitemap.xml"),
    ("sitemap", "/news-sitemap.xml"),
    ("sitemap", "/sitemap-news.xml"),
    ("feed", "/feeds/posts/default"),  # Blogger
)
STAGES = ("declared", "known", "site", "cms")
VIA_LABELS = {
    "declared": "declared",
    "home": "home page link",
    "robots": "robots.txt",
    "cms": "usual CMS path",
}
MAX_WAIT = timedelta(days=7)


class KnownSource(Protocol):
    """What the discovery state remembers about one source (archive.discovery_state)."""

    @property
    def url(self) -> str: ...
    @property
    def kind(self) -> str: ...
    @property
    def origin(self) -> str: ...
    @property
    def via(self) -> str: ...
    @property
    def failures(self) -> int: ...
    @property
    def last_tried_at(self) -> str | None: ...


@dataclass(frozen=True)
class Source:
    """A document to read: a feed or sitemap, or a page that may name some (home, robots)."""

    url: str
    kind: str  # feed, sitemap, home or robots
    origin: str = "declared"  # declared (in the registry) or found (by akhbar)
    via: str = "declared"  # declared, home, robots or cms

    @property
    def is_source(self) -> bool:
        return self.kind in ("feed", "sitemap")

    def describe(self) -> str:
        via = "" if self.origin == "declared" else f" ({VIA_LABELS.get(self.via, self.via)})"
        return f"{self.kind} {self.url}{via}"


@dataclass(frozen=True)
class Outcome:
    """What reading one source gave this run: it worked, failed (with why), or waited."""

    source: Source
    ok: bool
    error: str | None = None  # http_404, not_a_feed, empty, ... ; "waiting" when not tried
    failures: int = 0  # consecutive failed runs, this one included
    retry_at: datetime | None = None  # when a waiting source is tried again

    def describe(self) -> str:
        """`feed URL (home page link)`, `feed URL: http_404 (2 runs in a row)`, ..."""
        if self.ok:
            return self.source.describe()
        runs = f"{self.failures} run{'s' if self.failures != 1 else ''} in a row"
        if self.error == "waiting" and self.retry_at is not None:
            when = self.retry_at.isoformat(timespec="minutes")
            return f"{self.source.describe()}: failing {runs}, tried again after {when}"
        return f"{self.source.describe()}: {self.error} ({runs})"


def next_try(failures: int, last_tried_at: str | None) -> datetime | None:
    """When a source that failed `failures` runs in a row may be tried again (None: now)."""
    if failures <= 0 or not last_tried_at:
        return None
    try:
        tried = datetime.fromisoformat(last_tried_at)
    except ValueError:
        return None
    return tried + min(timedelta(hours=2 ** (failures - 1)), MAX_WAIT)


def is_due(known: KnownSource | None, now: datetime) -> bool:
    when = next_try(known.failures, known.last_tried_at) if known else None
    return when is None or now >= when


def own_http_url(outlet: Outlet, url: str) -> bool:
    """An http(s) URL on one of the outlet's own hosts."""
    return urlsplit(url).scheme in ("http", "https") and outlet.owns(url)


def feed_links(html: bytes | str, base_url: str) -> list[str]:
    """Feeds a page announces with `<link rel="alternate" type="application/rss+xml">` (and
    Atom, JSON Feed), absolute, in page order; comment feeds left out."""
    try:
        doc = lxml.html.fromstring(html)
    except (lxml.etree.ParserError, ValueError):
        return []
    found: dict[str, None] = {}
    for link in doc.iter("link"):
        rel = (link.get("rel") or "").lower().split()
        kind = (link.get("type") or "").lower().split(";")[0].strip()
        href = (link.get("href") or "").strip()
        if "alternate" not in rel or kind not in FEED_TYPES or not href:
            continue
        url = urljoin(base_url, href)
        title = (link.get("title") or "").lower()
        if "/comments/" not in url and "comment" not in title:
            found[url] = None
    return list(found)


def robots_sitemaps(body: bytes, base_url: str) -> list[str]:
    """The `Sitemap:` lines of a robots.txt, absolute (Scrapy's SitemapSpider reads them so)."""
    return list(dict.fromkeys(sitemap_urls_from_robots(body, base_url=base_url)))


def site_root(outlet: Outlet) -> str:
    parts = urlsplit(outlet.home)
    return f"{parts.scheme}://{parts.netloc}"


def cms_sources(outlet: Outlet) -> list[Source]:
    root = site_root(outlet)
    return [Source(root + path, kind, "found", "cms") for kind, path in CMS_PATHS]


@dataclass
class SourcePlan:
    """The feeds and sitemaps of one outlet for one run, stage by stage (see the module doc)."""

    outlet: Outlet
    known: dict[str, KnownSource] = field(default_factory=dict)
    now: datetime = field(default_factory=datetime.now)
    fallback: bool = True  # False: read only what is declared (an ad-hoc crawl)
    stage: int = -1
    pending: set[str] = field(default_factory=set)
    worked: bool = False  # a source of the current stage worked
    requested: set[str] = field(default_factory=set)
    outcomes: dict[str, Outcome] = field(default_factory=dict)
    stopped: bool = False
    answered: bool = False  # a document of the outlet got an HTTP answer

    @classmethod
    def build(
        cls, outlet: Outlet, known: Iterable[KnownSource], now: datetime, fallback: bool = True
    ) -> SourcePlan:
        return cls(outlet, {k.url: k for k in known}, now, fallback)

    def start(self) -> list[Source]:
        """What to read first: the first stage that has anything to read."""
        return self._advance()

    def stop(self) -> None:
        """Nothing more is read (the outlet blocks us)."""
        self.stopped = True

    @property
    def done(self) -> bool:
        return self.stopped or self.stage >= len(STAGES)

    def settle(
        self, source: Source, ok: bool, error: str | None = None, answered: bool = True
    ) -> list[Source]:
        """Record how a document of this plan went (`answered`: the server answered, whatever the
        status); returns the next stage's documents when this one closes its stage with no
        working source."""
        self.answered = self.answered or answered
        if source.is_source:
            self._record(source, ok, error)
            self.worked = self.worked or ok
        self.pending.discard(source.url)
        if self.pending or self.done or self.worked:
            return []
        return self._advance()

    def found(self, url: str, kind: str, via: str) -> Source | None:
        """A feed or sitemap a probe found: read it in this stage (None: already read, or not
        an http(s) URL of the outlet)."""
        if self.done or url in self.requested or not own_http_url(self.outlet, url):
            return None
        source = Source(url, kind, "found", via)
        self._take([source])
        return source

    def _record(self, source: Source, ok: bool, error: str | None) -> None:
        before = self.known.get(source.url)
        failures = 0 if ok else (before.failures if before else 0) + 1
        self.outcomes[source.url] = Outcome(source, ok, None if ok else error, failures)

    def _advance(self) -> list[Source]:
        while not self.done:
            self.stage += 1
            gave_up = self.requested and not self.answered  # the site is down, not wrong
            if self.done or gave_up or (self.stage > 0 and not self.fallback):
                self.stage = len(STAGES)
                return []
            batch = [
                s for s in self._stage_sources(STAGES[self.stage]) if s.url not in self.requested
            ]
            if batch:
                self._take(batch)
                return batch
        return []

    def _take(self, batch: list[Source]) -> None:
        for source in batch:
            self.requested.add(source.url)
            self.pending.add(source.url)

    def _stage_sources(self, stage: str) -> Iterator[Source]:
        if stage == "declared":
            yield from self._declared()
        elif stage == "known":
            for known in self.known.values():
                usable = known.origin == "found" and own_http_url(self.outlet, known.url)
                if usable and is_due(known, self.now):  # (an outlet may change its domains)
                    yield Source(known.url, known.kind, "found", known.via)
        elif stage == "site":
            yield Source(self.outlet.home, "home", "found", "home")
            yield Source(site_root(self.outlet) + "/robots.txt", "robots", "found", "robots")
        else:
            yield from cms_sources(self.outlet)

    def _declared(self) -> Iterator[Source]:
        declared = [*(("feed", u) for u in self.outlet.feeds)]
        declared += [("sitemap", u) for u in self.outlet.sitemaps]
        for kind, url in declared:
            source = Source(url, kind)
            known = self.known.get(url)
            if is_due(known, self.now):
                yield source
            elif known is not None:  # failed lately: reported, tried again later
                retry = next_try(known.failures, known.last_tried_at)
                self.outcomes[url] = Outcome(source, False, "waiting", known.failures, retry)

    # --- what the run learnt -------------------------------------------------------------
    def failing(self) -> list[Outcome]:
        """Declared sources that failed this run, or wait after failing in earlier runs."""
        return [o for o in self.outcomes.values() if o.source.origin == "declared" and not o.ok]

    def working_found(self) -> list[Outcome]:
        return [o for o in self.outcomes.values() if o.source.origin == "found" and o.ok]
