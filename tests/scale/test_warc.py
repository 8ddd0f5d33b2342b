"""WARC writing during a crawl, and `akhbar reextract` rebuilding the archive from it."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
from io import BytesIO
from pathlib import Path

from click.testing import CliRunner
from scrapy import Request
from scrapy.http import HtmlResponse
from warcio.archiveiterator import ArchiveIterator
from warcio.warcwriter import WARCWriter

from crawler.cli.scale import reextract
from crawler.scale.warc import ReadCounts, WarcDamaged, read_responses, response_record, warc_files

from .conftest import REPO, akhbar_crawl, article_rows
from .fixture_site import FixtureSite


def _crawl_with_warc(site: FixtureSite, archive: Path, warc: Path, max_size: int) -> None:
    """`akhbar crawl` of the fixture site into `archive`, WARC files rotated at `max_size`."""
    akhbar_crawl(
        "--sitemap", site.sitemap, "--archive", str(archive), "--warc", str(warc),
        "--set", f"WARC_MAX_SIZE={max_size}",
    )  # fmt: skip


def _records(directory: Path) -> list[tuple[str, str, str | None, str | None]]:
    """(type, target URI, record id, concurrent-to) of every record, digests checked."""
    found = []
    for path in warc_files(directory):
        with path.open("rb") as stream:
            for record in ArchiveIterator(stream, check_digests=True):
                headers = record.rec_headers
                found.append(
                    (
                        record.rec_type,
                        headers.get_header("WARC-Target-URI") or "",
                        headers.get_header("WARC-Record-ID"),
                        headers.get_header("WARC-Concurrent-To"),
                    )
                )
                record.content_stream().read()
    return found


def _pointed_record(directory: Path, name: str, offset: int, length: int) -> tuple[str, str]:
    """Read exactly the bytes an archive row points to: one gzip member, one WARC record."""
    with (directory / name).open("rb") as handle:
        handle.seek(offset)
        member = handle.read(length)
    record = next(iter(ArchiveIterator(BytesIO(member))))
    return record.rec_headers.get_header("WARC-Record-ID"), record.rec_headers.get_header(
        "WARC-Target-URI"
    )


def test_crawl_writes_every_exchange_and_rows_point_to_their_records(
    site: FixtureSite, tmp_path: Path
) -> None:
    warc = tmp_path / "warc"
    archive = tmp_path / "archive.db"
    _crawl_with_warc(site, archive, warc, max_size=8000)
    files = warc_files(warc)
    assert len(files) >= 3, "WARC_MAX_SIZE=8000 must rotate the files"
    records = _records(warc)
    assert sum(1 for r in records if r[0] == "warcinfo") == len(files)
    responses = {uri: rid for kind, uri, rid, _ in records if kind == "response"}
    requests = [(uri, to) for kind, uri, _, to in records if kind == "request"]
    fetched = {site.base + path for path in site.hits}
    assert set(responses) == fetched  # robots.txt, the sitemap, 13 pages: all kept
    assert sorted(requests) == sorted((uri, responses[uri]) for uri in responses)
    with sqlite3.connect(archive) as conn:
        rows = conn.execute(
            "SELECT url, warc_filename, warc_offset, warc_length, warc_record_id FROM article_urls"
        ).fetchall()
    assert len(rows) == 12
    for url, name, offset, length, record_id in rows:
        assert _pointed_record(warc, name, offset, length) == (record_id, url)
        assert responses[url] == record_id


def test_reextract_rebuilds_a_deleted_archive_identically(
    site: FixtureSite, tmp_path: Path
) -> None:
    warc, archive = tmp_path / "warc", tmp_path / "archive.db"
    _crawl_with_warc(site, archive, warc, max_size=20000)
    crawled = article_rows(archive)
    assert len(crawled) == 12
    for path in tmp_path.glob("archive.db*"):
        path.unlink()
    hits_before = sum(site.hits.values())

    runner = CliRunner()
    args = ["--archive", str(archive), "--warc", str(warc), "--workers", "1"]
    first = runner.invoke(reextract, args, catch_exceptions=False)
    assert first.exit_code == 0, first.output
    assert "12 new, 0 revised, 0 unchanged, 0 duplicate, 1 refused" in first.output
    assert "refused: too-short=1" in first.output
    assert article_rows(archive) == crawled
    assert sum(site.hits.values()) == hits_before  # no network

    again = runner.invoke(reextract, args, catch_exceptions=False)
    assert "0 new, 0 revised, 12 unchanged, 0 duplicate, 1 refused" in again.output
    assert article_rows(archive) == crawled


def test_reextract_reports_revised_text(site: FixtureSite, tmp_path: Path) -> None:
    warc, archive = tmp_path / "warc", tmp_path / "archive.db"
    akhbar_crawl("--sitemap", site.sitemap, "--archive", str(archive), "--warc", str(warc))
    with sqlite3.connect(archive) as conn:  # as if an older extractor had kept a teaser line
        conn.execute(
            "UPDATE articles SET text = text || ' Lire aussi', content_hash = 'old' "
            "WHERE url LIKE '%/2-nouvelle.html'"
        )
    result = CliRunner().invoke(
        reextract, ["--archive", str(archive), "--warc", str(warc), "--workers", "1"]
    )
    assert "0 new, 1 revised, 11 unchanged" in result.output
    assert "revised: " + site.base + "/articles/2-nouvelle.html" in result.output


def test_reextract_fails_clearly_without_the_warc_directory(tmp_path: Path) -> None:
    result = CliRunner().invoke(reextract, ["--archive", str(tmp_path / "a.db"), "--warc", "nope"])
    assert result.exit_code == 2
    assert "Directory 'nope' does not exist" in result.output


KILLED_WRITER = """
import os, signal, sys
from pathlib import Path
from scrapy import Request
from scrapy.http import HtmlResponse
from crawler.scale.warc import WarcFiles, request_record, response_record
files = WarcFiles(Path(sys.argv[1]), 1 << 30)
for n in range(3):
    request = Request(f"http://news.example/{n}", meta={"outlet": "x", "kind": "article"})
    response = HtmlResponse(request.url, body=b"<html>%d</html>" % n, request=request)
    files.write(response_record(request, response), request_record(request))
os.kill(os.getpid(), signal.SIGKILL)
"""


def test_a_killed_writer_leaves_a_readable_file(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    done = subprocess.run(
        [sys.executable, "-c", KILLED_WRITER, str(tmp_path)], env=env, check=False
    )
    assert done.returncode == -signal.SIGKILL
    (path,) = warc_files(tmp_path)
    counts = ReadCounts()
    with path.open("rb") as stream:
        urls = [r.url for r in read_responses(stream, path.name, counts)]
    assert urls == [f"http://news.example/{n}" for n in range(3)]

    # killed in the middle of a record (its header, or its body): the complete records still
    # read, then a clear error
    whole = path.read_bytes()
    big = Request("http://news.example/big")
    body = b"<html>" + os.urandom(30_000).hex().encode() + b"</html>"
    member = BytesIO()
    WARCWriter(member, gzip=True).write_record(
        response_record(big, HtmlResponse(big.url, body=body, request=big))
    )
    for cut in (10, len(member.getvalue()) // 2):
        path.write_bytes(whole + member.getvalue()[:cut])
        read: list[str] = []
        with path.open("rb") as stream:
            try:
                read.extend(r.url for r in read_responses(stream, path.name, ReadCounts()))
            except WarcDamaged as exc:
                assert path.name in str(exc)
            else:
                raise AssertionError("a truncated record must raise WarcDamaged")
        assert read == urls
