"""The reading room as a journalist uses it: `akhbar serve` on the demo crawl, in headless Chromium.

The archive is a real crawl of the bundled sample site (`akhbar demo`); the browser is Debian's
chromium driven through chromedriver (selenium). Without them the tests skip, except in CI
(CI=true) where they fail. AKHBAR_SCREENSHOTS=DIR keeps the screenshots (docs/ holds the
committed ones): `AKHBAR_SCREENSHOTS=docs pytest tests/archive/test_reading_room.py`.
"""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote_plus

import pytest
from click.testing import CliRunner
from conftest import REPO, serving

from archive.search import fold_arabic
from crawler.cli.archive import search as search_command

webdriver = pytest.importorskip("selenium.webdriver")
from selenium.webdriver.common.by import By  # noqa: E402

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
DESKTOP, PHONE = 1400, 390


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo crawl: five outlets of the sample site, French and Arabic, copies, one run."""
    path = tmp_path_factory.mktemp("reading-room") / "demo.db"
    akhbar = "from crawler.cli.entry import main; main()"
    subprocess.run(
        [sys.executable, "-c", akhbar, "demo", "--archive", str(path)],
        cwd=REPO,
        check=True,
        capture_output=True,
        timeout=240,
    )
    return path


@pytest.fixture(scope="module")
def server(crawled: Path) -> Iterator[str]:
    with serving(crawled) as (base, _process, _log):
        yield base


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if CHROMIUM is None or CHROMEDRIVER is None:
        if os.environ.get("CI") == "true":
            pytest.fail(
                "chromium/chromedriver not installed (apt-get install chromium "
                "chromium-driver), and CI=true"
            )
        pytest.skip("chromium/chromedriver not installed; not in CI")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--hide-scrollbars",
        "--disable-background-networking",
        "--disable-component-update",
    ):
        options.add_argument(argument)
    driver = webdriver.Chrome(service=webdriver.ChromeService(CHROMEDRIVER), options=options)
    try:
        yield driver
    finally:
        driver.quit()


def _open(driver: Any, url: str, width: int = DESKTOP) -> None:
    driver.set_window_size(width, 1000)
    driver.get(url)


def _screenshot(driver: Any, name: str, tmp_path: Path, max_height: int = 2200) -> None:
    """Save the whole page (up to max_height) as NAME.png; keep it if AKHBAR_SCREENSHOTS is set."""
    height = driver.execute_script("return document.documentElement.scrollHeight")
    width = driver.execute_script("return window.innerWidth")
    driver.set_window_size(width, min(height, max_height))
    shot = tmp_path / f"{name}.png"
    driver.save_screenshot(str(shot))
    assert shot.stat().st_size > 10_000
    if target := os.environ.get("AKHBAR_SCREENSHOTS"):
        shutil.copy(shot, Path(target) / shot.name)


def _rows(archive: Path, sql: str, *params: object) -> list[tuple[object, ...]]:
    with sqlite3.connect(archive) as conn:
        return conn.execute(sql, params).fetchall()


def _article(archive: Path, language: str) -> dict[str, object]:
    """The latest article in `language` with the most paragraphs (authors preferred)."""
    row = _rows(
        archive,
        "SELECT id, title, text, authors FROM articles WHERE is_latest = 1 "
        "AND language = ? ORDER BY authors IS NULL OR authors = '[]', "
        "length(text) - length(replace(text, char(10), '')) DESC LIMIT 1",
        language,
    )[0]
    return dict(zip(("id", "title", "text", "authors"), row, strict=True))


def _js(driver: Any, script: str, *args: object) -> object:
    return driver.execute_script(script, *args)


def _no_sideways_scroll(driver: Any) -> bool:
    return bool(_js(driver, "return document.documentElement.scrollWidth <= window.innerWidth"))


@pytest.mark.parametrize(("language", "direction"), [("fr", "ltr"), ("ar", "rtl")])
def test_article_page_reads_as_an_article(
    server: str, crawled: Path, browser: Any, tmp_path: Path, language: str, direction: str
) -> None:
    expected = _article(crawled, language)
    paragraphs = [line.strip() for line in str(expected["text"]).splitlines() if line.strip()]
    for width in (DESKTOP, PHONE):
        _open(browser, f"{server}/demo/articles/{expected['id']}", width)
        article = browser.find_element(By.CSS_SELECTOR, "article.akhbar-article")
        assert article.get_attribute("dir") == direction
        assert article.get_attribute("lang") == language
        assert _js(browser, "return getComputedStyle(arguments[0]).direction", article) == direction
        assert article.find_element(By.TAG_NAME, "h1").text == expected["title"]
        shown = [p.text for p in article.find_elements(By.CSS_SELECTOR, ".akhbar-text p")]
        assert shown == paragraphs
        byline = article.find_element(By.CSS_SELECTOR, ".akhbar-byline").text
        assert language in byline and "words" in byline
        for author in _rows(
            crawled,
            "SELECT value FROM articles, json_each(authors) WHERE articles.id = ?",
            expected["id"],
        ):
            assert author[0] in byline
        # the first line starts on the side the text is written from
        first = article.find_element(By.CSS_SELECTOR, ".akhbar-text p")
        edges = _js(
            browser,
            "const a = arguments[0].getBoundingClientRect(), "
            "r = document.createRange(); r.setStart(arguments[0].firstChild, 0); "
            "r.setEnd(arguments[0].firstChild, 1); const c = r.getBoundingClientRect(); "
            "return [a.left, a.right, c.left, c.right]",
            first,
        )
        left, right, char_left, char_right = edges
        if direction == "rtl":
            assert right - char_right < 4
        else:
            assert char_left - left < 4
        assert _no_sideways_scroll(browser)
        _screenshot(browser, f"reading-room-article-{language}-{width}", tmp_path)
    raw = browser.find_element(By.LINK_TEXT, "json")
    assert raw.get_attribute("href").endswith(f"/demo/articles/{expected['id']}.json")


def test_article_page_links_urls_copies_and_the_story(
    server: str, crawled: Path, browser: Any
) -> None:
    copy_id, original, url = _rows(
        crawled,
        "SELECT a.id, a.original_outlet, u.url FROM articles "
        "a JOIN article_urls u ON u.article_id = a.id "
        "WHERE a.original_outlet IS NOT NULL LIMIT 1",
    )[0]
    _open(browser, f"{server}/demo/articles/{copy_id}")
    assert (
        f"Republished from {original}" in browser.find_element(By.CSS_SELECTOR, ".akhbar-copy").text
    )
    links = browser.find_elements(By.CSS_SELECTOR, ".akhbar-urls a")
    assert url in [a.get_attribute("href") for a in links]
    assert all("%" not in a.text and not a.text.startswith("http") for a in links)  # decoded
    clustered = _rows(
        crawled,
        "SELECT id, cluster_id FROM articles WHERE cluster_id IN "
        "(SELECT cluster_id FROM articles GROUP BY cluster_id "
        "HAVING count(*) > 1) ORDER BY id LIMIT 1",
    )
    if clustered:
        article_id, cluster = clustered[0]
        others = {
            r[0]
            for r in _rows(
                crawled,
                "SELECT id FROM articles WHERE cluster_id = ? AND id != ? AND is_latest = 1",
                cluster,
                article_id,
            )
        }
        _open(browser, f"{server}/demo/articles/{article_id}")
        story = browser.find_elements(By.CSS_SELECTOR, ".akhbar-story a")
        assert {int(a.get_attribute("href").rsplit("/", 1)[1]) for a in story} == others


def test_latest_articles_list_titles_linked_to_article_pages(
    server: str, crawled: Path, browser: Any, tmp_path: Path
) -> None:
    total = _rows(crawled, "SELECT count(*) FROM articles WHERE is_latest = 1")[0][0]
    _open(browser, f"{server}/demo/latest_articles")
    items = browser.find_elements(By.CSS_SELECTOR, "ol.akhbar-list > li")
    assert len(items) == min(total, 50)
    for item in items:
        assert item.find_element(By.CSS_SELECTOR, ".akhbar-meta").text  # outlet · date · language
        assert item.find_element(By.CSS_SELECTOR, ".akhbar-snippet").text
        assert "http" not in item.text  # no URL spelled out
    arabic = [i for i in items if i.get_attribute("lang") == "ar"]
    assert arabic and all(i.get_attribute("dir") == "rtl" for i in arabic)
    _screenshot(browser, "reading-room-latest-1400", tmp_path, max_height=1600)
    first = browser.find_element(By.CSS_SELECTOR, "a.akhbar-title")
    title = first.text
    first.click()
    assert "/demo/articles/" in browser.current_url
    assert browser.find_element(By.CSS_SELECTOR, "h1.akhbar-headline").text == title


def test_search_from_the_front_page_to_an_article(
    server: str, browser: Any, tmp_path: Path
) -> None:
    _open(browser, server + "/")
    box = browser.find_element(By.CSS_SELECTOR, "form.akhbar-search input[name=q]")
    box.send_keys("intelligence artificielle")
    box.submit()
    assert "/demo/search?q=intelligence" in browser.current_url
    results = browser.find_elements(By.CSS_SELECTOR, "ol.akhbar-list > li")
    assert results
    for result in results:
        marks = result.find_elements(By.CSS_SELECTOR, ".akhbar-snippet mark, .akhbar-title mark")
        assert {m.text.lower() for m in marks} & {"intelligence", "artificielle"}
    assert "OR" in browser.find_element(By.CSS_SELECTOR, "details.akhbar-help").get_attribute(
        "textContent"
    )
    _screenshot(browser, "reading-room-search-1400", tmp_path, max_height=1400)
    link = results[0].find_element(By.CSS_SELECTOR, "a.akhbar-title")
    title = link.text
    link.click()
    assert browser.find_element(By.CSS_SELECTOR, "h1.akhbar-headline").text == title


def _search_ids(driver: Any, server: str, query: str) -> set[int]:
    _open(driver, f"{server}/demo/search?q={quote_plus(query)}", PHONE)
    links = driver.find_elements(By.CSS_SELECTOR, "ol.akhbar-list a.akhbar-title")
    return {int(a.get_attribute("href").rsplit("/", 1)[1]) for a in links}


def test_arabic_spelling_variants_find_each_other(
    server: str, crawled: Path, browser: Any, tmp_path: Path
) -> None:
    """Words of the crawled Arabic titles, searched as written and with the variant letters."""
    titles = [r[0] for r in _rows(crawled, "SELECT title FROM articles WHERE language = 'ar'")]
    words = {w for t in titles for w in str(t).split() if fold_arabic(w) != w and len(w) > 3}
    assert len(words) >= 2, titles
    for word in sorted(words):
        as_written = _search_ids(browser, server, word)
        assert as_written, word
        assert _search_ids(browser, server, fold_arabic(word)) == as_written
        cli = CliRunner().invoke(search_command, ["--archive", str(crawled), fold_arabic(word)])
        assert cli.exit_code == 0, cli.output
        found = {line.split("\t")[0] for line in cli.output.splitlines() if "\t" in line}
        assert {int(n) for n in found if n.isdigit()} == as_written
    _search_ids(browser, server, "اطلاق")
    _screenshot(browser, "reading-room-search-ar-390", tmp_path, max_height=1400)


def test_front_page_shows_holdings_last_run_and_a_bar_chart(
    server: str, crawled: Path, browser: Any, tmp_path: Path
) -> None:
    _open(browser, server + "/")
    table = browser.find_element(By.CSS_SELECTOR, ".akhbar-holdings table")
    for outlet, count in _rows(
        crawled, "SELECT outlet, count(*) FROM articles WHERE is_latest = 1 GROUP BY outlet"
    ):
        row = table.find_element(By.XPATH, f".//tbody/tr[th/a[text()='{outlet}']]")
        assert row.find_elements(By.TAG_NAME, "td")[-2].text == str(count)
    run = browser.find_element(By.CSS_SELECTOR, ".akhbar-run").text
    assert "Run #1" in run and "ok" in run
    bars = browser.find_elements(By.CSS_SELECTOR, ".akhbar-bar")
    heights = [b.size["height"] for b in bars for b in b.find_elements(By.TAG_NAME, "span")]
    assert bars and heights and max(heights) > 50  # bars, visible on sparse data
    start = browser.find_elements(By.CSS_SELECTOR, ".akhbar-start a")
    hrefs = {a.get_attribute("href").removeprefix(server) for a in start}
    assert hrefs == {
        "/demo/latest_articles",
        "/demo/search",
        "/demo/stories_several_outlets",
        "/demo/latest_runs_health",
    }
    _screenshot(browser, "reading-room-front-1400", tmp_path)
    _open(browser, server + "/", PHONE)
    assert _no_sideways_scroll(browser)
    _screenshot(browser, "reading-room-front-390", tmp_path)
    _open(browser, server + "/demo")
    listed = {a.text for a in browser.find_elements(By.CSS_SELECTOR, "h3 a")}
    assert "articles" in listed and not listed & {"schema_versions", "discovery_state"}


def test_serve_says_where_and_leaves_no_temporary_files(crawled: Path, tmp_path: Path) -> None:
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    with serving(crawled, env={"TMPDIR": str(scratch)}) as (base, process, log):
        assert list(scratch.iterdir())  # the metadata, while datasette runs
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=10)
    assert f"at {base}/ " in log.read_text()
    assert list(scratch.iterdir()) == []
