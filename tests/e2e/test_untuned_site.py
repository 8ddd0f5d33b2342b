"""Issue 2's done-when: an ad-hoc `akhbar crawl --sitemap URL` of a small news site nobody tuned
the code to archives every article once, clean, in the right language, and refuses its listing,
tag and author pages (all listed in its sitemap)."""

from __future__ import annotations

from pathlib import Path

from crawler.demo.server import UNTUNED_DIR, start_demo_site
from tests.e2e.conftest import FAST, akhbar, assert_clean_run
from tests.e2e.test_demo_crawl import article_for, query


def test_ad_hoc_sitemap_crawl_of_an_untuned_site(tmp_path: Path) -> None:
    archive = tmp_path / "untuned.db"
    with start_demo_site(UNTUNED_DIR) as site:
        (base,) = site.base_urls.values()
        result = akhbar(
            "crawl", "--sitemap", f"{base}/sitemap.xml", "--archive", str(archive), *FAST
        )
        expected = site.expected()
    assert_clean_run(result, Path(f"{archive}.log"))
    for want in expected["articles"]:
        row = article_for(archive, want["url"])
        assert (row["title"], row["language"], row["published"]) == (
            want["title"],
            want["language"],
            want["published"],
        )
        for snippet in want["must_contain"]:
            assert snippet in row["text"]
        leaked = [p for p in expected["boilerplate"] if p.lower() in row["text"].lower()]
        assert not leaked, (want["url"], leaked)
    for page in expected["non_articles"]:
        assert not query(archive, "SELECT 1 FROM article_urls WHERE url = ?", page["url"]), page
    assert query(archive, "SELECT count(*) FROM articles")[0][0] == len(expected["articles"])
