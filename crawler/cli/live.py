"""Live access to one outlet, for `akhbar outlets check` and `akhbar outlets record`.

`Walker` fetches with akhbar's User-Agent (robots.txt obeyed; a block page is recorded and never
retried) and walks the outlet's discovery to article URLs the way a crawl would: its declared
feeds, sitemaps (a sitemap index: its first three child sitemaps) and listing pages; when none of
them gives an article URL, the site's own (the home page's feed links, robots.txt's sitemaps, the
usual CMS paths). Links from feeds and sitemaps that miss the article pattern but have an
article's shape count, marked as missing it (`crawler.discovery.urls.link_verdict`).
"""

from __future__ import annotations

import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from urllib.parse import urlsplit, urlunsplit

from protego import Protego

from crawler.discovery import feeds as discovery
from crawler.discovery.blocking import detect_block
from crawler.discovery.sources import (
    VIA_LABELS,
    cms_sources,
    feed_links,
    own_http_url,
    robots_sitemaps,
    site_root,
)
from crawler.discovery.urls import MATCHED, MISSED, canonical_url, link_verdict
from crawler.outlets import Outlet

MAX_BYTES = 10 * 1024 * 1024
MAX_CHILD_SITEMAPS = 3


@dataclass(frozen=True)
class Fetched:
    url: str
    status: int
    headers: Mapping[str, str]
    body: bytes


def user_agent() -> str:
    from crawler import settings

    return str(getattr(settings, "USER_AGENT", "akhbar (news archiver)"))


def fetch(url: str, timeout: float = 20.0) -> Fetched:
    """GET one URL; HTTP errors come back as a Fetched (their status matters), not raised."""
    request = urllib.request.Request(url, headers={"User-Agent": user_agent()})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return Fetched(
                response.geturl(), response.status, dict(response.headers), response.read(MAX_BYTES)
            )
    except urllib.error.HTTPError as exc:
        body = exc.read(MAX_BYTES) if exc.fp else b""
        return Fetched(url, exc.code, dict(exc.headers or {}), body)


def rebase(url: str, base: str | None) -> str:
    """The URL with its scheme and host replaced by `base` (a local mirror), path kept."""
    if not base:
        return url
    parts, new = urlsplit(url), urlsplit(base)
    return urlunsplit((new.scheme, new.netloc, parts.path, parts.query, ""))


@dataclass(frozen=True)
class Document:
    """What one discovery document gave: article URLs, matching the pattern or not."""

    kind: str  # feed, sitemap or listing
    url: str
    body: bytes  # the document the links were read from (a sitemap index: its first child)
    links: int
    matched: tuple[str, ...]
    missed: tuple[str, ...]  # from a feed or sitemap, missing the pattern

    @property
    def articles(self) -> tuple[str, ...]:
        return self.matched + self.missed


@dataclass
class Walker:
    outlet: Outlet
    base: str | None = None
    timeout: float = 20.0
    steps: list[str] = field(default_factory=list)
    blocked: str | None = None
    blocked_url: str | None = None
    blocked_status: int | None = None
    down: set[str] = field(default_factory=set)  # hosts that did not answer at all
    _robots: dict[str, tuple[Protego | None, bytes]] = field(default_factory=dict)

    def get(self, url: str) -> Fetched | None:
        """Fetch (robots.txt obeyed); None and a recorded reason when blocked or refused."""
        if not self._allowed(url):
            self.steps.append(f"robots.txt disallows {url}")
            return None
        try:
            got = fetch(rebase(url, self.base), self.timeout)
        except (urllib.error.URLError, OSError, ValueError) as exc:
            self.steps.append(f"cannot fetch {url}: {exc}")
            self.down.add(urlsplit(url).netloc)
            return None
        kind = detect_block(got.status, got.headers, got.body)
        if kind:
            self.blocked, self.blocked_url, self.blocked_status = kind, url, got.status
            return None
        if got.status != 200:
            self.steps.append(f"HTTP {got.status} for {url}")
            return None
        return got

    def _allowed(self, url: str) -> bool:
        robots, _ = self._robots_of(url)
        return robots is None or robots.can_fetch(url, user_agent())

    def _robots_of(self, url: str) -> tuple[Protego | None, bytes]:
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        if origin not in self._robots:
            self._robots[origin] = (None, b"")
            try:
                got = fetch(rebase(origin + "/robots.txt", self.base), self.timeout)
            except (urllib.error.URLError, OSError, ValueError):
                got = None
            if got is not None and got.status == 200:
                text = got.body.decode("utf-8", "replace")
                self._robots[origin] = (Protego.parse(text), got.body)
        return self._robots[origin]

    # --- discovery ------------------------------------------------------------------------
    def documents(self) -> Iterator[Document]:
        """Discovery documents with their article URLs: declared first; the site's own when
        the declared ones give no article URL."""
        declared = [
            *(("feed", u) for u in self.outlet.feeds),
            *(("sitemap", u) for u in self.outlet.sitemaps),
            *(("listing", u) for u in self.outlet.listings),
        ]
        seen = {url for _, url in declared}
        found_any = False
        for kind, url in declared:
            document = self._read(kind, url, "")
            if self.blocked:
                return
            found_any = found_any or bool(document.articles)
            yield document
        if found_any:
            return
        self.steps.append("no article URL from the declared sources: looking on the site")
        for kind, url, via in self._site_sources():
            if (
                url in seen
                or not own_http_url(self.outlet, url)
                or urlsplit(url).netloc in self.down
            ):
                continue
            seen.add(url)
            document = self._read(kind, url, f" ({VIA_LABELS[via]})")
            if self.blocked:
                return
            yield document
            if document.articles:
                return

    def _site_sources(self) -> Iterator[tuple[str, str, str]]:
        home = self.get(self.outlet.home)
        for url in feed_links(home.body, self.outlet.home) if home else ():
            yield "feed", canonical_url(url), "home"
        _, robots = self._robots_of(site_root(self.outlet) + "/")
        for url in robots_sitemaps(robots, site_root(self.outlet) + "/robots.txt"):
            yield "sitemap", canonical_url(url), "robots"
        for source in cms_sources(self.outlet):
            yield source.kind, source.url, "cms"

    def _read(self, kind: str, url: str, via: str) -> Document:
        links, body = self._links(kind, url)
        verdicts = [
            (link, link_verdict(self.outlet, link, trusted=kind != "listing")) for link in links
        ]
        matched = tuple(dict.fromkeys(u for u, v in verdicts if v == MATCHED))
        missed = tuple(dict.fromkeys(u for u, v in verdicts if v == MISSED))
        note = f" ({len(missed)} missing the pattern)" if missed else ""
        articles = len(matched) + len(missed)
        self.steps.append(f"{kind} {url}{via}: {len(links)} links, {articles} article URLs{note}")
        return Document(kind, url, body, len(links), matched, missed)

    def _links(self, kind: str, url: str, depth: int = 0) -> tuple[list[str], bytes]:
        got = self.get(url)
        if got is None:
            return [], b""
        try:
            body = discovery.maybe_gunzip(got.body)
        except (ValueError, OSError, EOFError):
            return [], b""
        if kind == "listing":
            return [canonical_url(u) for u in discovery.parse_listing(body, url).articles], body
        doc = discovery.parse_sitemap(body)
        if doc.kind == "urlset":
            return [canonical_url(e.url) for e in doc.entries], body
        if doc.kind == "sitemapindex" and depth == 0:
            links: list[str] = []
            first = b""
            for entry in doc.entries[:MAX_CHILD_SITEMAPS]:
                child, child_body = self._links("sitemap", entry.url, depth + 1)
                links += child
                first = first or (child_body if child else b"")
                if self.blocked:
                    break
            return links, first
        return [canonical_url(u) for u in discovery.parse_feed(body, url)], body
