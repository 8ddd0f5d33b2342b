"""`akhbar serve` as a person uses it: a real datasette on 127.0.0.1, driven by headless Chromium.

Chromium is Debian's `chromium`. Without it the browser tests skip, except in CI (CI=true) where
they fail. Set AKHBAR_SCREENSHOTS=DIR to keep the screenshots (docs/ holds the committed ones).
"""

from __future__ import annotations

import json
import os
import random
import shutil
import subprocess
import time
import urllib.error
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote_plus

import pytest
from conftest import article, get, sample_articles, serving

from archive.db import Archive
from archive.serve import metadata

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHART = ("#g.mark=bar&g.x_column=day&g.x_type=ordinal&g.y_column=articles"
         "&g.y_type=quantitative&g.color_column=outlet")  # fmt: skip


VOCABULARY = [
    "le",
    "conseil",
    "la",
    "ville",
    "un",
    "projet",
    "les",
    "habitants",
    "une",
    "route",
    "école",
    "marché",
    "port",
    "eau",
    "gouvernement",
    "budget",
    "région",
    "santé",
    "hôpital",
    "train",
    "pluie",
    "récolte",
    "festival",
    "musée",
    "stade",
    "équipe",
    "match",
    "ministre",
    "réforme",
    "emploi",
    "jeunes",
    "entreprise",
    "banque",
    "prix",
]


def _words(seed: str) -> str:
    rng = random.Random(seed)
    return " ".join(rng.choice(VOCABULARY) for _ in range(120)) + "."


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`python -m crawler.cli.archive serve` on an archive of 3 outlets over 12 days."""
    path = tmp_path_factory.mktemp("serve") / "archive.db"
    with Archive(path) as archive:
        archive.add_many(sample_articles())
        archive.add_many(
            article(url=f"https://{outlet}.example/{day}/{n}", canonical_url=None, outlet=outlet,
                    title=f"Dépêche {n} du {day + 1} mars",
                    published=f"2025-03-{day + 1:02d}T10:00Z",
                    text=_words(f"{outlet}-{day}-{n}"))
            for day in range(12) for outlet in ("lematin", "h24", "hespress-ar")
            for n in range(random.Random(f"{outlet}{day}").randint(1, 6))
        )  # fmt: skip
        run = archive.start_run("crawl", ["lematin", "h24"])
        for outlet in ("lematin", "h24"):
            archive.record_outlet_run(run, outlet, started_at="2025-03-12T10:00:00Z",
                                      finished_at="2025-03-12T10:02:00Z",
                                      counters={"pages_fetched": 40, "articles_new": 9,
                                                "pages_refused": 3},
                                      errors={"http_404": 1})  # fmt: skip
        archive.finish_run(run, status="ok")
    with serving(path) as (base, _process, _log):
        yield base


def test_datasette_serves_metadata_queries_and_search(server: str) -> None:
    database = json.loads(get(server + "/archive.json"))
    assert {q["name"] for q in database["queries"]} == {
        "search",
        "articles_per_outlet_per_day",
        "stories_several_outlets",
        "latest_runs_health",
    }
    assert {v["name"] for v in database["views"]} == {"latest_articles", "stories"}
    hidden = {t["name"] for t in database["tables"] if t["hidden"]}
    assert {"minhash_buckets", "article_minhashes", "articles_fts", "schema_versions",
            "discovery_state"} <= hidden  # fmt: skip
    rows = json.loads(get(server + "/archive/latest_articles.json?_shape=array"
                           "&_search=" + quote_plus("intelligence artificielle")))  # fmt: skip
    assert {r["outlet"] for r in rows} == {"lematin", "aggregator"}
    health = json.loads(get(server + "/archive/latest_runs_health.json?_shape=array"))
    assert [(r["outlet"], r["refused_pct"], r["errors_total"]) for r in health] == [
        ("h24", 7.5, 1),
        ("lematin", 7.5, 1),
    ]
    stories = json.loads(get(server + "/archive/stories_several_outlets.json?_shape=array"))
    assert [s["first_outlet"] for s in stories] == ["lematin"]


def test_search_counts_every_match_beyond_the_rows_it_shows(server: str) -> None:
    """The search page shows the best 100; it says how many match in all."""
    rows = json.loads(get(server + "/archive/search.json?_shape=array&q=conseil"))
    every = json.loads(get(server + "/archive/latest_articles.json?_shape=array&_size=max"
                            "&_search=conseil"))  # fmt: skip
    assert len(rows) == 100 < len(every)
    assert {r["matches"] for r in rows} == {len(every)}
    page = get(server + "/archive/search?q=conseil")
    assert f"{len(every):,} articles match" in page and "the first 100 shown" in page


def test_serve_is_read_only(server: str) -> None:
    sql = quote_plus("delete from articles")
    with pytest.raises(urllib.error.HTTPError):
        get(server + f"/archive.json?sql={sql}")


def test_metadata_is_renamed_after_the_file(tmp_path: Path) -> None:
    data = metadata(tmp_path / "press-2025.db")
    assert list(data["databases"]) == ["press-2025"]
    assert 'href="/press-2025/latest_articles"' in data["description_html"]
    tables = data["databases"]["press-2025"]["tables"]
    assert tables["latest_articles"]["facets"] == ["outlet", "language", "published_month"]
    assert tables["latest_articles"]["fts_table"] == "articles_fts"


def _chromium(*args: str, tmp_path: Path) -> str:
    if CHROMIUM is None:
        if os.environ.get("CI") == "true":
            pytest.fail("chromium is not installed (apt-get install chromium), and CI=true")
        pytest.skip("chromium is not installed (apt-get install chromium); not in CI")
    profile = tmp_path / f"profile-{time.monotonic_ns()}"
    profile.mkdir()
    command = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
               "--no-first-run", "--disable-background-networking", "--disable-component-update",
               "--disable-sync", f"--user-data-dir={profile}", "--window-size=1280,1000",
               "--virtual-time-budget=8000", *args]  # fmt: skip
    result = subprocess.run(command, capture_output=True, text=True, timeout=120, check=True)
    return result.stdout


def _keep(screenshot: Path) -> None:
    if target := os.environ.get("AKHBAR_SCREENSHOTS"):
        shutil.copy(screenshot, Path(target) / screenshot.name)


def test_browser_searches_intelligence_artificielle(server: str, tmp_path: Path) -> None:
    home = _chromium("--dump-dom", server + "/archive/latest_articles", tmp_path=tmp_path)
    assert 'name="_search"' in home and "Latest articles" in home  # the search box is there
    url = server + "/archive/latest_articles?_search=" + quote_plus("intelligence artificielle")
    dom = _chromium("--dump-dom", url, tmp_path=tmp_path)
    assert '2 rows where search matches "intelligence artificielle"' in dom
    assert "Intelligence artificielle : un centre de recherche à Benguerir" in dom


def test_browser_charts_articles_per_outlet_per_day(server: str, tmp_path: Path) -> None:
    url = server + "/archive/articles_per_outlet_per_day" + CHART
    dom = _chromium("--dump-dom", url, tmp_path=tmp_path)
    assert "vega-embed" in dom and 'class="marks"' in dom  # datasette-vega drew the chart
    shot = tmp_path / "datasette-chart.png"
    _chromium("--window-size=1280,1100", f"--screenshot={shot}", url, tmp_path=tmp_path)
    assert shot.stat().st_size > 10_000
    _keep(shot)
