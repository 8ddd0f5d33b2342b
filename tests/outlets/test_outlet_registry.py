"""The shipped outlet registry: every file loads, validates, and is backed by recorded pages."""

from __future__ import annotations

import json
import re

import pytest
from conftest import PAGES

from crawler.outlets import SHIPPED_DIR, Outlet, load_file, load_registry

REGISTRY = load_registry()
FILES = sorted(SHIPPED_DIR.glob("*.toml"))
LEVELS = {"verified", "reported", "unverified"}
LANGUAGES = {"fr", "ar", "en", "es"}


def test_at_least_25_outlets_covering_fr_ar_en_es() -> None:
    assert len(REGISTRY) >= 25
    assert {lang for o in REGISTRY.values() for lang in o.languages} == LANGUAGES


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_each_file_declares_one_outlet_named_after_it(path) -> None:
    (outlet,) = load_file(path)
    assert outlet.name == path.stem


@pytest.mark.parametrize("outlet", REGISTRY.values(), ids=lambda o: o.name)
def test_outlet_is_complete(outlet: Outlet) -> None:
    assert re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", outlet.name)
    assert outlet.title and outlet.country == "MA"
    assert outlet.languages and set(outlet.languages) <= LANGUAGES
    assert outlet.domains and outlet.owns(outlet.home)
    assert outlet.discovery, "an outlet needs a feed, a sitemap or a listing page"
    assert outlet.article_pattern
    for url in (*outlet.feeds, *outlet.sitemaps, *outlet.listings):
        assert outlet.owns(url), url


@pytest.mark.parametrize("outlet", REGISTRY.values(), ids=lambda o: o.name)
def test_every_value_carries_its_evidence(outlet: Outlet) -> None:
    assert set(outlet.evidence.values()) <= LEVELS
    for key in (*outlet.discovery, "article_pattern", "home", "languages"):
        assert key in outlet.evidence, f"{outlet.name}: no evidence level for {key!r}"
    assert outlet.sources, f"{outlet.name}: [evidence] needs sources = [...]"


@pytest.mark.parametrize("outlet", REGISTRY.values(), ids=lambda o: o.name)
def test_home_and_discovery_urls_are_not_articles(outlet: Outlet) -> None:
    for url in (outlet.home, *outlet.feeds, *outlet.sitemaps, *outlet.listings):
        assert not outlet.is_article_url(url), url


def test_aggregators_declare_their_source_line() -> None:
    aggregators = [o for o in REGISTRY.values() if o.aggregator]
    assert {o.name for o in aggregators} == {"maghress-ar", "maghress-fr"}
    for outlet in aggregators:
        assert outlet.hints.source_line and outlet.hints.body and outlet.hints.title


@pytest.mark.parametrize("outlet", REGISTRY.values(), ids=lambda o: o.name)
def test_every_outlet_has_recorded_pages(outlet: Outlet) -> None:
    folder = PAGES / outlet.name
    samples = [p for p in ("feed.xml", "sitemap.xml", "listing.html") if (folder / p).exists()]
    assert samples, f"{folder}: no feed.xml, sitemap.xml or listing.html"
    pages = sorted(folder.glob("article-*.html"))
    assert pages and all(p.with_suffix(".json").exists() for p in pages)


def test_the_pages_readme_describes_every_page() -> None:
    readme = (PAGES / "README.md").read_text("utf-8")
    for page in PAGES.glob("*/article-*.html"):
        assert f"{page.parent.name}/{page.name}" in readme, page


@pytest.mark.parametrize("outlet", REGISTRY.values(), ids=lambda o: o.name)
def test_the_registry_says_whether_its_recorded_page_is_real_or_a_model(outlet: Outlet) -> None:
    captures = {
        json.loads(p.read_text("utf-8"))["capture"] for p in (PAGES / outlet.name).glob("*.json")
    }
    assert captures <= {"real", "model"}
    assert outlet.page == ("real" if "real" in captures else "model")


# Article URLs seen on the live sites by others (public code and article dumps, cited in each
# outlet's `sources`): whatever else it guesses, the registry must accept these.
REAL_ARTICLE_URLS = {
    "libe": "https://www.libe.ma/Casablanca-accueille-le-DiaspoBoost-Summit-Africa-2026_a160665.html",
    "lesiteinfo": "https://www.lesiteinfo.com/economie/"
    "643376-dislog-group-rachete-70-dafrobiomedic-et-renforce-son-pole-sante.html",
    "hibapress-ar": "https://ar.hibapress.com/details-281066.html",
    "lematin": "https://lematin.ma/enseignement/concours-far-2026-admission-eleves-officiers/338414",
    "maghress-ar": "https://www.maghress.com/alittihad/2082123",
}


@pytest.mark.parametrize(("name", "url"), REAL_ARTICLE_URLS.items(), ids=list(REAL_ARTICLE_URLS))
def test_real_article_urls_are_accepted_by_their_outlet(name: str, url: str) -> None:
    assert REGISTRY[name].is_article_url(url)
