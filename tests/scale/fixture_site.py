"""A small news site for the scale tests: a sitemap, article pages, one non-article page.

Served by a ThreadingHTTPServer on 127.0.0.1 (a free port) in a thread; it counts every request
per path, so tests can assert that each page was fetched exactly once. Some article pages are
sent gzip-encoded (when the client accepts it), so WARC records hold content-encoded bodies.
"""

from __future__ import annotations

import gzip
import random
import threading
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any

from tests.sitemaps import urlset

TEXT = (
    "le gouvernement a annoncé mardi un nouveau programme de soutien aux agriculteurs des régions "
    "touchées par la sécheresse selon le ministre le budget atteindra plusieurs milliards de "
    "dirhams sur trois ans les coopératives pourront déposer leurs dossiers auprès des directions "
    "régionales avant la fin du mois prochain les professionnels du secteur saluent une mesure "
    "attendue mais demandent des précisions sur les critères retenus pour les petites "
    "exploitations familiales qui représentent la majorité des producteurs du pays"
)
WORDS = TEXT.split()


def article_html(number: int) -> str:
    rng = random.Random(number)
    title = f"Article {number} : {' '.join(rng.sample(WORDS, 6))}"
    paragraphs = "\n".join(
        f"<p>{' '.join(rng.choice(WORDS) for _ in range(45)).capitalize()}.</p>" for _ in range(6)
    )
    return f"""<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8">
<title>{title}</title>
<meta property="og:title" content="{title}">
<meta property="article:published_time" content="2026-03-{1 + number % 28:02d}T08:00:00+00:00">
</head><body><nav><a href="/">Accueil</a> <a href="/economie/">Économie</a></nav>
<article><h1>{title}</h1><time datetime="2026-03-{1 + number % 28:02d}">mars 2026</time>
{paragraphs}
</article><footer>© Le Journal de test 2026</footer></body></html>"""


NOT_AN_ARTICLE = """<!DOCTYPE html><html lang="fr"><head><title>Contact</title></head>
<body><p>Écrivez-nous.</p></body></html>"""


class FixtureSite:
    """`with FixtureSite(articles=12) as site:` site.base, site.sitemap, site.hits[path]."""

    def __init__(self, articles: int = 12) -> None:
        self.pages: dict[str, tuple[bytes, str]] = {}
        self.hits: Counter[str] = Counter()
        self.lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.sitemap = f"{self.base}/sitemap.xml"
        self.article_paths = [f"/articles/{n}-nouvelle.html" for n in range(articles)]
        for number, path in enumerate(self.article_paths):
            self.pages[path] = (article_html(number).encode(), "text/html; charset=utf-8")
        self.pages["/articles/contact.html"] = (NOT_AN_ARTICLE.encode(), "text/html")
        urls = [*self.article_paths, "/articles/contact.html"]
        sitemap = urlset(self.base + path for path in urls)
        self.pages["/sitemap.xml"] = (sitemap.encode(), "application/xml")
        self.pages["/robots.txt"] = (b"User-agent: *\nAllow: /\n", "text/plain")
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def page_hits(self) -> Counter[str]:
        """Requests per path, robots.txt left out (every crawler process reads it once)."""
        with self.lock:
            return Counter({p: n for p, n in self.hits.items() if p != "/robots.txt"})

    def __enter__(self) -> FixtureSite:
        self.thread.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.server.shutdown()
        self.server.server_close()


def _handler(site: FixtureSite) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            path = self.path.split("?", 1)[0]
            with site.lock:
                site.hits[path] += 1
            if path not in site.pages:
                self._send(404, b"not found", "text/plain")
                return
            body, media = site.pages[path]
            self._send(200, body, media)

        def _send(self, status: int, body: bytes, media: str) -> None:
            self.send_response(status)
            self.send_header("Content-Type", media)
            odd = self.path.endswith(("1-nouvelle.html", "3-nouvelle.html"))
            if odd and "gzip" in self.headers.get("Accept-Encoding", ""):
                body = gzip.compress(body)
                self.send_header("Content-Encoding", "gzip")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler


if __name__ == "__main__":
    import time

    with FixtureSite() as running:
        print(running.sitemap, flush=True)
        time.sleep(3600)
