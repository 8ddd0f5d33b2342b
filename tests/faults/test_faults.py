"""Every fault of issue 5 in one real crawl of a misbehaving site on 127.0.0.1.

One `akhbar crawl` reads a feed and a sitemap index linking good articles and a page per fault;
each test below checks one fault: the crawl went on, the fault is counted by kind in the run's
`run_outlets` row, and nothing it should not fetch was fetched. Then: the archive is intact and
the crawl's memory stayed bounded.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

import pytest

from .faultsite import FAULTS, FaultSite, Measured, crawl_measured

MEMORY_BOUND = 700 * 1024 * 1024  # the crawl, its forkserver and one extraction worker
FAULT_NAMES = tuple(name for name in FAULTS if name != "loop-b")


@dataclass(frozen=True)
class FaultRun:
    site: FaultSite
    other: FaultSite
    archive: Path
    result: Measured
    counters: dict[str, int]
    errors: dict[str, int]
    urls: dict[str, tuple[str, str]]  # archived URL -> (language, text)

    def hits(self, name: str) -> list[float]:
        return [h.at for h in self.site.hits if h.path == f"/news/{name}.html"]

    def archived(self, name: str) -> bool:
        return f"{self.site.base}/news/{name}.html" in self.urls


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FaultRun]:
    other = FaultSite(n_ok=0).start()
    site = FaultSite(n_ok=4, faults=FAULT_NAMES, other=other.base).start()
    archive = tmp_path_factory.mktemp("faults") / "archive.db"
    try:
        base = site.base
        result = crawl_measured(
            archive,
            *("--feed", f"{base}/feed.xml", "--feed", f"{base}/feed-bomb.xml"),
            *("--feed", f"{base}/feed-bad.xml", "--sitemap", f"{base}/sitemap.xml"),
        )
        with closing(sqlite3.connect(archive)) as db:
            counters, errors = db.execute("SELECT counters, errors FROM run_outlets").fetchone()
            rows = db.execute(
                "SELECT u.url, a.language, a.text FROM article_urls u "
                "JOIN articles a ON a.id = u.article_id"
            ).fetchall()
        yield FaultRun(
            site,
            other,
            archive,
            result,
            json.loads(counters),
            json.loads(errors),
            {url: (language, text) for url, language, text in rows},
        )
    finally:
        site.stop()
        other.stop()


def test_the_crawl_goes_on_and_archives_every_good_page(run: FaultRun) -> None:
    assert run.result.returncode == 0, run.result.stderr
    assert all(run.archived(f"ok-{i}") for i in range(1, 5))
    # No wall-clock bound here (timings are noisy on shared cores): hangs and slow bodies are
    # shown to be cut by their `timeout` counts below, and the subprocess has its own timeout.


@pytest.mark.parametrize(
    ("fault", "kind", "count"),
    [
        ("e500", "http_500", 1),
        ("e404", "http_404", 1),
        ("reset", "connection_lost", 1),
        ("truncated", "truncated", 1),
        ("loop", "redirect_loop", 1),
        ("offsite", "offsite_redirect", 1),
    ],
)
def test_fault_is_counted_by_kind(run: FaultRun, fault: str, kind: str, count: int) -> None:
    assert run.errors.get(kind) == count, run.errors
    assert not run.archived(fault)


def test_timeouts_and_very_slow_bodies_are_cut_at_download_timeout(run: FaultRun) -> None:
    assert run.errors.get("timeout") == 2  # hang (no answer) and slow (a byte every 100 ms)
    for fault in ("hang", "slow"):
        assert len(run.hits(fault)) == 2  # the first try and RETRY_TIMES=1 retry


def test_503_and_429_are_retried_after_the_retry_after_delay(run: FaultRun) -> None:
    for fault in ("e503", "e429", "e503-once"):
        first, second = run.hits(fault)
        assert second - first >= 0.9, fault  # Retry-After: 1
    assert run.errors.get("http_503") == 2  # e503 (always busy) and e503-long
    assert run.errors.get("http_429") == 1
    assert run.archived("e503-once")  # busy once, then served: archived
    assert run.counters["retries"] >= 3


def test_retry_after_beyond_the_cap_is_not_waited_for(run: FaultRun) -> None:
    assert len(run.hits("e503-long")) == 1  # Retry-After: 3600 > RETRY_AFTER_MAX: next run


def test_pdf_and_image_responses_are_refused_and_counted(run: FaultRun) -> None:
    assert run.counters.get("pages_refused:not-html") == 2
    assert not run.archived("pdf") and not run.archived("image")


def test_gzip_bombs_and_oversized_pages_stop_at_download_maxsize(run: FaultRun) -> None:
    assert run.errors.get("too_large") == 3  # gzip-bomb, huge (Content-Length), huge-chunked
    assert not any(run.archived(f) for f in ("gzip-bomb", "huge", "huge-chunked"))


@pytest.mark.parametrize(
    "fault", ["ar-no-charset", "ar-meta-charset", "ar-wrong-charset", "ar-wrong-header"]
)
def test_windows_1256_arabic_comes_out_as_arabic(run: FaultRun, fault: str) -> None:
    language, text = run.urls[f"{run.site.base}/news/{fault}.html"]
    assert language == "ar"
    assert "صادق المجلس الجماعي يوم الثلاثاء على ميزانية السنة المقبلة" in text
    assert "\ufffd" not in text


def test_robots_txt_disallowed_paths_are_not_fetched_but_counted(run: FaultRun) -> None:
    assert run.errors.get("robots_denied") == 1
    assert not run.site.fetched("/private/")


def test_other_hosts_are_never_requested(run: FaultRun) -> None:
    """A feed link to another host and a redirect to it: not one request reaches it."""
    assert run.other.hits == []
    assert run.counters.get("links_offsite", 0) >= 1


def test_hostile_and_malformed_xml_is_read_safely_and_counted(run: FaultRun) -> None:
    assert run.errors.get("xml_entities") == 2  # the feed and the sitemap with an entity bomb
    assert run.errors.get("malformed_xml", 0) >= 2  # feed-bad, sitemap-bad (and the bombs)
    assert run.errors.get("bad_feed") == 1  # feed-bad is not RSS or Atom at all


def test_the_archive_is_intact_and_memory_stayed_bounded(run: FaultRun) -> None:
    with closing(sqlite3.connect(run.archive)) as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        status = db.execute("SELECT status FROM runs").fetchall()
    assert status == [("ok",)]
    assert 0 < run.result.peak_rss < MEMORY_BOUND, run.result.peak_rss
