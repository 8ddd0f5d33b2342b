"""The whole extraction corpus against its recorded results: a rule change that fixes one page
must not move another unnoticed.

Every recorded page (tests/outlets/pages with and without its outlet's hints, tests/extract/pages
with and without hints, the held-out judge pages, the demo site) goes through `extract`; what
came out (refusal, or title, date, authors, language and the content hash of the text) must equal
tests/extract/corpus.json. After a deliberate change, rewrite the file and say in the commit which
pages moved and why:

    AKHBAR_UPDATE_CORPUS=1 .venv/bin/python -m pytest tests/extract/test_corpus.py
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from crawler.extract import extract
from crawler.outlets import load_registry

ROOT = Path(__file__).resolve().parents[2]
CORPUS = Path(__file__).parent / "corpus.json"


def _cases() -> Iterator[tuple[str, Path, str, str | None]]:
    """(key, html file, url, outlet name or None) for every recorded page and mode."""
    for spec in sorted((ROOT / "tests/outlets/pages").glob("*/*.json")):
        url = json.loads(spec.read_text(encoding="utf-8"))["url"]
        page = spec.with_suffix(".html")
        yield f"outlets/{spec.parent.name}/{spec.stem}/hints", page, url, spec.parent.name
        yield f"outlets/{spec.parent.name}/{spec.stem}/generic", page, url, None
    for spec in sorted((ROOT / "tests/extract/pages").glob("*/*.json")):
        expected = json.loads(spec.read_text(encoding="utf-8"))
        page = spec.parent / expected.get("html", spec.with_suffix(".html").name)
        key = f"extract/{spec.parent.name}/{spec.stem}"
        yield f"{key}/generic", page, expected["url"], None
        if expected.get("outlet"):
            yield f"{key}/hints", page, expected["url"], expected["outlet"]
    for spec in sorted((ROOT / "tests/extract/holdout").glob("*.json")):
        url = json.loads(spec.read_text(encoding="utf-8"))["url"]
        yield f"holdout/{spec.stem}", spec.with_suffix(".html"), url, None
    demo = ROOT / "crawler/demo"
    for page in sorted(demo.rglob("*.html")):
        relative = page.relative_to(demo).as_posix()
        yield f"demo/{relative}", page, f"http://demo.test/{relative}", None


def _result(html: str, url: str, outlet: Any) -> dict[str, Any]:
    found = extract(html, url, outlet)
    article = found.article
    if article is None:
        return {"refused": found.refused}
    return {
        "title": article.title,
        "published": article.published,
        "authors": list(article.authors),
        "language": article.language,
        "content_hash": article.content_hash,
    }


def corpus() -> dict[str, dict[str, Any]]:
    registry = load_registry()
    return {
        key: _result(
            page.read_text(encoding="utf-8", errors="replace"),
            url,
            registry[outlet] if outlet else None,
        )
        for key, page, url, outlet in _cases()
    }


def test_every_recorded_page_gives_its_recorded_result() -> None:
    found = corpus()
    if os.environ.get("AKHBAR_UPDATE_CORPUS"):
        CORPUS.write_text(json.dumps(found, ensure_ascii=False, indent=1) + "\n", "utf-8")
    recorded = json.loads(CORPUS.read_text(encoding="utf-8"))
    moved = sorted(
        key for key in recorded.keys() | found.keys() if recorded.get(key) != found.get(key)
    )
    assert not moved, f"{len(moved)} pages changed: {moved[:20]}"
    assert len(found) >= 200
