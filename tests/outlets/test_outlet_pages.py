"""Recorded pages per outlet: discovery samples match the article pattern, pages extract right."""

from __future__ import annotations

import unicodedata
from datetime import datetime

import lxml.html
import pytest
from conftest import PAGES, Recorded, recorded_pages

from crawler.discovery import feeds as discovery
from crawler.extract import explain_refusal, extract_article
from crawler.outlets import load_registry

REGISTRY = load_registry()
CASES = recorded_pages()
EXPECTED_KEYS = {
    "url",
    "capture",
    "source",
    "title",
    "published",
    "language",
    "authors",
    "must_contain",
    "must_not_contain",
}


def sample_links(name: str) -> tuple[list[str], list[str]]:
    """(article links the sample lists, other links) for the outlet's discovery sample."""
    folder, outlet = PAGES / name, REGISTRY[name]
    if (folder / "listing.html").exists():
        found = discovery.parse_listing((folder / "listing.html").read_bytes(), outlet.home)
        links = list(found.articles) + list(found.next_pages)
        return [u for u in links if outlet.is_article_url(u)], links
    links = []
    for sample in ("feed.xml", "sitemap.xml"):
        if (folder / sample).exists():
            body = (folder / sample).read_bytes()
            doc = discovery.parse_sitemap(body)
            links += [e.url for e in doc.entries] if doc.kind == "urlset" else []
            links += discovery.parse_feed(body, outlet.home) if doc.kind == "invalid" else []
    return [u for u in links if outlet.is_article_url(u)], links


@pytest.mark.parametrize("name", sorted(REGISTRY), ids=str)
def test_discovery_sample_yields_article_urls(name: str) -> None:
    articles, links = sample_links(name)
    recorded = {case.expected["url"] for case in CASES if case.outlet == name}
    assert articles, f"{name}: the sample yields no article URL"
    assert recorded <= set(articles), f"{name}: the recorded article is not in the sample"
    if not (PAGES / name / "listing.html").exists():
        refused = set(links) - set(articles)
        assert not refused, f"{name}: feed/sitemap items refused: {refused}"


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_section_tag_and_home_urls_are_refused(case: Recorded) -> None:
    outlet = REGISTRY[case.outlet]
    assert outlet.is_article_url(case.expected["url"])
    refused = case.expected.get("not_articles", [])
    assert len(refused) >= 3
    for url in refused:
        assert not outlet.is_article_url(url), url
    if (PAGES / case.outlet / "listing.html").exists():
        _, links = sample_links(case.outlet)
        assert set(refused) & set(links), "the listing sample should carry non-article links"


def _norm(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).split())


def _same_time(expected: str, got: str | None, precision: str) -> bool:
    if not got:
        return False
    if precision == "day":
        return got[:10] == expected[:10]
    try:
        when = datetime.fromisoformat(got)
    except ValueError:
        return False
    want = datetime.fromisoformat(expected)
    if precision == "minute":
        when, want = when.replace(second=0), want.replace(second=0)
    return when.tzinfo is not None and when == want


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_recorded_page_extracts(case: Recorded) -> None:
    exp, outlet = case.expected, REGISTRY[case.outlet]
    assert set(exp) >= EXPECTED_KEYS and exp["capture"] in ("real", "model")
    html = case.html.read_text("utf-8")
    article = extract_article(html, exp["url"], outlet)
    assert article is not None, explain_refusal(html, exp["url"], outlet)
    assert _norm(article.title) == _norm(exp["title"])
    precision = exp.get("published_precision", "second")
    assert _same_time(exp["published"], article.published, precision), article.published
    assert article.language == exp["language"]
    text = _norm(article.text)
    for snippet in exp["must_contain"]:
        assert _norm(snippet) in text, snippet
    for snippet in exp["must_not_contain"]:
        assert _norm(snippet) not in text, snippet
    if "original_outlet" in exp:
        assert article.original_outlet == exp["original_outlet"]
        assert article.source_url == exp["source_url"]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_recorded_authors(case: Recorded) -> None:
    exp = case.expected
    article = extract_article(case.html.read_text("utf-8"), exp["url"], REGISTRY[case.outlet])
    assert article is not None
    assert [_norm(a) for a in article.authors] == [_norm(a) for a in exp["authors"]]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_hint_selectors_find_their_element(case: Recorded) -> None:
    """Every single-element hint (title, body, date, source line/link) matches the page."""
    hints = REGISTRY[case.outlet].hints
    root = lxml.html.fromstring(case.html.read_bytes())
    for key in ("title", "body", "date", "source_line", "source_link"):
        selector = getattr(hints, key)
        if selector:
            assert root.cssselect(selector), f"{case.outlet}: {key} selector {selector!r}"
