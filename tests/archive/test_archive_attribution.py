"""Attribution does not depend on crawl order: the original outlet owns its article, copies point
to it, dates keep their precision, and the same pages in any order make the same archive."""

from __future__ import annotations

import json
import random
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from attribution_pages import SAME_URL_LATER, E, H, M, Page, pages

from archive.db import Archive, Fetch
from archive.export import export
from archive.records import AddOutcome, OutcomeTally

SEEDS = range(24)


def by_name() -> dict[str, Page]:
    return {page.name: page for page in pages()}


def ingest(path: Path, order: list[Page], rng: random.Random, timed: bool = True) -> Counter[str]:
    """Add the pages in this order, in batches of 1 to 4; per-outlet counts as a crawl makes them.
    `timed`: each page keeps its own fetch time; else pages are fetched in arrival order."""
    tally, counts = OutcomeTally(), Counter[str]()
    with Archive(path) as archive:
        index = 0
        while index < len(order):
            batch = order[index : index + rng.randint(1, 4)]
            fetches = [
                Fetch(p.article, fetched_at=p.fetched_at if timed else f"2026-01-01T00:{i:02d}:00Z")
                for i, p in enumerate(batch, start=index)
            ]
            for page, result in zip(batch, archive.add_many(fetches), strict=True):
                for outlet, outcome, change in tally.count(page.article.outlet, result):
                    counts[f"{outlet} {outcome.value}"] += change
            index += len(batch)
    return +counts


def snapshot(path: Path, tmp: Path, timed: bool = True) -> dict[str, Any]:
    """What users read, with row ids (arrival numbers) replaced by the text's content hash."""
    with Archive(path, readonly=True) as archive:
        conn = archive.conn
        hashes = dict(conn.execute("SELECT id, content_hash FROM articles"))
        skip = {"id", "text"} | (set() if timed else {"first_seen_at", "last_seen_at"})
        ids = ("cluster_id", "revision_of", "superseded_by", "near_duplicate_of")
        rows = {}
        for row in archive.rows(latest_only=False):
            rows[row["content_hash"]] = {
                k: hashes.get(v) if k in ids else v for k, v in row.items() if k not in skip
            }
        urls = sorted(
            (hashes[r[0]], *r[1:])
            for r in conn.execute(
                "SELECT article_id, url, outlet, role, canonical_url, published, "
                "published_precision, source_url, status"
                + (", first_seen_at, last_seen_at, fetch_count" if timed else "")
                + " FROM article_urls"
            )
        )
        untimed = set() if timed else {"first_seen", "last_seen"}  # undated: the fetch time
        stories = sorted(
            json.dumps({**row, "cluster_id": hashes[row["cluster_id"]]}, sort_keys=True)
            for row in archive.db.query("SELECT * FROM stories")
            for row in [{k: v for k, v in row.items() if k not in untimed}]
        )
        stats = archive.stats()
        figures = (
            stats.articles,
            stats.versions,
            stats.urls,
            stats.clusters,
            stats.by_outlet,
            stats.by_language,
        ) + ((stats.first_seen_at, stats.last_seen_at) if timed else ())
        exports = {fmt: _export(archive, fmt, tmp / fmt, hashes, skip) for fmt in ("jsonl", "txt")}
    return {"rows": rows, "urls": urls, "stories": stories, "stats": figures, "exports": exports}


def _export(archive: Archive, fmt: str, out: Path, hashes: dict[int, str], skip: set[str]) -> Any:
    export(archive, fmt, out)
    index = out / "index.jsonl" if fmt == "txt" else out
    records = []
    for line in index.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        record["cluster_id"] = hashes[record["cluster_id"]]
        record["revision_of"] = hashes.get(record["revision_of"])
        if "first_seen_at" in skip and "urls" in record:
            record["urls"].sort()  # in the order first fetched: arrival order here
        records.append({k: v for k, v in record.items() if k not in skip})
    files = sorted(str(p.relative_to(out)) for p in out.rglob("*.txt")) if fmt == "txt" else []
    return sorted(records, key=lambda r: r["content_hash"]), files


def crawl_order(rng: random.Random) -> list[Page]:
    """A shuffle in which a URL's later version still comes after its earlier one."""
    order = pages()
    rng.shuffle(order)
    names = [p.name for p in order]
    for later, earlier in SAME_URL_LATER.items():
        if names.index(later) < names.index(earlier):
            i, j = names.index(later), names.index(earlier)
            order[i], order[j] = order[j], order[i]
            names[i], names[j] = names[j], names[i]
    return order


@pytest.mark.parametrize("timed", [True, False], ids=["fetch-times-kept", "fetched-in-order"])
def test_same_archive_whatever_the_arrival_order(tmp_path: Path, timed: bool) -> None:
    """Seeded shuffles of the same pages: equal rows, URLs, stories, stats, exports and counts.
    With their own fetch times the pages may arrive in any order (a queue, a replayed WARC); a
    crawl fetches in arrival order, where only a URL's versions keep their order."""
    results = []
    for seed in SEEDS:
        rng = random.Random(seed)
        order = rng.sample(pages(), len(pages())) if timed else crawl_order(rng)
        path = tmp_path / f"{seed}.db"
        counts = ingest(path, order, rng, timed)
        results.append((counts, snapshot(path, tmp_path / f"out-{seed}", timed)))
    reference_counts, reference = results[0]
    for seed, (counts, got) in zip(SEEDS, results, strict=True):
        assert counts == reference_counts, seed
        for part in reference:
            assert got[part] == reference[part], (seed, part)
    assert reference_counts == Counter({
        "blog new": 1, "ecoactu duplicate": 2, "ecoactu new": 1, "ecoactu revised": 1,
        "hespress new": 1, "le360 duplicate": 1, "maghress duplicate": 4, "maghress new": 2,
        "snrtnews new": 2,
    })  # fmt: skip


def test_the_original_owns_the_row_copy_first_or_not(tmp_path: Path) -> None:
    """Through `Archive.add`: whichever arrives first, the row is the original's."""
    page = by_name()
    copy, original = page["maghress copy"], page["ecoactu original"]
    for name, order in (("copy-first", [copy, original]), ("original-first", [original, copy])):
        with Archive(tmp_path / f"{name}.db") as archive:
            results = [archive.add(p.article, fetched_at=p.fetched_at) for p in order]
            (row,) = archive.articles()
            assert (row.outlet, row.url, row.published, row.published_precision) == (
                "ecoactu",
                original.article.url,
                "2020-12-17T09:45:00+01:00",
                "minute",
            )
            assert row.authors == ("Rédaction EcoActu",) and row.section == "Tech"
            assert (row.original_outlet, row.source_url) == (None, None)
            assert dict(archive.conn.execute("SELECT url, role FROM article_urls")) == {
                original.article.url: "original",
                copy.article.url: "copy",
            }
            assert archive.stats().by_outlet == {"ecoactu": 1}
            assert results[0].article_id == results[1].article_id  # the same row, taken over
    first, then = results
    assert (first.outcome, then.outcome, then.took_over_from) == (
        AddOutcome.NEW, AddOutcome.DUPLICATE, None)  # fmt: skip


def test_takeover_is_counted_as_the_originals_new_article(tmp_path: Path) -> None:
    page = by_name()
    tally, counts = OutcomeTally(), Counter[str]()
    with Archive(tmp_path / "a.db") as archive:
        for p in (page["maghress copy"], page["ecoactu original"]):
            result = archive.add(p.article, fetched_at=p.fetched_at)
            for outlet, outcome, change in tally.count(p.article.outlet, result):
                counts[f"{outlet} {outcome.value}"] += change
    assert result.took_over_from == "maghress" and result.outcome is AddOutcome.NEW
    assert +counts == Counter({"ecoactu new": 1, "maghress duplicate": 1})


def test_a_corrected_original_after_its_copy(tmp_path: Path) -> None:
    """Copy first, then the corrected original, then the first version of the original: the
    original's two versions form one chain, the copy points at the first."""
    page = by_name()
    with Archive(tmp_path / "a.db") as archive:
        for name in ("maghress copy", "maghress copy corrected", "ecoactu corrected",
                     "ecoactu original"):  # fmt: skip
            archive.add(page[name].article, fetched_at=page[name].fetched_at)
        rows = {a.text[-40:]: a for a in archive.articles(latest_only=False)}
        old, new = (
            rows[page[n].article.text[-40:]] for n in ("ecoactu original", "ecoactu corrected")
        )
        assert (old.outlet, new.outlet) == ("ecoactu", "ecoactu")
        assert (old.superseded_by, new.revision_of, old.is_latest, new.is_latest) == (
            new.id, old.id, False, True)  # fmt: skip
        assert old.cluster_id == new.cluster_id == old.id  # the first version represents it
        assert [a.outlet for a in archive.articles()] == ["ecoactu"]
        roles = dict(
            archive.conn.execute("SELECT url || ' ' || article_id, role FROM article_urls")
        )
        assert roles == {f"{M}/fr/ecoactu/5170263 {old.id}": "copy",
                         f"{M}/fr/ecoactu/5170263 {new.id}": "copy",
                         f"{E}/stockage-data/ {old.id}": "original",
                         f"{E}/stockage-data/ {new.id}": "original"}  # fmt: skip


def test_cluster_representative_is_the_original(tmp_path: Path) -> None:
    """The aggregator's copy differs by a line and arrives first: the original, stored later,
    represents the cluster and the copy points at it."""
    page = by_name()
    with Archive(tmp_path / "a.db") as archive:
        copy = archive.add(page["maghress copy of hespress"].article)
        original = archive.add(page["hespress original"].article)
        assert original.outcome is AddOutcome.NEW and copy.article_id != original.article_id
        near = dict(archive.conn.execute("SELECT id, near_duplicate_of FROM articles"))
        clusters = {row[0] for row in archive.conn.execute("SELECT cluster_id FROM articles")}
    assert clusters == {original.article_id}
    assert near == {copy.article_id: original.article_id, original.article_id: None}


@pytest.mark.parametrize("copy_first", [True, False])
def test_stories_first_outlet_and_time_when_the_copy_has_only_a_day(
    tmp_path: Path, copy_first: bool
) -> None:
    page = by_name()
    order = ["maghress copy", "ecoactu original", "le360 wire", "snrtnews wire",
             "maghress copy of the blog", "blog undated", "maghress copy of hespress",
             "hespress original"]  # fmt: skip
    with Archive(tmp_path / "a.db") as archive:
        for name in order if copy_first else order[::-1]:
            archive.add(page[name].article, fetched_at=page[name].fetched_at)
        stories = {row["first_outlet"]: row for row in archive.db.query("SELECT * FROM stories")}
    assert set(stories) == {"ecoactu", "snrtnews", "blog", "hespress"}
    ecoactu = stories["ecoactu"]
    assert (ecoactu["first_url"], ecoactu["first_seen"], ecoactu["last_seen"]) == (
        f"{E}/stockage-data/",
        "2020-12-17 08:45:00",
        "2020-12-17",
    )  # the copy's bare day
    assert stories["snrtnews"]["first_seen"] == "2025-02-07 08:30:00"  # before le360's 09:00
    assert stories["blog"]["first_url"] == page["blog undated"].article.url  # undated original
    assert stories["hespress"]["outlet_list"].split(",") == ["hespress", "maghress"]
    assert stories["hespress"]["first_url"] == f"{H}/platform-1471217.html"


def test_a_version_stored_after_a_newer_one_takes_its_place_in_time(tmp_path: Path) -> None:
    """A queue or a replayed WARC may deliver the corrected text first: the chain follows the
    fetch times, not the arrival order, and so do the outcomes' counts."""
    page = by_name()
    with Archive(tmp_path / "a.db") as archive:
        later = archive.add(page["ecoactu corrected"].article,
                            fetched_at=page["ecoactu corrected"].fetched_at)  # fmt: skip
        earlier = archive.add(page["ecoactu original"].article,
                              fetched_at=page["ecoactu original"].fetched_at)  # fmt: skip
        rows = {a.id: a for a in archive.articles(latest_only=False)}
    assert (later.outcome, earlier.outcome) == (AddOutcome.NEW, AddOutcome.REVISED)
    old, new = rows[earlier.article_id], rows[later.article_id]
    assert (old.is_latest, old.superseded_by, new.is_latest, new.revision_of) == (
        False, new.id, True, old.id)  # fmt: skip
