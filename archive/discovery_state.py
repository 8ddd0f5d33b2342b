"""Discovery state: what each feed, sitemap or listing page looked like when last read in full.

One row per discovery URL (`discovery_state`): the validators the server sent (ETag,
Last-Modified) for conditional requests, and a hash of the body to see "unchanged" when the
server ignores them. Crawls write a row only once everything found in the document has been
fetched, so a killed run leaves the next one to read the document again.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass

import sqlite_utils


@dataclass(frozen=True)
class DiscoveryState:
    url: str
    outlet: str
    kind: str  # feed, sitemap, sitemapindex or listing
    etag: str | None
    last_modified: str | None
    body_hash: str | None
    checked_at: str  # when the run that completed the document fetched it (ISO 8601, UTC)


def create_table(db: sqlite_utils.Database) -> None:
    """The migration that adds `discovery_state`."""
    db["discovery_state"].create(  # type: ignore[union-attr]
        {
            "url": str,
            "outlet": str,
            "kind": str,
            "etag": str,
            "last_modified": str,
            "body_hash": str,
            "checked_at": str,
        },
        pk="url",
        not_null={"url", "outlet", "kind", "checked_at"},
    )
    db["discovery_state"].create_index(["outlet"])  # type: ignore[union-attr]


def get_state(conn: sqlite3.Connection, url: str) -> DiscoveryState | None:
    row = conn.execute(
        "SELECT url, outlet, kind, etag, last_modified, body_hash, checked_at "
        "FROM discovery_state WHERE url = ?",
        (url,),
    ).fetchone()
    return DiscoveryState(*row) if row else None


def save_states(conn: sqlite3.Connection, states: Iterable[DiscoveryState]) -> int:
    """Insert or replace these rows in one transaction; returns how many were written."""
    rows = [
        (s.url, s.outlet, s.kind, s.etag, s.last_modified, s.body_hash, s.checked_at)
        for s in states
    ]
    if not rows:
        return 0
    conn.execute("BEGIN IMMEDIATE")
    try:
        conn.executemany(
            "INSERT OR REPLACE INTO discovery_state "
            "(url, outlet, kind, etag, last_modified, body_hash, checked_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")
    return len(rows)


# --- sources: the feeds and sitemaps each outlet is read from --------------------------------
# One row per outlet and source: declared in the registry, or found by akhbar on the site (home
# page feed links, robots.txt sitemaps, usual CMS paths) when the declared ones failed. A found
# source is kept once it worked; a failing one counts its failed runs in a row, so the crawl waits
# before trying it again and `akhbar check` can say since when it fails.


@dataclass(frozen=True)
class SourceRecord:
    outlet: str
    url: str
    kind: str  # feed or sitemap
    origin: str  # declared or found
    via: str  # declared, home, robots or cms
    failures: int  # runs in a row it failed (0: it worked last time)
    last_error: str | None
    first_seen_at: str
    last_tried_at: str | None
    last_ok_at: str | None


@dataclass(frozen=True)
class SourceResult:
    """How reading one source went in a run (`error` is None when it worked)."""

    outlet: str
    url: str
    kind: str
    origin: str
    via: str
    error: str | None = None


SOURCE_COLUMNS = (
    "outlet, url, kind, origin, via, failures, last_error, first_seen_at, last_tried_at, last_ok_at"
)


def create_sources_table(db: sqlite_utils.Database) -> None:
    db["discovery_sources"].create(  # type: ignore[union-attr]
        {
            "outlet": str,
            "url": str,
            "kind": str,
            "origin": str,
            "via": str,
            "failures": int,
            "last_error": str,
            "first_seen_at": str,
            "last_tried_at": str,
            "last_ok_at": str,
        },
        pk=("outlet", "url"),
        not_null={"outlet", "url", "kind", "origin", "via", "failures", "first_seen_at"},
        defaults={"failures": 0},
    )


def get_sources(
    conn: sqlite3.Connection, outlets: Iterable[str] | None = None
) -> list[SourceRecord]:
    """The known sources (of these outlets), declared before found, then by URL."""
    names = list(outlets) if outlets is not None else None
    where = f"WHERE outlet IN ({', '.join('?' * len(names))})" if names is not None else ""
    rows = conn.execute(
        f"SELECT {SOURCE_COLUMNS} FROM discovery_sources {where} "
        "ORDER BY outlet, origin = 'found', url",
        names or [],
    ).fetchall()
    return [SourceRecord(*row) for row in rows]


def save_sources(conn: sqlite3.Connection, results: Iterable[SourceResult], now: str) -> int:
    """Record a run's source results in one transaction: a source that worked is kept (its
    failures reset); a declared or already known one that failed counts one more failure; a
    found one that never worked is forgotten. Returns how many rows were written."""
    written = 0
    conn.execute("BEGIN IMMEDIATE")
    try:
        for result in results:
            written += _save_source(conn, result, now)
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")
    return written


def _save_source(conn: sqlite3.Connection, r: SourceResult, now: str) -> int:
    if r.error is None:
        conn.execute(
            f"INSERT INTO discovery_sources ({SOURCE_COLUMNS}) "
            "VALUES (?, ?, ?, ?, ?, 0, NULL, ?, ?, ?) "
            "ON CONFLICT (outlet, url) DO UPDATE SET kind = excluded.kind, "
            "origin = excluded.origin, via = excluded.via, failures = 0, last_error = NULL, "
            "last_tried_at = excluded.last_tried_at, last_ok_at = excluded.last_ok_at",
            (r.outlet, r.url, r.kind, r.origin, r.via, now, now, now),
        )
        return 1
    known = conn.execute(
        "SELECT 1 FROM discovery_sources WHERE outlet = ? AND url = ?", (r.outlet, r.url)
    ).fetchone()
    if known is None and r.origin != "declared":
        return 0
    conn.execute(
        f"INSERT INTO discovery_sources ({SOURCE_COLUMNS}) "
        "VALUES (?, ?, ?, ?, ?, 1, ?, ?, ?, NULL) "
        "ON CONFLICT (outlet, url) DO UPDATE SET failures = failures + 1, "
        "last_error = excluded.last_error, last_tried_at = excluded.last_tried_at",
        (r.outlet, r.url, r.kind, r.origin, r.via, r.error, now, now),
    )
    return 1
