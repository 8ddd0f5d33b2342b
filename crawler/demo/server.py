"""The sample site: every demo outlet served by its own HTTP server on 127.0.0.1.

A site directory holds one subdirectory per outlet (its name is the outlet's name) plus
`outlets.toml.tmpl` and `expected.json`. Files are templates: `{base}` becomes the outlet's own
base URL, `{base:OTHER}` another outlet's, `{host:OTHER}` its "127.0.0.1:PORT". Each outlet gets
its own port, so each has its own netloc, as real outlets do.

URL paths map to files: `/a/b` serves `a/b` or `a/b.html`; `/a/` serves `a/index.html` (or
`a/index.xml`); `/a` with only `a/index.*` redirects to `/a/`. A file named `page@k=v&k2=v2.html`
answers `/page?k=v&k2=v2` (any order); other query strings (tracking parameters) are ignored, as
real servers do.
Every response carries Last-Modified and ETag and answers conditional requests with 304.
`DemoSite.delays` slows chosen outlets down (a slow origin, a cold cache), so a test can make a
crawl fetch the aggregator's copies before their originals.
"""

from __future__ import annotations

import argparse
import email.utils
import hashlib
import json
import logging
import re
import shutil
import signal
import socketserver
import tempfile
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

logger = logging.getLogger(__name__)

SITE_DIR = Path(__file__).parent / "site"
UNTUNED_DIR = Path(__file__).parent / "untuned"
OUTLETS_TEMPLATE = "outlets.toml.tmpl"
EXPECTED_FILE = "expected.json"
DEFAULT_ROBOTS = "User-agent: *\nDisallow: /admin/\n\nSitemap: {base}/sitemap.xml\n"
_PLACEHOLDER = re.compile(r"\{(base|host)(?::([a-z0-9][a-z0-9-]*))?\}")
_TYPES = {
    ".html": "text/html",
    ".htm": "text/html",
    ".txt": "text/plain",
    ".json": "application/json",
    ".css": "text/css",
    ".js": "text/javascript",
}
Query = tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Resource:
    """One file as served: rendered body and the validators of conditional requests."""

    body: bytes
    content_type: str
    etag: str
    last_modified: int  # seconds since the epoch

    @classmethod
    def build(cls, name: str, text: str, mtime: float) -> Resource:
        body = text.encode("utf-8")
        etag = '"' + hashlib.sha256(body).hexdigest()[:20] + '"'
        media = content_type(_split_query_name(name)[0], text)
        return cls(body, f"{media}; charset=utf-8", etag, int(mtime))


def content_type(name: str, text: str) -> str:
    """The media type of a file: by extension, else sniffed (feeds and sitemaps have none)."""
    suffix = Path(name).suffix.lower()
    if suffix in _TYPES:
        return _TYPES[suffix]
    head = text.lstrip()[:600]
    if suffix == ".xml" or head.startswith("<?xml"):
        if re.search(r"<rss[\s>]", head):
            return "application/rss+xml"
        if re.search(r"<feed[\s>]", head):
            return "application/atom+xml"
        return "application/xml"
    return "text/html"


def render(text: str, bases: dict[str, str], own: str | None = None) -> str:
    """Replace `{base}`, `{base:NAME}`, `{host}` and `{host:NAME}` with real URLs."""

    def substitute(match: re.Match[str]) -> str:
        kind, name = match.group(1), match.group(2) or own
        if name is None or name not in bases:
            raise ValueError(f"template names unknown outlet {name!r}: {match.group(0)}")
        base = bases[name]
        return base if kind == "base" else urlsplit(base).netloc

    return _PLACEHOLDER.sub(substitute, text)


def _split_query_name(key: str) -> tuple[str, Query]:
    """`search@a=1&b=2.html` -> (`search.html`, (("a", "1"), ("b", "2")))."""
    stem, _, rest = key.partition("@")
    query = rest.removesuffix(".html")
    ext = ".html" if query != rest else ""
    return stem + ext, tuple(sorted(parse_qsl(query, keep_blank_values=True)))


@dataclass
class OutletFiles:
    """The rendered files of one outlet, looked up by URL path and query."""

    name: str
    files: dict[str, Resource] = field(default_factory=dict)
    by_query: dict[tuple[str, Query], Resource] = field(default_factory=dict)

    def put(self, key: str, resource: Resource) -> None:
        if "@" in key:
            self.by_query[_split_query_name(key)] = resource
        else:
            self.files[key] = resource

    def resolve(self, path: str, query: str) -> tuple[Resource | None, str | None]:
        """(resource, None), (None, redirect path) or (None, None) for a 404."""
        key = unquote(path).lstrip("/")
        params = tuple(sorted(parse_qsl(query, keep_blank_values=True)))
        if key and not key.endswith("/"):
            candidates = [key, key + ".html"]
        else:
            candidates = [key + "index.html", key + "index.xml"]
        for candidate in candidates:
            if params and (candidate, params) in self.by_query:
                return self.by_query[(candidate, params)], None
            if candidate in self.files:
                return self.files[candidate], None
        if (
            key
            and not key.endswith("/")
            and {f"{key}/index.html", f"{key}/index.xml"} & set(self.files)
        ):
            return None, path + "/" + (f"?{query}" if query else "")
        return None, None


class _OutletServer(ThreadingHTTPServer):
    daemon_threads = True
    site: DemoSite
    outlet: str

    def server_bind(self) -> None:
        """Bind without the reverse DNS lookup HTTPServer does (slow on some machines)."""
        socketserver.TCPServer.server_bind(self)
        host, port = self.server_address[:2]
        self.server_name, self.server_port = str(host), int(port)


class _Handler(BaseHTTPRequestHandler):
    server: _OutletServer
    protocol_version = "HTTP/1.1"
    timeout = 15
    server_version = "akhbar-demo/1"

    def do_GET(self) -> None:
        self._answer(send_body=True)

    def do_HEAD(self) -> None:
        self._answer(send_body=False)

    def _answer(self, send_body: bool) -> None:
        site, outlet = self.server.site, self.server.outlet
        parts = urlsplit(self.path)
        time.sleep(site.delays.get(outlet, 0.0))
        site._record(outlet, self.path)
        resource, location = site._files[outlet].resolve(parts.path, parts.query)
        if location is not None:
            self._plain(301, "moved\n", send_body, {"Location": location})
        elif resource is None:
            self._plain(404, f"404 Not Found: {parts.path}\n", send_body, {})
        elif self._not_modified(resource):
            self.send_response(304)
            self._validators(resource)
            self.send_header("Content-Length", "0")
            self.end_headers()
        else:
            self.send_response(200)
            self.send_header("Content-Type", resource.content_type)
            self.send_header("Content-Length", str(len(resource.body)))
            self._validators(resource)
            self.end_headers()
            if send_body:
                self.wfile.write(resource.body)

    def _not_modified(self, resource: Resource) -> bool:
        tags = self.headers.get("If-None-Match")
        if tags is not None:
            return resource.etag in [t.strip() for t in tags.split(",")] or tags.strip() == "*"
        since = self.headers.get("If-Modified-Since")
        if since is None:
            return False
        try:
            parsed = email.utils.parsedate_to_datetime(since)
        except (TypeError, ValueError):
            return False
        return resource.last_modified <= parsed.timestamp()

    def _validators(self, resource: Resource) -> None:
        self.send_header("ETag", resource.etag)
        modified = email.utils.formatdate(resource.last_modified, usegmt=True)
        self.send_header("Last-Modified", modified)

    def _plain(self, status: int, text: str, send_body: bool, headers: dict[str, str]) -> None:
        body = text.encode("utf-8")
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if send_body:
            self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        logger.debug("%s %s", self.server.outlet, format % args)


@dataclass
class DemoSite:
    """The running sample site: one server per outlet. Use `start_demo_site` to make one."""

    base_urls: dict[str, str]
    outlets_file: Path
    site_dir: Path
    delays: dict[str, float] = field(default_factory=dict)  # outlet -> seconds before answering
    _servers: list[_OutletServer] = field(default_factory=list, repr=False)
    _files: dict[str, OutletFiles] = field(default_factory=dict, repr=False)
    _log: list[tuple[str, str]] = field(default_factory=list, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _tmp: Path | None = field(default=None, repr=False)

    def requests(self) -> list[tuple[str, str]]:
        """(outlet, path with query) of every request served so far, in order."""
        with self._lock:
            return list(self._log)

    def reset_requests(self) -> None:
        with self._lock:
            self._log.clear()

    def url(self, outlet: str, path: str = "/") -> str:
        """The full URL of a path on one outlet."""
        return self.base_urls[outlet] + path

    def render(self, text: str) -> str:
        """A template (such as expected.json) with this run's real URLs."""
        return render(text, self.base_urls)

    def expected(self) -> dict[str, Any]:
        """The site's expected.json with real URLs."""
        data: dict[str, Any] = json.loads(self.render(self._read(EXPECTED_FILE)))
        return data

    def put(self, outlet: str, path: str, text: str, mtime: float | None = None) -> None:
        """Add or replace a file while the site runs (a feed that moves, a new article)."""
        key = path.lstrip("/")
        rendered = render(text, self.base_urls, own=outlet)
        self._files[outlet].put(key, Resource.build(key, rendered, mtime or time.time()))

    def stop(self) -> None:
        """Shut every server down and free its port."""
        for server in self._servers:
            server.shutdown()
            server.server_close()
        self._servers.clear()
        if self._tmp is not None:
            shutil.rmtree(self._tmp, ignore_errors=True)
            self._tmp = None

    def __enter__(self) -> DemoSite:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    def _record(self, outlet: str, path: str) -> None:
        with self._lock:
            self._log.append((outlet, path))

    def _read(self, name: str) -> str:
        return (self.site_dir / name).read_text(encoding="utf-8")

    def _load(self, outlet: str) -> None:
        root = self.site_dir / outlet
        files = OutletFiles(outlet)
        for path in sorted(p for p in root.rglob("*") if p.is_file()):
            key = path.relative_to(root).as_posix()
            try:
                text = render(path.read_text(encoding="utf-8"), self.base_urls, own=outlet)
            except ValueError as exc:
                raise ValueError(f"{path}: {exc}") from exc
            files.put(key, Resource.build(key, text, path.stat().st_mtime))
        if "robots.txt" not in files.files:
            robots = render(DEFAULT_ROBOTS, self.base_urls, own=outlet)
            files.put("robots.txt", Resource.build("robots.txt", robots, time.time()))
        self._files[outlet] = files


def outlet_names(site_dir: Path) -> list[str]:
    """The outlets of a site directory: its subdirectories, sorted."""
    return sorted(p.name for p in site_dir.iterdir() if p.is_dir() and not p.name.startswith("."))


def start_demo_site(site_dir: Path | None = None, workdir: Path | None = None) -> DemoSite:
    """Serve every outlet of `site_dir` on its own free port of 127.0.0.1, in background threads.

    The outlets file with real ports is written into `workdir` (default: a temporary directory
    removed by `stop()`).
    """
    site_dir = Path(site_dir or SITE_DIR)
    names = outlet_names(site_dir)
    if not names:
        raise ValueError(f"{site_dir}: no outlet directories")
    tmp = None if workdir else Path(tempfile.mkdtemp(prefix="akhbar-demo-"))
    workdir = Path(workdir) if workdir else Path(str(tmp))
    workdir.mkdir(parents=True, exist_ok=True)
    servers = [_OutletServer(("127.0.0.1", 0), _Handler) for _ in names]
    ports = [s.server_address[1] for s in servers]
    bases = {n: f"http://127.0.0.1:{port}" for n, port in zip(names, ports, strict=True)}
    site = DemoSite(bases, workdir / "outlets.toml", site_dir, _servers=servers, _tmp=tmp)
    try:
        for name, server in zip(names, servers, strict=True):
            site._load(name)
            server.site, server.outlet = site, name
        template = site_dir / OUTLETS_TEMPLATE
        if template.exists():
            site.outlets_file.write_text(site.render(template.read_text("utf-8")), "utf-8")
        if (site_dir / EXPECTED_FILE).exists():
            (workdir / EXPECTED_FILE).write_text(site.render(site._read(EXPECTED_FILE)), "utf-8")
    except BaseException:
        for server in servers:
            server.server_close()
        raise
    for name, server in zip(names, servers, strict=True):
        thread = threading.Thread(target=server.serve_forever, name=f"demo-{name}", daemon=True)
        thread.start()
    logger.info("demo site %s serving %d outlets", site_dir, len(names))
    return site


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    """`python -m crawler.demo.server`: serve the sample site until Ctrl-C or SIGTERM."""
    parser = argparse.ArgumentParser(description="Serve akhbar's sample news site on 127.0.0.1.")
    parser.add_argument("--site", type=Path, default=None, help="site directory (default: bundled)")
    parser.add_argument("--untuned", action="store_true", help="serve the untuned sample site")
    parser.add_argument("--workdir", type=Path, default=None, help="where to write outlets.toml")
    args = parser.parse_args(argv)
    site_dir = UNTUNED_DIR if args.untuned else args.site
    site = start_demo_site(site_dir, args.workdir)
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        for name, base in site.base_urls.items():
            print(f"{name:<20} {base}/", flush=True)
        print(f"outlets file: {site.outlets_file}", flush=True)
        print("serving; press Ctrl-C to stop", flush=True)
        threading.Event().wait()
    except KeyboardInterrupt:
        print("stopped", flush=True)
    finally:
        site.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
