"""The corpus card: a markdown data sheet written beside an export (`akhbar export --card`)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from archive import neardup
from archive.db import Archive
from archive.export import ExportSummary, Filters
from archive.output import atomic_file
from archive.timeutil import utc_now


def card_path(out: Path, fmt: str) -> Path:
    """`corpus.jsonl` -> `corpus.card.md`; a txt directory gets `CARD.md` inside it."""
    return out / "CARD.md" if fmt == "txt" else out.with_name(f"{out.stem}.card.md")


def _table(title: str, counts: Counter[str], key: str) -> list[str]:
    lines = [f"## {title}", "", f"| {key} | articles |", "|---|---:|"]
    lines += [f"| {name} | {count} |" for name, count in sorted(counts.items())]
    return [*lines, ""]


def write_card(archive: Archive, summary: ExportSummary, filters: Filters, path: Path) -> Path:
    """Counts by outlet, language and month, and the archive's dedup figures."""
    one = archive._scalar
    versions = one("SELECT count(*) FROM articles")
    latest = one("SELECT count(*) FROM articles WHERE is_latest = 1")
    url_rows = one("SELECT count(*) FROM article_urls")
    exact = one(
        "SELECT count(*) FROM (SELECT article_id FROM article_urls GROUP BY article_id "
        "HAVING count(*) > 1)"
    )
    near = one(
        "SELECT count(*) FROM articles WHERE is_latest = 1 AND near_duplicate_of IS NOT NULL"
    )
    stories = one("SELECT count(*) FROM stories")
    params = neardup.lsh_parameters()
    chosen = {k: v for k, v in vars(filters).items() if v is not None}
    lines = [
        f"# Corpus card: {summary.out.name}",
        "",
        f"- Exported: {utc_now()} from `{archive.path.name}` (schema version "
        f"{archive.schema_version}), format `{summary.format}`",
        f"- Filters: {', '.join(f'{k}={v}' for k, v in chosen.items()) or 'none'}",
        f"- Articles: {summary.count} (latest version of each text), "
        f"in {len(summary.clusters)} near-duplicate clusters",
        "",
        *_table("By outlet", summary.by_outlet, "outlet"),
        *_table("By language", summary.by_language, "language"),
        *_table("By month (publication, else first seen)", summary.by_month, "month"),
        "## Deduplication (whole archive)",
        "",
        "- Identity: SHA-256 of the text after Unicode NFKC and whitespace collapsing; the same",
        "  text served at several URLs is stored once, with every URL recorded.",
        f"- Stored texts: {versions}; latest versions: {latest}; revisions superseded: "
        f"{versions - latest}",
        f"- URL records: {url_rows}; articles served at more than one URL: {exact}",
        f"- Near-duplicates: {near} latest articles in a cluster another article represents "
        f"(MinHash {params['num_perm']} permutations over {params['shingle_words']}-word "
        f"shingles, LSH {params['bands']} bands x {params['rows']} rows, estimated Jaccard "
        f">= {params['threshold']})",
        f"- Stories carried by several outlets: {stories}",
        "",
    ]
    with atomic_file(path) as partial:
        partial.write_text("\n".join(lines), encoding="utf-8")
    return path
