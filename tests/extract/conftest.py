"""Shared helpers for the extraction tests: the recorded pages and the outlet registry."""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:  # `bench` is a top-level directory, not an installed package
    sys.path.insert(0, str(ROOT))

PAGES = Path(__file__).parent / "pages"


@dataclass(frozen=True)
class Recorded:
    """One recorded page and what extraction must make of it."""

    name: str
    html: str
    expected: dict[str, Any]

    @property
    def url(self) -> str:
        return str(self.expected["url"])


def recorded_pages() -> list[Recorded]:
    pages = []
    for spec in sorted(PAGES.glob("*/*.json")):
        expected = json.loads(spec.read_text(encoding="utf-8"))
        html_file = spec.parent / expected.get("html", spec.with_suffix(".html").name)
        html = html_file.read_text(encoding="utf-8", errors="replace")
        pages.append(Recorded(f"{spec.parent.name}/{spec.stem}", html, expected))
    return pages


ALL_PAGES = recorded_pages()
ARTICLES = [p for p in ALL_PAGES if "refused" not in p.expected]
REFUSED = [p for p in ALL_PAGES if "refused" in p.expected]


@pytest.fixture(scope="session")
def registry() -> dict[str, Any]:
    from crawler.outlets import load_registry

    return load_registry()
