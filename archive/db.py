"""The archive: one SQLite file (WAL) opened through sqlite-utils.

with Archive("archive.db") as archive:
    archive.add(article)
    for stored in archive.articles(outlet="hespress-fr", since="2025-01-01"):
        ...
"""

from __future__ import annotations

import logging
import os
import sqlite3
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType
from typing import Any

import sqlite_utils

from archive import maintenance
from archive import runs as run_records
from archive.discovery_state import SourceRecord, get_sources
from archive.errors import (
    ArchiveBusy,
    ArchiveError,
    ArchiveSchemaError,
    ArchiveUnreadable,
    read_error,
)
from archive.filters import Moment, date_clauses
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
        """Close the file; a writer first moves the write-ahead log into it (a checkpoint), so
        that the `.db` file alone holds everything once the last writer is gone."""
        if not self.readonly:
            maintenance.checkpoint(self.conn, self.path)
        self.conn.close()

    def integrity_problems(self) -> list[str]:
        """What SQLite's `PRAGMA quick_check` finds wrong in the file (empty: all pages sound)."""
        return maintenance.quick_check(self.conn)

    def backup(self, target: Path) -> None:
        """A consistent copy of the archive in `target` (SQLite's online backup), even while a
        crawl writes to it."""
        maintenance.backup(self.conn, target)

    @contextmanager
    def _reading(self) -> Iterator[None]:
        """sqlite3 errors met while reading (a damaged page) become one-line ArchiveErrors."""
        try:
            yield
        except sqlite3.DatabaseError as error:
            raise read_error(self.path, error) from error

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
        with self._reading():
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
        with self._reading():
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
        since: Moment | None = None,
        until: Moment | None = None,
        search: str | None = None,
        latest_only: bool = True,
    ) -> Iterator[StoredArticle]:
        """Stream stored articles, oldest row first. `since`/`until` (both inclusive) compare
        with the publication date (first-seen date when unknown): a day (`2025-02-01`), a time
        (`2025-02-01T10:00`, UTC unless it has a zone), a span back from now (`7d`, `24h`, `2w`)
        or a date/datetime; anything else raises ArchiveFilterError at once (archive/filters.py)."""
        rows = self.rows(outlet, language, since, until, search, latest_only)
        return (StoredArticle.from_row(row) for row in rows)

    def rows(
        self,
        outlet: str | None = None,
        language: str | None = None,
        since: Moment | None = None,
        until: Moment | None = None,
        search: str | None = None,
        latest_only: bool = True,
    ) -> Iterator[dict[str, Any]]:
        """Like `articles` but raw column dicts (JSON columns as strings), for exports."""
        where, params = _filters(outlet, language, since, until, search, latest_only)
        return self._stream(f"SELECT * FROM articles {where} ORDER BY id", params)

    def _stream(self, sql: str, params: list[Any]) -> Iterator[dict[str, Any]]:
        cursor = self.conn.cursor()
        cursor.row_factory = sqlite3.Row
        with self._reading():
            cursor.execute(sql, params)
            batch = cursor.fetchmany(_FETCH_BATCH)
        while batch:
            yield from (dict(row) for row in batch)
            with self._reading():
                batch = cursor.fetchmany(_FETCH_BATCH)

    def count(
        self,
        outlet: str | None = None,
        language: str | None = None,
        since: Moment | None = None,
        until: Moment | None = None,
        search: str | None = None,
        latest_only: bool = True,
    ) -> int:
        where, params = _filters(outlet, language, since, until, search, latest_only)
        with self._reading():
            return int(
                self.conn.execute(f"SELECT count(*) FROM articles {where}", params).fetchone()[0]
            )

    def outlets(self) -> list[str]:
        """Every outlet the archive knows: it holds articles of it, or a run crawled it."""
        with self._reading():
            return [
                name
                for (name,) in self.conn.execute(
                    "SELECT outlet FROM articles UNION SELECT outlet FROM run_outlets ORDER BY 1"
                )
            ]

    def urls_of(self, article_id: int) -> list[str]:
        """Every URL that served this article, first seen first."""
        with self._reading():
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
        with self._reading():
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
        with self._reading():
            return self._stats()

    def _stats(self) -> ArchiveStats:
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
        with self._reading():
            return run_records.runs(self.conn, limit)

    def outlet_runs(self, outlet: str | None = None, limit: int = 50) -> list[OutletRunRecord]:
        with self._reading():
            return run_records.outlet_runs(self.conn, outlet, limit)

    def discovery_sources(self, outlets: Iterable[str] | None = None) -> list[SourceRecord]:
        """The feeds and sitemaps each outlet was read from: declared, or found on the site."""
        return get_sources(self.conn, outlets)

    def _scalar(self, sql: str) -> int:
        with self._reading():
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
            if self.conn.in_transaction:  # a full disk at COMMIT: SQLite rolled back already
                self.conn.execute("ROLLBACK")
            raise _write_error(self.path, error) from error


def _write_error(path: Path, error: sqlite3.Error) -> ArchiveError:
    if "locked" in str(error) or "busy" in str(error):
        return ArchiveBusy(f"archive {path} is locked by another writer: {error}")
    return ArchiveError(f"cannot write to archive {path}: {error}")


def _filters(
    outlet: str | None,
    language: str | None,
    since: Moment | None,
    until: Moment | None,
    search: str | None,
    latest_only: bool,
) -> tuple[str, list[Any]]:
    clauses, params = date_clauses("coalesce(published, first_seen_at)", since, until)
    for clause, value in (("outlet = ?", outlet), ("language = ?", language)):
        if value is not None:
            clauses.append(clause)
            params.append(value)
    if search is not None:
        clauses.append("id IN (SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?)")
        params.append(fts_query(search) or '""')
    if latest_only:
        clauses.append("is_latest = 1")
    return ("WHERE " + " AND ".join(clauses) if clauses else ""), params


def check_openable(path: Path, readonly: bool = False) -> None:
    """ArchiveUnreadable if `path` cannot be an archive at all (a directory, a missing file to
    read, a missing directory to write in): callers check before creating anything beside it."""
    reason = _unopenable(path, readonly)
    if reason:
        raise ArchiveUnreadable(f"cannot open archive {path}: {reason}")


def _connect(path: Path, readonly: bool, timeout: float) -> sqlite3.Connection:
    check_openable(path, readonly)
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
        raise ArchiveUnreadable(f"cannot open archive {path}: {_reason(path, error)}") from error
    return conn


def _reason(path: Path, error: sqlite3.Error) -> str:
    """SQLite's reason, in the user's terms where SQLite's own words say little."""
    if "not a database" in str(error):
        return "not an SQLite database"
    if "unable to open" in str(error) and not os.access(path.parent, os.W_OK):
        return (
            f"its folder {path.parent} is not writable, and SQLite must create {path.name}-shm "
            "beside a WAL archive to read it: copy it to a folder of yours"
        )
    return str(error)


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
