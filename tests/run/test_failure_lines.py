"""One readable line per failed outlet, from its error kinds (crawler/run/errors.py)."""

from __future__ import annotations

import pytest

from crawler.run.errors import describe_failure


@pytest.mark.parametrize(
    ("errors", "line"),
    [
        ({"dns": 2}, "hespress-fr: dns lookup failed for fr.hespress.com (2 requests)"),
        (
            {"connection_refused": 1},
            "hespress-fr: connection refused by fr.hespress.com (1 request)",
        ),
        ({"http_404": 2}, "hespress-fr: fr.hespress.com answered HTTP 404 (2 requests)"),
        (
            {"blocked_cloudflare": 2},
            "hespress-fr: fr.hespress.com blocks our requests (cloudflare, 2 requests)",
        ),
        ({"timeout": 3}, "hespress-fr: no answer from fr.hespress.com in time (3 requests)"),
        ({"sslerror": 1}, "hespress-fr: sslerror from fr.hespress.com (1 request)"),
        ({}, "hespress-fr: no feed, sitemap or listing page could be read"),
        (
            {"timeout": 1, "http_500": 4, "dns": 1, "http_404": 2, "truncated": 1},
            "hespress-fr: fr.hespress.com answered HTTP 500 (4 requests); fr.hespress.com "
            "answered HTTP 404 (2 requests); dns lookup failed for fr.hespress.com (1 request); "
            "2 more kinds of error",
        ),
    ],
)
def test_a_failed_outlet_is_one_line(errors: dict[str, int], line: str) -> None:
    assert describe_failure("hespress-fr", errors, ("fr.hespress.com",)) == line


def test_every_host_of_the_outlet_is_named() -> None:
    line = describe_failure("le360-fr", {"dns": 2}, ("fr.le360.ma", "le360.ma"))
    assert line == "le360-fr: dns lookup failed for fr.le360.ma, le360.ma (2 requests)"
