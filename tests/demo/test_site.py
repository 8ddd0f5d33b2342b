"""The sample sites' data: expected.json agrees with the pages, feeds and sitemaps served."""

from __future__ import annotations

import html
import re
import urllib.error
import urllib.request
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from typing import Any
from urllib.parse import urljoin, urlsplit, urlunsplit

import pytest

from crawler.demo import DemoSite, start_demo_site
from crawler.demo.server import SITE_DIR, UNTUNED_DIR
from crawler.outlets import Outlet, load_registry

SITES = {"demo": SITE_DIR, "untuned": UNTUNED_DIR}
SITEMAP_NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
ATOM_NS = "{http://www.w3.org/2005/Atom}"


@pytest.fixture(scope="module", params=sorted(SITES))
def site(request: pytest.FixtureRequest) -> Iterator[DemoSite]:
    with start_demo_site(SITES[request.param]) as running:
        yield running


def get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as response:
        body: bytes = response.read()
    return body.decode("utf-8")


def status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return error.code


def page_text(url: str) -> str:
    return html.unescape(re.sub(r"\s+", " ", get(url)))


def strip_query(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))


def feed_links(url: str) -> set[str]:
    root = ET.fromstring(get(url))
    links = {link.text or "" for link in root.iter("link") if root.tag == "rss"}
    links |= {
        link.get("href", "")
        for link in root.iter(f"{ATOM_NS}link")
        if link.get("rel") == "alternate" and link.get("type") == "text/html"
    }
    return {strip_query(link) for link in links if link}


def sitemap_links(url: str) -> set[str]:
    root = ET.fromstring(get(url))
    locs = [loc.text or "" for loc in root.iter(f"{SITEMAP_NS}loc")]
    if root.tag == f"{SITEMAP_NS}sitemapindex":
        return set().union(*(sitemap_links(loc) for loc in locs))
    return set(locs)


def html_links(url: str) -> set[str]:
    return {urljoin(url, html.unescape(h)) for h in re.findall(r'href=["\']([^"\']+)', get(url))}


def registry(site: DemoSite) -> dict[str, Outlet]:
    return load_registry([site.outlets_file], shipped=False)


def test_every_article_page_exists(site: DemoSite) -> None:
    expected = site.expected()
    urls = [a["url"] for a in expected["articles"]]
    urls += [u for a in expected["articles"] for u in a.get("also_served_at", [])]
    urls += [n["url"] for n in expected["non_articles"]]
    assert len(urls) == len(set(urls))
    for url in urls:
        assert status(url) == 200, url


def test_articles_are_article_urls_of_their_outlet(site: DemoSite) -> None:
    outlets = registry(site)
    for article in site.expected()["articles"]:
        assert outlets[article["outlet"]].is_article_url(article["url"]), article["url"]
        assert article["language"] in outlets[article["outlet"]].languages
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d", article["published"])


def test_snippets_and_phrases_are_on_the_pages(site: DemoSite) -> None:
    """must_contain is on the page; must_not_contain and boilerplate are too (so checking them
    against the archive means something)."""
    expected = site.expected()
    everything = ""
    for article in expected["articles"]:
        text = page_text(article["url"])
        everything += text
        for snippet in article["must_contain"] + article["must_not_contain"]:
            assert snippet in text, (article["url"], snippet)
    for url in [n["url"] for n in expected["non_articles"]] + [
        u for a in expected["articles"] for u in a.get("also_served_at", [])
    ]:
        everything += page_text(url)
    for phrase in expected["boilerplate"]:
        assert phrase in everything, phrase


def test_feeds_and_sitemaps_are_well_formed_xml(site: DemoSite) -> None:
    for outlet in registry(site).values():
        for url in outlet.feeds:
            assert feed_links(url), url
        for url in outlet.sitemaps:
            assert sitemap_links(url), url


def test_every_xml_file_parses(site: DemoSite) -> None:
    for outlet, files in site._files.items():
        for key, resource in files.files.items():
            if "xml" in resource.content_type:
                ET.fromstring(resource.body)  # raises on malformed XML
                assert key, outlet
        for resource in files.by_query.values():
            if "xml" in resource.content_type:
                ET.fromstring(resource.body)


def _discovered(site: DemoSite, outlet: Outlet) -> dict[str, set[str]]:
    listing_pages = list(outlet.listings)
    for page in site.expected()["non_articles"]:
        if "page 2" in page["kind"] and outlet.owns(page["url"]):
            listing_pages.append(page["url"])
    found = {
        "feed": set().union(*(feed_links(u) for u in outlet.feeds)),
        "sitemap": set().union(*(sitemap_links(u) for u in outlet.sitemaps)),
        "listing": set().union(*(html_links(u) for u in listing_pages)),
    }
    return {kind: {strip_query(u) for u in urls} for kind, urls in found.items()}


def test_found_in_matches_the_discovery_files(site: DemoSite) -> None:
    outlets = registry(site)
    for article in site.expected()["articles"]:
        found = _discovered(site, outlets[article["outlet"]])
        where = sorted(kind for kind, urls in found.items() if article["url"] in urls)
        assert where == sorted(article["found_in"]), article["url"]


def test_syndicated_copy_has_the_original_paragraphs(site: DemoSite) -> None:
    expected = site.expected()
    rows = {a["url"]: a for a in expected["articles"]}
    for pair in expected.get("syndicated", []):
        original, copy = page_text(pair["original"]), page_text(pair["copy"])
        assert pair["copy"] in rows[pair["original"]]["also_served_at"]
        assert pair["copy"] not in rows
        for snippet in rows[pair["original"]]["must_contain"]:
            assert snippet in original and snippet in copy
        assert pair["original"] in get(pair["copy"])  # the copy's source link


def test_never_fetched_pages_are_forbidden_by_robots(site: DemoSite) -> None:
    for entry in site.expected().get("never_fetched", []):
        parts = urlsplit(entry["url"])
        robots = get(f"{parts.scheme}://{parts.netloc}/robots.txt")
        rules = re.findall(r"^Disallow: (\S+)$", robots, flags=re.M)
        assert any(parts.path.startswith(rule) for rule in rules), entry["url"]


def _all_rows(expected: dict[str, Any]) -> list[str]:
    return [a["url"] for a in expected["articles"]]


def test_variants_serve_the_same_article(site: DemoSite) -> None:
    expected = site.expected()
    for entry in expected.get("variants", []):
        assert entry["canonical"] in _all_rows(expected)
        row = next(a for a in expected["articles"] if a["url"] == entry["canonical"])
        for variant in entry["variants"]:
            text = page_text(variant)
            assert all(snippet in text for snippet in row["must_contain"]), variant
