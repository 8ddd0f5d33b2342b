from __future__ import annotations

import pytest

from crawler.discovery.urls import (
    MATCHED,
    MISSED,
    canonical_url,
    link_verdict,
    looks_like_article,
    strip_amp,
)
from crawler.outlets import Outlet


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "HTTP://Example.COM:80/a/b/?utm_source=x&id=3&fbclid=1#frag",
            "http://example.com/a/b/?id=3",
        ),
        (
            "https://ex.ma/2024/01/art/?utm_medium=social&utm_campaign=a",
            "https://ex.ma/2024/01/art/",
        ),
        ("https://ex.ma/a?b=2&a=1", "https://ex.ma/a?a=1&b=2"),
        ("https://ex.ma/art/amp/", "https://ex.ma/art/"),
        ("https://fr.hespress.com/123-x.html/amp", "https://fr.hespress.com/123-x.html"),
        ("https://ex.ma/x.amp.html", "https://ex.ma/x.html"),
        ("https://amp.ex.ma/x/", "https://ex.ma/x/"),
        ("https://ar.hespress.com/%D8%A7-1.html", "https://ar.hespress.com/%D8%A7-1.html"),
        ("http://127.0.0.1:8001/news/x/", "http://127.0.0.1:8001/news/x/"),
    ],
)
def test_canonical_url_removes_tracking_fragments_amp_and_default_ports(
    url: str, expected: str
) -> None:
    assert canonical_url(url) == expected


def test_canonical_url_keeps_meaningful_parameters() -> None:
    assert (
        canonical_url("https://ex.ma/article.php?id=42&utm_source=fb")
        == "https://ex.ma/article.php?id=42"
    )


def test_strip_amp_leaves_words_containing_amp() -> None:
    assert strip_amp("https://ex.ma/camping-ampoules/") == "https://ex.ma/camping-ampoules/"


@pytest.mark.parametrize(
    "url",
    [
        "https://ex.ma/politique/le-gouvernement-adopte-le-projet-de-loi/",
        "https://ex.ma/2024/05/12/short/",
        "https://ex.ma/news/1471217.html",
    ],
)
def test_looks_like_article_accepts_slugs_ids_and_dates(url: str) -> None:
    assert looks_like_article(url)


@pytest.mark.parametrize(
    "url",
    [
        "https://ex.ma/",
        "https://ex.ma/politique/",
        "https://ex.ma/tag/maroc-espagne-football/",
        "https://ex.ma/category/economie/",
        "https://ex.ma/page/2/",
        "https://ex.ma/author/la-redaction-en-ligne/",
        "https://ex.ma/uploads/2024/05/photo-du-jour-maroc.jpg",
    ],
)
def test_looks_like_article_refuses_sections_tags_pages_and_files(url: str) -> None:
    assert not looks_like_article(url)


def test_link_verdict_the_pattern_is_a_hint_for_feed_and_sitemap_links_only() -> None:
    outlet = Outlet(
        name="site",
        title="Site",
        home="https://www.site.ma/",
        languages=("fr",),
        domains=("site.ma",),
        article_pattern=r"/news/\d+\.html$",
        exclude_pattern=r"/private/",
    )
    real = "https://www.site.ma/economie/643376-le-port-bat-un-record.html"
    assert link_verdict(outlet, "https://www.site.ma/news/12.html", trusted=False) == MATCHED
    assert link_verdict(outlet, real, trusted=True) == MISSED  # fetched: the extractor decides
    assert link_verdict(outlet, real, trusted=False) is None  # a listing page's link: skipped
    for skipped in (
        "https://www.site.ma/category/economie/",  # not an article's shape
        "https://www.site.ma/private/643376-le-port-bat-un-record.html",  # excluded
        "https://other.ma/economie/643376-le-port-bat-un-record.html",  # off-site
    ):
        assert link_verdict(outlet, skipped, trusted=True) is None, skipped
    bare = Outlet(name="b", title="B", home="https://b.ma/", languages=(), domains=("b.ma",))
    assert link_verdict(bare, "https://b.ma/contact", trusted=True) == MATCHED  # nothing declared
    assert link_verdict(bare, "https://b.ma/contact", trusted=False) is None
