"""Schema migrations: one function per schema change, applied in order, recorded in a table.

The table is `schema_versions` (version, name, applied_at).

Every migration runs in its own transaction; a file whose version is newer than `SCHEMA_VERSION`
is refused rather than touched.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

import sqlite_utils

from archive.discovery_state import create_table as create_discovery_state
from archive.errors import ArchiveSchemaError
from archive.search import TOKENIZER, fold_select
from archive.timeutil import utc_now

log = logging.getLogger(__name__)

Migration = Callable[[sqlite_utils.Database], None]


def _articles(db: sqlite_utils.Database) -> None:
    db["articles"].create(  # type: ignore[union-attr]
        {
            "id": int,
            "url": str,
            "canonical_url": str,
            "outlet": str,
            "original_outlet": str,
            "source_url": str,
            "title": str,
            "text": str,
            "language": str,
            "published": str,
            "published_month": str,
            "authors": str,
            "section": str,
            "tags": str,
            "image": str,
            "description": str,
            "extra": str,
            "content_hash": str,
            "word_count": int,
            "status": int,
            "first_seen_at": str,
            "last_seen_at": str,
            "revision_of": int,
            "superseded_by": int,
            "is_latest": int,
            "cluster_id": int,
            "near_duplicate_of": int,
            "similarity": float,
        },
        pk="id",
        not_null={"url", "outlet", "content_hash", "is_latest", "first_seen_at"},
        defaults={"is_latest": 1},
        foreign_keys=[("revision_of", "articles", "id"), ("superseded_by", "articles", "id")],
    )
    table = db["articles"]
    table.create_index(["content_hash"], unique=True)  # type: ignore[union-attr]
    for columns in (
        ["url"],
        ["canonical_url"],
        ["outlet", "published"],
        ["published"],
        ["language"],
        ["cluster_id"],
        ["published_month"],
        ["first_seen_at"],
    ):
        table.create_index(columns)  # type: ignore[union-attr]


def _article_urls(db: sqlite_utils.Database) -> None:
    db["article_urls"].create(  # type: ignore[union-attr]
        {
            "url": str,
            "article_id": int,
            "outlet": str,
            "canonical_url": str,
            "status": int,
            "published": str,
            "first_seen_at": str,
            "last_seen_at": str,
            "fetch_count": int,
            "warc_filename": str,
            "warc_offset": int,
            "warc_length": int,
            "warc_record_id": str,
        },
        pk=("url", "article_id"),
        not_null={"url", "article_id", "outlet", "first_seen_at", "last_seen_at"},
        defaults={"fetch_count": 1},
        foreign_keys=[("article_id", "articles", "id")],
    )
    table = db["article_urls"]
    table.create_index(["canonical_url"])  # type: ignore[union-attr]
    table.create_index(["article_id"])  # type: ignore[union-attr]
    table.create_index(["outlet"])  # type: ignore[union-attr]


def _near_duplicates(db: sqlite_utils.Database) -> None:
    db.execute(
        "CREATE TABLE article_minhashes (article_id INTEGER PRIMARY KEY "
        "REFERENCES articles(id), signature BLOB NOT NULL)"
    )
    db.execute(
        "CREATE TABLE minhash_buckets (bucket INTEGER NOT NULL, article_id INTEGER NOT NULL, "
        "PRIMARY KEY (bucket, article_id)) WITHOUT ROWID"
    )


def _fts(db: sqlite_utils.Database) -> None:
    # One statement per execute(): executescript() would COMMIT the migration's transaction.
    insert = "INSERT INTO articles_fts(rowid, title, text) " + fold_select(
        ["new.id"], ["new.title", "new.text"]
    )
    delete = "INSERT INTO articles_fts(articles_fts, rowid, title, text) " + fold_select(
        ["'delete'", "old.id"], ["old.title", "old.text"]
    )
    db.execute(
        'CREATE VIRTUAL TABLE articles_fts USING fts5(title, text, content="articles", '
        f'content_rowid="id", tokenize="{TOKENIZER}")'
    )
    db.execute(f"CREATE TRIGGER articles_fts_ai AFTER INSERT ON articles BEGIN {insert}; END")
    db.execute(f"CREATE TRIGGER articles_fts_ad AFTER DELETE ON articles BEGIN {delete}; END")
    db.execute(
        "CREATE TRIGGER articles_fts_au AFTER UPDATE OF title, text ON articles "
        f"BEGIN {delete}; {insert}; END"
    )


def _fts_arabic_folding(db: sqlite_utils.Database) -> None:
    """Rebuild the search index with Arabic spelling variants folded (archive/search.py)."""
    for trigger in ("articles_fts_ai", "articles_fts_ad", "articles_fts_au"):
        db.execute(f"DROP TRIGGER IF EXISTS {trigger}")
    db.execute("DROP TABLE IF EXISTS articles_fts")
    _fts(db)
    db.execute(
        "INSERT INTO articles_fts(rowid, title, text) "
        + fold_select(["id"], ["title", "text"], source="articles")
    )


def _runs(db: sqlite_utils.Database) -> None:
    db["runs"].create(  # type: ignore[union-attr]
        {
            "id": int,
            "command": str,
            "outlets": str,
            "started_at": str,
            "finished_at": str,
            "status": str,
        },
        pk="id",
        not_null={"command", "started_at", "status"},
    )
    counters = {name: int for name in RUN_COUNTERS}
    db["run_outlets"].create(  # type: ignore[union-attr]
        {
            "run_id": int,
            "outlet": str,
            "started_at": str,
            "finished_at": str,
            **counters,
            "errors_total": int,
            "counters": str,
            "errors": str,
        },
        pk=("run_id", "outlet"),
        not_null={"run_id", "outlet"},
        foreign_keys=[("run_id", "runs", "id")],
    )
    db["run_outlets"].create_index(["outlet", "run_id"])  # type: ignore[union-attr]


LATEST_VIEW = """
SELECT id, published, outlet, language, title, url, text, authors, section, tags, description,
       image, canonical_url, original_outlet, source_url, cluster_id, revision_of, content_hash,
       word_count, published_month, first_seen_at, last_seen_at
FROM articles
WHERE is_latest = 1
"""

STORIES_VIEW = """
WITH seen AS (
    SELECT a.cluster_id, u.outlet, u.url, a.id AS article_id, a.title,
           datetime(coalesce(u.published, a.published, u.first_seen_at)) AS seen_at
    FROM article_urls u JOIN articles a ON a.id = u.article_id
    WHERE a.cluster_id IS NOT NULL AND a.is_latest = 1
), ranked AS (
    SELECT *, row_number() OVER (PARTITION BY cluster_id ORDER BY seen_at, article_id) AS rank
    FROM seen
)
SELECT cluster_id,
       count(DISTINCT outlet) AS outlets,
       group_concat(DISTINCT outlet) AS outlet_list,
       count(DISTINCT article_id) AS articles,
       count(*) AS urls,
       max(CASE WHEN rank = 1 THEN outlet END) AS first_outlet,
       max(CASE WHEN rank = 1 THEN url END) AS first_url,
       max(CASE WHEN rank = 1 THEN title END) AS title,
       min(seen_at) AS first_seen,
       max(seen_at) AS last_seen
FROM ranked
GROUP BY cluster_id
HAVING count(DISTINCT outlet) > 1
"""


def _views(db: sqlite_utils.Database) -> None:
    db.create_view("latest_articles", LATEST_VIEW)
    db.create_view("stories", STORIES_VIEW)


RUN_COUNTERS: tuple[str, ...] = (
    "pages_fetched",
    "articles_new",
    "articles_duplicate",
    "articles_revised",
    "pages_refused",
    "requests_skipped_known",
)

MIGRATIONS: tuple[tuple[str, Migration], ...] = (
    ("articles", _articles),
    ("article_urls", _article_urls),
    ("near_duplicates", _near_duplicates),
    ("articles_fts", _fts),
    ("runs", _runs),
    ("views", _views),
    ("discovery_state", create_discovery_state),
    ("articles_fts_arabic_folding", _fts_arabic_folding),
)
SCHEMA_VERSION = len(MIGRATIONS)


def current_version(db: sqlite_utils.Database) -> int:
    """The schema version recorded in the file, 0 for an empty file."""
    if "schema_versions" not in db.table_names():
        if db.table_names():
            raise ArchiveSchemaError(
                f"not an akhbar archive (tables {', '.join(db.table_names()[:5])}, "
                "no schema_versions table)"
            )
        return 0
    row = db.execute("SELECT max(version) FROM schema_versions").fetchone()
    return int(row[0] or 0)


def migrate(db: sqlite_utils.Database) -> int:
    """Apply every pending migration, each in a transaction; return the resulting version."""
    version = current_version(db)
    if version > SCHEMA_VERSION:
        raise ArchiveSchemaError(
            f"archive schema version {version} is newer than this akhbar ({SCHEMA_VERSION}); "
            "upgrade akhbar"
        )
    if version == SCHEMA_VERSION:
        return version
    conn = db.conn
    conn.execute("BEGIN IMMEDIATE")
    try:
        version = current_version(db)  # another process may have migrated meanwhile
        if version == 0:
            conn.execute(
                "CREATE TABLE schema_versions (version INTEGER PRIMARY KEY, name TEXT NOT NULL, "
                "applied_at TEXT NOT NULL)"
            )
        for number, (name, step) in enumerate(MIGRATIONS[version:], start=version + 1):
            log.info("applying archive migration %d: %s", number, name)
            step(db)
            conn.execute(
                "INSERT INTO schema_versions (version, name, applied_at) VALUES (?, ?, ?)",
                (number, name, utc_now()),
            )
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    return SCHEMA_VERSION
