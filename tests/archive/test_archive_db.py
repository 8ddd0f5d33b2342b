"""Archive: opening, migrations, identity, revisions, URLs, reading and search."""

from __future__ import annotations

import dataclasses
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
import sqlite_utils
from conftest import AI_TEXT, AR_TEXT, article, sample_articles

from archive.db import Archive, Fetch
from archive.errors import ArchiveError, ArchiveSchemaError, ArchiveUnreadable
from archive.models import WarcRef
from archive.records import AddOutcome
from archive.schema import MIGRATIONS, SCHEMA_VERSION
from archive.search import TOKENIZER, fold_arabic, fts_query


def test_new_file_is_migrated_in_wal_mode(tmp_path: Path) -> None:
    path = tmp_path / "a.db"
    with Archive(path) as archive:
        assert archive.schema_version == SCHEMA_VERSION
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    versions = [row[0] for row in conn.execute("SELECT version FROM schema_versions")]
    assert versions == list(range(1, SCHEMA_VERSION + 1))
    columns = {row[1] for row in conn.execute("PRAGMA table_info(articles)")}
    assert {"url", "title", "text", "language", "published", "outlet", "content_hash", "authors",
            "canonical_url", "original_outlet", "source_url", "section", "tags", "image",
            "description", "first_seen_at", "cluster_id", "revision_of"} <= columns  # fmt: skip
    conn.close()
    with Archive(path) as again:  # reopening applies nothing twice
        assert again.schema_version == SCHEMA_VERSION


def _directory(path: Path) -> Path:
    path.mkdir()
    return path


def _text_file(path: Path) -> Path:
    path.write_text("hello, not sqlite")
    return path


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (_directory, "it is a directory"),
        (_text_file, "not an SQLite database"),
        (lambda p: p / "missing" / "a.db", "does not exist"),
        (lambda p: Path("/proc/akhbar-test.db"), "unable to open database file"),  # unwritable dir
    ],
)
def test_unopenable_paths_raise_clear_errors(
    tmp_path: Path, make: Callable[[Path], Path], message: str
) -> None:
    path = make(tmp_path / "x.db")
    with pytest.raises(ArchiveUnreadable, match=message) as error:
        Archive(path)
    assert str(error.value).startswith(f"cannot open archive {path}: ")


def test_foreign_sqlite_file_and_newer_schema_are_refused(tmp_path: Path) -> None:
    other = tmp_path / "other.db"
    sqlite3.connect(other).execute("CREATE TABLE notes (x)").connection.commit()
    with pytest.raises(ArchiveSchemaError, match="not an akhbar archive"):
        Archive(other)
    path = tmp_path / "a.db"
    Archive(path).close()
    conn = sqlite3.connect(path)
    conn.execute("INSERT INTO schema_versions VALUES (99, 'future', '2030-01-01')")
    conn.commit()
    conn.close()
    with pytest.raises(ArchiveSchemaError, match="newer than this akhbar"):
        Archive(path)


def test_readonly_refuses_writes_and_missing_files(tmp_path: Path) -> None:
    with pytest.raises(ArchiveUnreadable, match="no such file"):
        Archive(tmp_path / "none.db", readonly=True)
    Archive(tmp_path / "a.db").close()
    with (
        Archive(tmp_path / "a.db", readonly=True) as archive,
        pytest.raises(ArchiveError, match="read-only"),
    ):
        archive.add(article())


def test_same_text_at_two_urls_is_one_row_with_two_urls(archive: Archive) -> None:
    first = archive.add(article(), fetched_at="2025-02-07T22:00:00Z")
    second = archive.add(article(url="https://lematin.example/amp/ia-benguerir"),
                         status=203, fetched_at="2025-02-08T10:00:00Z")  # fmt: skip
    assert (first.outcome, second.outcome) == (AddOutcome.NEW, AddOutcome.DUPLICATE)
    assert second.article_id == first.article_id
    assert archive.count(latest_only=False) == 1
    assert archive.urls_of(first.article_id) == [
        "https://lematin.example/ia-benguerir",
        "https://lematin.example/amp/ia-benguerir",
    ]
    row = archive.conn.execute("SELECT first_seen_at, last_seen_at FROM articles").fetchone()
    assert row == ("2025-02-07T22:00:00Z", "2025-02-08T10:00:00Z")
    again = archive.add(article(), fetched_at="2025-02-09T10:00:00Z")
    assert again.outcome is AddOutcome.DUPLICATE
    assert archive.conn.execute(
        "SELECT fetch_count, last_seen_at FROM article_urls WHERE url = ?", (article().url,)
    ).fetchone() == (2, "2025-02-09T10:00:00Z")


@pytest.mark.parametrize(
    ("first", "then", "kept"),
    [
        # an aggregator's copy (the day only) first, the original (with its time) next
        ("2025-03-11T00:00:00+00:00", "2025-03-11T15:20:00+00:00", "2025-03-11T15:20:00+00:00"),
        # the original first: the copy's bare day changes nothing
        ("2025-03-11T15:20:00+00:00", "2025-03-11T00:00:00+00:00", "2025-03-11T15:20:00+00:00"),
        # another day is another moment, not a more precise one: the first value stays
        ("2025-03-11T00:00:00+00:00", "2025-03-14T09:00:00+00:00", "2025-03-11T00:00:00+00:00"),
    ],
)
def test_a_duplicate_keeps_the_most_precise_publication_time(
    archive: Archive, first: str, then: str, kept: str
) -> None:
    """Crawl order decides which copy of a text is stored first; it must not decide the date."""
    archive.add(article(url="https://maghress.example/hespress/7351102", published=first))
    duplicate = archive.add(article(published=then))
    assert duplicate.outcome is AddOutcome.DUPLICATE
    row = archive.conn.execute("SELECT published, published_month FROM articles").fetchone()
    assert row == (kept, kept[:7])


def test_corrected_article_is_two_linked_versions(archive: Archive) -> None:
    old = archive.add(article())
    new = archive.add(article(text=AI_TEXT.replace("Benguerir", "Ben Guerir")))
    assert new.outcome is AddOutcome.REVISED
    assert new.revision_of == old.article_id
    assert new.cluster_id == old.cluster_id
    latest = list(archive.articles())
    assert [a.id for a in latest] == [new.article_id]
    everything = {a.id: a for a in archive.articles(latest_only=False)}
    assert everything[old.article_id].superseded_by == new.article_id
    assert not everything[old.article_id].is_latest
    assert [h.id for h in archive.search("Ben Guerir")] == [new.article_id]


def test_revision_found_through_canonical_url_but_not_across_outlets(archive: Archive) -> None:
    archive.add(article())
    amp = archive.add(article(url="https://lematin.example/amp/x", text=AI_TEXT + " Corrigé."))
    assert amp.outcome is AddOutcome.REVISED
    other = archive.add(article(outlet="copycat", text=AI_TEXT + " Autre."))
    assert other.outcome is AddOutcome.NEW


def test_has_url_and_known_urls(filled: Archive) -> None:
    assert filled.has_url("https://lematin.example/ia-benguerir?utm_source=x")
    assert filled.has_url("https://agg.example/a/1")
    assert not filled.has_url("https://lematin.example/other")
    filled.add(
        article(
            url="https://m.lematin.example/x",
            canonical_url="https://lematin.example/c",
            text="Un autre texte, assez long pour être archivé comme article.",
        )
    )
    assert filled.has_url("https://lematin.example/c")  # known only as a canonical URL
    assert filled.known_urls("lematin") == {
        "https://lematin.example/ia-benguerir", "https://lematin.example/ia-benguerir?utm_source=x",
        "https://m.lematin.example/x", "https://lematin.example/c"}  # fmt: skip
    assert "https://h24.example/eau" in filled.known_urls()


def test_add_many_is_one_transaction(archive: Archive) -> None:
    bad = dataclasses.replace(article(url="https://x.example/2", text="autre"), outlet=None)
    with pytest.raises(ArchiveError, match="cannot write to archive"):
        archive.add_many([article(), bad])  # type: ignore[list-item]
    assert archive.count(latest_only=False) == 0
    results = archive.add_many([Fetch(article(), status=200, warc=WarcRef("a.warc.gz", 10, 99)),
                                article(url="https://x.example/3")])  # fmt: skip
    assert [r.outcome for r in results] == [AddOutcome.NEW, AddOutcome.DUPLICATE]
    assert archive.conn.execute(
        "SELECT warc_filename, warc_offset, warc_length FROM article_urls WHERE warc_offset = 10"
    ).fetchone() == ("a.warc.gz", 10, 99)


def test_articles_filters_and_fields(filled: Archive) -> None:
    assert {a.outlet for a in filled.articles()} == {"lematin", "aggregator", "h24", "hespress-ar"}
    assert [a.language for a in filled.articles(language="ar")] == ["ar"]
    assert [a.outlet for a in filled.articles(since="2025-03-01")] == ["h24", "hespress-ar"]
    assert [a.outlet for a in filled.articles(until="2025-02-08")] == ["lematin", "aggregator"]
    assert [a.outlet for a in filled.articles(until="2025-02-07")] == ["lematin"]
    assert [a.outlet for a in filled.articles(outlet="h24", search="barrages")] == ["h24"]
    first = next(filled.articles(outlet="lematin"))
    assert first.to_article() == sample_articles()[0]
    assert first.authors == ("Samira Alaoui",) and first.tags == ("IA", "recherche")


def test_search_folds_french_accents_and_arabic_marks(filled: Archive) -> None:
    hits = filled.search("intelligence artificielle")
    assert {h.outlet for h in hits} == {"lematin", "aggregator"}
    assert "[intelligence] [artificielle]" in hits[0].snippet
    assert [h.outlet for h in filled.search("etablit a 28,4")] == ["h24"]  # é, à folded
    assert [h.outlet for h in filled.search("المنتخب")] == ["hespress-ar"]
    voweled = AR_TEXT.replace("المنتخب", "المُنْتَخَب").replace("طنجة", "طنـــجة")
    filled.add(article(url="https://ar.example/2", outlet="ar2", text=voweled, language="ar"))
    assert {h.outlet for h in filled.search("طنجة")} == {"hespress-ar", "ar2"}
    assert {h.outlet for h in filled.search("المنتخب")} == {"hespress-ar", "ar2"}
    assert filled.search('" OR NEAR( -') == []  # operators are never interpreted


def test_fts_follows_updates_and_deletes(filled: Archive) -> None:
    conn = filled.conn
    conn.execute("UPDATE articles SET title = 'Sécheresse record' WHERE outlet = 'h24'")
    assert [h.outlet for h in filled.search("secheresse")] == ["h24"]
    conn.execute("DELETE FROM article_urls WHERE outlet = 'h24'")
    conn.execute(
        "DELETE FROM article_minhashes "
        "WHERE article_id IN (SELECT id FROM articles WHERE outlet = 'h24')"
    )
    conn.execute("DELETE FROM articles WHERE outlet = 'h24'")
    assert filled.search("secheresse") == []
    assert _index_terms(filled) == _folded_terms(filled)


def test_stats_and_runs(filled: Archive) -> None:
    run = filled.start_run("crawl", ["lematin", "h24"])
    filled.record_outlet_run(run, "lematin", started_at="2025-03-01T00:00:00Z",
                             finished_at="2025-03-01T00:05:00Z",
                             counters={"pages_fetched": 12, "articles_new": 2, "custom": 4},
                             errors={"http_404": 2, "timeout": 1})  # fmt: skip
    filled.finish_run(run, status="ok")
    stats = filled.stats()
    assert (stats.articles, stats.versions, stats.urls) == (4, 4, 5)
    assert stats.by_outlet == {"aggregator": 1, "h24": 1, "hespress-ar": 1, "lematin": 1}
    assert stats.by_language == {"fr": 3, "ar": 1}
    assert stats.last_run is not None and stats.last_run.status == "ok"
    assert stats.last_run.outlets == ("lematin", "h24")
    [row] = filled.outlet_runs("lematin")
    assert row.counters == {"articles_new": 2, "custom": 4, "pages_fetched": 12}
    assert row.errors_total == 3
    assert filled.conn.execute(
        "SELECT pages_fetched, articles_new, errors_total FROM run_outlets"
    ).fetchone() == (12, 2, 3)


def test_older_archive_is_migrated_in_place(tmp_path: Path) -> None:
    """A file made by an older akhbar (only the first migrations) gains the rest, data intact."""
    path = tmp_path / "old.db"
    conn = sqlite3.connect(path, isolation_level=None)
    db = sqlite_utils.Database(conn)
    conn.execute(
        "CREATE TABLE schema_versions (version INTEGER PRIMARY KEY, name TEXT NOT NULL, "
        "applied_at TEXT NOT NULL)"
    )
    for number, (name, step) in enumerate(MIGRATIONS[:4], start=1):
        step(db)
        conn.execute("INSERT INTO schema_versions VALUES (?, ?, '2025-01-01T00:00:00Z')",
                     (number, name))  # fmt: skip
    conn.execute(
        "INSERT INTO articles (url, outlet, title, text, content_hash, first_seen_at) "
        "VALUES ('https://old.example/1', 'old', 'Ancien', 'Un ancien texte archivé', 'h', 'x')"
    )
    conn.close()
    with Archive(path) as archive:
        assert archive.schema_version == SCHEMA_VERSION
        assert [a.title for a in archive.articles()] == ["Ancien"]
        assert [h.title for h in archive.search("ancien texte")] == ["Ancien"]
        assert archive.runs() == []
        names = [row[0] for row in archive.conn.execute("SELECT name FROM schema_versions")]
    assert names == [name for name, _ in MIGRATIONS]


def _index_terms(archive: Archive) -> list[tuple[str, int, int]]:
    conn = archive.conn
    conn.execute("CREATE VIRTUAL TABLE temp.fts_terms USING fts5vocab(main, articles_fts, row)")
    return conn.execute("SELECT term, doc, cnt FROM temp.fts_terms ORDER BY term").fetchall()


def _folded_terms(archive: Archive) -> list[tuple[str, int, int]]:
    """The terms of an index built from scratch on the texts folded in Python."""
    conn = archive.conn
    conn.execute(
        f'CREATE VIRTUAL TABLE temp.reference USING fts5(title, text, tokenize="{TOKENIZER}")'
    )
    for title, text in conn.execute("SELECT title, text FROM articles").fetchall():
        conn.execute("INSERT INTO temp.reference VALUES (?, ?)",
                     (fold_arabic(title or ""), fold_arabic(text or "")))  # fmt: skip
    conn.execute("CREATE VIRTUAL TABLE temp.reference_terms USING fts5vocab(temp, reference, row)")
    return conn.execute("SELECT term, doc, cnt FROM temp.reference_terms ORDER BY term").fetchall()


AR_VARIANTS = (
    "أعلنت الحكومة عن إطلاق مشروع كبير في المملكة المغربية، وقالت إنّ الأشغال ستبدأ "
    "في مدينة طنجة على الساحل الشمالي مطلع الأسبوع المقبل."
)


@pytest.mark.parametrize(
    ("query", "stored"),
    [
        ("اطلاق", "إطلاق"),  # hamza below
        ("إطلاق", "إطلاق"),
        ("اعلنت", "أعلنت"),  # hamza above
        ("المملكه", "المملكة"),  # ta marbuta
        ("علي", "على"),  # alef maqsura
        ("طنـــجة", "طنجة"),  # tatweel in the query
        ("إن", "إنّ"),  # shadda in the text
    ],
)
def test_search_finds_arabic_spelling_variants(archive: Archive, query: str, stored: str) -> None:
    archive.add(article(url="https://ar.example/1", title="مشروع جديد", text=AR_VARIANTS,
                        language="ar"))  # fmt: skip
    hits = archive.search(query)
    assert [h.url for h in hits] == ["https://ar.example/1"]
    assert f"[{stored}]" in hits[0].snippet  # the stored spelling is highlighted, not shifted


def test_search_operators(filled: Archive) -> None:
    def outlets(query: str) -> set[str]:
        return {h.outlet for h in filled.search(query)}

    assert outlets("barrages OR المنتخب") == {"h24", "hespress-ar"}
    assert outlets('"centre de recherche"') == {"lematin", "aggregator"}
    assert outlets('"recherche de centre"') == set()
    assert outlets("rempliss*") == {"h24"}
    assert outlets("benguerir -MAP") == {"lematin"}
    assert outlets('( NEAR OR "') == set()  # never a syntax error


def test_fts_query_translates_the_search_box() -> None:
    assert fts_query("eau OR pluie barrages") == '("eau" OR "pluie") AND "barrages"'
    assert fts_query('"l\'eau potable" -sécheresse rempli*') == (
        '("l eau potable" AND "rempli"*) NOT "sécheresse"'
    )
    assert fts_query("المملكة إطلاق") == '"المملكه" AND "اطلاق"'
    assert fts_query("OR -x") == ""


def test_migration_rebuilds_the_search_index_of_an_existing_archive(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    with Archive(path) as archive:
        archive.add(article(url="https://ar.example/1", text=AR_VARIANTS, language="ar"))
    _downgrade_search_index(path)
    with Archive(path) as archive:
        assert archive.schema_version == SCHEMA_VERSION
        assert [h.url for h in archive.search("اطلاق المملكه")] == ["https://ar.example/1"]
        assert _index_terms(archive) == _folded_terms(archive)


def _downgrade_search_index(path: Path) -> None:
    """Make the file what schema version 7 wrote: an index that keeps hamza and ta marbuta."""
    conn = sqlite3.connect(path, isolation_level=None)
    version = next(n for n, (name, _) in enumerate(MIGRATIONS, 1) if name == "discovery_state")
    conn.execute("DROP TRIGGER articles_fts_ai")
    conn.execute("DROP TABLE articles_fts")
    conn.execute("CREATE VIRTUAL TABLE articles_fts USING fts5(title, text, content='articles', "
                 "content_rowid='id', tokenize='unicode61 remove_diacritics 2')")  # fmt: skip
    conn.execute("INSERT INTO articles_fts(articles_fts) VALUES ('rebuild')")
    conn.execute("DELETE FROM schema_versions WHERE version > ?", (version,))
    conn.close()
