"""`akhbar ingest-warc`: CC-NEWS-style WARC files (response records only, gzip per record)."""

from __future__ import annotations

import gzip
import sqlite3
import tracemalloc
from io import BytesIO
from pathlib import Path

from click.testing import CliRunner
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from crawler.cli.scale import ingest_warc
from crawler.scale.warc import ReadCounts, read_responses

from .fixture_site import article_html

OUTLETS = """
[[outlet]]
name = "journal-test"
title = "Le Journal de test"
home = "https://journal.example.ma/"
languages = ["fr"]
domains = ["journal.example.ma"]
article_pattern = '/articles/'
"""


def _response(
    writer: WARCWriter,
    url: str,
    body: bytes,
    media: str = "text/html; charset=utf-8",
    status: str = "200 OK",
    gzipped: bool = False,
) -> None:
    headers = [("Content-Type", media)]
    if gzipped:
        body = gzip.compress(body)
        headers.append(("Content-Encoding", "gzip"))
    headers.append(("Content-Length", str(len(body))))
    record = writer.create_warc_record(
        url,
        "response",
        payload=BytesIO(body),
        length=len(body),
        http_headers=StatusAndHeaders(status, headers, protocol="HTTP/1.1"),
    )
    writer.write_record(record)


def cc_news_file(path: Path, *, truncated: bool) -> None:
    """Declared and undeclared domains, non-HTML, an error page, a gzip-encoded page; optionally
    a last record cut in the middle, as a download that stopped."""
    with path.open("wb") as handle:
        writer = WARCWriter(handle, gzip=True)
        for n in range(4):
            _response(
                writer,
                f"https://journal.example.ma/articles/{n}",
                article_html(n).encode(),
                gzipped=n == 3,
            )
            _response(
                writer, f"https://other.example.com/articles/{n}", article_html(50 + n).encode()
            )
        _response(
            writer,
            "https://journal.example.ma/articles/photo.png",
            b"\x89PNG....",
            media="image/png",
        )
        _response(
            writer, "https://journal.example.ma/articles/gone", b"gone", status="404 Not Found"
        )
        _response(writer, "https://journal.example.ma/about", article_html(70).encode())
    if truncated:
        whole = path.read_bytes()
        extra = BytesIO()
        _response(
            WARCWriter(extra, gzip=True),
            "https://journal.example.ma/articles/9",
            article_html(9).encode(),
        )
        path.write_bytes(whole + extra.getvalue()[: len(extra.getvalue()) // 2])


def test_ingest_warc_keeps_declared_outlets_only(tmp_path: Path) -> None:
    outlets = tmp_path / "outlets.toml"
    outlets.write_text(OUTLETS, encoding="utf-8")
    damaged, clean = tmp_path / "cc-news-1.warc.gz", tmp_path / "cc-news-2.warc.gz"
    cc_news_file(damaged, truncated=True)
    cc_news_file(clean, truncated=False)
    archive = tmp_path / "archive.db"
    args = [str(damaged), str(clean), "--archive", str(archive), "--outlets", str(outlets), "-q"]
    result = CliRunner().invoke(ingest_warc, [*args, "--workers", "1"], catch_exceptions=False)

    assert result.exit_code == 3, result.output  # partial: a file ends in a damaged record
    lines = result.output.splitlines()
    assert lines[0] == (
        "Ingested 2 WARC files, 23 records: 4 new, 0 revised, 4 unchanged, 0 duplicate, 0 refused"
    )
    assert lines[1] == "  skipped: http-status=2, not-an-article-url=2, not-html=2, not-wanted=8"
    assert lines[2].startswith(f"  damaged: {damaged.name}: damaged record")
    with sqlite3.connect(archive) as conn:
        rows = conn.execute("SELECT url, outlet, language FROM articles ORDER BY url").fetchall()
        pointers = conn.execute(
            "SELECT DISTINCT warc_filename FROM article_urls ORDER BY 1"
        ).fetchall()
    assert rows == [
        (f"https://journal.example.ma/articles/{n}", "journal-test", "fr") for n in range(4)
    ]
    assert pointers == [(damaged.name,)]  # the second file's copies were unchanged


def test_ingest_warc_needs_files() -> None:
    result = CliRunner().invoke(ingest_warc, [])
    assert result.exit_code == 2
    assert "Missing argument 'FILES...'" in result.output


def test_reading_streams_in_constant_memory(tmp_path: Path) -> None:
    path = tmp_path / "big.warc.gz"
    page = article_html(1).encode() * 40  # ~100 KB a record, 120 records
    with path.open("wb") as handle:
        writer = WARCWriter(handle, gzip=True)
        for n in range(120):
            _response(writer, f"https://journal.example.ma/articles/{n}", page)
    tracemalloc.start()
    with path.open("rb") as stream:
        sizes = [len(r.body) for r in read_responses(stream, path.name, ReadCounts())]
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert sum(sizes) == 120 * len(page) > 10_000_000
    assert peak < 4 * len(page) + 2_000_000  # a record or two at a time, not the file
