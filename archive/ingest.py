"""Storing one fetched article: a known text at one more URL, a new version of an article, or new.

Nothing here depends on the order fetches arrive in: who owns a row is re-decided from every URL
that served its text (`attribution`: the original outlet, not whichever copy came first),
versions are ordered by when their URL served them (`versions`), clusters merge when linked
(`clusters`). Outcomes count the same way: a row the original outlet takes over from a copy is
NEW (or REVISED) for that outlet, and `AddResult.took_over_from` names the outlet that lost it.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import Any

from archive import attribution, clusters, neardup, versions
from archive.models import Article, WarcRef
from archive.records import AddOutcome, AddResult
from archive.timeutil import more_precise, precision_name

_ARTICLE_COLUMNS = (
    *("url", "canonical_url", "outlet", "text"),
    *("published", "published_precision", "published_month"),
    *attribution.METADATA_COLUMNS,
    *("content_hash", "word_count", "status", "first_seen_at", "last_seen_at"),
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
    digest = fetch.article.content_hash
    row = conn.execute("SELECT id FROM articles WHERE content_hash = ?", (digest,)).fetchone()
    if row is not None:
        return _known_text(conn, row[0], fetch, seen_at)
    return _new_text(conn, fetch, seen_at, digest)


def _new_text(conn: sqlite3.Connection, fetch: Fetch, seen_at: str, digest: str) -> AddResult:
    """A text never stored: a new row, a version of the outlet's article at that URL, or the
    first article of a new one; linked into its cluster."""
    article = fetch.article
    sig = neardup.signature(article.text)
    similar = {m.article_id for m in neardup.matches(conn, sig)} if sig is not None else set()
    values = _article_values(fetch, seen_at, digest)
    cursor = conn.execute(_INSERT_ARTICLE, [values[c] for c in _ARTICLE_COLUMNS])
    article_id = int(cursor.lastrowid or 0)
    conn.execute("UPDATE articles SET cluster_id = id WHERE id = ?", (article_id,))
    if sig is not None:
        neardup.index_signature(conn, article_id, sig)
    record_url(conn, article_id, fetch, seen_at, new=True)
    others = versions.place(conn, article_id, article.outlet, _keys(article), seen_at)
    linked = similar | set(others) | clusters.source_links(conn, article, article_id)
    cluster_id = clusters.join(conn, article_id, linked)
    if not others:
        return AddResult(AddOutcome.NEW, article_id, cluster_id)
    return AddResult(AddOutcome.REVISED, article_id, cluster_id, _revision_of(conn, article_id))


def _known_text(conn: sqlite3.Connection, article_id: int, fetch: Fetch, seen_at: str) -> AddResult:
    """A stored text at a URL: record the URL, then re-decide who owns the row (the original
    outlet may be taking it over from a copy), its versions and its cluster."""
    article = fetch.article
    conn.execute(
        "UPDATE articles SET first_seen_at = min(first_seen_at, ?), "
        "last_seen_at = max(last_seen_at, ?) WHERE id = ?",
        (seen_at, seen_at, article_id),
    )
    earlier = record_url(conn, article_id, fetch, seen_at)
    settled = attribution.settle(conn, article_id, article, seen_at)
    owner = settled.owner
    moved = settled.took_over_from is not None or owner.url != settled.url_before
    if moved:  # the previous owner's versions go on without this row
        versions.relink(conn, settled.outlet_before, (settled.url_before, settled.canonical_before))
    group: list[int] = []
    if moved or (earlier and article.outlet == owner.outlet):
        keys = {owner.url, owner.canonical_url, *_keys(article)}
        group = [v.id for v in versions.relink(conn, owner.outlet, keys)]
    linked = clusters.source_links(conn, article, article_id) | set(group)
    cluster_id = clusters.join(conn, article_id, linked)
    if settled.changed or earlier:
        cluster_id = clusters.rerank(conn, cluster_id)
    if settled.took_over_from is None or owner.outlet != article.outlet:
        return AddResult(AddOutcome.DUPLICATE, article_id, cluster_id)
    if len(group) > 1:  # the outlet already had another version of this article
        revision_of = _revision_of(conn, article_id)
        return AddResult(AddOutcome.REVISED, article_id, cluster_id, revision_of,
                         settled.took_over_from)  # fmt: skip
    return AddResult(AddOutcome.NEW, article_id, cluster_id, None, settled.took_over_from)


def _keys(article: Article) -> set[str]:
    return {u for u in (article.url, article.canonical_url) if u}


def _revision_of(conn: sqlite3.Connection, article_id: int) -> int | None:
    row = conn.execute("SELECT revision_of FROM articles WHERE id = ?", (article_id,)).fetchone()
    return int(row[0]) if row and row[0] is not None else None


def _article_values(fetch: Fetch, seen_at: str, digest: str) -> dict[str, Any]:
    article = fetch.article
    dated = article.published or seen_at
    return {
        "url": article.url,
        "canonical_url": article.canonical_url,
        "outlet": article.outlet,
        "text": article.text,
        "published": article.published,
        "published_precision": precision_name(article.published),
        "published_month": dated[:7],
        **attribution.metadata_values(article),
        "content_hash": digest,
        "word_count": len(article.text.split()),
        "status": fetch.status,
        "first_seen_at": seen_at,
        "last_seen_at": seen_at,
    }


def record_url(
    conn: sqlite3.Connection, article_id: int, fetch: Fetch, seen_at: str, new: bool = False
) -> bool:
    """Insert the (URL, article) claim, or merge this fetch into it: the newest fetch (by time,
    not by arrival) gives status, canonical URL, date and WARC record; the first fetch stays the
    first. True when the claim is new or now starts earlier (versions may need relinking).
    `new`: the row was just inserted, so it has no claim yet."""
    article, warc = fetch.article, fetch.warc
    old = (
        None
        if new
        else conn.execute(
            "SELECT first_seen_at, last_seen_at, published, canonical_url, source_url, role, "
            "warc_filename, warc_offset, warc_length, warc_record_id "
            "FROM article_urls WHERE url = ? AND article_id = ?",
            (article.url, article_id),
        ).fetchone()
    )
    copied = attribution.is_copy(article)
    claim = {
        "canonical_url": article.canonical_url,
        "status": fetch.status,
        "published": article.published,
        "source_url": article.source_url if copied else None,
        "role": attribution.COPY if copied else attribution.ORIGINAL,
        "warc_filename": warc.filename if warc else None,
        "warc_offset": warc.offset if warc else None,
        "warc_length": warc.length if warc else None,
        "warc_record_id": warc.record_id if warc else None,
    }
    if old is None:
        claim.update(url=article.url, article_id=article_id, outlet=article.outlet,
                     first_seen_at=seen_at, last_seen_at=seen_at,
                     published_precision=precision_name(article.published))  # fmt: skip
        names = ", ".join(claim)
        conn.execute(f"INSERT INTO article_urls ({names}) VALUES ({', '.join('?' * len(claim))})",
                     list(claim.values()))  # fmt: skip
        return True
    merged = _merge_claim(old, claim, newest=seen_at >= old[1])
    merged.update(first_seen_at=min(old[0], seen_at), last_seen_at=max(old[1], seen_at))
    assignments = ", ".join(f"{name} = ?" for name in merged)
    conn.execute(
        f"UPDATE article_urls SET {assignments}, fetch_count = fetch_count + 1 "
        "WHERE url = ? AND article_id = ?",
        [*merged.values(), article.url, article_id],
    )
    return seen_at < old[0]


def _merge_claim(old: tuple[Any, ...], fetched: dict[str, Any], newest: bool) -> dict[str, Any]:
    _, _, published, canonical, source, role, *warc = old
    stored = {"published": published, "canonical_url": canonical, "source_url": source}
    merged: dict[str, Any] = {}
    for name, value in stored.items():
        first, other = (fetched[name], value) if newest else (value, fetched[name])
        merged[name] = first or other
    if fetched["published"] and published:
        pair = (fetched["published"], published)
        merged["published"] = more_precise(*(pair if newest else pair[::-1]))
    merged["published_precision"] = precision_name(merged["published"])
    merged["role"] = attribution.COPY if attribution.COPY in (role, fetched["role"]) else role
    if newest:
        merged["status"] = fetched["status"]
    warc_names = ("warc_filename", "warc_offset", "warc_length", "warc_record_id")
    if fetched["warc_filename"] and (newest or not warc[0]):
        merged.update((name, fetched[name]) for name in warc_names)
    return merged
