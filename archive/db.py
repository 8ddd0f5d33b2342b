"""The archive: one SQLite file (WAL) opened through sqlite-utils.

with Archive("archive.db") as archive:
    archive.add(article)
    for stored in archive.articles(outlet="hespress-fr", since="2025-01-01"):
        ...
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from types import TracebackType
from typing import Any

import sqlite_utils

from archive import runs as run_records
from archive.discovery_state import SourceRecord, get_sources
from archive.errors import ArchiveBusy, ArchiveError, ArchiveSchemaError, ArchiveUnreadable
from archive.ingest import Fetch, store
from archive.models import Article, WarcRef
from archive.records import (
    AddOutcome,
    AddResult,
    ArchiveStats,
    OutletRunRecord,
    RunRecord,
    StoredArticle,
)
from archive.schema import SCHEMA_VERSION, current_version, migrate
from archive.search import fts_query
from archive.timeutil import utc_now

__all__ = ["AddOutcome", "AddResult", "Archive", "Fetch", "SearchHit", "StoredArticle"]

log = logging.getLogger(__name__)
_FETCH_BATCH = 500
_WRITER_CACHE_KIB = 64 * 1024  # index pages of a large archive stay in memory while ingesting


class Archive:
    """An akhbar archive file. `readonly=True` opens it without migrating or writing."""

    def __init__(self, path: str | Path, *, readonly: bool = False, timeout: float = 30.0) -> None:
        self.path = Path(path)
        self.readonly = readonly
        self.conn = _connect(self.path, readonly, timeout)
        self.db = sqlite_utils.Database(self.conn)
        try:
            if readonly:
                self.schema_version = _check_readable(self.db, self.path)
            else:
                self.schema_version = migrate(self.db)
        except ArchiveError:
            self.conn.close()
            raise
        except sqlite3.DatabaseError as error:
            self.conn.close()
            raise ArchiveUnreadable(f"cannot open archive {self.path}: {error}") from error

    def __enter__(self) -> Archive:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        self.conn.close()

    # -- writing ---------------------------------------------------------------------------

    def add(
        self,
        article: Article,
        *,
        status: int = 200,
        fetched_at: str | None = None,
        warc: WarcRef | None = None,
    ) -> AddResult:
        """Store one article; see `add_many`."""
        return self.add_many([Fetch(article, status, fetched_at, warc)])[0]

    def add_many(self, items: Iterable[Article | Fetch]) -> list[AddResult]:
        """Store articles in ONE transaction. Identity is the content hash: a known hash is a
        DUPLICATE (the URL is recorded against it), a known URL with a new hash a REVISED version,
        anything else NEW."""
        fetches = [item if isinstance(item, Fetch) else Fetch(item) for item in items]
        now = utc_now()
        with self._write():
            return [store(self.conn, fetch, fetch.fetched_at or now) for fetch in fetches]

    def start_run(self, command: str, outlets: Sequence[str]) -> int:
        with self._write():
            return run_records.start_run(self.conn, command, outlets)

    def record_outlet_run(
        self,
        run_id: int,
        outlet: str,
        *,
        started_at: str | None,
        finished_at: str | None,
        counters: Mapping[str, int],
        errors: Mapping[str, int],
        examples: Mapping[str, Sequence[str]] | None = None,
    ) -> None:
        with self._write():
            run_records.record_outlet_run(
                self.conn,
                run_id,
                outlet,
                started_at=started_at,
                finished_at=finished_at,
                counters=counters,
                errors=errors,
                examples=examples,
            )

    def finish_run(self, run_id: int, *, status: str, finished_at: str | None = None) -> None:
        with self._write():
            run_records.finish_run(self.conn, run_id, status, finished_at)

    def _write(self) -> _WriteTransaction:
        if self.readonly:
            raise ArchiveError(f"archive {self.path} is open read-only")
        return _WriteTransaction(self.conn, self.path)

    # -- reading ---------------------------------------------------------------------------

    def has_url(self, url: str) -> bool:
        """True if `url` served an archived article or is the canonical URL of one."""
        row = self.conn.execute(
            "SELECT EXISTS (SELECT 1 FROM article_urls WHERE url = ?) "
            "OR EXISTS (SELECT 1 FROM article_urls WHERE canonical_url = ?)",
            (url, url),
        ).fetchone()
        return bool(row[0])

    def known_urls(self, outlet: str | None = None) -> set[str]:
        """Every fetched and canonical URL recorded (for one outlet), to preload a crawl."""
        where, params = ("WHERE outlet = ?", (outlet,)) if outlet else ("", ())
        urls: set[str] = set()
        for url, canonical in self.conn.execute(
            f"SELECT url, canonical_url FROM article_urls {where}", params
        ):
            urls.add(url)
            if canonical:
                urls.add(canonical)
        return urls

    def articles(
        self,
        outlet: str | None = None,
        language: str | None = None,
        since: str | None = None,
        until: str | None = None,
        search: str | None = None,
        latest_only: bool = True,
    ) -> Iterator[StoredArticle]:
        """Stream stored articles, oldest row first. `since`/`until` are ISO dates or datetimes
        compared with the publication date (first-seen date when unknown), both inclusive."""
        for row in self.rows(outlet, language, since, until, search, latest_only):
            yield StoredArticle.from_row(row)

    def rows(
        self,
        outlet: str | None = None,
        language: str | None = None,
        since: str | None = None,
        until: str | None = None,
        search: str | None = None,
        latest_only: bool = True,
    ) -> Iterator[dict[str, Any]]:
        """Like `articles` but raw column dicts (JSON columns as strings), for exports."""
        where, params = _filters(outlet, language, since, until, search, latest_only)
        cursor = self.conn.cursor()
        cursor.row_factory = sqlite3.Row
        cursor.execute(f"SELECT * FROM articles {where} ORDER BY id", params)
        while batch := cursor.fetchmany(_FETCH_BATCH):
            yield from (dict(row) for row in batch)

    def count(
        self,
        outlet: str | None = None,
        language: str | None = None,
        since: str | None = None,
        until: str | None = None,
        search: str | None = None,
        latest_only: bool = True,
    ) -> int:
        where, params = _filters(outlet, language, since, until, search, latest_only)
        return int(
            self.conn.execute(f"SELECT count(*) FROM articles {where}", params).fetchone()[0]
        )

    def urls_of(self, article_id: int) -> list[str]:
        """Every URL that served this article, first seen first."""
        return [
            row[0]
            for row in self.conn.execute(
                "SELECT url FROM article_urls WHERE article_id = ? ORDER BY first_seen_at, url",
                (article_id,),
            )
        ]

    def search(self, query: str, limit: int = 20) -> list[SearchHit]:
        """Full-text search of the latest versions (title and text), best match first."""
        match = fts_query(query)
        if not match:
            return []
        cursor = self.conn.execute(
            "SELECT a.id, a.outlet, a.title, a.url, a.published, a.language, "
            "snippet(articles_fts, 1, '[', ']', '…', 16) FROM articles_fts "
            "JOIN articles a ON a.id = articles_fts.rowid "
            "WHERE articles_fts MATCH ? AND a.is_latest = 1 ORDER BY articles_fts.rank LIMIT ?",
            (match, limit),
        )
        return [SearchHit(*row) for row in cursor]

    def stats(self) -> ArchiveStats:
        """Counts per outlet and language (latest versions), totals, distinct URLs, last run."""
        one = self._scalar
        by_outlet = dict(
            self.conn.execute(
                "SELECT outlet, count(*) FROM articles WHERE is_latest = 1 GROUP BY outlet "
                "ORDER BY count(*) DESC, outlet"
            ).fetchall()
        )
        by_language = dict(
            self.conn.execute(
                "SELECT coalesce(language, 'unknown'), count(*) FROM articles WHERE is_latest = 1 "
                "GROUP BY 1 ORDER BY count(*) DESC, 1"
            ).fetchall()
        )
        latest_runs = self.runs(1)
        return ArchiveStats(
            articles=one("SELECT count(*) FROM articles WHERE is_latest = 1"),
            versions=one("SELECT count(*) FROM articles"),
            urls=one("SELECT count(DISTINCT url) FROM article_urls"),
            clusters=one("SELECT count(DISTINCT cluster_id) FROM articles WHERE is_latest = 1"),
            by_outlet=by_outlet,
            by_language=by_language,
            first_seen_at=self.conn.execute("SELECT min(first_seen_at) FROM articles").fetchone()[
                0
            ],
            last_seen_at=self.conn.execute("SELECT max(last_seen_at) FROM articles").fetchone()[0],
            last_run=latest_runs[0] if latest_runs else None,
            schema_version=self.schema_version,
        )

    def runs(self, limit: int = 20) -> list[RunRecord]:
        return run_records.runs(self.conn, limit)

    def outlet_runs(self, outlet: str | None = None, limit: int = 50) -> list[OutletRunRecord]:
        return run_records.outlet_runs(self.conn, outlet, limit)

    def discovery_sources(self, outlets: Iterable[str] | None = None) -> list[SourceRecord]:
        """The feeds and sitemaps each outlet was read from: declared, or found on the site."""
        return get_sources(self.conn, outlets)

    def _scalar(self, sql: str) -> int:
        return int(self.conn.execute(sql).fetchone()[0] or 0)


class SearchHit:
    """One full-text search result, with a snippet ([matched] words)."""

    __slots__ = ("id", "language", "outlet", "published", "snippet", "title", "url")

    def __init__(
        self,
        id: int,
        outlet: str,
        title: str,
        url: str,
        published: str | None,
        language: str | None,
        snippet: str,
    ) -> None:
        self.id, self.outlet, self.title, self.url = id, outlet, title, url
        self.published, self.language, self.snippet = published, language, snippet

    def __repr__(self) -> str:
        return f"SearchHit(id={self.id}, outlet={self.outlet!r}, title={self.title!r})"


class _WriteTransaction:
    """BEGIN IMMEDIATE ... COMMIT, rolled back on error; SQLite errors become ArchiveErrors."""

    def __init__(self, conn: sqlite3.Connection, path: Path) -> None:
        self.conn, self.path = conn, path

    def __enter__(self) -> None:
        try:
            self.conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as error:
            raise _write_error(self.path, error) from error

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if exc_type is not None:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            if isinstance(exc, sqlite3.Error):
                raise _write_error(self.path, exc) from exc
            return
        try:
            self.conn.execute("COMMIT")
        except sqlite3.Error as error:
            self.conn.execute("ROLLBACK")
            raise _write_error(self.path, error) from error


def _write_error(path: Path, error: sqlite3.Error) -> ArchiveError:
    if "locked" in str(error) or "busy" in str(error):
        return ArchiveBusy(f"archive {path} is locked by another writer: {error}")
    return ArchiveError(f"cannot write to archive {path}: {error}")


def _filters(
    outlet: str | None,
    language: str | None,
    since: str | None,
    until: str | None,
    search: str | None,
    latest_only: bool,
) -> tuple[str, list[Any]]:
    clauses: list[str] = []
    params: list[Any] = []
    dated = "coalesce(published, first_seen_at)"
    for clause, value in (
        ("outlet = ?", outlet),
        ("language = ?", language),
        (f"{dated} >= ?", since),
        (f"substr({dated}, 1, length(?1x)) <= ?1x", until),
    ):
        if value is not None:
            clauses.append(clause.replace("?1x", "?"))
            params.extend([value] * clause.count("?"))
    if search is not None:
        clauses.append("id IN (SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?)")
        params.append(fts_query(search) or '""')
    if latest_only:
        clauses.append("is_latest = 1")
    return ("WHERE " + " AND ".join(clauses) if clauses else ""), params


def _connect(path: Path, readonly: bool, timeout: float) -> sqlite3.Connection:
    reason = _unopenable(path, readonly)
    if reason:
        raise ArchiveUnreadable(f"cannot open archive {path}: {reason}")
    target = path.resolve().as_uri() + "?mode=ro" if readonly else str(path)
    try:
        conn = sqlite3.connect(
            target, timeout=timeout, isolation_level=None, uri=readonly, check_same_thread=False
        )
        if not readonly:
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")
            conn.execute(f"PRAGMA cache_size = -{_WRITER_CACHE_KIB}")
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.Error as error:
        reason = "not an SQLite database" if "not a database" in str(error) else str(error)
        raise ArchiveUnreadable(f"cannot open archive {path}: {reason}") from error
    return conn


def _unopenable(path: Path, readonly: bool) -> str | None:
    """Why `path` cannot be an archive, checked before SQLite gives a vaguer message."""
    if path.is_dir():
        return "it is a directory"
    if not path.exists():
        if readonly:
            return "no such file"
        if not path.parent.is_dir():
            return f"directory {path.parent} does not exist"
        return None
    # No header sniffing with open()/close(): closing any descriptor of the file drops the
    # process's POSIX locks, SQLite's included. SQLite itself says "file is not a database".
    return None


def _check_readable(db: sqlite_utils.Database, path: Path) -> int:
    version = current_version(db)
    if version == 0:
        raise ArchiveSchemaError(f"{path} is an empty database, not an akhbar archive")
    if version > SCHEMA_VERSION:
        raise ArchiveSchemaError(
            f"archive schema version {version} is newer than this akhbar ({SCHEMA_VERSION})"
        )
    if version < SCHEMA_VERSION:
        log.warning(
            "archive %s has schema version %d; open it read-write to migrate", path, version
        )
    return version
