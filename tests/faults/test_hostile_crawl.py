"""Issue 20, findings 3, 5-8, 10 and 14 in one real crawl of a hostile site on 127.0.0.1.

One `akhbar crawl` reads a feed linking local files, FTP, unparseable and 100,000-character URLs,
meta refreshes and redirects to another host, to a file and to FTP, a page of 120,000 tags and
a title full of terminal escapes; and a sitemap index linking a local file, an index chained 50
deep and an index of 60 sitemaps. Each test checks one finding on the run's counters, the
archive, the requests the site (and a silent "FTP" port) received, and the file left behind.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

import pytest

from .faultsite import FAST, FaultSite, crawl
from .hostile_site import (
    CHAIN_DEPTH,
    LONG_RUN,
    SECRET,
    WIDE,
    HostileSite,
    Listener,
    write_secret,
)


@dataclass(frozen=True)
class HostileRun:
    site: HostileSite
    other: FaultSite
    ftp: Listener
    archive: Path
    returncode: int
    output: str
    counters: dict[str, int]
    errors: dict[str, int]

    def rows(self, sql: str, path: Path | None = None) -> list[tuple[object, ...]]:
        with closing(sqlite3.connect(path or self.archive)) as db:
            return db.execute(sql).fetchall()


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[HostileRun]:
    folder = tmp_path_factory.mktemp("hostile")
    ftp, other = Listener(), FaultSite(n_ok=1).start()
    site = HostileSite(
        n_ok=3, other=other.base, ftp_port=ftp.port, secret_dir=write_secret(folder / "local")
    ).start()
    archive = folder / "archive.db"
    try:
        result = crawl(
            archive,
            *("--feed", f"{site.base}/hostile-feed.xml?from=a,b"),  # a comma inside the URL
            *("--sitemap", f"{site.base}/hostile-index.xml"),
        )
        with closing(sqlite3.connect(archive)) as db:
            counters, errors = db.execute("SELECT counters, errors FROM run_outlets").fetchone()
        yield HostileRun(
            site,
            other,
            ftp,
            archive,
            result.returncode,
            result.stdout + result.stderr,
            json.loads(counters),
            json.loads(errors),
        )
    finally:
        site.stop()
        other.stop()
        ftp.stop()


def test_the_crawl_ends_and_archives_the_good_pages(run: HostileRun) -> None:
    assert run.returncode == 0, run.output
    urls = {u for (u,) in run.rows("SELECT url FROM article_urls")}
    assert {f"{run.site.base}/news/ok-{i}.html" for i in (1, 2, 3)} <= urls
    assert "Traceback" not in run.output


def test_local_files_are_never_read(run: HostileRun) -> None:
    """Finding 5: file:// links in the feed and the sitemap index, a redirect to a file."""
    texts = run.rows("SELECT text FROM articles")
    assert not any(SECRET in str(text) for (text,) in texts)
    assert all(str(url).startswith("http") for (url,) in run.rows("SELECT url FROM article_urls"))
    assert run.errors.get("offsite_redirect", 0) >= 1  # redirect-file: never followed


def test_ftp_is_never_contacted_and_does_not_hang(run: HostileRun) -> None:
    """Finding 7: ftp:// links, a redirect and a meta refresh to an FTP port that never
    answers. Not one connection reaches it, and the crawl ended (the fixture has a timeout)."""
    assert run.ftp.connections == 0
    assert run.site.fetched("/news/redirect-ftp") and run.site.fetched("/news/refresh-ftp")


def test_a_meta_refresh_to_another_host_is_refused(run: HostileRun) -> None:
    """Finding 6: the refresh follows the redirect rule; the other host gets no request."""
    assert run.other.hits == []
    assert run.errors.get("offsite_redirect", 0) >= 2  # refresh-offsite, redirect-file, -ftp
    assert not run.rows(f"SELECT 1 FROM article_urls WHERE url LIKE '{run.other.base}%'")


def test_a_chained_sitemap_index_stops_at_sitemap_max_depth(run: HostileRun) -> None:
    """Finding 8: an index chained 50 deep is read 3 levels below the outlet's (the default)."""
    assert run.site.fetched("/chain/") == ["/chain/1.xml", "/chain/2.xml", "/chain/3.xml"]
    assert CHAIN_DEPTH > 3 and run.counters["sitemaps_too_deep"] == 1


def test_a_wide_sitemap_index_stops_at_sitemap_max_documents(
    run: HostileRun, tmp_path: Path
) -> None:
    """Finding 8: an index of 60 sitemaps with SITEMAP_MAX_DOCUMENTS=20; the outlet's discovery
    state is not saved (the rest is read next run, within the same limit)."""
    start = len(run.site.hits)
    archive = tmp_path / "wide.db"
    result = crawl(
        archive,
        *("--sitemap", f"{run.site.base}/wide.xml"),
        settings=(*FAST, "SITEMAP_MAX_DOCUMENTS=20"),
    )
    assert result.returncode == 0, result.stderr
    fetched = [h.path for h in run.site.hits[start:] if h.path.startswith("/wide/")]
    assert len(fetched) == 20
    with closing(sqlite3.connect(archive)) as db:
        (counters,) = db.execute("SELECT counters FROM run_outlets").fetchone()
        saved = db.execute("SELECT count(*) FROM discovery_state").fetchone()[0]
    assert json.loads(counters)["sitemaps_over_limit"] == WIDE - 20
    assert saved == 0


def test_a_page_of_120000_tags_is_refused_unparsed(run: HostileRun) -> None:
    """Finding 10: over EXTRACT_MAX_MARKUP, counted, the crawl unharmed."""
    assert run.counters["pages_refused:too-much-markup"] == 1


def test_bad_and_huge_urls_are_counted_not_fatal(run: HostileRun) -> None:
    """Finding 14 (and 13): `http://[::1` and a 100,000-character URL in a feed."""
    assert run.counters["links_invalid"] == 1
    assert run.counters["links_too_long"] == 1


def test_titles_lose_their_control_characters(run: HostileRun) -> None:
    """Finding 14: a title with terminal escapes (ESC [31m, BEL) is stored without them."""
    titles = [str(t) for (t,) in run.rows("SELECT title FROM articles WHERE title LIKE '%piég%'")]
    assert titles and all("\x1b" not in t and "\x07" not in t for t in titles)


def test_the_db_file_alone_holds_everything_once_the_crawl_exits(
    run: HostileRun, tmp_path: Path
) -> None:
    """Finding 3: the WAL was checkpointed at close: a copy of the .db file alone is complete."""
    wal = Path(f"{run.archive}-wal")
    assert not wal.exists() or wal.stat().st_size == 0
    copy = tmp_path / "copy.db"
    shutil.copyfile(run.archive, copy)
    count = "SELECT count(*) FROM articles"
    assert run.rows(count, copy) == run.rows(count) and run.rows(count, copy)[0][0] >= 4
    assert run.rows("SELECT status FROM runs", copy) == [("ok",)]


def test_a_catastrophic_regex_in_an_outlet_file_cannot_stall_the_crawl(tmp_path: Path) -> None:
    """Finding 9: a user's outlet file whose article_pattern and boilerplate regex backtrack
    exponentially on a link and on a line of the page. Each match gives up at its timeout,
    the pattern is then ignored, and the crawl ends with every good page archived."""
    site = HostileSite(n_ok=3, faults=("long-run", LONG_RUN)).start()
    pattern = r"/news/(?:ok-\d+|long-run|(?:a|aa)+)\.html$"
    outlets = tmp_path / "mine.toml"
    outlets.write_text(
        f'[[outlet]]\nname = "mine"\nhome = "{site.base}/"\ndomains = ["{site.host}"]\n'
        f"feeds = [\"{site.base}/feed.xml\"]\narticle_pattern = '{pattern}'\n"
        "[outlet.extraction]\nboilerplate = ['(a|aa)+$']\n"
    )
    try:
        result = crawl(tmp_path / "a.db", "mine", "--outlets", str(outlets), timeout=120)
    finally:
        site.stop()
    assert result.returncode == 0, result.stderr
    assert "timed out" in result.stderr and "Traceback" not in result.stderr
    with closing(sqlite3.connect(tmp_path / "a.db")) as db:
        urls = {u for (u,) in db.execute("SELECT url FROM article_urls")}
    good = {f"{site.base}/news/{name}.html" for name in ("ok-1", "ok-2", "ok-3", "long-run")}
    assert urls == good
