"""QuickMetaRefreshMiddleware decides exactly as Scrapy's MetaRefreshMiddleware, decoding less.

It answers from the bytes only when they cannot hold a refresh tag; every other page gets
Scrapy's own check. Compared with Scrapy's middleware on every recorded real page and on pages
built to carry (or almost carry) a refresh.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from scrapy import Request
from scrapy.downloadermiddlewares.redirect import MetaRefreshMiddleware
from scrapy.http import HtmlResponse, Response
from scrapy.utils.test import get_crawler

from crawler.middlewares import QuickMetaRefreshMiddleware

PAGES = Path(__file__).parents[1] / "extract" / "pages"
URL = "https://outlet.example/2026/01/05/old-address.html"


def _html(head: str, encoding: str = "utf-8") -> HtmlResponse:
    body = f"<html><head>{head}</head><body><p>Texte de l'article.</p></body></html>"
    return HtmlResponse(
        URL,
        body=body.encode(encoding),
        headers={"Content-Type": f"text/html; charset={encoding}"},
    )


def _decide(middleware_class: type[MetaRefreshMiddleware], response: Response) -> str | None:
    """The URL the middleware redirects to, or None when the response goes on as it is."""
    middleware = middleware_class.from_crawler(get_crawler())
    result = middleware.process_response(Request(URL), response)
    if isinstance(result, Request):
        return result.url
    assert result is response
    return None


BUILT = {
    "refresh with url": ('<meta http-equiv="refresh" content="0; url=/new-address.html">', "utf-8"),
    "upper case, unquoted": ("<META HTTP-EQUIV=Refresh CONTENT='1;URL=/new.html'>", "utf-8"),
    "arabic page": ('<title>خبر</title><meta http-equiv="refresh" content="0;url=/ar/1">', "utf-8"),
    "utf-16 page": ('<meta http-equiv="refresh" content="0; url=/utf16.html">', "utf-16"),
    "reload, no url": ('<meta http-equiv="refresh" content="480">', "utf-8"),
    "no refresh": ('<meta http-equiv="X-UA-Compatible" content="IE=edge">', "utf-8"),
    "refresh word, no tag": ("<script>refreshAds(); // http-equiv</script>", "utf-8"),
}


@pytest.mark.parametrize("name", sorted(BUILT))
def test_built_pages_redirect_as_with_scrapy(name: str) -> None:
    head, encoding = BUILT[name]
    expected = _decide(MetaRefreshMiddleware, _html(head, encoding))
    assert _decide(QuickMetaRefreshMiddleware, _html(head, encoding)) == expected


def test_a_refresh_is_still_followed() -> None:
    response = _html('<meta http-equiv="refresh" content="0; url=/new-address.html">')
    assert (
        _decide(QuickMetaRefreshMiddleware, response) == "https://outlet.example/new-address.html"
    )


@pytest.mark.parametrize("page", sorted(PAGES.rglob("*.html")), ids=lambda p: p.stem)
def test_recorded_pages_decide_as_with_scrapy(page: Path) -> None:
    def response() -> HtmlResponse:
        return HtmlResponse(URL, body=page.read_bytes(), headers={"Content-Type": "text/html"})

    assert _decide(QuickMetaRefreshMiddleware, response()) == _decide(
        MetaRefreshMiddleware, response()
    )


def test_a_page_without_a_refresh_tag_is_not_decoded() -> None:
    response = _html('<meta name="description" content="Un article">' + "<p>mot</p>" * 5000)
    assert _decide(QuickMetaRefreshMiddleware, response) is None
    assert response._cached_ubody is None  # Scrapy's check would have decoded the whole body
