from __future__ import annotations

import gzip

import pytest

from crawler.discovery.feeds import maybe_gunzip, parse_feed, parse_listing, parse_sitemap

RSS = b"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>T</title>
<item><title>A</title><link>https://ex.ma/a-first-article/</link></item>
<item><title>B</title><guid isPermaLink="true">https://ex.ma/b-second-article/</guid></item>
<item><title>C</title><link> /relative-third-article/ </link></item>
</channel></rss>"""

ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>T</title>
<entry><title>A</title><link rel="alternate" href="https://ex.ma/atom-one/"/></entry>
<entry><title>B</title><link href="https://ex.ma/atom-two/"/><link rel="edit" href="https://ex.ma/x"/></entry>
</feed>"""

INDEX = b"""<?xml version="1.0" encoding="UTF-8"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<sitemap><loc>https://ex.ma/sitemap-1.xml</loc><lastmod>2025-01-02T10:00:00+00:00</lastmod></sitemap>
<sitemap><loc>https://ex.ma/sitemap-news.xml</loc></sitemap>
</sitemapindex>"""

NEWS = b"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
        xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
<url><loc>https://ex.ma/news-one/</loc><news:news><news:title>One</news:title></news:news></url>
<url><loc>https://ex.ma/news-two/</loc><lastmod>2025-02-01</lastmod></url>
</urlset>"""

BOMB = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<rss><channel><item><title>&lol3;</title><link>https://ex.ma/bomb-safe-link/</link></item></channel></rss>"""


def test_rss_and_atom_links_in_order_and_absolute() -> None:
    assert parse_feed(RSS, "https://ex.ma/feed/") == [
        "https://ex.ma/a-first-article/",
        "https://ex.ma/b-second-article/",
        "https://ex.ma/relative-third-article/",
    ]
    assert parse_feed(ATOM, "https://ex.ma/atom") == [
        "https://ex.ma/atom-one/",
        "https://ex.ma/atom-two/",
    ]


def test_feed_with_entity_bomb_is_read_without_expanding_entities() -> None:
    assert parse_feed(BOMB, "https://ex.ma/feed") == ["https://ex.ma/bomb-safe-link/"]


@pytest.mark.parametrize("body", [b"", b"<html>not a feed", b"\x00\xff garbage", RSS[:120]])
def test_malformed_feeds_yield_what_can_be_read(body: bytes) -> None:
    assert isinstance(parse_feed(body, "https://ex.ma/feed"), list)


def test_sitemap_index_and_news_sitemap() -> None:
    index = parse_sitemap(INDEX)
    assert index.kind == "sitemapindex"
    assert [(e.url, e.lastmod) for e in index.entries] == [
        ("https://ex.ma/sitemap-1.xml", "2025-01-02T10:00:00+00:00"),
        ("https://ex.ma/sitemap-news.xml", None),
    ]
    news = parse_sitemap(NEWS)
    assert news.kind == "urlset"
    assert [e.url for e in news.entries] == ["https://ex.ma/news-one/", "https://ex.ma/news-two/"]


@pytest.mark.parametrize("body", [b"", b"<html><body>404</body></html>", b"<urlset><url><loc>"])
def test_invalid_sitemaps_are_reported_invalid_or_empty(body: bytes) -> None:
    sitemap = parse_sitemap(body)
    assert sitemap.kind in ("invalid", "urlset")
    assert sitemap.entries == ()


def test_gzip_sitemaps_are_decompressed_and_bombs_refused() -> None:
    assert maybe_gunzip(gzip.compress(NEWS)) == NEWS
    bomb = gzip.compress(b"\0" * (2 * 1024 * 1024))
    with pytest.raises(ValueError, match="larger than"):
        maybe_gunzip(bomb, max_size=1024 * 1024)


def test_listing_links_and_pagination() -> None:
    html = b"""<html><body><nav><a href="/">Accueil</a></nav>
    <article><a href="/politique/un-long-titre-d-article/">Un</a></article>
    <a href="https://ex.ma/deux-autre-long-titre/#comments">Deux</a>
    <a href="/politique/page/2/">Suivant &raquo;</a><a href="/politique/?page=3">3</a>
    <a href="mailto:x@ex.ma">mail</a></body></html>"""
    links = parse_listing(html, "https://ex.ma/politique/")
    assert "https://ex.ma/politique/un-long-titre-d-article/" in links.articles
    assert "https://ex.ma/deux-autre-long-titre/" in links.articles
    assert set(links.next_pages) == {
        "https://ex.ma/politique/page/2/",
        "https://ex.ma/politique/?page=3",
    }
    assert not any(u.startswith("mailto") for u in links.articles)
