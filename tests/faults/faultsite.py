"""A news site on 127.0.0.1 that misbehaves on purpose, and a helper that crawls it for real.

`FaultSite` serves a feed, a sitemap index and article pages; every path under /news/ named
in FAULTS answers with one fault (server errors with Retry-After, resets, timeouts, truncated
and oversized bodies, redirect loops, off-site redirects, PDFs, windows-1256 pages with missing
or wrong charsets, a gzip bomb, ...). It records every request it receives, so tests can assert
what was and was not fetched. Run it by hand with `python tests/faults/faultsite.py`.

The article texts are generated here (no third-party content): French and Arabic sentences
written for these tests.
"""

from __future__ import annotations

import contextlib
import email.utils
import functools
import hashlib
import random
import socket
import struct
import subprocess
import sys
import threading
import time
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from tests.sitemaps import sitemap_index, urlset

AKHBAR = Path(sys.executable).parent / "akhbar"
# Settings for a crawl that is fast and deterministic against a local site.
FAST = (
    "AUTOTHROTTLE_ENABLED=False",
    "DOWNLOAD_DELAY=0",
    "DOWNLOAD_TIMEOUT=2",
    "RETRY_TIMES=1",
    "RETRY_AFTER_MAX=5",
    "EXTRACT_WORKERS=1",
    "DOWNLOAD_MAXSIZE=1000000",
    "DOWNLOAD_WARNSIZE=0",
)

FR = (
    "Le conseil communal a adopté mardi le budget de l'année prochaine après un long débat.",
    "Les élus de l'opposition ont demandé davantage de moyens pour les quartiers périphériques.",
    "Le projet prévoit la rénovation de trois marchés et l'extension du réseau d'assainissement.",
    "Selon le président du conseil, les travaux commenceront au printemps et dureront deux ans.",
    "Les commerçants saluent une décision attendue depuis plusieurs années par les habitants.",
    "Une enveloppe est également réservée à l'éclairage public et aux espaces verts de la ville.",
    "Les associations de riverains resteront associées au suivi du chantier, a-t-il précisé.",
    "Le financement repose sur des ressources propres et sur un prêt du fonds d'équipement.",
    "La séance s'est achevée tard dans la soirée par un vote à une large majorité des présents.",
    "Les détails du calendrier seront publiés sur le portail de la commune cette semaine.",
)
AR = (
    "صادق المجلس الجماعي يوم الثلاثاء على ميزانية السنة المقبلة بعد نقاش طويل بين الأعضاء.",
    "وطالب أعضاء المعارضة بتخصيص مزيد من الموارد للأحياء الهامشية في المدينة.",
    "ويتضمن المشروع تأهيل ثلاثة أسواق وتوسيع شبكة التطهير السائل في عدة مناطق.",
    "وحسب رئيس المجلس فإن الأشغال ستنطلق في فصل الربيع وتستمر لمدة سنتين.",
    "ورحب التجار بهذا القرار الذي طال انتظاره من طرف الساكنة منذ سنوات.",
    "كما تم تخصيص غلاف مالي للإنارة العمومية والمساحات الخضراء بالمدينة.",
    "وأكد المسؤول أن جمعيات السكان ستشارك في تتبع الأشغال طيلة مدة الإنجاز.",
    "ويعتمد التمويل على الموارد الذاتية للجماعة وعلى قرض من صندوق التجهيز.",
)


def article_html(
    number: int, *, arabic: bool = False, dated: bool = True, charset_meta: str | None = None
) -> str:
    """A plausible news article page; its text differs for every `number`."""
    rng = random.Random(number * 7919 + arabic)
    sentences = list(AR if arabic else FR)
    rng.shuffle(sentences)
    word = "رقم" if arabic else "numéro"
    paragraphs = [" ".join(sentences[i : i + 3]) for i in range(0, len(sentences), 3)]
    paragraphs.insert(1, f"{sentences[0]} ({word} {number}, {rng.randrange(10**6)})")
    title = (
        f"خبر محلي {number}: المجلس يصادق على الميزانية"
        if arabic
        else f"Actualité {number} : le conseil adopte le budget"
    )
    meta = f'<meta charset="{charset_meta}">' if charset_meta else ""
    day = 1 + number % 28
    published = f"2026-10-{day:02d}T09:00:00+01:00"
    head = f'<meta property="article:published_time" content="{published}">' if dated else ""
    date = f'<time datetime="{published}">{day} octobre 2026</time>' if dated else ""
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    lang = "ar" if arabic else "fr"
    return (
        f'<!DOCTYPE html><html lang="{lang}"><head>{meta}<title>{title}</title>'
        f'{head}</head><body><header><a href="/">Accueil</a></header>'
        f"<article><h1>{title}</h1>{date}{body}</article><footer>© Site de test</footer>"
        "</body></html>"
    )


@dataclass
class Hit:
    path: str
    headers: dict[str, str]
    at: float


@dataclass
class FaultSite:
    """A site on 127.0.0.1: `n_ok` good articles plus the fault pages named in `faults`."""

    n_ok: int = 4
    faults: Sequence[str] = ()
    delay: float = 0.0  # seconds each article takes to answer (to kill a crawl mid-way)
    other: str = ""  # base URL of another host, linked from the feed and redirected to
    undated_from: int | None = None  # articles numbered this or more lose their dates
    blocked: bool = False  # every page answers 403 with a Cloudflare block page
    honour_conditional: bool = True  # False: a server that ignores If-None-Match and friends
    news_lastmod: str = "2026-11-20T10:00:00Z"  # <lastmod> of /sitemap-news.xml in the index
    hits: list[Hit] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)

    def start(self) -> FaultSite:
        site = self
        if "gzip-bomb" in self.faults:
            gzip_bomb()  # built before the crawl starts: it takes seconds of CPU

        class Handler(_Handler):
            owner = site

        self._serve(Handler)
        return self

    def _serve(self, handler: type[BaseHTTPRequestHandler]) -> None:
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def article_paths(self) -> list[str]:
        return [f"/news/ok-{i}.html" for i in range(1, self.n_ok + 1)] + [
            f"/news/{name}.html" for name in self.faults
        ]

    def fetched(self, prefix: str = "/news/") -> list[str]:
        return [h.path for h in self.hits if h.path.startswith(prefix)]

    # --- documents ----------------------------------------------------------------------
    def feed(self) -> bytes:
        links = [self.base + p for p in self.article_paths()]
        links.append(self.base + "/private/secret.html")
        if self.other:
            links.append(self.other + "/news/foreign.html")
        items = "".join(f"<item><title>t</title><link>{u}</link></item>" for u in links)
        return f'<?xml version="1.0"?><rss version="2.0"><channel>{items}</channel></rss>'.encode()

    def sitemap_index(self) -> bytes:
        subs = (
            ("/sitemap-news.xml", self.news_lastmod),
            ("/sitemap-bomb.xml", "2026-11-20T10:00:00Z"),
            ("/sitemap-bad.xml", "2026-11-20T10:00:00Z"),
            ("/sitemap-old.xml", "2020-01-01"),
        )
        return sitemap_index((self.base + path, lastmod) for path, lastmod in subs).encode()

    def listing(self, page: int) -> bytes:
        """A section page: the first half of the articles on page 1, the rest on page 2."""
        paths = self.article_paths()
        half = (len(paths) + 1) // 2
        links = paths[:half] if page == 1 else paths[half:]
        anchors = "".join(f'<li><a href="{p}">{p}</a></li>' for p in links)
        more = '<a rel="next" href="/list-2.html">Suivant</a>' if page == 1 else ""
        return f"<html><body><ul>{anchors}</ul>{more}</body></html>".encode()

    def sitemap(self, paths: Sequence[str]) -> bytes:
        return urlset(self.base + path for path in paths).encode()


ENTITY_BOMB = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lollollollollollollollollollol">'
    + b"".join(
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'.encode()
        for i in range(1, 10)
    )
    + b"]>"
)


@functools.cache
def gzip_bomb() -> bytes:
    """512 MiB of zeros gzipped into 0.5 MB: fully inflated it would dwarf MEMORY_BOUND."""
    stream, chunk = zlib.compressobj(9, zlib.DEFLATED, 31), bytes(1 << 20)
    return b"".join(stream.compress(chunk) for _ in range(512)) + stream.flush()


class _Handler(BaseHTTPRequestHandler):
    owner: FaultSite
    protocol_version = "HTTP/1.0"

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        site = self.owner
        path = self.path.split("?", 1)[0]
        site.hits.append(Hit(path, {k.lower(): v for k, v in self.headers.items()}, time.time()))
        site.counts[path] = site.counts.get(path, 0) + 1
        # the crawler may give up on a response (timeouts, size limits): expected
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            self.route(site, path)

    def route(self, site: FaultSite, path: str) -> None:
        if site.blocked:
            return self.send(
                403,
                b"<html><title>Attention Required! | Cloudflare</title>"
                b"Sorry, you have been blocked</html>",
                "text/html",
                {"cf-ray": "8a1b2c3d4e5f-CMN", "Server": "cloudflare"},
            )
        documents: dict[str, Callable[[], bytes]] = {
            "/robots.txt": lambda: b"User-agent: *\nDisallow: /private/\n",
            "/feed.xml": site.feed,
            "/sitemap.xml": site.sitemap_index,
            "/sitemap-news.xml": lambda: site.sitemap(site.article_paths()),
            "/sitemap-old.xml": lambda: site.sitemap(["/news/ok-1.html"]),
            "/sitemap-bomb.xml": lambda: (
                ENTITY_BOMB + b"<urlset><url><loc>&lol9;</loc></url></urlset>"
            ),
            "/sitemap-bad.xml": lambda: b"<urlset><url><loc>http://x/</loc>\x00\x01<<<</url",
            "/feed-bomb.xml": lambda: (
                ENTITY_BOMB + b"<rss><channel><item><link>&lol9;</link></item></channel></rss>"
            ),
            "/feed-bad.xml": lambda: b"\x89PNG this is no feed <<<>>> \x00",
            "/list.html": lambda: site.listing(1),
            "/list-2.html": lambda: site.listing(2),
        }
        if path in documents:
            kind = {".txt": "text/plain", "html": "text/html"}.get(path[-4:], "application/xml")
            return self.document(documents[path](), kind)
        name = path.removeprefix("/news/").removesuffix(".html")
        if path.startswith("/news/ok-") and name[3:].isdigit():
            if site.delay:
                time.sleep(site.delay)
            number = int(name[3:])
            dated = site.undated_from is None or number < site.undated_from
            return self.send(
                200, article_html(number, dated=dated).encode(), "text/html; charset=utf-8"
            )
        fault = FAULTS.get(name)
        if fault is None:
            return self.send(404, b"<html><body>Not found</body></html>", "text/html")
        return fault(self, site)

    def document(self, body: bytes, content_type: str) -> None:
        digest = hashlib.sha256(body).hexdigest()
        etag = f'"{digest[:16]}"'
        # a different Last-Modified for every content, as a real server's file times would be
        modified = email.utils.formatdate(1_700_000_000 + int(digest[:6], 16), usegmt=True)
        if self.owner.honour_conditional and (
            self.headers.get("If-None-Match") == etag
            if self.headers.get("If-None-Match")
            else self.headers.get("If-Modified-Since") == modified
        ):
            return self.send(304, b"", None, {"ETag": etag})
        self.send(200, body, content_type, {"ETag": etag, "Last-Modified": modified})

    def send(
        self,
        status: int,
        body: bytes,
        content_type: str | None,
        headers: dict[str, str] | None = None,
        length: int | None = None,
    ) -> None:
        self.send_response(status)
        if content_type:
            self.send_header("Content-Type", content_type)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body) if length is None else length))
        self.end_headers()
        self.wfile.write(body)

    def reset(self) -> None:
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.connection.close()


def _html(number: int) -> bytes:
    return article_html(number).encode()


def _unavailable_once(h: _Handler, site: FaultSite) -> None:
    if site.counts[h.path] == 1:
        return h.send(503, b"busy", "text/html", {"Retry-After": "1"})
    h.send(200, _html(901), "text/html; charset=utf-8")


def _slow(h: _Handler, site: FaultSite) -> None:
    h.send_response(200)
    h.send_header("Content-Type", "text/html")
    h.end_headers()
    for _ in range(60):  # one byte every 100 ms: far beyond DOWNLOAD_TIMEOUT
        h.wfile.write(b" ")
        h.wfile.flush()
        time.sleep(0.1)


def _arabic(
    number: int, charset_header: str | None, charset_meta: str | None
) -> Callable[[_Handler, FaultSite], None]:
    def serve(h: _Handler, site: FaultSite) -> None:
        page = article_html(number, arabic=True, charset_meta=charset_meta).encode("cp1256")
        kind = f"text/html; charset={charset_header}" if charset_header else "text/html"
        h.send(200, page, kind)

    return serve


def _huge_chunked(h: _Handler, site: FaultSite) -> None:
    h.send_response(200)
    h.send_header("Content-Type", "text/html")
    h.end_headers()  # no Content-Length: the body ends when the connection closes
    chunk = b"<p>" + b"x" * 65_533 + b"</p>"
    for _ in range(40):  # 2.6 MB, past the tests' DOWNLOAD_MAXSIZE of 1 MB
        h.wfile.write(chunk)


FAULTS: dict[str, Callable[[_Handler, FaultSite], None]] = {
    "e500": lambda h, s: h.send(500, b"oops", "text/html"),
    "e503-once": _unavailable_once,
    "e503": lambda h, s: h.send(503, b"busy", "text/html", {"Retry-After": "1"}),
    "e503-long": lambda h, s: h.send(503, b"busy", "text/html", {"Retry-After": "3600"}),
    "e429": lambda h, s: h.send(429, b"slow down", "text/html", {"Retry-After": "1"}),
    "e404": lambda h, s: h.send(404, b"gone", "text/html"),
    "reset": lambda h, s: h.reset(),
    "hang": lambda h, s: time.sleep(6),
    "slow": _slow,
    "truncated": lambda h, s: h.send(200, _html(902)[:900], "text/html", length=20_000),
    "loop": lambda h, s: h.send(302, b"", None, {"Location": "/news/loop-b.html"}),
    "loop-b": lambda h, s: h.send(302, b"", None, {"Location": "/news/loop.html"}),
    "offsite": lambda h, s: h.send(302, b"", None, {"Location": s.other + "/news/stolen.html"}),
    # 3 MB, past the tests' DOWNLOAD_MAXSIZE: refused from its headers, not cut at the limit
    "pdf": lambda h, s: h.send(200, b"%PDF-1.4\n" + b"0" * 3_000_000, "application/pdf"),
    "image": lambda h, s: h.send(200, b"\xff\xd8\xff\xe0" + b"0" * 5000, "image/jpeg"),
    "gzip-bomb": lambda h, s: h.send(200, gzip_bomb(), "text/html", {"Content-Encoding": "gzip"}),
    "huge": lambda h, s: h.send(200, b"<html>" + b"x" * 100, "text/html", length=5_000_000),
    "huge-chunked": _huge_chunked,
    "ar-no-charset": _arabic(801, None, None),
    "ar-meta-charset": _arabic(802, None, "windows-1256"),
    "ar-wrong-charset": _arabic(803, "utf-8", None),
    "ar-wrong-header": _arabic(804, "iso-8859-1", "windows-1256"),
}


def crawl(
    archive: Path, *args: str, settings: Sequence[str] = FAST, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """`akhbar crawl --archive ARCHIVE ARGS` in a subprocess, with fast local settings."""
    command = [str(AKHBAR), "crawl", "--archive", str(archive), *args]
    for setting in settings:
        command += ["--set", setting]
    return subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False)


def akhbar(*args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(AKHBAR), *args], capture_output=True, text=True, timeout=timeout, check=False
    )


if __name__ == "__main__":
    site = FaultSite(n_ok=4, faults=tuple(FAULTS)).start()
    print(f"fault site on {site.base}: feed {site.base}/feed.xml, sitemap {site.base}/sitemap.xml")
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        site.stop()


@dataclass(frozen=True)
class Measured:
    returncode: int
    stdout: str
    stderr: str
    seconds: float
    peak_rss: int  # bytes: the largest sum of RSS over the crawl's process tree, sampled


def crawl_measured(archive: Path, *args: str, timeout: float = 120) -> Measured:
    """Like `crawl`, sampling the memory of the crawl and its extraction workers meanwhile."""
    import psutil

    command = [str(AKHBAR), "crawl", "--archive", str(archive), *args]
    for setting in FAST:
        command += ["--set", setting]
    started = time.monotonic()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    root, peak = psutil.Process(process.pid), 0
    while process.poll() is None and time.monotonic() - started < timeout:
        try:
            tree = [root, *root.children(recursive=True)]
            peak = max(peak, sum(p.memory_info().rss for p in tree))
        except psutil.Error:
            pass  # a worker exited between listing and sampling
        time.sleep(0.05)
    if process.poll() is None:
        process.kill()
    stdout, stderr = process.communicate(timeout=10)
    return Measured(process.returncode, stdout, stderr, time.monotonic() - started, peak)
