"""`akhbar serve`: datasette on the archive, read-only, with akhbar's metadata and reading room.

datasette opens a mutable file with `mode=ro` connections, so it reads what a running crawl commits
(WAL) and never writes; `--immutable` would be wrong here, since it assumes the file never changes.
The reading room (archive/reading_room/: templates, CSS, a plugin) shows articles as articles.
datasette runs as a child process; the metadata file lives in a temporary directory removed when
it stops, however it stops (Ctrl-C, SIGTERM, SIGHUP: each is passed on to datasette).
"""

from __future__ import annotations

import ipaddress
import json
import signal
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import resources
from pathlib import Path
from typing import Any

from archive.errors import ArchiveError
from archive.reading_room import STATIC_MOUNT, directory

DEFAULT_SETTINGS = {
    "sql_time_limit_ms": "5000",  # every query, canned or not, is cut after 5 s
    "facet_time_limit_ms": "1000",
    "default_page_size": "50",
    "default_facet_size": "10",
    "max_returned_rows": "1000",
    "max_csv_mb": "50",
    "allow_download": "off",
    "truncate_cells_html": "400",
    # Suggesting facets runs a query per column on every list page: 80 % of a 20,000-article
    # list page's 1.5 s; the reading room's facets are chosen in metadata.yml.
    "suggest_facets": "off",
}
LOOPBACK_HOSTS = frozenset({"localhost", "ip6-localhost"})


def is_loopback(host: str) -> bool:
    """Is `host` only reachable from this machine (127.0.0.0/8, ::1, localhost)?"""
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return host.lower() in LOOPBACK_HOSTS


def database_name(path: Path) -> str:
    """The name datasette gives the database: the file name without its suffix."""
    return path.stem


def metadata(path: Path) -> dict[str, Any]:
    """archive/metadata.yml with the database key and links renamed after the file."""
    try:
        import yaml
    except ImportError as error:  # pragma: no cover - PyYAML comes with datasette
        raise ArchiveError("akhbar serve needs datasette: pip install 'akhbar[browse]'") from error
    text = resources.files("archive").joinpath("metadata.yml").read_text(encoding="utf-8")
    name = database_name(path)
    data: dict[str, Any] = yaml.safe_load(text.replace('href="/archive/', f'href="/{name}/'))
    data["databases"] = {name: data["databases"]["archive"]}
    return data


def write_metadata(path: Path, folder: Path) -> Path:
    """Write the metadata as JSON into `folder` and return the file's path."""
    target = folder / "metadata.json"
    target.write_text(json.dumps(metadata(path), ensure_ascii=False, indent=2), encoding="utf-8")
    return target


def serve_command(
    path: Path, port: int, host: str, metadata_file: Path, allow_sql: bool = True
) -> list[str]:
    """The `datasette serve` command line (run with this interpreter). Without `allow_sql`
    only the tables, facets, full-text search and the canned queries of the metadata run."""
    command = [sys.executable, "-m", "datasette", "serve", str(path), "--host", host,
               "--port", str(port), "--metadata", str(metadata_file),
               "--template-dir", str(directory("templates")),
               "--plugins-dir", str(directory("plugins")),
               "--static", f"{STATIC_MOUNT}:{directory('static')}"]  # fmt: skip
    settings = {**DEFAULT_SETTINGS, "default_allow_sql": "on" if allow_sql else "off"}
    for name, value in settings.items():
        command += ["--setting", name, value]
    return command


def front_page_url(host: str, port: int) -> str:
    """Where a browser on this machine finds the front page."""
    shown = "localhost" if host in ("0.0.0.0", "::", "") else host
    shown = f"[{shown}]" if ":" in shown else shown
    return f"http://{shown}:{port}/"


def serve(path: Path, port: int, host: str, allow_sql: bool = True) -> int:
    """Run datasette on the archive until it stops; return its exit code, or minus the number of
    the signal that stopped it (as `subprocess` does). Leaves no file behind."""
    with tempfile.TemporaryDirectory(prefix="akhbar-serve-") as folder:
        metadata_file = write_metadata(path, Path(folder))
        command = serve_command(path, port, host, metadata_file, allow_sql=allow_sql)
        process = subprocess.Popen(command)
        with _passed_on(process) as received:
            while True:
                try:
                    code = process.wait()
                    break
                except KeyboardInterrupt:  # SIGINT before our handler was installed
                    received.append(signal.SIGINT)
                    process.send_signal(signal.SIGINT)
        return -received[0] if received else code


_STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


@contextmanager
def _passed_on(process: subprocess.Popen[bytes]) -> Iterator[list[int]]:
    """While datasette runs, a stop signal to this process goes to datasette instead; the
    signals passed on are listed in what this yields."""
    previous = {sig: signal.getsignal(sig) for sig in _STOP_SIGNALS}
    received: list[int] = []

    def pass_on(number: int, _frame: object) -> None:
        received.append(number)
        process.send_signal(number)

    for sig in _STOP_SIGNALS:
        signal.signal(sig, pass_on)
    try:
        yield received
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
