"""Pure helpers behind the fault handling: charset choice, Retry-After, sitemap lastmod, XML
problems, error kinds."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from lxml import etree
from scrapy.exceptions import IgnoreRequest
from twisted.python.failure import Failure

from crawler.discovery.feeds import older_than, xml_problems
from crawler.extract.charset import page_encoding
from crawler.extract.parse import parse_html
from crawler.middlewares import retry_after_seconds
from crawler.run.errors import RefusedRequest, error_kind, is_transient
from crawler.scale.worker import decode_html, page_markup

from .faultsite import ENTITY_BOMB, article_html

ARABIC = article_html(7, arabic=True)
META = article_html(7, arabic=True, charset_meta="windows-1256")
FRENCH = article_html(7).replace("’", "'")


@pytest.mark.parametrize(
    ("body", "content_type", "expected"),
    [
        (ARABIC.encode("cp1256"), "text/html", "cp1256"),  # nothing declared
        (ARABIC.encode("cp1256"), "text/html; charset=utf-8", "cp1256"),  # wrong header
        (META.encode("cp1256"), "text/html; charset=iso-8859-1", "cp1256"),  # header vs meta
        (META.encode("cp1256"), None, "cp1256"),
        (ARABIC.encode("utf-8"), "text/html; charset=iso-8859-1", "utf-8"),  # valid UTF-8 wins
        (FRENCH.encode("cp1252"), "text/html", "cp1252"),  # not mistaken for cp1250
        (FRENCH.encode("cp1252"), "text/html; charset=iso-8859-1", "cp1252"),
        (FRENCH.encode("utf-8"), "text/html; charset=utf-8", "utf-8"),
        (ARABIC.encode("utf-16"), None, "utf-16-le"),  # byte-order mark
        (b"<html>plain ascii</html>", None, "utf-8"),
    ],
)
def test_page_encoding(body: bytes, content_type: str | None, expected: str) -> None:
    encoding = page_encoding(body, content_type)
    assert encoding == expected
    text = body.decode(encoding)
    assert "\ufffd" not in text and ("المجلس" in text or "conseil" in text or "ascii" in text)


def test_retry_after_seconds_and_http_dates() -> None:
    now = datetime(2026, 11, 22, 3, 0, tzinfo=UTC)
    assert retry_after_seconds(b"120") == 120.0
    assert retry_after_seconds("Sun, 22 Nov 2026 03:01:30 GMT", now) == 90.0
    assert retry_after_seconds("Sun, 22 Nov 2026 02:00:00 GMT", now) == 0.0  # in the past
    assert retry_after_seconds(b"soon") is None and retry_after_seconds(None) is None


def test_older_than_treats_a_bare_date_as_the_whole_day() -> None:
    cutoff = "2026-11-22T03:00:00+00:00"
    assert older_than("2026-11-21", cutoff)
    assert not older_than("2026-11-22", cutoff)  # may have changed after 03:00
    assert older_than("2026-11-22T03:30:00+01:00", cutoff)  # 02:30 UTC
    assert not older_than("2026-11-22T03:00:00Z", cutoff)
    assert not older_than("last tuesday", cutoff)


def test_xml_problems() -> None:
    assert xml_problems(b'<?xml version="1.0"?><rss><channel/></rss>') == []
    assert xml_problems(ENTITY_BOMB + b"<rss>&lol9;</rss>")[0] == "xml_entities"
    assert xml_problems(b"<urlset><url><loc>http://x/</loc>") == ["malformed_xml"]
    assert xml_problems(b"") == ["malformed_xml"]


def test_error_kinds_and_which_may_pass_next_run() -> None:
    assert error_kind(Failure(RefusedRequest("offsite_redirect", "x"))) == "offsite_redirect"
    assert error_kind(Failure(IgnoreRequest("Forbidden by robots.txt"))) == "robots_denied"
    assert error_kind(Failure(IgnoreRequest("max redirections reached"))) == "redirect_loop"
    assert error_kind(Failure(IgnoreRequest("already archived"))) is None
    assert all(is_transient(k) for k in ("http_503", "http_429", "timeout", "blocked_captcha"))
    assert not any(is_transient(k) for k in ("http_404", "too_large", "robots_denied"))


@pytest.mark.parametrize(
    "stray",
    ["", "\x00", "\x07", "\x0b", "\x0c", "\r", "\x1b[1m", "\x7f", "\x85", "\x9f", "\ufffe",
     "\uffff", "\ufeff", "«\u00a0»", "é"],
)  # fmt: skip
@pytest.mark.parametrize("broken", [b"", b"\xc2", b"\xed\xa0\x80", b"\xef\xbf"])
def test_a_utf8_page_parses_as_its_decoded_text_would(stray: str, broken: bytes) -> None:
    """The worker hands a UTF-8 page without controls over as bytes (no scan of its text):
    whatever the page holds, the tree is the one its decoded, cleaned text gives."""
    body = FRENCH.replace("conseil", f"con{stray}seil").encode("utf-8")
    body = body.replace(b"<h1>", b"<h1>" + broken)

    def tree(markup: str | bytes) -> bytes:
        root = parse_html(markup)
        assert root is not None
        return etree.tostring(root, encoding="utf-8")

    assert tree(page_markup(body, "utf-8")) == tree(decode_html(body, "utf-8"))
    assert tree(body) == tree(body.decode("utf-8", errors="replace"))
