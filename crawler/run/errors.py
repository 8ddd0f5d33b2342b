"""Name a failed request's cause with a short kind, for per-outlet error counts.

Kinds: `http_<status>`, `blocked_<vendor>`, `timeout`, `dns`, `connection_refused`,
`connection_lost`, `truncated`, `too_large`, `robots_denied`, `redirect_loop`,
`offsite_redirect`, `unsupported_scheme`, or the exception's class name, lower-cased, for
anything unforeseen.
"""

from __future__ import annotations

from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadCancelledError,
    DownloadConnectionRefusedError,
    DownloadFailedError,
    DownloadTimeoutError,
    IgnoreRequest,
    NotSupported,
    ResponseDataLossError,
)
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet.defer import CancelledError
from twisted.internet.error import (
    ConnectionDone,
    ConnectionLost,
    ConnectionRefusedError,
    DNSLookupError,
    TCPTimedOutError,
    TimeoutError,
)
from twisted.python.failure import Failure
from twisted.web._newclient import ResponseFailed, ResponseNeverReceived

from crawler.discovery.blocking import detect_block

_KINDS: tuple[tuple[type[BaseException], str], ...] = (
    (NotSupported, "unsupported_scheme"),  # file:, ftp:, data:, s3: (their handlers are off)
    (DNSLookupError, "dns"),
    (CannotResolveHostError, "dns"),
    (DownloadTimeoutError, "timeout"),
    (TimeoutError, "timeout"),
    (TCPTimedOutError, "timeout"),
    (DownloadConnectionRefusedError, "connection_refused"),
    (ConnectionRefusedError, "connection_refused"),
    (ResponseDataLossError, "truncated"),
    (DownloadCancelledError, "too_large"),  # the downloader cancels past DOWNLOAD_MAXSIZE
    (CancelledError, "too_large"),
    (ConnectionLost, "connection_lost"),
    (ConnectionDone, "connection_lost"),
    (ResponseNeverReceived, "connection_lost"),
    (ResponseFailed, "response_failed"),
    (DownloadFailedError, "connection_lost"),
)
# IgnoreRequest messages of Scrapy's own components, and the kind each stands for.
_IGNORED: tuple[tuple[str, str], ...] = (
    ("robots", "robots_denied"),
    ("max redirections", "redirect_loop"),
    ("download_maxsize", "too_large"),
)


class RefusedRequest(IgnoreRequest):
    """A request or response akhbar refuses on purpose; `kind` is what the run row counts."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind


def error_kind(failure: Failure) -> str | None:
    """`http_404`, `timeout`, `blocked_cloudflare`, ...; None for requests we chose to skip."""
    if failure.check(HttpError):
        response = failure.value.response  # type: ignore[union-attr]
        blocked = detect_block(response.status, response.headers, response.body)
        return f"blocked_{blocked}" if blocked else f"http_{response.status}"
    if failure.check(RefusedRequest):
        return str(failure.value.kind)  # type: ignore[union-attr]
    if failure.check(IgnoreRequest):
        message = str(failure.value).lower()
        return next((kind for marker, kind in _IGNORED if marker in message), None)
    for exc_type, kind in _KINDS:
        if failure.check(exc_type):
            return kind
    return failure.type.__name__.lower() if failure.type else "unknown"


# Kinds after which a page may well load next time: its discovery document is read again.
TRANSIENT_KINDS = frozenset(
    {"timeout", "dns", "connection_refused", "connection_lost", "truncated", "response_failed"}
)


def is_transient(kind: str) -> bool:
    """Could a retry in a later run succeed (server errors, rate limits, network trouble)?"""
    if kind in TRANSIENT_KINDS or kind.startswith("blocked"):
        return True
    if kind.startswith("http_"):
        status = kind.removeprefix("http_")
        return status.isdigit() and (int(status) >= 500 or int(status) in (408, 429))
    return kind not in {
        "robots_denied",
        "redirect_loop",
        "offsite_redirect",
        "too_large",
        "unsupported_scheme",
    }


# What each kind says about a site, for one readable line per failed outlet.
_PHRASES = {
    "dns": "dns lookup failed for {hosts}",
    "connection_refused": "connection refused by {hosts}",
    "connection_lost": "connection to {hosts} lost",
    "timeout": "no answer from {hosts} in time",
    "truncated": "{hosts} cut its answers short",
    "too_large": "answers from {hosts} too large",
    "response_failed": "broken answers from {hosts}",
    "robots_denied": "robots.txt of {hosts} forbids the pages",
    "redirect_loop": "{hosts} redirects in a loop",
    "offsite_redirect": "{hosts} redirects to another site",
    "unsupported_scheme": "links of {hosts} lead to a scheme other than http(s)",
}
MAX_KINDS_SHOWN = 3


def describe_failure(outlet: str, errors: dict[str, int], hosts: tuple[str, ...]) -> str:
    """`hespress-fr: dns lookup failed for fr.hespress.com (2 requests)`: why an outlet failed,
    its most frequent error kinds first."""
    where = ", ".join(hosts) or "its site"
    kinds = sorted(errors.items(), key=lambda item: (-item[1], item[0]))
    reasons = [_reason(kind, count, where) for kind, count in kinds]
    if len(reasons) > MAX_KINDS_SHOWN:
        more = len(reasons) - MAX_KINDS_SHOWN
        reasons[MAX_KINDS_SHOWN:] = [f"{more} more kind{'s' if more > 1 else ''} of error"]
    return f"{outlet}: {'; '.join(reasons) or 'no feed, sitemap or listing page could be read'}"


def _reason(kind: str, count: int, hosts: str) -> str:
    requests = f"{count} request" if count == 1 else f"{count} requests"
    if kind.startswith("http_"):
        return f"{hosts} answered HTTP {kind.removeprefix('http_')} ({requests})"
    if kind.startswith("blocked_"):  # cloudflare, datadome, captcha, forbidden...
        return f"{hosts} blocks our requests ({kind.removeprefix('blocked_')}, {requests})"
    phrase = _PHRASES.get(kind, "{kind} from {hosts}").format(hosts=hosts, kind=kind)
    return f"{phrase} ({requests})"
