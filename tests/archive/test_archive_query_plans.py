"""Adding an article costs the same in a large archive as in a small one: every statement the
ingest runs finds its rows through an index, never by reading a whole table.

The statements are the ones SQLite really ran (its trace) while adding originals, aggregator
copies, tracking and AMP variants, a corrected original, and near-duplicates whose clusters
merge; each is checked with EXPLAIN QUERY PLAN.
"""

from __future__ import annotations

import re
from pathlib import Path

from archive_neardup_set import labelled_set
from attribution_pages import pages

from archive.db import Archive, Fetch
from archive.models import Article

# Tables that grow with the archive (run records and schema bookkeeping do not)
GROWING = ("articles", "article_urls", "article_minhashes", "minhash_buckets")
_FULL_SCAN = re.compile(r"\bSCAN (\w+)")


def traced_statements(path: Path) -> set[str]:
    statements: set[str] = set()
    with Archive(path) as archive:
        archive.conn.set_trace_callback(statements.add)  # SQL with its values filled in
        for page in pages():
            archive.add_many([Fetch(page.article, fetched_at=page.fetched_at)])
        for index, doc in enumerate(labelled_set()):
            url = f"https://outlet{index}.example/{doc.story}/{doc.variant}"
            archive.add(Article(url=url, title=doc.story, text=doc.text, outlet=f"o{index}"))
        archive.conn.set_trace_callback(None)
    # A plain INSERT ... VALUES finds nothing; its plan lists the foreign-key look-ups for the
    # new row, which SQLite skips at run time while no constraint is pending.
    return {s for s in statements if re.match(r"\s*(SELECT|UPDATE|DELETE|WITH)", s, re.I)}


def full_scans(archive: Archive, statement: str) -> list[str]:
    plan = archive.conn.execute(f"EXPLAIN QUERY PLAN {statement}").fetchall()
    scanned = (m.group(1) for row in plan for m in [_FULL_SCAN.search(row[-1])] if m)
    return [table for table in scanned if table in GROWING]


def test_adding_articles_never_reads_a_whole_table(tmp_path: Path) -> None:
    statements = traced_statements(tmp_path / "a.db")
    assert len(statements) > 20  # the trace saw the ingest
    with Archive(tmp_path / "a.db") as archive:
        scans = {s[:160]: full_scans(archive, s) for s in statements}
    assert {s: t for s, t in scans.items() if t} == {}


def test_a_statement_with_a_full_scan_is_caught(tmp_path: Path) -> None:
    with Archive(tmp_path / "a.db") as archive:
        scan = "UPDATE articles SET cluster_id = 1 WHERE cluster_id IN () OR id = 3"
        assert full_scans(archive, scan) == ["articles"]
        assert full_scans(archive, "UPDATE articles SET cluster_id = 1 WHERE id = 3") == []
