"""Bringing rows stored before schema version 9 under the attribution rules (`attribution`).

Older archives kept whichever URL arrived first as the row's owner, recorded no role per URL, and
clustered "the first article and what came close to it". This pass, run once by the migration:

1. marks each URL's role: the URLs of a row stored from a copy (it names its source) are copies,
   and so is any URL of an outlet that stored such copies (an aggregator); the rest are originals
   until step 2 tells variants apart;
2. re-decides every row served by more than one URL: owner, URL, date, first fetch; versions
   relinked when the owner changes (an original outlet taking over its article from an
   aggregator);
3. merges clusters linked by a copy's source URL, and points every cluster at its representative.

What the old archive never stored cannot come back here: a row the original takes over keeps the
copy's title, authors and other metadata until the original's page is fetched again
(`akhbar crawl --refresh`, or `akhbar reextract` from WARC files).
"""

from __future__ import annotations

import logging
import sqlite3
from dataclasses import dataclass

from archive import attribution, clusters, versions
from archive.timeutil import precision_name

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Reattributed:
    rows: int  # rows served by more than one URL, re-decided
    taken_over: int  # rows whose outlet changed


def reattribute(conn: sqlite3.Connection) -> Reattributed:
    conn.create_function("akhbar_precision", 1, precision_name, deterministic=True)
    for table in ("articles", "article_urls"):
        conn.execute(
            f"UPDATE {table} SET published_precision = akhbar_precision(published) "
            "WHERE published IS NOT NULL"
        )
    _mark_roles(conn)
    shared = [row[0] for row in conn.execute(
        "SELECT article_id FROM article_urls GROUP BY article_id HAVING count(*) > 1")]  # fmt: skip
    taken = sum(_redecide(conn, article_id) for article_id in shared)
    for article_id, source in conn.execute(
        "SELECT article_id, source_url FROM article_urls WHERE source_url IS NOT NULL"
    ).fetchall():
        linked = _citing_or_cited(conn, source) - {article_id}
        if linked:
            clusters.join(conn, article_id, linked)
    for (cluster_id,) in conn.execute(
        "SELECT cluster_id FROM articles GROUP BY cluster_id HAVING count(*) > 1"
    ).fetchall():
        clusters.rerank(conn, cluster_id)
    log.info("attribution: %d shared rows re-decided, %d taken over", len(shared), taken)
    return Reattributed(len(shared), taken)


def _mark_roles(conn: sqlite3.Connection) -> None:
    conn.execute("UPDATE article_urls SET role = 'original'")
    copies = [
        (article_id, outlet, source)
        for article_id, outlet, url, named, source in conn.execute(
            "SELECT id, outlet, url, original_outlet, source_url FROM articles "
            "WHERE original_outlet IS NOT NULL OR source_url IS NOT NULL"
        ).fetchall()
        if attribution.names_a_source(url, named, source)
    ]
    conn.executemany(
        "UPDATE article_urls SET role = 'copy', source_url = ? WHERE article_id = ? AND outlet = ?",
        [(source, article_id, outlet) for article_id, outlet, source in copies],
    )
    copiers = sorted({outlet for _, outlet, _ in copies})
    marks = ", ".join("?" * len(copiers))
    conn.execute(f"UPDATE article_urls SET role = 'copy' WHERE outlet IN ({marks})", copiers)


def _redecide(conn: sqlite3.Connection, article_id: int) -> bool:
    conn.execute(  # the first fetch of any URL, not of the URL that happened to arrive first
        "UPDATE articles SET first_seen_at = (SELECT min(first_seen_at) FROM article_urls "
        "WHERE article_id = ?) WHERE id = ?",
        (article_id, article_id),
    )
    settled = attribution.settle(conn, article_id)
    owner = settled.owner
    if settled.took_over_from is None and owner.url == settled.url_before:
        return False
    versions.relink(conn, settled.outlet_before, (settled.url_before, settled.canonical_before))
    group = versions.relink(conn, owner.outlet, (owner.url, owner.canonical_url))
    clusters.join(conn, article_id, {v.id for v in group} - {article_id})
    return settled.took_over_from is not None


def _citing_or_cited(conn: sqlite3.Connection, source: str) -> set[int]:
    found: set[int] = set()
    for column in ("url", "canonical_url", "source_url"):
        query = f"SELECT article_id FROM article_urls WHERE {column} = ?"
        found.update(row[0] for row in conn.execute(query, (source,)))
    return found
