"""End to end: the real `akhbar crawl` of the sample site while the original outlets answer
slowly, so the aggregator's copies are fetched and stored first (what a cold `make demo` did).
The rows, their dates, the stories view and the per-outlet counts are those of a crawl in which
the originals came first."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pytest

from crawler.demo.server import DemoSite, start_demo_site
from tests.e2e.conftest import assert_clean_run, crawl_demo

SLOW = {"ecoactu-demo": 0.7, "hespress-demo": 0.7}  # seconds before each answer
README_COUNTS = {  # (new, dup) per outlet, as README's demo table
    "blogger-demo": (3, 0),
    "ecoactu-demo": (4, 0),
    "hespress-demo": (4, 0),
    "maghress-demo": (1, 2),
    "snrtnews-demo": (4, 0),
}


@pytest.fixture(scope="module")
def copies_first(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[DemoSite, Path]]:
    with start_demo_site() as site:
        site.delays.update(SLOW)
        archive = tmp_path_factory.mktemp("copies-first") / "archive.db"
        assert_clean_run(crawl_demo(site, archive))
        yield site, archive


def query(archive: Path, sql: str, *args: Any) -> list[sqlite3.Row]:
    with sqlite3.connect(archive) as conn:
        conn.row_factory = sqlite3.Row
        return list(conn.execute(sql, args))


def test_the_copies_were_served_before_their_originals(
    copies_first: tuple[DemoSite, Path],
) -> None:
    site, _ = copies_first
    served = [unquote(site.base_urls[outlet] + path) for outlet, path in site.requests()]
    for pair in site.expected()["syndicated"]:
        assert served.index(unquote(pair["copy"])) < served.index(unquote(pair["original"]))


def test_the_rows_name_the_originals(copies_first: tuple[DemoSite, Path]) -> None:
    site, archive = copies_first
    expected = site.expected()
    for want in expected["articles"]:
        rows = query(archive, "SELECT * FROM articles WHERE url = ? AND is_latest", want["url"])
        assert len(rows) == 1, want["url"]
        row = rows[0]
        assert (row["outlet"], row["published"], row["title"]) == (
            want["outlet"],
            want["published"],
            want["title"],
        )
        assert row["original_outlet"] == want.get("original_outlet")
    for pair in expected["syndicated"]:
        roles = dict(query(archive, "SELECT url, role FROM article_urls WHERE url IN (?, ?)",
                           pair["original"], pair["copy"]))  # fmt: skip
        assert roles == {pair["original"]: "original", pair["copy"]: "copy"}


def test_the_per_outlet_counts_are_the_readme_table(copies_first: tuple[DemoSite, Path]) -> None:
    _, archive = copies_first
    counts = {
        r["outlet"]: (r["articles_new"], r["articles_duplicate"])
        for r in query(archive, "SELECT outlet, articles_new, articles_duplicate FROM run_outlets")
    }
    assert counts == README_COUNTS


def test_stories_name_the_original_and_its_time(copies_first: tuple[DemoSite, Path]) -> None:
    site, archive = copies_first
    published = {a["url"]: a["published"] for a in site.expected()["articles"]}
    for pair in site.expected()["syndicated"]:
        (story,) = query(
            archive,
            "SELECT s.* FROM stories s JOIN article_urls u ON u.article_id = s.cluster_id "
            "WHERE u.url = ?",
            pair["original"],
        )
        moment = datetime.fromisoformat(published[pair["original"]]).astimezone(UTC)
        assert (story["first_url"], story["first_seen"]) == (
            pair["original"],
            moment.strftime("%Y-%m-%d %H:%M:%S"),
        )
