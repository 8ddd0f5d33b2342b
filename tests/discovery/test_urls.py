from __future__ import annotations

import pytest

from crawler.discovery.urls import canonical_url, looks_like_article, strip_amp


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
