"""The fault site plus the links and pages of issue 20's hostile test: links to local files and
FTP, unparseable and 100,000-character URLs, a meta refresh to another host, a chained and a
wide sitemap index, a page of 120,000 tags, a title full of terminal escapes, a page whose
extraction takes minutes. A `Listener` on 127.0.0.1 stands for an FTP server that never answers,
and counts who connects to it.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from tests.sitemaps import sitemap_index, urlset

from .faultsite import FaultSite, _Handler, article_html

SECRET = "JETON-SECRET-7f3a"  # in a local file; must never reach the archive
CHAIN_DEPTH = 50  # the chained sitemap index would go this deep
WIDE = 60  # sub-sitemaps of the wide index
LONG_RUN = "a" * 60 + "b"  # `(a|aa)+$` tries ~10^12 ways on it before failing


def slow_page(spans: int = 20_000) -> bytes:
    """A page of `spans` spans: trafilatura's libxml2 XPath takes minutes of CPU on it (26 s at
    20,000 on the 2-core development machine), in one C call that never lets Python run."""
    words = "<span>mot</span> " * spans
    return (
        "<html><head><title>Page lente</title></head><body><article><h1>Page lente</h1>"
        f"<p>{words}</p></article></body></html>"
    ).encode()


def markup_page(tags: int = 60_000) -> bytes:
    """An article page with 2 x `tags` tags (480 KB): over the default EXTRACT_MAX_MARKUP."""
    return article_html(950).replace("</article>", "<i>a</i>" * tags + "</article>").encode()


def control_title_page() -> bytes:
    title = "Un titre \x1b[31mpiégé\x1b[0m\x07 pour le terminal"
    page = article_html(951).replace("<title>", f"<title>{title} ")
    return page.replace("<h1>", f"<h1>{title} ").encode()


class Listener:
    """A TCP port on 127.0.0.1 that accepts connections, counts them, and never answers."""

    def __init__(self) -> None:
        self.socket = socket.create_server(("127.0.0.1", 0))
        self.connections = 0
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    @property
    def port(self) -> int:
        return int(self.socket.getsockname()[1])

    def _accept(self) -> None:
        try:
            while True:
                conn, _ = self.socket.accept()
                self.connections += 1
                conn.close()
        except OSError:
            return  # closed by stop()

    def stop(self) -> None:
        self.socket.close()


@dataclass
class HostileSite(FaultSite):
    """FaultSite serving /hostile-feed.xml, /hostile-index.xml and the pages they link."""

    secret_dir: Path = Path("/nonexistent")
    ftp_port: int = 0
    slow_spans: int = 20_000

    def start(self) -> HostileSite:
        site = self

        class Handler(_HostileHandler):
            owner = site

        self._serve(Handler)
        return self

    @property
    def host(self) -> str:
        return self.base.removeprefix("http://")

    def hostile_feed(self) -> bytes:
        links = [
            *(f"{self.base}/news/ok-{i}.html" for i in range(1, self.n_ok + 1)),
            f"file://{self.host}{self.secret_dir}/secret.html",
            f"ftp://{self.host}/news/ftp.html",
            f"ftp://127.0.0.1:{self.ftp_port}/news/ftp.html",
            "http://[::1",
            f"{self.base}/news/{'a' * 100_000}.html",
            *(f"{self.base}/news/{name}.html" for name in HOSTILE_PAGES),
        ]
        items = "".join(f"<item><title>t</title><link>{u}</link></item>" for u in links)
        return f'<?xml version="1.0"?><rss version="2.0"><channel>{items}</channel></rss>'.encode()

    def index(self, locations: list[str]) -> bytes:
        return sitemap_index(locations).encode()


def _refresh_to(target: Callable[[HostileSite], str]) -> Callable[[_Handler, HostileSite], None]:
    def serve(h: _Handler, site: HostileSite) -> None:
        page = f'<html><head><meta http-equiv="refresh" content="0; url={target(site)}"></head>'
        h.send(200, (page + "<body>Redirection</body></html>").encode(), "text/html")

    return serve


HOSTILE_PAGES: dict[str, Callable[[_Handler, HostileSite], None]] = {
    "refresh-offsite": _refresh_to(lambda s: f"{s.other}/news/ok-1.html"),
    "refresh-ftp": _refresh_to(lambda s: f"ftp://127.0.0.1:{s.ftp_port}/x"),
    "redirect-file": lambda h, s: h.send(
        302, b"", None, {"Location": f"file://{s.secret_dir}/secret.html"}
    ),
    "redirect-ftp": lambda h, s: h.send(
        302, b"", None, {"Location": f"ftp://127.0.0.1:{s.ftp_port}/x"}
    ),
    "control-title": lambda h, s: h.send(200, control_title_page(), "text/html; charset=utf-8"),
    "long-run": lambda h, s: h.send(
        200,
        article_html(953).replace("</article>", f"<p>{LONG_RUN}</p></article>").encode(),
        "text/html; charset=utf-8",
    ),
    "markup": lambda h, s: h.send(200, markup_page(), "text/html; charset=utf-8"),
}


class _HostileHandler(_Handler):
    owner: HostileSite  # type: ignore[assignment]

    def route(self, site: FaultSite, path: str) -> None:
        assert isinstance(site, HostileSite)
        if path == "/hostile-feed.xml":
            return self.document(site.hostile_feed(), "application/xml")
        if path == "/hostile-index.xml":
            secret_map = f"file://{site.host}{site.secret_dir}/sitemap.xml"
            wide, chain = f"{site.base}/wide.xml", f"{site.base}/chain/1.xml"
            return self.document(site.index([secret_map, chain, wide]), "application/xml")
        if path.startswith("/chain/"):
            level = int(path.removeprefix("/chain/").removesuffix(".xml"))
            after = [f"{site.base}/chain/{level + 1}.xml"] if level < CHAIN_DEPTH else []
            return self.document(site.index(after), "application/xml")
        if path == "/wide.xml":
            subs = [f"{site.base}/wide/{i}.xml" for i in range(WIDE)]
            return self.document(site.index(subs), "application/xml")
        if path.startswith("/wide/"):
            return self.document(site.sitemap(["/news/ok-1.html"]), "application/xml")
        if path == "/news/heavy.html":
            return self.send(200, slow_page(site.slow_spans), "text/html; charset=utf-8")
        name = path.removeprefix("/news/").removesuffix(".html")
        if name in HOSTILE_PAGES:
            return HOSTILE_PAGES[name](self, site)
        return super().route(site, path)


def write_secret(folder: Path) -> Path:
    """A local article page and sitemap holding SECRET, as a hostile link would want them read."""
    folder.mkdir(parents=True, exist_ok=True)
    page = article_html(952).replace("</article>", f"<p>{SECRET} {SECRET}</p></article>")
    (folder / "secret.html").write_text(page, encoding="utf-8")
    (folder / "sitemap.xml").write_text(urlset([f"file://{folder}/secret.html"]), encoding="utf-8")
    return folder
