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
