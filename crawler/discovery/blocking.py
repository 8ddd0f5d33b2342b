"""Pure: does this HTTP response mean the outlet is blocking us (not: the page is missing)?

`detect_block(status, headers, body)` names the blocker ("cloudflare", "captcha", ...) or returns
None. The spider records a blocked outlet in the run row and stops asking it; it never retries
in a loop and never tries to get around the block (docs/outlets.md, "Blocked outlets").
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

__all__ = ["BLOCK_KINDS", "detect_block", "explain_block"]

BLOCK_KINDS = {
    "cloudflare": "a Cloudflare challenge or block page",
    "datadome": "a DataDome bot check",
    "incapsula": "an Imperva/Incapsula bot check",
    "sucuri": "a Sucuri firewall block",
    "akamai": "an Akamai 'Access Denied' page",
    "captcha": "a CAPTCHA page",
    "forbidden": "HTTP 401/403 with no page (the server refuses this client)",
}

# Statuses a bot wall answers with. 429 alone is rate limiting (AutoThrottle/Retry handle it).
_WALL_STATUSES = frozenset({401, 403, 429, 503})
_SNIFF_BYTES = 65_536  # challenge pages are small; the markers sit near the top

_CLOUDFLARE_BODY = re.compile(
    rb"<title>\s*(?:Just a moment\.\.\.|Attention Required! \| Cloudflare)"
    rb"|/cdn-cgi/challenge-platform/|cf-browser-verification|window\._cf_chl_opt"
    rb"|Checking (?:if the site connection is secure|your browser before accessing)"
    rb"|Sorry, you have been blocked",
    re.IGNORECASE,
)
_VENDOR_BODY = (
    ("datadome", re.compile(rb"captcha-delivery\.com|geo\.captcha-delivery", re.IGNORECASE)),
    ("incapsula", re.compile(rb"_Incapsula_Resource|Incapsula incident ID", re.IGNORECASE)),
    ("sucuri", re.compile(rb"Sucuri WebSite Firewall|sucuri\.net/privacy-policy", re.IGNORECASE)),
)
_CAPTCHA_BODY = re.compile(
    rb"class=[\"']g-recaptcha|hcaptcha\.com/1/api\.js|challenges\.cloudflare\.com/turnstile"
    rb"|id=[\"']px-captcha",
    re.IGNORECASE,
)
_CAPTCHA_TITLE = re.compile(
    rb"<title>[^<]*(?:captcha|are you a (?:human|robot)|verify you are human|robot check)",
    re.IGNORECASE,
)


def _text(value: Any) -> str:
    if isinstance(value, bytes):
        return value.decode("latin-1")
    if isinstance(value, Iterable) and not isinstance(value, str):
        return ", ".join(_text(v) for v in value)
    return str(value)


def _normalize(headers: Mapping[Any, Any]) -> dict[str, str]:
    """Lower-case str keys and str values; accepts str/bytes keys and Scrapy's list values."""
    return {_text(key).lower(): _text(value) for key, value in headers.items()}


def _is_cloudflare(status: int, headers: dict[str, str], head: bytes) -> bool:
    if headers.get("cf-mitigated", "").lower() == "challenge":
        return True
    if _CLOUDFLARE_BODY.search(head) and ("cf-ray" in headers or status in _WALL_STATUSES):
        return True
    served_by_cf = "cf-ray" in headers or headers.get("server", "").lower() == "cloudflare"
    return served_by_cf and status == 403


def _vendor(headers: dict[str, str], head: bytes) -> str | None:
    if "x-datadome" in headers:
        return "datadome"
    if "x-sucuri-id" in headers or "x-sucuri-block" in headers:
        return "sucuri"
    if "akamaighost" in headers.get("server", "").lower() and b"Access Denied" in head:
        return "akamai"
    for kind, pattern in _VENDOR_BODY:
        if pattern.search(head):
            return kind
    return None


def detect_block(status: int, headers: Mapping[Any, Any], body: bytes) -> str | None:
    """The kind of block this response is (a key of BLOCK_KINDS), or None if it is not one.

    `headers` may have str or bytes keys and str, bytes or list values (Scrapy's Headers work).
    A 200 page counts as blocked only when it is a challenge page; a comment form with a
    reCAPTCHA on a real article is not a block.
    """
    norm = _normalize(headers)
    head = body[:_SNIFF_BYTES]
    if _is_cloudflare(status, norm, head):
        return "cloudflare"
    if status not in _WALL_STATUSES:
        if _CAPTCHA_TITLE.search(head) and _CAPTCHA_BODY.search(head):
            return "captcha"
        return None
    vendor = _vendor(norm, head)
    if vendor:
        return vendor
    if _CAPTCHA_BODY.search(head) or _CAPTCHA_TITLE.search(head):
        return "captcha"
    if status in (401, 403):
        return "forbidden"
    return None


def explain_block(kind: str) -> str:
    """One human line for a block kind, for the CLI and the run row."""
    return BLOCK_KINDS.get(kind, kind)
