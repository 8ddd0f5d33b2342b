"""Versions of one outlet's article: the texts its URLs served over time, oldest to newest.

A group is the rows an outlet owns that share a URL or canonical URL among that outlet's own
claims (an aggregator's copy of the text never makes it a version of the original, and a row an
original outlet took over leaves the aggregator's group). A group is one chain: `revision_of`
points to the previous text, `superseded_by` to the next, `is_latest` marks the last. Texts are
ordered by when the outlet first served them, so the order in which fetches reach the archive (a
queue, a replayed WARC) never changes the chain; texts first served in the same second keep the
order they were stored in.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass

log = logging.getLogger(__name__)

MAX_GROUP = 200  # a site giving many pages one canonical URL: relinking stops there
_MAX_ROUNDS = 8


@dataclass(frozen=True)
class Version:
    id: int
    served_at: str  # when the outlet first served this text at one of the group's URLs
    content_hash: str
    is_latest: bool
    revision_of: int | None
    superseded_by: int | None

    @property
    def order(self) -> tuple[str, int]:
        return (self.served_at, self.id)


def _matching(conn: sqlite3.Connection, outlet: str, keys: Iterable[str | None]) -> list[Version]:
    """Rows owned by `outlet` with a claim of that outlet at one of `keys`.

    The unary `+` keeps SQLite from scanning the outlet indexes: the URL indexes are selective.
    """
    urls = sorted({k for k in keys if k})
    if not urls:
        return []
    marks = ", ".join("?" * len(urls))
    cursor = conn.execute(
        f"SELECT a.id, (SELECT min(first_seen_at) FROM article_urls WHERE article_id = a.id "
        f"AND outlet = a.outlet), a.content_hash, a.is_latest, a.revision_of, a.superseded_by "
        f"FROM articles a WHERE a.id IN ("
        f"SELECT article_id FROM article_urls WHERE url IN ({marks}) AND +outlet = ? UNION "
        f"SELECT article_id FROM article_urls WHERE canonical_url IN ({marks}) AND +outlet = ?) "
        f"AND +a.outlet = ?",
        [*urls, outlet, *urls, outlet, outlet],
    )
    return [Version(row[0], row[1], row[2], bool(row[3]), row[4], row[5]) for row in cursor]


def _keys_of(conn: sqlite3.Connection, outlet: str, ids: Iterable[int]) -> set[str]:
    keys: set[str] = set()
    for ident in ids:
        for url, canonical in conn.execute(
            "SELECT url, canonical_url FROM article_urls WHERE article_id = ? AND outlet = ?",
            (ident, outlet),
        ):
            keys.update(k for k in (url, canonical) if k)
    return keys


def group(
    conn: sqlite3.Connection, outlet: str, keys: Iterable[str | None]
) -> list[Version] | None:
    """Every version connected to `keys` through the outlet's claims, oldest first; None when
    the group grows past MAX_GROUP."""
    wanted = {k for k in keys if k}
    found: dict[int, Version] = {}
    for _ in range(_MAX_ROUNDS):
        fresh = [v for v in _matching(conn, outlet, wanted) if v.id not in found]
        if not fresh:
            break
        found.update((v.id, v) for v in fresh)
        if len(found) > MAX_GROUP:
            log.debug(
                "version group of %s at %s exceeds %d rows", outlet, sorted(wanted), MAX_GROUP
            )
            return None
        wanted |= _keys_of(conn, outlet, (v.id for v in fresh))
    return sorted(found.values(), key=lambda v: v.order)


def relink(conn: sqlite3.Connection, outlet: str, keys: Iterable[str | None]) -> list[Version]:
    """Make the group one chain in time order; returns the group (empty when too large)."""
    versions = group(conn, outlet, keys) or []
    for index, version in enumerate(versions):
        before = versions[index - 1].id if index else None
        after = versions[index + 1].id if index + 1 < len(versions) else None
        latest = after is None
        if (version.revision_of, version.superseded_by, version.is_latest) != (
            before,
            after,
            latest,
        ):
            conn.execute(
                "UPDATE articles SET revision_of = ?, superseded_by = ?, is_latest = ? "
                "WHERE id = ?",
                (before, after, int(latest), version.id),
            )
    return versions


def place(
    conn: sqlite3.Connection, article_id: int, outlet: str, keys: Iterable[str], at: str
) -> list[int]:
    """Put a new row into its group; returns the other rows of the group (empty: a new article).

    The common case is a newer text at a known URL: it follows the latest version. Anything else
    (a text older than the latest, groups that this row joins) relinks the whole group.
    """
    keys = set(keys)
    others = [v for v in _matching(conn, outlet, keys) if v.id != article_id]
    if not others:
        return []
    last = max(others, key=lambda v: v.order)
    # one chain ending at `last` (a relinked group has exactly one latest, its newest)
    if [v for v in others if v.is_latest] == [last] and last.order < (at, article_id):
        conn.execute("UPDATE articles SET is_latest = 0, superseded_by = ? WHERE id = ?",
                     (article_id, last.id))  # fmt: skip
        conn.execute("UPDATE articles SET revision_of = ? WHERE id = ?", (last.id, article_id))
        return [last.id]
    return [v.id for v in relink(conn, outlet, keys) if v.id != article_id]
