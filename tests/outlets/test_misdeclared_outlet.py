"""Issue 14's done-when: an outlet declared wrongly in three ways at once (a feed that is 404, an
article pattern that matches none of its URLs, a body selector that matches nothing), and one
with no feed or sitemap declared at all, are fully archived through what their sites announce
(the home page's feed link, robots.txt's sitemap) and reported by `akhbar check`.

Real crawls (`akhbar crawl` in a subprocess) of the site in misdeclared_site.py on 127.0.0.1.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from crawler.cli.main import cli
from crawler.demo.server import DemoSite, start_demo_site
from crawler.discovery.feeds import parse_feed
from crawler.extract import extract_article
from crawler.outlets import load_registry
from tests.faults.faultsite import akhbar, crawl
from tests.outlets.misdeclared_site import (
    ABOUT_PATH,
    FEED_PATH,
    LISTING_PATH,
    SITEMAP_PATH,
    WRONG_BODY,
    WRONG_PATTERN,
    build_site,
    stories,
)
from tests.run.conftest import article_urls, outlet_row


@dataclass(frozen=True)
class Crawled:
    outlet: str
    base: str
    archive: Path
    outlets_file: Path
    exit_codes: tuple[int, int]
    requests: tuple[list[str], list[str]]  # paths the site served, in each run

    def articles(self) -> list[str]:
        return sorted(self.base + s.path for s in stories(self.outlet))


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoSite]:
    folder = tmp_path_factory.mktemp("misdeclared")
    with start_demo_site(build_site(folder / "site"), folder / "work") as running:
        yield running


def crawl_twice(site: DemoSite, outlet: str, archive: Path) -> Crawled:
    codes, requests = [], []
    for _ in (1, 2):
        site.reset_requests()
        result = crawl(archive, outlet, "--outlets", str(site.outlets_file))
        assert "Traceback" not in result.stderr, result.stderr
        codes.append(result.returncode)
        requests.append([path for name, path in site.requests() if name == outlet])
    return Crawled(
        outlet,
        site.base_urls[outlet],
        archive,
        site.outlets_file,
        (codes[0], codes[1]),
        (requests[0], requests[1]),
    )


@pytest.fixture(scope="module")
def misdeclared(site: DemoSite, tmp_path_factory: pytest.TempPathFactory) -> Crawled:
    return crawl_twice(site, "misdeclared", tmp_path_factory.mktemp("m") / "archive.db")


@pytest.fixture(scope="module")
def undeclared(site: DemoSite, tmp_path_factory: pytest.TempPathFactory) -> Crawled:
    return crawl_twice(site, "undeclared", tmp_path_factory.mktemp("u") / "archive.db")


@pytest.fixture(params=["misdeclared", "undeclared"])
def crawled(request: pytest.FixtureRequest) -> Crawled:
    return request.getfixturevalue(request.param)  # type: ignore[no-any-return]


def test_every_article_is_archived_through_the_sites_own_feed_and_sitemap(
    crawled: Crawled,
) -> None:
    assert crawled.exit_codes == (0, 0)
    assert article_urls(crawled.archive) == crawled.articles()
    first = crawled.requests[0]
    assert "/" in first and "/robots.txt" in first  # its feed link, its Sitemap: line
    assert FEED_PATH in first and SITEMAP_PATH in first


def test_the_listing_page_is_refused_and_listing_links_still_obey_the_pattern(
    crawled: Crawled,
) -> None:
    first = crawled.requests[0]
    assert LISTING_PATH in first  # listed in the sitemap with an article's shape: fetched...
    assert crawled.base + LISTING_PATH not in article_urls(crawled.archive)  # ...and refused
    assert outlet_row(crawled.archive, run=0)["pages_refused:listing-page"] == 1
    assert ABOUT_PATH not in first + crawled.requests[1]  # only linked from pages, off-pattern


def test_the_run_counts_what_the_registry_got_wrong(crawled: Crawled) -> None:
    row = outlet_row(crawled.archive, run=0)
    declared_feed = crawled.outlet == "misdeclared"
    assert (row["pattern_missed"], row["hint_missed"], row["hint_missed:body"]) == (6, 6, 6)
    assert row.get("sources_failed", 0) == (1 if declared_feed else 0)
    assert row["sources_found"] == 2
    assert row["errors"] == ({"http_404": 1} if declared_feed else {})
    with closing(sqlite3.connect(crawled.archive)) as db:
        pattern_missed, hint_missed = db.execute(
            "SELECT pattern_missed, hint_missed FROM run_outlets ORDER BY run_id LIMIT 1"
        ).fetchone()
    assert (pattern_missed, hint_missed) == (6, 6)


def test_check_exits_1_naming_the_outlet_and_each_problem(crawled: Crawled) -> None:
    result = akhbar("check", "--archive", str(crawled.archive))
    assert result.returncode == 1
    base, name = crawled.base, crawled.outlet
    lines = result.stdout.splitlines()
    if name == "misdeclared":  # the declared feed, not retried after its 404 of the first run
        sources = lines.pop(0)
        assert sources.startswith(
            f"{name}: sources: declared feed {base}/feed/: failing 1 run in a row, tried again "
        )
        assert sources.endswith(
            f"; found on the site: feed {base}{FEED_PATH} (home page link), "
            f"sitemap {base}{SITEMAP_PATH} (robots.txt)"
        )
    pattern, hints = lines
    intro = f"{name}: pattern: 6 archived articles missed article_pattern '{WRONG_PATTERN}'; "
    assert pattern.startswith(intro + "fix it: e.g. ")
    shown = pattern.removeprefix(intro + "fix it: e.g. ").split(", ")
    assert len(shown) == 3 and set(shown) <= set(crawled.articles())
    assert hints == (
        f"{name}: hints: extraction hints ignored (matched nothing, or would drop the body): "
        f"body {WRONG_BODY} on 6 of 6 articles"
    )


def test_the_next_run_reads_the_found_sources_and_waits_for_the_failing_feed(
    crawled: Crawled,
) -> None:
    second = crawled.requests[1]
    assert "/feed/" not in second  # declared, failed an hour ago or less: not retried yet
    assert FEED_PATH in second and SITEMAP_PATH in second  # kept in the discovery state
    assert not [p for p in second if p.startswith("/20")]  # no article fetched twice
    with closing(sqlite3.connect(crawled.archive)) as db:
        rows = db.execute(
            "SELECT origin, via, kind, url, failures FROM discovery_sources ORDER BY origin, url"
        ).fetchall()
    found = [
        ("found", "robots", "sitemap", crawled.base + SITEMAP_PATH, 0),
        ("found", "home", "feed", crawled.base + FEED_PATH, 0),
    ]
    declared = [("declared", "declared", "feed", crawled.base + "/feed/", 1)]
    assert rows == (declared if crawled.outlet == "misdeclared" else []) + found


def test_outlets_check_shows_declared_and_found_sources_and_what_to_fix(
    misdeclared: Crawled,
) -> None:
    base = misdeclared.base
    result = CliRunner().invoke(
        cli,
        [
            "outlets",
            "check",
            "misdeclared",
            "--outlets",
            str(misdeclared.outlets_file),
            "--archive",
            str(misdeclared.archive),
        ],
    )
    assert result.exit_code == 1, result.output  # it works, but the declarations do not hold
    lines = result.output.splitlines()
    sources = [line for line in lines if line.startswith("source ")]
    assert sources[0].startswith(
        f"source    declared feed {base}/feed/: FAILING (http_404, 1 run in a row; last tried "
    )
    assert sources[1].startswith(
        f"source    found    sitemap {base}{SITEMAP_PATH} (robots.txt): ok (last read "
    )
    assert sources[2].startswith(
        f"source    found    feed {base}{FEED_PATH} (home page link): ok (last read "
    )
    assert (
        f"step      feed {base}{FEED_PATH} (home page link): 3 links, 3 article URLs "
        "(3 missing the pattern)" in lines
    )
    assert f"pattern   MISSED  article_pattern '{WRONG_PATTERN}' refuses this URL" in lines
    assert f"hint      IGNORED body {WRONG_BODY} (matched nothing, or would drop the body)" in lines
    assert "title     ok      " + stories("misdeclared")[0].title in lines


def test_record_saves_pages_with_the_json_akhbar_extracts_for_review(
    site: DemoSite, tmp_path: Path
) -> None:
    outlets_file = str(site.outlets_file)
    result = CliRunner().invoke(
        cli,
        [
            "outlets",
            "record",
            "misdeclared",
            "--outlets",
            outlets_file,
            "--pages",
            "2",
            "--out",
            str(tmp_path),
        ],
    )
    assert result.exit_code == 0, result.output
    folder = tmp_path / "misdeclared"
    first, second = stories("misdeclared")[:2]
    assert sorted(p.name for p in folder.iterdir()) == [
        f"article-{day}.{ext}"
        for day in (first.published[:10], second.published[:10])
        for ext in ("html", "json", "txt")
    ] + ["feed.xml"]
    assert result.output.splitlines()[-1].startswith(f"result    2 pages recorded in {folder}")
    outlet = load_registry([site.outlets_file])["misdeclared"]
    for story in (first, second):
        stem = folder / f"article-{story.published[:10]}"
        expected = json.loads(stem.with_suffix(".json").read_text("utf-8"))
        assert expected["url"] == site.base_urls["misdeclared"] + story.path
        assert (expected["capture"], expected["title"]) == ("real", story.title)
        assert (expected["published"], expected["language"]) == (story.published, "fr")
        # what the outlet tests do with a recorded page: extract it again, compare
        article = extract_article(
            stem.with_suffix(".html").read_text("utf-8"), expected["url"], outlet
        )
        assert article is not None and article.title == expected["title"]
        assert all(snippet in article.text for snippet in expected["must_contain"])
        assert stem.with_suffix(".txt").read_text("utf-8") == article.text + "\n"
    feed = (folder / "feed.xml").read_bytes()
    assert parse_feed(feed, site.base_urls["misdeclared"])[0].endswith(first.path)
