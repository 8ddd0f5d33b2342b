"""Near-duplicate clusters: the texts linked to each other, whatever order they arrived in.

Links: an estimated Jaccard similarity of at least `neardup.THRESHOLD` (found when the later of
two texts is stored: LSH candidates are symmetric), versions of one article (`versions`), and a
copy's source URL (the row serving that URL, or another copy naming the same source). A link
between two clusters merges them, so a cluster is a connected set of texts, not "the first text
and what came close to it".

`cluster_id` is the id of the cluster's representative: the original outlet's article when there
is one (`rank`: not a copy, published first comparing like with like, then outlet, URL, first
fetch; versions of one URL fetched in the same second by row id). Every other member has
`near_duplicate_of` = the representative and `similarity` = its estimated Jaccard with it
(below the threshold when it joined through another member).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from typing import Any

import numpy as np

from archive import neardup
from archive.attribution import names_a_source
from archive.models import Article
from archive.timeutil import order_key

_RANK_COLUMNS = (
    "id, url, original_outlet, source_url, published, published_precision, outlet, first_seen_at"
)
Rank = tuple[bool, str, str, str, str, int]


def rank(row: tuple[Any, ...]) -> Rank:
    """The representative's order over a row of _RANK_COLUMNS: the smallest wins."""
    ident, url, original_outlet, source_url, published, level, outlet, first_seen = row
    copied = names_a_source(url, original_outlet, source_url)
    return (copied, order_key(published, level), outlet, url, first_seen or "", ident)


def source_links(conn: sqlite3.Connection, article: Article, article_id: int) -> set[int]:
    """Rows linked through a source URL: copies naming this page, and (for a copy) the page it
    names and other copies of it."""
    keys = sorted({k for k in (article.url, article.canonical_url) if k})
    marks = ", ".join("?" * len(keys))
    query = f"SELECT article_id FROM article_urls WHERE source_url IN ({marks})"
    params: list[str] = keys
    if article.source_url and names_a_source(article.url, None, article.source_url):
        for column in ("url", "canonical_url", "source_url"):
            query += f" UNION SELECT article_id FROM article_urls WHERE {column} = ?"
        params = [*keys, *[article.source_url] * 3]
    return {row[0] for row in conn.execute(query, params)} - {article_id}


def join(conn: sqlite3.Connection, article_id: int, linked: Iterable[int]) -> int:
    """Merge the row's cluster with the clusters of `linked` rows; returns the cluster id."""
    ids = sorted({article_id, *linked})
    if ids == [article_id]:
        row = conn.execute("SELECT cluster_id FROM articles WHERE id = ?", (article_id,)).fetchone()
        return int(row[0] or article_id)
    marks = ", ".join("?" * len(ids))
    clusters = {
        row[0]
        for row in conn.execute(
            f"SELECT coalesce(cluster_id, id) FROM articles WHERE id IN ({marks})", ids
        )
    }
    best = min(_rows(conn, "id", {*clusters, article_id}), key=rank)[0]
    if clusters != {best}:
        _adopt(conn, best, clusters, article_id)
    return int(best)


def rerank(conn: sqlite3.Connection, cluster_id: int) -> int:
    """Choose the representative again (a member's attribution changed) and point every
    member at it."""
    best = min(_rows(conn, "cluster_id", {cluster_id}), key=rank)[0]
    _adopt(conn, best, {cluster_id}, best)
    return int(best)


def _adopt(
    conn: sqlite3.Connection, representative: int, clusters: Iterable[int], article_id: int
) -> None:
    """Move `clusters` and `article_id` under the representative; every member that did not
    point at it yet gets `near_duplicate_of` and its similarity with it."""
    others = sorted(set(clusters) - {representative})
    if others:  # two statements: with an OR between them SQLite scans the whole table
        marks = ", ".join("?" * len(others))
        conn.execute(
            f"UPDATE articles SET cluster_id = ? WHERE cluster_id IN ({marks})",
            [representative, *others],
        )
    conn.execute("UPDATE articles SET cluster_id = ? WHERE id = ?", (representative, article_id))
    conn.execute(
        "UPDATE articles SET near_duplicate_of = NULL, similarity = NULL "
        "WHERE id = ? AND near_duplicate_of IS NOT NULL",
        (representative,),
    )
    best = _signature(conn, representative)
    for member, blob in conn.execute(
        "SELECT a.id, m.signature FROM articles a "
        "LEFT JOIN article_minhashes m ON m.article_id = a.id "
        "WHERE a.cluster_id = ? AND a.id != ? AND a.near_duplicate_of IS NOT ?",
        (representative, representative, representative),
    ).fetchall():
        score = None
        if best is not None and blob is not None:
            score = round(neardup.similarity(np.frombuffer(blob, dtype=np.uint32), best), 4)
        conn.execute(
            "UPDATE articles SET near_duplicate_of = ?, similarity = ? WHERE id = ?",
            (representative, score, member),
        )


def _signature(conn: sqlite3.Connection, article_id: int) -> np.ndarray | None:
    row = conn.execute(
        "SELECT signature FROM article_minhashes WHERE article_id = ?", (article_id,)
    ).fetchone()
    return np.frombuffer(row[0], dtype=np.uint32) if row else None


def _rows(conn: sqlite3.Connection, column: str, values: set[int]) -> list[tuple[Any, ...]]:
    marks = ", ".join("?" * len(values))
    query = f"SELECT {_RANK_COLUMNS} FROM articles WHERE {column} IN ({marks})"
    return list(conn.execute(query, sorted(values)))
