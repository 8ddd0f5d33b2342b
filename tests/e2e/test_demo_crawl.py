"""End to end: the real `akhbar crawl` over HTTP against the bundled sample site.

Asserts the exact rows crawler/demo/site/expected.json promises, that no seed boilerplate
reaches any archived text, that the syndicated copy is stored once, and that a second run
downloads no article page and adds nothing.
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from crawler.demo.server import DemoSite
from tests.e2e.conftest import assert_clean_run, crawl_demo

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def crawled(demo_site: DemoSite, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    archive = tmp_path_factory.mktemp("e2e") / "archive.db"
    demo_site.reset_requests()
    assert_clean_run(crawl_demo(demo_site, archive), Path(f"{archive}.log"))
    yield archive


def query(archive: Path, sql: str, *args: Any) -> list[sqlite3.Row]:
    with sqlite3.connect(archive) as conn:
        conn.row_factory = sqlite3.Row
        return list(conn.execute(sql, args))


def article_for(archive: Path, url: str) -> sqlite3.Row:
    rows = query(
        archive,
        "SELECT a.* FROM articles a JOIN article_urls u ON u.article_id = a.id WHERE u.url = ?",
        url,
    )
    assert len(rows) == 1, f"{url}: {len(rows)} articles"
    return rows[0]


def test_every_expected_article_is_archived_once_with_its_metadata(
    demo_site: DemoSite, crawled: Path
) -> None:
    expected = demo_site.expected()["articles"]
    for want in expected:
        row = article_for(crawled, want["url"])
        assert (row["outlet"], row["url"]) == (want["outlet"], want["url"])
        assert row["title"] == want["title"], want["url"]
        assert row["language"] == want["language"], want["url"]
        assert row["published"] == want["published"], want["url"]
        assert json.loads(row["authors"]) == want.get("authors", []), want["url"]
        for snippet in want.get("must_contain", []):
            assert snippet in row["text"], (want["url"], snippet)
        for snippet in want.get("must_not_contain", []):
            assert snippet not in row["text"], (want["url"], snippet)
    total = query(crawled, "SELECT count(*) FROM articles WHERE is_latest")[0][0]
    assert total == len(expected)


def test_no_boilerplate_phrase_in_any_archived_text(demo_site: DemoSite, crawled: Path) -> None:
    phrases = demo_site.expected()["boilerplate"]
    for row in query(crawled, "SELECT url, title, text FROM articles"):
        leaked = [p for p in phrases if p.lower() in row["text"].lower()]
        assert not leaked, f"{row['url']}: {leaked}"


def test_the_syndicated_copy_is_stored_once_with_both_urls(
    demo_site: DemoSite, crawled: Path
) -> None:
    for pair in demo_site.expected()["syndicated"]:
        original = article_for(crawled, pair["original"])
        copy = article_for(crawled, pair["copy"])
        assert original["id"] == copy["id"]


def test_tracking_and_amp_variants_collapse_to_the_canonical_url(
    demo_site: DemoSite, crawled: Path
) -> None:
    for group in demo_site.expected()["variants"]:
        article_for(crawled, group["canonical"])
        for variant in group["variants"]:
            assert not query(crawled, "SELECT 1 FROM article_urls WHERE url = ?", variant)


def test_non_articles_are_refused_and_robots_is_obeyed(demo_site: DemoSite, crawled: Path) -> None:
    expected = demo_site.expected()
    for page in expected["non_articles"]:
        assert not query(crawled, "SELECT 1 FROM article_urls WHERE url = ?", page["url"]), page
    served = {(o, p) for o, p in demo_site.requests()}
    for page in expected["never_fetched"]:
        parts = urlsplit(page["url"])
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        assert not any(p == path for _, p in served), page


def test_a_second_run_downloads_no_article_page_and_adds_nothing(
    demo_site: DemoSite, crawled: Path
) -> None:
    before = query(crawled, "SELECT count(*) FROM articles")[0][0]
    urls_before = query(crawled, "SELECT count(*) FROM article_urls")[0][0]
    demo_site.reset_requests()
    result = crawl_demo(demo_site, crawled)
    assert_clean_run(result, Path(f"{crawled}.log"))
    article_paths = {urlsplit(a["url"]).path for a in demo_site.expected()["articles"]}
    fetched = [p for _, p in demo_site.requests() if urlsplit(p).path in article_paths]
    assert fetched == []
    assert query(crawled, "SELECT count(*) FROM articles")[0][0] == before
    assert query(crawled, "SELECT count(*) FROM article_urls")[0][0] == urls_before
    runs = query(crawled, "SELECT status FROM runs ORDER BY id")
    assert [r["status"] for r in runs] == ["ok", "ok"]


def test_scrapy_crawl_news_works_as_a_plain_scrapy_project(
    demo_site: DemoSite, tmp_path: Path
) -> None:
    archive = tmp_path / "scrapy.db"
    result = subprocess.run(
        [
            str(Path(sys.executable).parent / "scrapy"),
            "crawl",
            "news",
            "-a",
            "outlets=snrtnews-demo",
            "-a",
            f"outlets_file={demo_site.outlets_file}",
            "-s",
            f"ARCHIVE_PATH={archive}",
            "-s",
            "AUTOTHROTTLE_ENABLED=False",
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert_clean_run(result)
    outlets = query(archive, "SELECT DISTINCT outlet FROM articles")
    assert [r["outlet"] for r in outlets] == ["snrtnews-demo"]
    want = [a for a in demo_site.expected()["articles"] if a["outlet"] == "snrtnews-demo"]
    assert query(archive, "SELECT count(*) FROM articles")[0][0] == len(want)
