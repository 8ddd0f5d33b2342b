"""`akhbar serve`: datasette on the archive, read-only, with akhbar's metadata.

datasette opens a mutable file with `mode=ro` connections, so it reads what a running crawl commits
(WAL) and never writes; `--immutable` would be wrong here, since it assumes the file never changes.
"""

from __future__ import annotations

import ipaddress
import json
import sys
import tempfile
from importlib import resources
from pathlib import Path
from typing import Any

from archive.errors import ArchiveError

DEFAULT_SETTINGS = {
    "sql_time_limit_ms": "5000",  # every query, canned or not, is cut after 5 s
    "facet_time_limit_ms": "1000",
    "default_page_size": "50",
    "max_returned_rows": "1000",
    "max_csv_mb": "50",
    "allow_download": "off",
    "truncate_cells_html": "400",
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


def write_metadata(path: Path, directory: Path | None = None) -> Path:
    """Write the metadata as JSON to a new temporary file and return its path."""
    with tempfile.NamedTemporaryFile(
        "w", prefix="akhbar-datasette-", suffix=".json", dir=directory, delete=False,
        encoding="utf-8",
    ) as handle:  # fmt: skip
        json.dump(metadata(path), handle, ensure_ascii=False, indent=2)
    return Path(handle.name)


def serve_command(
    path: Path, port: int, host: str, metadata_file: Path, allow_sql: bool = True
) -> list[str]:
    """The `datasette serve` command line (run with this interpreter). Without `allow_sql`
    only the tables, facets, full-text search and the canned queries of the metadata run."""
    command = [sys.executable, "-m", "datasette", "serve", str(path), "--host", host,
               "--port", str(port), "--metadata", str(metadata_file)]  # fmt: skip
    settings = {**DEFAULT_SETTINGS, "default_allow_sql": "on" if allow_sql else "off"}
    for name, value in settings.items():
        command += ["--setting", name, value]
    return command
