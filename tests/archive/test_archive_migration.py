"""Migration 9 on an archive written by akhbar before attribution (schema version 7): the rows
its aggregator's copies took are given back to the original outlets, as a fresh archive of the
same pages would have them."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from attribution_pages import E, pages

from archive.db import Archive
from archive.schema import SCHEMA_VERSION

FIXTURE = Path(__file__).parent / "fixtures" / "v7-copies-first.db"  # make_v7_archive.py
COLUMNS = (
    *("outlet", "url", "canonical_url", "published", "published_precision", "is_latest"),
    *("original_outlet", "source_url", "similarity", "first_seen_at", "last_seen_at"),
)
LINKS = ("revision_of", "superseded_by", "cluster_id", "near_duplicate_of")


def attribution(path: Path) -> dict[str, Any]:
    """Who owns what, with row ids replaced by content hashes."""
    with Archive(path, readonly=True) as archive:
        conn = archive.conn
        hashes = dict(conn.execute("SELECT id, content_hash FROM articles"))
        rows = {
            row["content_hash"]: {
                **{k: row[k] for k in COLUMNS},
                **{k: hashes.get(row[k]) for k in LINKS},
            }
            for row in archive.rows(latest_only=False)
        }
        claims = sorted(
            (hashes[r[0]], *r[1:])
            for r in conn.execute(
                "SELECT article_id, url, outlet, role, published_precision, source_url "
                "FROM article_urls"
            )
        )
        stories = sorted(
            json.dumps({**r, "cluster_id": hashes[r["cluster_id"]]}, sort_keys=True)
            for r in archive.db.query("SELECT * FROM stories")
        )
        return {"rows": rows, "claims": claims, "stories": stories,
                "by_outlet": archive.stats().by_outlet}  # fmt: skip


def test_version_7_archive_is_reattributed_like_a_fresh_one(tmp_path: Path) -> None:
    old = tmp_path / "old.db"
    shutil.copy(FIXTURE, old)
    with Archive(old, readonly=True) as before:
        assert before.schema_version == 7
        assert before.stats().by_outlet == {"maghress": 5, "hespress": 1, "le360": 1}
    with Archive(old) as archive:
        assert archive.schema_version == SCHEMA_VERSION
        assert [r.status for r in archive.runs()] == ["ok"]
    fresh = tmp_path / "fresh.db"
    with Archive(fresh) as archive:
        for page in sorted(pages(), key=lambda p: p.fetched_at):
            archive.add(page.article, fetched_at=page.fetched_at)
    migrated = attribution(old)
    assert migrated == attribution(fresh)
    assert migrated["by_outlet"] == {"maghress": 2, "snrtnews": 2, "blog": 1, "ecoactu": 1,
                                     "hespress": 1}  # fmt: skip


def test_metadata_the_old_archive_never_stored_comes_back_with_a_refetch(tmp_path: Path) -> None:
    """The migration can only move what was stored: the original's authors and section come
    with its next fetch (`akhbar crawl --refresh`, `akhbar reextract`)."""
    old = tmp_path / "old.db"
    shutil.copy(FIXTURE, old)
    original = next(p for p in pages() if p.name == "ecoactu corrected").article
    with Archive(old) as archive:
        (row,) = archive.articles(outlet="ecoactu")
        assert (row.url, row.authors, row.section) == (f"{E}/stockage-data/", (), None)
        archive.add(original, fetched_at="2020-12-18T10:00:00Z")
        (row,) = archive.articles(outlet="ecoactu")
        assert (row.authors, row.section) == (("Rédaction EcoActu",), "Tech")
