"""Exports round-trip the archive's rows in every format; txt names never escape OUT."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
from conftest import article

from archive.card import card_path, write_card
from archive.db import Archive
from archive.errors import ExportError
from archive.export import EXPORT_COLUMNS, FORMATS, Filters, export
from archive.names import article_filename, safe_join, slug


def expected_rows(archive: Archive, **filters: Any) -> list[dict[str, Any]]:
    rows = []
    for row in archive.rows(**filters):
        record = {name: row[name] for name in EXPORT_COLUMNS}
        record["authors"] = json.loads(row["authors"])
        record["tags"] = json.loads(row["tags"])
        rows.append(record)
    return rows


def read_back(fmt: str, out: Path) -> list[dict[str, Any]]:
    if fmt == "jsonl":
        return [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    if fmt == "parquet":
        return pq.read_table(out).to_pylist()
    if fmt == "csv":
        with out.open(encoding="utf-8", newline="") as handle:
            rows: list[dict[str, Any]] = list(csv.DictReader(handle))
        integers = {"id", "cluster_id", "revision_of", "word_count"}
        for row in rows:
            for name, value in row.items():
                row[name] = (int(value) if name in integers else value) if value != "" else None
            row["authors"], row["tags"] = json.loads(row["authors"]), json.loads(row["tags"])
        return rows
    rows = [json.loads(line) for line in (out / "index.jsonl").read_text().splitlines()]
    for row in rows:
        title, _, text = (out / row.pop("file")).read_text(encoding="utf-8").partition("\n\n")
        assert title == row["title"]
        row["text"] = text.removesuffix("\n")
    return rows


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_round_trips_the_rows(filled: Archive, tmp_path: Path, fmt: str) -> None:
    out = tmp_path / ("corpus" if fmt == "txt" else f"corpus.{fmt}")
    summary = export(filled, fmt, out)
    expected = expected_rows(filled)
    got = read_back(fmt, out)
    assert summary.count == len(expected) == 4
    for want, row in zip(expected, got, strict=True):
        urls = row.pop("urls", None)
        assert row == want
        if fmt in ("jsonl", "parquet"):
            assert urls == filled.urls_of(want["id"])
    assert summary.by_language == {"fr": 3, "ar": 1}


def test_filters_and_summary(filled: Archive, tmp_path: Path) -> None:
    out = tmp_path / "fr.jsonl"
    summary = export(filled, "jsonl", out, Filters(language="fr", search="intelligence"))
    assert summary.by_outlet == {"lematin": 1, "aggregator": 1}
    assert [r["outlet"] for r in read_back("jsonl", out)] == ["lematin", "aggregator"]
    first = read_back("jsonl", out)[0]
    assert first["urls"] == ["https://lematin.example/ia-benguerir",
                             "https://lematin.example/ia-benguerir?utm_source=x"]  # fmt: skip
    assert {"outlet", "url", "published", "language", "content_hash", "cluster_id"} <= set(first)


def test_corpus_card(filled: Archive, tmp_path: Path) -> None:
    out = tmp_path / "corpus.csv"
    summary = export(filled, "csv", out)
    card = write_card(filled, summary, Filters(), card_path(out, "csv"))
    assert card == tmp_path / "corpus.card.md"
    text = card.read_text()
    assert "| lematin | 1 |" in text and "| ar | 1 |" in text and "| 2025-02 | 2 |" in text
    assert "articles served at more than one URL: 1" in text
    assert "Near-duplicates: 1 latest articles in a cluster another article represents" in text
    assert "Stories carried by several outlets: 1" in text


HOSTILE_TITLES = [
    "../../../../etc/passwd",
    "/etc/shadow",
    "..",
    "a\x00b/../../x",
    "C:\\Windows\\system32",
    "﻿" + "ن" * 400,  # very long, non-Latin
    "كِتَابٌ جَمِيلٌ : الجزء الأول",
    "Ça coûte 3 € — « pas cher » ?",
    "",
    "\n\t",
    "CON",
]


@pytest.mark.parametrize("title", HOSTILE_TITLES)
def test_txt_names_are_safe(title: str, tmp_path: Path) -> None:
    name = article_filename("../../" + title, "2025-01-01T00:00:00Z", "ab" * 32, title)
    folder, _, file = name.partition("/")
    assert "/" not in file and "\\" not in name and "\x00" not in name and ".." not in name
    assert not name.startswith("/") and file.endswith(".txt")
    assert len(file.encode()) <= 200 and len(folder.encode()) <= 60
    assert safe_join(tmp_path, name).is_relative_to(tmp_path.resolve())


def test_txt_names_are_stable_and_readable() -> None:
    name = article_filename("hespress-ar", "2025-03-15T20:00:00Z", "0123456789abcdef" * 4,
                            "كِتَابٌ جَمِيلٌ")  # fmt: skip
    assert name == "hespress-ar/2025-03-15-0123456789ab-كتاب-جميل.txt"
    assert slug("Ça coûte 3 € !") == "ça-coûte-3"
    assert article_filename("x", None, "f" * 64, None) == "x/undated-ffffffffffff.txt"


@pytest.mark.parametrize("bad", ["../outside.txt", "/etc/passwd", "a/\x00/b", "a/../../b"])
def test_safe_join_refuses_escapes(tmp_path: Path, bad: str) -> None:
    with pytest.raises(ExportError, match="refusing to write"):
        safe_join(tmp_path / "out", bad)


def test_txt_export_of_hostile_titles_stays_inside(archive: Archive, tmp_path: Path) -> None:
    for index, title in enumerate(HOSTILE_TITLES):
        archive.add(
            article(
                url=f"https://x.example/{index}",
                canonical_url=None,
                title=title,
                outlet="../" + title[:20],
                text=f"Texte {index} " * 30,
            )
        )
    out = tmp_path / "out"
    summary = export(archive, "txt", out)
    assert summary.count == len(HOSTILE_TITLES)
    written = [
        p for p in tmp_path.rglob("*") if p.is_file() and not p.name.startswith("archive.db")
    ]
    assert len(written) == len(HOSTILE_TITLES) + 1  # + index.jsonl
    assert all(p.is_relative_to(out) for p in written)
    assert len(read_back("txt", out)) == len(HOSTILE_TITLES)


def test_export_errors(filled: Archive, tmp_path: Path) -> None:
    with pytest.raises(ExportError, match="unknown export format 'xml'"):
        export(filled, "xml", tmp_path / "x.xml")
    with pytest.raises(ExportError, match="needs a file path"):
        export(filled, "jsonl", tmp_path)
    (tmp_path / "file").write_text("x")
    with pytest.raises(ExportError, match="needs a directory"):
        export(filled, "txt", tmp_path / "file")
