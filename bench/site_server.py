"""A small, fast static HTTP/1.1 server for the benchmark site, run in a process of its own.

asyncio protocol, keep-alive, GET/HEAD only, files read from the site directory (the page
cache keeps them in memory). Discovery files (.xml, .txt) have `{base}` replaced by the
server's own base URL, so sitemaps and feeds carry absolute URLs whatever the port.

    python -m bench.site_server --root DIR [--port 0]    # prints its base URL, then serves
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import subprocess
import sys
from pathlib import Path
from types import TracebackType

import psutil

TYPES = {
    ".html": b"text/html; charset=utf-8",
    ".xml": b"application/xml",
    ".txt": b"text/plain; charset=utf-8",
}
TEMPLATED = (".xml", ".txt")


class StaticFiles:
    """Path -> (body, content type), templated files rendered once and kept."""

    def __init__(self, root: Path, base: str) -> None:
        self.root = root.resolve()
        self.base = base.encode()
        self.rendered: dict[bytes, tuple[bytes, bytes]] = {}

    def get(self, path: bytes) -> tuple[bytes, bytes] | None:
        if path in self.rendered:
            return self.rendered[path]
        name = path.decode("utf-8", "replace").lstrip("/")
        full = self.root / name
        if ".." in name.split("/") or not full.is_file():
            return None
        suffix = full.suffix
        body = full.read_bytes()
        kind = TYPES.get(suffix, b"application/octet-stream")
        if suffix in TEMPLATED:
            body = body.replace(b"{base}", self.base)
            self.rendered[path] = (body, kind)
        return body, kind


class HttpProtocol(asyncio.Protocol):
    """One connection: parse request heads, answer in order, keep the connection alive."""

    def __init__(self, files: StaticFiles) -> None:
        self.files = files
        self.buffer = b""
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        while b"\r\n\r\n" in self.buffer:
            head, _, self.buffer = self.buffer.partition(b"\r\n\r\n")
            self.answer(head)

    def answer(self, head: bytes) -> None:
        assert self.transport is not None
        parts = head.split(b"\r\n", 1)[0].split(b" ")
        method, target = (parts[0], parts[1]) if len(parts) >= 2 else (b"", b"/")
        found = self.files.get(target.split(b"?", 1)[0]) if method in (b"GET", b"HEAD") else None
        status, (body, kind) = (
            (b"200 OK", found) if found else (b"404 Not Found", (b"", b"text/plain"))
        )
        close = b"connection: close" in head.lower()
        self.transport.write(
            b"HTTP/1.1 "
            + status
            + b"\r\nContent-Type: "
            + kind
            + b"\r\nContent-Length: "
            + str(len(body)).encode()
            + (b"\r\nConnection: close" if close else b"")
            + b"\r\n\r\n"
        )
        if method == b"GET" and body:
            self.transport.write(body)
        if close:
            self.transport.close()


async def serve(root: Path, port: int) -> None:
    loop = asyncio.get_running_loop()
    holder: dict[str, StaticFiles] = {}
    server = await loop.create_server(
        lambda: HttpProtocol(holder["files"]), "127.0.0.1", port, backlog=512
    )
    bound = server.sockets[0].getsockname()[1]
    base = f"http://127.0.0.1:{bound}"
    holder["files"] = StaticFiles(root, base)
    print(base, flush=True)
    async with server:
        await server.serve_forever()


class SiteServer:
    """Serve a generated site from a separate process; `cpu_seconds()` is what it has used."""

    def __init__(self, root: Path, port: int = 0) -> None:
        self.root = root
        self.port = port
        self.base_url = ""
        self._popen: subprocess.Popen[str] | None = None
        self.process: psutil.Process

    def __enter__(self) -> SiteServer:
        command = [sys.executable, "-m", "bench.site_server", "--root", str(self.root)]
        self._popen = subprocess.Popen(
            [*command, "--port", str(self.port)], stdout=subprocess.PIPE, text=True
        )
        assert self._popen.stdout is not None
        self.base_url = self._popen.stdout.readline().strip()
        if not self.base_url.startswith("http://"):
            self.__exit__(None, None, None)
            raise RuntimeError(f"the site server did not start (said {self.base_url!r})")
        self.process = psutil.Process(self._popen.pid)
        return self

    def cpu_seconds(self) -> float:
        times = self.process.cpu_times()
        return times.user + times.system

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._popen is not None and self._popen.poll() is None:
            self._popen.terminate()
            self._popen.wait(timeout=10)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Serve a generated benchmark site.")
    parser.add_argument("--root", type=Path, required=True)
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args(argv)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve(args.root, args.port))
    return 0


if __name__ == "__main__":
    sys.exit(main())
