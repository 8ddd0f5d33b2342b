"""Where an outlet's links come from when its declared feeds and sitemaps fail: the pure parts
(crawler/discovery/sources.py), on hand-made pages and a hand-driven plan."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from crawler.discovery.sources import (
    CMS_PATHS,
    Outcome,
    Source,
    SourcePlan,
    feed_links,
    next_try,
    robots_sitemaps,
)
from crawler.outlets import Outlet

NOW = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)
OUTLET = Outlet(
    name="site",
    title="Site",
    home="https://www.site.ma/",
    languages=("fr",),
    domains=("site.ma",),
    feeds=("https://www.site.ma/feed/",),
    sitemaps=("https://www.site.ma/sitemap.xml",),
)
BARE = Outlet(
    name="bare", title="Bare", home="https://bare.ma/", languages=(), domains=("bare.ma",)
)


@dataclass(frozen=True)
class Known:
    url: str
    kind: str
    origin: str
    via: str
    failures: int
    last_tried_at: str | None


def test_feed_links_are_the_pages_alternate_feeds_without_comment_feeds() -> None:
    html = b"""<html><head>
      <link rel="alternate" type="application/rss+xml" title="Site &raquo; Flux" href="/feed/">
      <link rel="alternate" type="application/rss+xml" title="Site &raquo; Flux des commentaires"
            href="https://www.site.ma/comments/feed/">
      <link rel="alternate" type="application/atom+xml" href="https://www.site.ma/atom.xml">
      <link rel="stylesheet" type="text/css" href="/style.css">
      <link rel="alternate" hreflang="ar" href="https://www.site.ma/ar/">
    </head><body></body></html>"""
    assert feed_links(html, "https://www.site.ma/") == [
        "https://www.site.ma/feed/",
        "https://www.site.ma/atom.xml",
    ]
    assert feed_links(b"", "https://www.site.ma/") == []


def test_robots_sitemaps_are_its_sitemap_lines_absolute_and_once() -> None:
    robots = (
        b"User-agent: *\nDisallow: /wp-admin/\n\nSitemap: https://www.site.ma/sitemap_index.xml\n"
        b"sitemap: /news-sitemap.xml\nSitemap: https://www.site.ma/sitemap_index.xml\n"
    )
    assert robots_sitemaps(robots, "https://www.site.ma/robots.txt") == [
        "https://www.site.ma/sitemap_index.xml",
        "https://www.site.ma/news-sitemap.xml",
    ]


def test_a_working_declared_source_needs_no_fallback() -> None:
    plan = SourcePlan.build(OUTLET, (), NOW)
    feed, sitemap = plan.start()
    assert (feed.url, sitemap.url) == (OUTLET.feeds[0], OUTLET.sitemaps[0])
    assert plan.settle(feed, ok=False, error="http_404") == []  # the sitemap is pending
    assert plan.settle(sitemap, ok=True) == []
    assert [o.describe() for o in plan.failing()] == [
        "feed https://www.site.ma/feed/: http_404 (1 run in a row)"
    ]


def test_when_declared_sources_fail_the_site_is_asked_then_the_usual_cms_paths() -> None:
    plan = SourcePlan.build(OUTLET, (), NOW)
    for source in plan.start():
        following = plan.settle(source, ok=False, error="http_404")
    assert [(s.kind, s.url) for s in following] == [
        ("home", "https://www.site.ma/"),
        ("robots", "https://www.site.ma/robots.txt"),
    ]
    home, robots = following
    found = plan.found("https://www.site.ma/rss.xml", "feed", "home")
    assert found == Source("https://www.site.ma/rss.xml", "feed", "found", "home")
    assert plan.found("https://www.site.ma/rss.xml", "feed", "home") is None  # once
    assert plan.found("https://feeds.example.com/site", "feed", "home") is None  # off-site
    assert plan.found("ftp://www.site.ma/feed.xml", "feed", "home") is None
    assert plan.settle(home, ok=True) == []
    cms = plan.settle(found, ok=False, error="not_a_feed") + plan.settle(robots, ok=True)
    usual = [f"https://www.site.ma{path}" for _, path in CMS_PATHS]
    assert [s.url for s in cms] == [u for u in usual if u not in (*OUTLET.feeds, *OUTLET.sitemaps)]
    for source in cms:
        plan.settle(source, ok=False, error="http_404")
    assert plan.done and plan.working_found() == []


def test_a_found_source_that_works_ends_the_search() -> None:
    plan = SourcePlan.build(BARE, (), NOW)
    home, robots = plan.start()  # nothing declared: the site first
    sitemap = plan.found("https://bare.ma/sitemap-news.xml", "sitemap", "robots")
    assert sitemap is not None
    plan.settle(home, ok=True)
    plan.settle(robots, ok=True)
    assert plan.settle(sitemap, ok=True) == []
    assert [o.describe() for o in plan.working_found()] == [
        "sitemap https://bare.ma/sitemap-news.xml (robots.txt)"
    ]


def test_sources_found_by_earlier_runs_are_read_before_asking_the_site_again() -> None:
    known = [
        Known("https://bare.ma/rss.xml", "feed", "found", "home", 0, "2026-12-02T10:00:00+00:00"),
        Known("https://old-bare.ma/rss", "feed", "found", "home", 0, "2026-12-02T10:00:00+00:00"),
    ]  # the second is on a host the outlet no longer declares
    plan = SourcePlan.build(BARE, known, NOW)
    (source,) = plan.start()
    assert source == Source("https://bare.ma/rss.xml", "feed", "found", "home")
    assert [s.kind for s in plan.settle(source, ok=False, error="http_410")] == ["home", "robots"]


def test_a_declared_source_that_failed_waits_doubling_up_to_a_week() -> None:
    tried = (NOW - timedelta(minutes=30)).isoformat()
    failing = Known(OUTLET.feeds[0], "feed", "declared", "declared", 1, tried)
    plan = SourcePlan.build(OUTLET, [failing], NOW)
    assert [s.url for s in plan.start()] == [OUTLET.sitemaps[0]]  # the feed waits
    (waiting,) = plan.failing()
    assert waiting == Outcome(
        Source(OUTLET.feeds[0], "feed"), False, "waiting", 1, NOW + timedelta(minutes=30)
    )
    assert waiting.describe().endswith(
        "failing 1 run in a row, tried again after 2026-12-03T12:30+00:00"
    )
    start = datetime(2026, 1, 1, tzinfo=UTC)
    assert next_try(3, start.isoformat()) == start + timedelta(hours=4)
    assert next_try(30, start.isoformat()) == start + timedelta(days=7)
    assert next_try(0, start.isoformat()) is None


def test_an_ad_hoc_crawl_reads_only_what_it_was_given() -> None:
    plan = SourcePlan.build(OUTLET, (), NOW, fallback=False)
    for source in plan.start():
        assert plan.settle(source, ok=False, error="http_404") == []
    assert plan.done


def test_a_site_that_does_not_answer_at_all_is_down_not_wrong() -> None:
    plan = SourcePlan.build(OUTLET, (), NOW)
    following = [plan.settle(s, ok=False, error="dns", answered=False) for s in plan.start()]
    assert following == [[], []] and plan.done  # no probing of a host that does not answer
    bare = SourcePlan.build(BARE, (), NOW)
    home, robots = bare.start()
    bare.settle(home, ok=False, error="timeout", answered=False)
    assert bare.settle(robots, ok=False, error="timeout", answered=False) == []  # no CMS paths
