"""detect_block: bot walls are named, ordinary pages and errors are not."""

from __future__ import annotations

import pytest
from scrapy.http import Headers

from crawler.discovery.blocking import BLOCK_KINDS, detect_block, explain_block

CF_CHALLENGE = (
    b"<!DOCTYPE html><html lang='en-US'><head><title>Just a moment...</title></head><body>"
    b"<noscript>Enable JavaScript and cookies to continue</noscript>"
    b"<script>(function(){window._cf_chl_opt={cvId: '3'};"
    b"var a=document.createElement('script');a.src='/cdn-cgi/challenge-platform/h/g/orchestrate/"
    b"chl_page/v1';}());</script></body></html>"
)
CF_BLOCKED = (
    b"<html><head><title>Attention Required! | Cloudflare</title></head><body>"
    b"<h1>Sorry, you have been blocked</h1><p>You are unable to access hespress.com</p>"
    b"</body></html>"
)
ARTICLE_WITH_RECAPTCHA = (
    b"<html><head><title>Le Parlement adopte la loi - Hespress</title></head><body>"
    b"<article><h1>Le Parlement adopte la loi</h1><p>Texte.</p></article>"
    b"<form id='commentform'><div class='g-recaptcha' data-sitekey='x'></div></form>"
    b"<script src='https://www.google.com/recaptcha/api.js'></script></body></html>"
)
CAPTCHA_PAGE = (
    b"<html><head><title>Captcha - verify you are human</title></head><body>"
    b'<form><div class="g-recaptcha" data-sitekey="x"></div></form></body></html>'
)


@pytest.mark.parametrize(
    ("status", "headers", "body", "kind"),
    [
        (403, {"cf-mitigated": "challenge", "cf-ray": "8a1b-CDG"}, CF_CHALLENGE, "cloudflare"),
        (503, {"Server": "cloudflare", "CF-RAY": "8a1b-CDG"}, CF_CHALLENGE, "cloudflare"),
        (200, {"cf-mitigated": "challenge"}, CF_CHALLENGE, "cloudflare"),
        (403, {"server": "cloudflare", "cf-ray": "8a1b-MAD"}, CF_BLOCKED, "cloudflare"),
        (403, {"server": "cloudflare", "cf-ray": "8a1b-MAD"}, b"", "cloudflare"),
        (403, {"X-DataDome": "protected"}, b"<html></html>", "datadome"),
        (403, {}, b"<script src='https://geo.captcha-delivery.com/captcha/'></script>", "datadome"),
        (403, {}, b"<html>Request unsuccessful. Incapsula incident ID: 1-2</html>", "incapsula"),
        (403, {"X-Sucuri-ID": "11005"}, b"<title>Sucuri WebSite Firewall</title>", "sucuri"),
        (403, {"Server": "AkamaiGHost"}, b"<H1>Access Denied</H1> Reference #18.1", "akamai"),
        (429, {}, CAPTCHA_PAGE, "captcha"),
        (200, {}, CAPTCHA_PAGE, "captcha"),
        (403, {"Server": "nginx"}, b"<html><h1>403 Forbidden</h1></html>", "forbidden"),
        (401, {}, b"", "forbidden"),
    ],
)
def test_blocks_are_named(status: int, headers: dict, body: bytes, kind: str) -> None:
    assert detect_block(status, headers, body) == kind
    assert kind in BLOCK_KINDS and explain_block(kind) == BLOCK_KINDS[kind]


@pytest.mark.parametrize(
    ("status", "headers", "body"),
    [
        (200, {"cf-ray": "8a1b-CDG", "server": "cloudflare"}, ARTICLE_WITH_RECAPTCHA),
        (200, {}, ARTICLE_WITH_RECAPTCHA),
        (404, {"cf-ray": "8a1b-CDG", "server": "cloudflare"}, b"<h1>Page introuvable</h1>"),
        (503, {"server": "nginx"}, b"<h1>Service Temporarily Unavailable</h1>"),
        (503, {"server": "cloudflare", "cf-ray": "1"}, b"<h1>Error 503 Service Unavailable</h1>"),
        (429, {"Retry-After": "120"}, b"Too Many Requests"),
        (301, {"Location": "https://fr.hespress.com/"}, b""),
    ],
)
def test_ordinary_responses_are_not_blocks(status: int, headers: dict, body: bytes) -> None:
    assert detect_block(status, headers, body) is None


def test_scrapy_headers_with_bytes_and_lists_work() -> None:
    headers = Headers({b"Server": [b"cloudflare"], b"Cf-Mitigated": [b"challenge"]})
    assert detect_block(403, headers, CF_CHALLENGE) == "cloudflare"
    assert detect_block(200, Headers({b"Server": b"cloudflare"}), b"<p>ok</p>") is None


def test_markers_far_down_a_big_page_are_ignored() -> None:
    body = b"<html><head><title>Article</title></head><body>" + b"x" * 200_000 + CF_CHALLENGE
    assert detect_block(200, {"cf-ray": "1"}, body) is None
