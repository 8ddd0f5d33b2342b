"""Shared fixtures for the outlet registry tests: recorded pages and a server on 127.0.0.1."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

PAGES = Path(__file__).parent / "pages"


@dataclass(frozen=True)
class Recorded:
    """One recorded article page and its expected JSON."""

    outlet: str
    html: Path
    expected: dict

    @property
    def id(self) -> str:
        return f"{self.outlet}/{self.html.name}"


def recorded_pages() -> list[Recorded]:
    cases = []
    for exp in sorted(PAGES.glob("*/*.json")):
        html = exp.with_suffix(".html")
        cases.append(Recorded(exp.parent.name, html, json.loads(exp.read_text("utf-8"))))
    return cases


@dataclass
class Route:
    status: int = 200
    body: bytes = b""
    headers: tuple[tuple[str, str], ...] = (("Content-Type", "text/html; charset=utf-8"),)


class LocalSite:
    """A tiny HTTP server on 127.0.0.1 serving fixed routes (path -> Route); 404 otherwise."""

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.requests: list[str] = []
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                site.requests.append(self.path)
                route = site.routes.get(self.path, Route(404, b"not found"))
                self.send_response(route.status)
                for name, value in route.headers:
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(route.body)))
                self.end_headers()
                self.wfile.write(route.body)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def base(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def serve(self, path: str, body: bytes | str, status: int = 200, **headers: str) -> None:
        data = body.encode("utf-8") if isinstance(body, str) else body
        pairs = tuple(headers.items()) or Route().headers
        self.routes[path] = Route(status, data, tuple((k.replace("_", "-"), v) for k, v in pairs))


@pytest.fixture
def local_site() -> Iterator[LocalSite]:
    site = LocalSite()
    site.thread.start()
    try:
        yield site
    finally:
        site.server.shutdown()
        site.server.server_close()
        site.thread.join(timeout=5)
