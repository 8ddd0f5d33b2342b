"""The benchmark's synthetic site: valid sitemaps and feed, realistic pages, a separate server."""

from __future__ import annotations

import http.client
import os
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from bench.site_server import SiteServer
from bench.synthetic_site import article_urls, generate, plan
from crawler.discovery import feeds as discovery
from crawler.extract import extract_article

PAGES = 30


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generate(PAGES, seed=7, root=tmp_path_factory.mktemp("sites"))


@pytest.fixture(scope="module")
def server(site: Path):  # type: ignore[no-untyped-def]
    with SiteServer(site) as running:
        yield running


def get(server: SiteServer, path: str) -> tuple[int, bytes, str]:
    conn = http.client.HTTPConnection("127.0.0.1", urlsplit(server.base_url).port, timeout=10)
    conn.request("GET", path)
    response = conn.getresponse()
    body = response.read()
    conn.close()
    return response.status, body, response.getheader("Content-Type") or ""


def test_generation_is_deterministic_and_cached(site: Path, tmp_path: Path) -> None:
    again = generate(PAGES, seed=7, root=tmp_path)
    page = sorted(site.rglob("article-000003.html"))[0]
    assert (again / page.relative_to(site)).read_bytes() == page.read_bytes()
    assert generate(PAGES, seed=7, root=site.parent) == site  # reused, not rewritten


def test_pages_are_news_sized_in_three_languages(site: Path) -> None:
    sizes = [p.stat().st_size for p in site.rglob("*.html")]
    assert len(sizes) == PAGES
    assert 70_000 < sum(sizes) / len(sizes) < 140_000
    assert set(Counter(p.lang for p in plan(PAGES, 7))) == {"fr", "ar", "en"}


def test_sitemap_index_and_sub_sitemaps_list_every_article(server: SiteServer) -> None:
    status, body, kind = get(server, "/sitemap.xml")
    index = discovery.parse_sitemap(body)
    assert (status, kind, index.kind) == (200, "application/xml", "sitemapindex")
    urls: list[str] = []
    for entry in index.entries:
        assert entry.url.startswith(server.base_url) and entry.lastmod
        sub = discovery.parse_sitemap(get(server, urlsplit(entry.url).path)[1])
        assert sub.kind == "urlset"
        urls += [e.url for e in sub.entries]
    assert sorted(urls) == sorted(article_urls(server.root, server.base_url))
    assert len(set(urls)) == PAGES


def test_feed_and_robots_point_at_the_site(server: SiteServer) -> None:
    links = discovery.parse_feed(get(server, "/feed.xml")[1], server.base_url + "/feed.xml")
    assert links and set(links) <= set(article_urls(server.root, server.base_url))
    robots = get(server, "/robots.txt")[1].decode()
    assert f"Sitemap: {server.base_url}/sitemap.xml" in robots


def test_article_pages_extract_in_their_language(server: SiteServer) -> None:
    pages = plan(PAGES, 7)
    for page in (next(p for p in pages if p.lang == lang) for lang in ("fr", "ar", "en")):
        status, body, kind = get(server, page.path)
        assert (status, kind) == (200, "text/html; charset=utf-8")
        article = extract_article(body.decode(), server.base_url + page.path)
        assert article is not None and article.language == page.lang
        assert "lecteur" not in article.text  # comments are boilerplate, not body
        assert len(article.text.split()) > 150


def test_server_keeps_alive_and_refuses_what_is_not_there(server: SiteServer) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", urlsplit(server.base_url).port, timeout=10)
    expected = {
        "/robots.txt": 200,
        "/sitemap.xml": 200,
        "/no/such.html": 404,
        "/../../etc/passwd": 404,
    }
    for path, status in expected.items():  # one connection, four requests
        conn.request("GET", path)
        response = conn.getresponse()
        response.read()
        assert response.status == status, path
    conn.close()
    assert server.process.pid != os.getpid()
    assert server.cpu_seconds() >= 0.0
