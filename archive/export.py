"""Streaming exports of the archive: JSONL, CSV, Parquet, or one text file per article.

Rows are read in batches from one cursor and written as they come, so memory does not grow with
the archive. Every format carries the same columns (`EXPORT_COLUMNS`); JSONL, CSV and Parquet also
carry `urls`, every URL that served the article (in CSV, like `authors` and `tags`, a JSON list).

An export is written under a temporary name and renamed into place once complete
(`archive/output.py`): an interrupted or failed export leaves nothing that looks finished, an
existing file is replaced only with `force`, and an SQLite database never.
"""

from __future__ import annotations

import csv
import json
import logging
import sys
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tqdm import tqdm

from archive.db import Archive
from archive.errors import ExportError
from archive.names import article_filename, safe_join
from archive.output import atomic_directory, atomic_file, check_target

log = logging.getLogger(__name__)

FORMATS = ("jsonl", "csv", "parquet", "txt")
EXPORT_COLUMNS: tuple[str, ...] = (
    "id", "outlet", "url", "canonical_url", "original_outlet", "source_url", "title", "text",
    "language", "published", "published_precision", "authors", "section", "tags", "image",
    "description", "content_hash", "cluster_id", "revision_of", "word_count", "first_seen_at",
    "last_seen_at",
)  # fmt: skip
LIST_COLUMNS = ("authors", "tags")
SUFFIXES = {".jsonl": "jsonl", ".csv": "csv", ".parquet": "parquet"}
_PARQUET_BATCH = 1000


@dataclass(frozen=True)
class Filters:
    """Which articles to export (all latest versions by default)."""

    outlet: str | None = None
    language: str | None = None
    since: str | None = None
    until: str | None = None
    search: str | None = None


@dataclass
class ExportSummary:
    """What an export wrote."""

    format: str
    out: Path
    count: int = 0
    by_outlet: Counter[str] = field(default_factory=Counter)
    by_language: Counter[str] = field(default_factory=Counter)
    by_month: Counter[str] = field(default_factory=Counter)
    clusters: set[int] = field(default_factory=set)

    def note(self, row: dict[str, Any]) -> None:
        self.count += 1
        self.by_outlet[row["outlet"]] += 1
        self.by_language[row["language"] or "unknown"] += 1
        self.by_month[(row["published"] or row["first_seen_at"] or "unknown")[:7]] += 1
        if row["cluster_id"] is not None:
            self.clusters.add(row["cluster_id"])


def format_of(out: Path) -> str | None:
    """The format `out` names: its extension (`corpus.csv`: csv), txt for an existing directory,
    None when it says nothing."""
    if out.is_dir():
        return "txt"
    return SUFFIXES.get(out.suffix.lower())


def export(
    archive: Archive,
    fmt: str,
    out: Path,
    filters: Filters = Filters(),
    progress: bool = False,
    force: bool = False,
) -> ExportSummary:
    """Write the filtered latest articles to `out` (a file, or a directory for `txt`); an
    existing `out` is replaced only with `force`."""
    if fmt not in FORMATS:
        raise ExportError(f"unknown export format {fmt!r}; choose one of {', '.join(FORMATS)}")
    _prepare(out, fmt)
    check_target(out, force=force, archive=archive.path)
    if fmt == "txt" and out.exists() and any(out.iterdir()) and not force:
        raise ExportError(f"{out} is not empty; add --force to replace it")
    summary = ExportSummary(fmt, out)
    args = (filters.outlet, filters.language, filters.since, filters.until, filters.search)
    total = archive.count(*args)
    with tqdm(total=total, unit="article", file=sys.stderr, disable=not progress) as bar:

        def rows() -> Iterator[dict[str, Any]]:
            for row in archive.rows(*args):
                record = _record(row)
                summary.note(record)
                bar.update(1)
                yield record

        try:
            with _staged(out, fmt) as partial:
                WRITERS[fmt](archive, rows(), partial)
        except OSError as error:
            raise ExportError(f"cannot write export {out}: {error.strerror or error}") from error
    log.info("exported %d articles to %s (%s)", summary.count, out, fmt)
    return summary


def _prepare(out: Path, fmt: str) -> None:
    if fmt == "txt" and out.exists() and not out.is_dir():
        raise ExportError(f"txt export needs a directory: {out} is a file")
    if fmt != "txt" and out.is_dir():
        raise ExportError(f"{fmt} export needs a file path: {out} is a directory")
    parent = out.parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise ExportError(f"cannot create {parent}: {error.strerror or error}") from error


def _staged(out: Path, fmt: str) -> AbstractContextManager[Path]:
    """Where the writer writes: a temporary file or folder that becomes `out` once complete."""
    return atomic_directory(out, replaceable=["index.jsonl"]) if fmt == "txt" else atomic_file(out)


def _record(row: dict[str, Any]) -> dict[str, Any]:
    record = {name: row[name] for name in EXPORT_COLUMNS}
    for name in LIST_COLUMNS:
        record[name] = json.loads(row[name] or "[]")
    return record


def _write_jsonl(archive: Archive, rows: Iterator[dict[str, Any]], out: Path) -> None:
    with out.open("w", encoding="utf-8") as handle:
        for row in rows:
            row["urls"] = archive.urls_of(row["id"])
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")


def _write_csv(archive: Archive, rows: Iterator[dict[str, Any]], out: Path) -> None:
    with out.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=(*EXPORT_COLUMNS, "urls"))
        writer.writeheader()
        for row in rows:
            row["urls"] = archive.urls_of(row["id"])
            for name in (*LIST_COLUMNS, "urls"):
                row[name] = json.dumps(row[name], ensure_ascii=False)
            writer.writerow(row)


def _write_parquet(archive: Archive, rows: Iterator[dict[str, Any]], out: Path) -> None:
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError as error:  # pragma: no cover - pyarrow is in the export extra
        raise ExportError("parquet export needs pyarrow: pip install 'akhbar[export]'") from error
    schema = parquet_schema()
    with pq.ParquetWriter(str(out), schema, compression="zstd") as writer:
        batch: list[dict[str, Any]] = []
        for row in rows:
            row["urls"] = archive.urls_of(row["id"])
            batch.append(row)
            if len(batch) >= _PARQUET_BATCH:
                writer.write_table(pa.Table.from_pylist(batch, schema=schema))
                batch.clear()
        writer.write_table(pa.Table.from_pylist(batch, schema=schema))


def parquet_schema() -> Any:
    import pyarrow as pa

    integers = {"id", "cluster_id", "revision_of", "word_count"}
    fields = [
        pa.field(name, pa.list_(pa.string()) if name in LIST_COLUMNS
                 else pa.int64() if name in integers else pa.string())
        for name in EXPORT_COLUMNS
    ]  # fmt: skip
    return pa.schema([*fields, pa.field("urls", pa.list_(pa.string()))])


def _write_txt(archive: Archive, rows: Iterator[dict[str, Any]], out: Path) -> None:
    """One `<outlet>/<date>-<hash>-<title>.txt` per article (title, blank line, text), plus
    `index.jsonl` with each file's metadata."""
    with (out / "index.jsonl").open("w", encoding="utf-8") as index:
        for row in rows:
            name = article_filename(
                row["outlet"],
                row["published"] or row["first_seen_at"],
                row["content_hash"],
                row["title"],
            )
            path = safe_join(out, name)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(f"{row['title'] or ''}\n\n{row['text']}\n", encoding="utf-8")
            meta = {key: value for key, value in row.items() if key != "text"}
            index.write(json.dumps({"file": name, **meta}, ensure_ascii=False) + "\n")


WRITERS: dict[str, Callable[[Archive, Iterator[dict[str, Any]], Path], None]] = {
    "jsonl": _write_jsonl,
    "csv": _write_csv,
    "parquet": _write_parquet,
    "txt": _write_txt,
}
