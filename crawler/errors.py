"""Name a failed request's cause with a short kind, for per-outlet error counts."""

from __future__ import annotations

from scrapy.exceptions import IgnoreRequest
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet.error import (
    ConnectionLost,
    ConnectionRefusedError,
    DNSLookupError,
    TCPTimedOutError,
    TimeoutError,
)
from twisted.python.failure import Failure
from twisted.web._newclient import ResponseFailed, ResponseNeverReceived

from crawler.blocking import detect_block

_KINDS: tuple[tuple[type[BaseException], str], ...] = (
    (DNSLookupError, "dns"),
    (TimeoutError, "timeout"),
    (TCPTimedOutError, "timeout"),
    (ConnectionRefusedError, "connection_refused"),
    (ConnectionLost, "connection_lost"),
    (ResponseNeverReceived, "connection_lost"),
    (ResponseFailed, "response_failed"),
)


def error_kind(failure: Failure) -> str | None:
    """`http_404`, `timeout`, `blocked_cloudflare`, ...; None for requests we chose to skip."""
    if failure.check(HttpError):
        response = failure.value.response
        blocked = detect_block(response.status, response.headers, response.body)
        return f"blocked_{blocked}" if blocked else f"http_{response.status}"
    if failure.check(IgnoreRequest):
        message = str(failure.value)
        return "robots_denied" if "robots" in message.lower() else None
    for exc_type, kind in _KINDS:
        if failure.check(exc_type):
            return kind
    return failure.type.__name__.lower() if failure.type else "unknown"
