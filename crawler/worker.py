"""What an extraction worker process runs for one page: decode, extract, detect language.

Kept apart from the pipeline so worker processes import only what extraction needs.
"""

from __future__ import annotations

from w3lib.encoding import html_to_unicode

from crawler.extract import Extraction, extract
from crawler.outlets import Outlet


def decode_html(body: bytes, encoding: str | None) -> str:
    """The page as text: the HTTP/declared encoding when known, else sniffed from the body."""
    if encoding:
        try:
            return body.decode(encoding, errors="replace")
        except LookupError:
            pass
    _, text = html_to_unicode(None, body)
    return text


def extract_page(body: bytes, encoding: str | None, url: str, outlet: Outlet) -> Extraction:
    """Extraction of one fetched page, run in a worker process."""
    return extract(decode_html(body, encoding), url, outlet)


def warm_up() -> None:
    """Worker initializer: load extraction's models once, not on the first page."""
    extract("<html><body><p>warm up</p></body></html>", "http://localhost/warm-up", None)
