"""WARC files: every fetched response kept as received (ISO 28500, through warcio), and read back.

Writing (WARC_DIR set): `WarcWriterMiddleware` sits closest to the network (950), so it sees each
response exactly as the server sent it (Content-Encoding not yet undone) and each request as
sent. For every exchange it appends a `response` record, then its `request` record
(WARC-Concurrent-To the response), to `DIR/akhbar-<UTC time>-<serial>-<host>-<pid>.warc.gz`.
Every record is its own gzip member and is flushed when written, so memory holds one response
at a time and a killed crawl leaves a file readable up to its last complete record. A file
starts with a `warcinfo` record and is closed, and the next one started, once it reaches
WARC_MAX_SIZE bytes. The response record's place (`WarcRef`) goes into `request.meta["warc"]`:
the spider copies it into the PageItem and the archive row points at it.

Reading: `read_responses` streams the response records of one WARC file (ours or anyone's:
Common Crawl's CC-NEWS has response records only), with the body decoded, in constant memory.
"""

from __future__ import annotations

import http
import logging
import os
import socket
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from io import BytesIO
from pathlib import Path
from typing import IO, Any, Self
from urllib.parse import urlsplit

from scrapy import Request, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Response
from warcio.archiveiterator import ArchiveIterator
from warcio.bufferedreaders import BufferedReader
from warcio.exceptions import ArchiveLoadFailed
from warcio.recordbuilder import RecordBuilder
from warcio.recordloader import ArcWarcRecord
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from archive.models import WarcRef

logger = logging.getLogger(__name__)

OUTLET_HEADER = "Akhbar-Outlet"  # extension fields on our response records: which outlet,
KIND_HEADER = "Akhbar-Kind"  # and what the page was to the spider (article, feed, sitemap...)
SUFFIX = ".warc.gz"
DEFAULT_MAX_BODY = 8 * 1024 * 1024  # like DOWNLOAD_MAXSIZE: larger bodies are skipped on read
_BUILDER = RecordBuilder()


# --- writing ----------------------------------------------------------------------------------
class WarcFiles:
    """Rotating gzipped WARC files in one directory; `write` appends one exchange."""

    def __init__(self, directory: Path, max_size: int, info: dict[str, str] | None = None) -> None:
        self.directory = directory
        self.max_size = max_size
        self.info = info or {}
        self.serial = 0
        self.name = ""
        self.handle: IO[bytes] | None = None
        self.writer: WARCWriter | None = None
        directory.mkdir(parents=True, exist_ok=True)

    def write(self, response: ArcWarcRecord, request: ArcWarcRecord) -> WarcRef:
        """Append a response record and its request record; where the response record is."""
        handle, writer = self._current()
        record_id = response.rec_headers.get_header("WARC-Record-ID")
        request.rec_headers.add_header("WARC-Concurrent-To", record_id)
        offset = handle.tell()
        writer.write_record(response)  # one gzip member, flushed
        ref = WarcRef(self.name, offset, handle.tell() - offset, record_id)
        writer.write_record(request)
        if handle.tell() >= self.max_size:
            self.close()
        return ref

    def _current(self) -> tuple[IO[bytes], WARCWriter]:
        if self.handle is None or self.writer is None:
            stamp = datetime.now(UTC).strftime("%Y%m%d%H%M%S%f")
            host = socket.gethostname().replace("-", "_")
            self.name = f"akhbar-{stamp}-{self.serial:05d}-{host}-{os.getpid()}{SUFFIX}"
            self.serial += 1
            self.handle = (self.directory / self.name).open("xb")
            self.writer = WARCWriter(self.handle, gzip=True)
            info = {"software": "akhbar (warcio)", "format": "WARC File Format 1.0", **self.info}
            self.writer.write_record(self.writer.create_warcinfo_record(self.name, info))
            logger.info("writing WARC file %s", self.directory / self.name)
        return self.handle, self.writer

    def close(self) -> None:
        if self.handle is not None:
            self.handle.close()
        self.handle, self.writer = None, None


def _reason(status: int) -> str:
    try:
        return http.HTTPStatus(status).phrase
    except ValueError:
        return "Unknown"


def _header_pairs(headers: Any) -> list[tuple[str, str]]:
    pairs: list[tuple[str, str]] = []
    for name, values in headers.items():
        key = name.decode("latin-1")
        if key.lower() == "transfer-encoding":  # the body we hold is already de-chunked
            key = "X-Archive-Orig-Transfer-Encoding"
        pairs.extend((key, value.decode("latin-1")) for value in values)
    return pairs


def response_record(request: Request, response: Response) -> ArcWarcRecord:
    """The response as received: status line, headers, body (still content-encoded)."""
    protocol = response.protocol if (response.protocol or "").startswith("HTTP/") else "HTTP/1.1"
    status = StatusAndHeaders(
        f"{response.status} {_reason(response.status)}",
        _header_pairs(response.headers),
        protocol=protocol,
    )
    extra = {
        "WARC-IP-Address": str(response.ip_address) if response.ip_address else "",
        OUTLET_HEADER: str(request.meta.get("outlet", "")),
        KIND_HEADER: str(request.meta.get("kind", "")),
    }
    return _BUILDER.create_warc_record(
        response.url,
        "response",
        payload=BytesIO(response.body),
        length=len(response.body),
        http_headers=status,
        warc_headers_dict={k: v for k, v in extra.items() if v},
    )


def request_record(request: Request) -> ArcWarcRecord:
    """The request as sent (the Host header the HTTP client adds included)."""
    parts = urlsplit(request.url)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    headers = [("Host", parts.netloc), *_header_pairs(request.headers)]
    status = StatusAndHeaders(f"{request.method} {target} HTTP/1.1", headers, is_http_request=True)
    return _BUILDER.create_warc_record(
        request.url,
        "request",
        payload=BytesIO(request.body),
        length=len(request.body),
        http_headers=status,
    )


class WarcWriterMiddleware:
    """Downloader middleware: every response (and its request) into rotating WARC files."""

    def __init__(self, crawler: Crawler, files: WarcFiles) -> None:
        self.crawler = crawler
        self.files = files

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        directory = crawler.settings.get("WARC_DIR")
        if not directory:
            raise NotConfigured  # bare: Scrapy logs a warning for NotConfigured with a message
        info = {"operator-agent": crawler.settings.get("USER_AGENT", "")}
        files = WarcFiles(Path(directory), crawler.settings.getint("WARC_MAX_SIZE"), info)
        middleware = cls(crawler, files)
        crawler.signals.connect(middleware.spider_closed, signal=signals.spider_closed)
        return middleware

    def process_response(self, request: Request, response: Response) -> Response:
        assert self.crawler.stats is not None
        try:
            ref = self.files.write(response_record(request, response), request_record(request))
        except OSError as exc:  # a full disk must not stop the crawl; it is logged and counted
            logger.error("cannot write WARC record for %s: %s", response.url, exc)
            self.crawler.stats.inc_value("warc/errors")
            return response
        request.meta["warc"] = ref
        self.crawler.stats.inc_value("warc/responses")
        self.crawler.stats.inc_value("warc/bytes", ref.length or 0)
        return response

    def spider_closed(self) -> None:
        self.files.close()
        assert self.crawler.stats is not None
        self.crawler.stats.set_value("warc/files", self.files.serial)


# --- reading ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class StoredResponse:
    """One response record read back: the body decoded, the headers as received."""

    url: str
    status: int
    headers: list[tuple[str, str]]
    body: bytes
    date: str  # ISO 8601, UTC
    outlet: str | None  # our own records say which outlet and what kind of page they were
    kind: str | None
    ref: WarcRef

    def header(self, name: str) -> str | None:
        lowered = name.lower()
        return next((v for k, v in self.headers if k.lower() == lowered), None)


@dataclass
class ReadCounts:
    """What reading skipped, by reason (`non-response`, `not-wanted`, `too-large`...)."""

    records: int = 0
    skipped: Counter[str] = field(default_factory=Counter)


class WarcDamaged(Exception):
    """A WARC file ends in a truncated or corrupt record; records before it were read."""


def warc_files(directory: Path) -> list[Path]:
    """The WARC files of a directory, oldest first (our names start with their UTC time)."""
    return sorted(p for p in directory.iterdir() if p.name.endswith((".warc.gz", ".warc")))


def _iso(warc_date: str) -> str:
    stamp = warc_date.rstrip("Z")[:19]
    return f"{stamp}+00:00" if stamp else datetime.now(UTC).isoformat(timespec="seconds")


def _decoded(record: ArcWarcRecord, max_body: int) -> bytes | None:
    """The payload with Content-Encoding undone (at most max_body bytes), None if impossible."""
    encoding = (record.http_headers.get_header("Content-Encoding") or "").strip().lower()
    stream: Any = record.raw_stream
    if encoding and encoding != "identity":
        if encoding == "x-gzip":
            encoding = "gzip"
        if encoding not in BufferedReader.get_supported_decompressors():
            return None
        stream = BufferedReader(record.raw_stream, decomp_type=encoding)
    body = stream.read(max_body + 1)
    return body if len(body) <= max_body else b""


def read_responses(
    stream: IO[bytes],
    filename: str,
    counts: ReadCounts,
    wanted: Callable[[str], bool] | None = None,
    max_body: int = DEFAULT_MAX_BODY,
) -> Iterator[StoredResponse]:
    """Response records of one WARC stream whose URL is `wanted`; raises WarcDamaged at the
    first broken record (the ones before it are yielded)."""
    records = ArchiveIterator(stream)
    try:
        for record in records:
            counts.records += 1
            response = _response(records, record, filename, counts, wanted, max_body)
            records.read_to_end(record)
            if getattr(record.raw_stream, "limit", 0) > 0:  # fewer bytes than Content-Length
                raise EOFError(f"record at offset {records.get_record_offset()} is truncated")
            if response is not None:
                yield response
        if records.offset < records.fh.tell():  # the file ends inside a gzip member
            raise EOFError(f"incomplete record at offset {records.offset}")
    except (ArchiveLoadFailed, EOFError, OSError, ValueError) as exc:
        message = f"{filename}: damaged record: {exc}"
        raise WarcDamaged(message) from exc


def _response(
    records: ArchiveIterator,
    record: ArcWarcRecord,
    filename: str,
    counts: ReadCounts,
    wanted: Callable[[str], bool] | None,
    max_body: int,
) -> StoredResponse | None:
    url = record.rec_headers.get_header("WARC-Target-URI") or ""
    if record.rec_type != "response" or record.http_headers is None:
        counts.skipped["non-response"] += 1
        return None
    if wanted is not None and not wanted(url):
        counts.skipped["not-wanted"] += 1
        return None
    body = _decoded(record, max_body)
    if not body:
        counts.skipped["undecodable" if body is None else "too-large-or-empty"] += 1
        return None
    records.read_to_end(record)
    headers = record.rec_headers
    return StoredResponse(
        url=url,
        status=int(record.http_headers.get_statuscode() or 0),
        headers=list(record.http_headers.headers),
        body=body,
        date=_iso(headers.get_header("WARC-Date") or ""),
        outlet=headers.get_header(OUTLET_HEADER),
        kind=headers.get_header(KIND_HEADER),
        ref=WarcRef(
            filename,
            records.get_record_offset(),
            records.get_record_length(),
            headers.get_header("WARC-Record-ID"),
        ),
    )
