"""Storing one fetched article: exact duplicate, revision of a known URL, or new (+ cluster)."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from typing import Any

from archive import neardup
from archive.models import Article, WarcRef
from archive.records import AddOutcome, AddResult
from archive.timeutil import more_precise

_ARTICLE_COLUMNS = (
    "url",
    "canonical_url",
    "outlet",
    "original_outlet",
    "source_url",
    "title",
    "text",
    "language",
    "published",
    "published_month",
    "authors",
    "section",
    "tags",
    "image",
    "description",
    "extra",
    "content_hash",
    "word_count",
    "status",
    "first_seen_at",
    "last_seen_at",
    "revision_of",
    "cluster_id",
    "near_duplicate_of",
    "similarity",
)
_INSERT_ARTICLE = (
    f"INSERT INTO articles ({', '.join(_ARTICLE_COLUMNS)}) "
    f"VALUES ({', '.join('?' * len(_ARTICLE_COLUMNS))})"
)


@dataclass(frozen=True)
class Fetch:
    """One article as fetched: what `Archive.add_many` takes (a bare Article works too)."""

    article: Article
    status: int = 200
    fetched_at: str | None = None
    warc: WarcRef | None = None


def store(conn: sqlite3.Connection, fetch: Fetch, seen_at: str) -> AddResult:
    """Store one fetch inside the caller's transaction."""
    article = fetch.article
    digest = article.content_hash
    row = conn.execute(
        "SELECT id, cluster_id, published FROM articles WHERE content_hash = ?", (digest,)
    ).fetchone()
    if row is not None:
        conn.execute(
            "UPDATE articles SET last_seen_at = max(last_seen_at, ?) WHERE id = ?",
            (seen_at, row[0]),
        )
        _refine_published(conn, row[0], row[2], article.published)
        record_url(conn, row[0], fetch, seen_at)
        return AddResult(AddOutcome.DUPLICATE, row[0], row[1])
    previous = _previous_version(conn, article)
    sig = neardup.signature(article.text)
    match = neardup.find_match(conn, sig) if sig is not None and previous is None else None
    cluster_id = previous[1] if previous else (match.cluster_id if match else None)
    values = _article_values(fetch, seen_at, digest)
    values.update(
        revision_of=previous[0] if previous else None,
        cluster_id=cluster_id,
        near_duplicate_of=match.article_id if match else None,
        similarity=round(match.similarity, 4) if match else None,
    )
    article_id = int(
        conn.execute(_INSERT_ARTICLE, [values[c] for c in _ARTICLE_COLUMNS]).lastrowid or 0
    )
    if cluster_id is None:
        cluster_id = article_id
        conn.execute("UPDATE articles SET cluster_id = ? WHERE id = ?", (article_id, article_id))
    if sig is not None:
        neardup.index_signature(conn, article_id, sig)
    if previous:
        conn.execute(
            "UPDATE articles SET is_latest = 0, superseded_by = ? WHERE id = ?",
            (article_id, previous[0]),
        )
    record_url(conn, article_id, fetch, seen_at)
    outcome = AddOutcome.REVISED if previous else AddOutcome.NEW
    return AddResult(outcome, article_id, cluster_id, previous[0] if previous else None)


def _previous_version(conn: sqlite3.Connection, article: Article) -> tuple[int, int] | None:
    """The latest stored version served at this URL (or its canonical URL) by the same outlet.

    The unary `+` keeps SQLite from scanning the outlet index: the URL indexes are selective.
    """
    keys = list(dict.fromkeys(u for u in (article.url, article.canonical_url) if u))
    marks = ", ".join("?" * len(keys))
    row = conn.execute(
        f"SELECT a.id, a.cluster_id FROM articles a WHERE a.id IN ("
        f"SELECT article_id FROM article_urls WHERE url IN ({marks}) UNION "
        f"SELECT article_id FROM article_urls WHERE canonical_url IN ({marks})) "
        f"AND +a.is_latest = 1 AND +a.outlet = ? ORDER BY a.id DESC LIMIT 1",
        [*keys, *keys, article.outlet],
    ).fetchone()
    return (row[0], row[1]) if row else None


def _refine_published(
    conn: sqlite3.Connection, article_id: int, stored: str | None, fetched: str | None
) -> None:
    """A copy that arrived first (an aggregator giving only the day) must not hide the time a
    later copy of the same text gives: the row keeps the most precise value of the same moment,
    whatever order the crawl fetched them in."""
    if stored and fetched and more_precise(stored, fetched) != stored:
        conn.execute(
            "UPDATE articles SET published = ?, published_month = ? WHERE id = ?",
            (fetched, fetched[:7], article_id),
        )


def _article_values(fetch: Fetch, seen_at: str, digest: str) -> dict[str, Any]:
    article = fetch.article
    dated = article.published or seen_at
    return {
        "url": article.url,
        "canonical_url": article.canonical_url,
        "outlet": article.outlet,
        "original_outlet": article.original_outlet,
        "source_url": article.source_url,
        "title": article.title,
        "text": article.text,
        "language": article.language,
        "published": article.published,
        "published_month": dated[:7],
        "authors": json.dumps(list(article.authors), ensure_ascii=False),
        "section": article.section,
        "tags": json.dumps(list(article.tags), ensure_ascii=False),
        "image": article.image,
        "description": article.description,
        "extra": json.dumps(article.extra, ensure_ascii=False, default=str)
        if article.extra
        else None,
        "content_hash": digest,
        "word_count": len(article.text.split()),
        "status": fetch.status,
        "first_seen_at": seen_at,
        "last_seen_at": seen_at,
    }


def record_url(conn: sqlite3.Connection, article_id: int, fetch: Fetch, seen_at: str) -> None:
    """Insert the (URL, article) pair, or bump its last_seen_at, status and fetch count."""
    article, warc = fetch.article, fetch.warc
    conn.execute(
        "INSERT INTO article_urls (url, article_id, outlet, canonical_url, status, published, "
        "first_seen_at, last_seen_at, warc_filename, warc_offset, warc_length, warc_record_id) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT (url, article_id) DO UPDATE SET "
        "last_seen_at = max(last_seen_at, excluded.last_seen_at), status = excluded.status, "
        "fetch_count = fetch_count + 1, "
        "canonical_url = coalesce(excluded.canonical_url, canonical_url), "
        "warc_filename = coalesce(excluded.warc_filename, warc_filename), "
        "warc_offset = coalesce(excluded.warc_offset, warc_offset), "
        "warc_length = coalesce(excluded.warc_length, warc_length), "
        "warc_record_id = coalesce(excluded.warc_record_id, warc_record_id)",
        (
            article.url,
            article_id,
            article.outlet,
            article.canonical_url,
            fetch.status,
            article.published,
            seen_at,
            seen_at,
            warc.filename if warc else None,
            warc.offset if warc else None,
            warc.length if warc else None,
            warc.record_id if warc else None,
        ),
    )
