"""Incremental crawls: the second run of an unchanged site downloads no article page and adds
nothing; feeds are re-read with conditional requests (and a body hash for servers that ignore
them); sub-sitemaps whose <lastmod> predates their last full read are skipped.

One site crawled four times (module fixture): first, again unchanged, after two new articles,
and with --refresh; each test reads what one of those runs fetched and recorded.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.faults.faultsite import FaultSite, Hit, crawl

from .conftest import article_urls, integrity, outlet_row, outlets_file


def _crawl(archive: Path, site: FaultSite, *extra: str) -> list[Hit]:
    """Crawl the site (its feed, sitemap index and section page, declared in an outlet file
    beside the archive); return the requests the site received during that run."""
    start = len(site.hits)
    registry = outlets_file(archive.with_suffix(".toml"), {"site": site}, listing=True)
    result = crawl(archive, "site", "--outlets", str(registry), *extra)
    assert result.returncode == 0, result.stdout + result.stderr
    return site.hits[start:]


def _articles(hits: list[Hit]) -> list[str]:
    return sorted(h.path for h in hits if h.path.startswith("/news/"))


@dataclass
class Story:
    archive: Path
    hits: list[list[Hit]]  # per run
    rows: list[dict[str, Any]]  # per run: counters and errors of the outlet
    urls: list[int]  # per run: archived URLs after it


@pytest.fixture(scope="module")
def story(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Story]:
    site = FaultSite(n_ok=4).start()
    archive = tmp_path_factory.mktemp("incremental") / "archive.db"
    story = Story(archive, [], [], [])

    def run(*extra: str) -> None:
        story.hits.append(_crawl(archive, site, *extra))
        story.rows.append(outlet_row(archive))
        story.urls.append(len(article_urls(archive)))

    try:
        run()
        run()  # nothing changed
        site.n_ok = 6  # two new articles; the news sitemap says it changed
        site.news_lastmod = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + 60))
        run()
        run("--refresh")
        yield story
    finally:
        site.stop()


def test_first_run_archives_every_article(story: Story) -> None:
    assert story.rows[0]["articles_new"] == 4 and story.urls[0] == 4


def test_second_run_of_an_unchanged_site_fetches_no_article_and_adds_nothing(story: Story) -> None:
    hits, row = story.hits[1], story.rows[1]
    assert _articles(hits) == []
    assert row.get("articles_new", 0) == 0 and story.urls[1] == 4
    assert row["errors"] == {}
    assert integrity(story.archive) == "ok"


def test_feeds_are_read_with_conditional_requests(story: Story) -> None:
    feed = next(h for h in story.hits[1] if h.path == "/feed.xml")
    assert feed.headers.get("if-none-match")  # answered 304 by the site
    assert story.rows[1]["discovery_unchanged"] >= 1


def test_listing_pages_are_read_conditionally_and_unchanged_ones_not_followed(
    story: Story,
) -> None:
    first = {h.path for h in story.hits[0]}
    assert {"/list.html", "/list-2.html"} <= first
    listing = next(h for h in story.hits[1] if h.path == "/list.html")
    assert listing.headers.get("if-none-match")
    assert "/list-2.html" not in {h.path for h in story.hits[1]}  # page 1 unchanged: stop


def test_sub_sitemaps_older_than_their_last_read_are_skipped(story: Story) -> None:
    paths = {h.path for h in story.hits[1]}
    assert "/sitemap.xml" in paths  # the index is always read
    assert "/sitemap-news.xml" not in paths and "/sitemap-old.xml" not in paths
    assert story.rows[1]["sitemaps_unchanged"] >= 2


def test_new_articles_are_the_only_article_pages_fetched(story: Story) -> None:
    assert _articles(story.hits[2]) == ["/news/ok-5.html", "/news/ok-6.html"]
    assert story.rows[2]["articles_new"] == 2 and story.urls[2] == 6
    assert "/sitemap-news.xml" in {h.path for h in story.hits[2]}  # its lastmod moved


def test_refresh_reads_everything_again(story: Story) -> None:
    hits, row = story.hits[3], story.rows[3]
    assert _articles(hits) == [f"/news/ok-{i}.html" for i in range(1, 7)]
    assert not any(h.headers.get("if-none-match") for h in hits)
    assert row.get("articles_new", 0) == 0 and row["articles_duplicate"] == 6


def test_a_server_ignoring_conditional_requests_is_caught_by_the_body_hash(
    make_site: Callable[..., FaultSite], tmp_path: Path
) -> None:
    site, archive = make_site(n_ok=3, honour_conditional=False), tmp_path / "archive.db"
    _crawl(archive, site)
    hits = _crawl(archive, site)
    assert _articles(hits) == []
    assert "/feed.xml" in {h.path for h in hits}
    assert outlet_row(archive)["discovery_unchanged"] >= 1  # the feed: 200, the same bytes


def test_a_document_whose_article_failed_is_read_again_next_run(
    make_site: Callable[..., FaultSite], tmp_path: Path
) -> None:
    """A 503 on an article keeps its feed's and sitemap's state unsaved: the next run re-reads
    them in full and retries the article, while archived articles are still not fetched."""
    site, archive = make_site(n_ok=2, faults=("e503",)), tmp_path / "archive.db"
    _crawl(archive, site)
    assert outlet_row(archive)["errors"]["http_503"] == 1
    hits = _crawl(archive, site)
    feed = next(h for h in hits if h.path == "/feed.xml")
    assert "if-none-match" not in feed.headers
    assert "/sitemap-news.xml" in {h.path for h in hits}
    assert _articles(hits) == ["/news/e503.html"] * 2  # tried, and retried after Retry-After
