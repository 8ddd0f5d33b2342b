"""The import contract: which package may import which (docs/architecture.md).

Read statically from every module's imports (function-level ones included), so an upward import
fails here before it can create a cycle or load the wrong stack into a process.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Rule:
    """Modules under `importer` (but not under `exempt`) may not import anything under `forbidden`,
    except what is under `allowed`."""

    importer: str
    forbidden: tuple[str, ...]
    allowed: tuple[str, ...] = ()
    why: str = ""
    exempt: str | None = None


ARCHIVE_RECORDS = ("archive.models", "archive.timeutil", "archive.identity")

# The modules of crawler/extract: its passes and helpers, private to the package
EXTRACT_MODULES = tuple(
    f"crawler.extract.{path.stem}"
    for path in sorted((ROOT / "crawler" / "extract").glob("*.py"))
    if path.stem != "__init__"
)

RULES = (
    Rule("archive", ("crawler", "scrapy", "twisted", "bench"), why="the archive never imports up"),
    Rule("crawler.outlets", ("crawler", "archive", "scrapy"), ("crawler.outlets",),
         why="the registry is data every layer reads"),
    Rule("crawler.discovery", ("crawler", "archive", "scrapy", "twisted"),
         ("crawler.discovery", "crawler.outlets", "scrapy.utils.sitemap"),
         why="discovery is pure parsing"),
    Rule("crawler.extract", ("crawler", "archive", "scrapy", "twisted"),
         ("crawler.extract", "crawler.outlets", "crawler.items", *ARCHIVE_RECORDS),
         why="extraction imports neither Scrapy nor the archive's storage"),
    Rule("crawler", ("crawler.cli",), why="only the CLI wires everything", exempt="crawler.cli"),
    Rule("crawler", EXTRACT_MODULES, why="extraction is used through crawler.extract's API",
         exempt="crawler.extract"),
    Rule("bench", EXTRACT_MODULES, why="extraction is used through crawler.extract's API"),
    Rule("bench", ("crawler.cli",), why="benchmarks call the library, not the CLI"),
)  # fmt: skip


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports_of(path: Path, module: str) -> set[str]:
    """Every module `path` imports, absolute names (relative imports resolved)."""
    found: set[str] = set()
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return found


def under(name: str, prefix: str) -> bool:
    return name == prefix or name.startswith(prefix + ".")


def violations(module: str, imported: set[str]) -> list[str]:
    found = []
    for rule in RULES:
        if not under(module, rule.importer) or (rule.exempt and under(module, rule.exempt)):
            continue
        for name in sorted(imported):
            if any(under(name, f) for f in rule.forbidden) and not any(
                under(name, a) for a in rule.allowed
            ):
                found.append(f"{module} imports {name}: {rule.why}")
    return found


def project_modules() -> list[tuple[str, Path]]:
    paths = [p for top in ("archive", "crawler", "bench") for p in (ROOT / top).rglob("*.py")]
    return sorted((module_name(p), p) for p in paths)


def test_no_module_imports_upward() -> None:
    found = [
        v for name, path in project_modules() for v in violations(name, imports_of(path, name))
    ]
    assert found == []


@pytest.mark.parametrize(
    ("module", "imported"),
    [
        ("archive.db", "crawler.outlets"),
        ("crawler.extract.meta", "archive.db"),
        ("crawler.extract.article", "scrapy.http"),
        ("crawler.discovery.feeds", "crawler.extract.dates"),
        ("crawler.run.crawl", "crawler.cli.main"),
        ("crawler.outlets", "crawler.discovery.urls"),
        ("crawler.scale.worker", "crawler.extract.charset"),
    ],
)
def test_an_upward_import_is_caught(module: str, imported: str) -> None:
    assert violations(module, {imported}) != []


def test_relative_imports_are_resolved(tmp_path: Path) -> None:
    package = ROOT / "crawler" / "extract" / "meta.py"
    source = "from ..cli import main\nfrom . import dates\n"
    fake = tmp_path / "meta.py"
    fake.write_text(source, encoding="utf-8")
    names = imports_of(fake, module_name(package))
    assert {"crawler.cli", "crawler.cli.main", "crawler.extract.dates"} <= names


def test_extraction_loads_no_crawl_or_storage_stack() -> None:
    """What a worker process imports for extraction: no Scrapy, Twisted or sqlite-utils."""
    probe = (
        "import sys, crawler.extract.article, crawler.scale.worker;"
        "print(sorted(m for m in ('scrapy', 'twisted', 'sqlite_utils', 'archive.db')"
        " if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "[]"


def test_the_extraction_api_resolves_every_name_it_lists() -> None:
    import crawler.extract as api

    assert all(callable(getattr(api, name)) for name in api.__all__)
