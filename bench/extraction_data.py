"""The extraction benchmark's page sets, read from bench/data/ (sources, licences: each README).

- scrapinghub (`article-extraction/`): 181 news and blog articles, the body as ground truth.
- WCXB (`wcxb/`): 511 pages of seven types; on articles the ground truth also gives the title,
  the date and the authors. Each page falls in half A or B by its domain (a stable hash), so
  rules can be tuned on one half and checked on the other, and no domain is in both.

Pages are decoded as the crawl decodes them (crawler/extract/charset.py, no HTTP header).
"""

from __future__ import annotations

import gzip
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from crawler.extract import page_encoding

DATA = Path(__file__).parent / "data"
SCRAPINGHUB = DATA / "article-extraction"
WCXB = DATA / "wcxb"


@dataclass(frozen=True)
class BenchPage:
    """One page of a benchmark set and its ground truth."""

    id: str
    url: str
    html: str
    text: str
    kind: str = "article"
    domain: str = ""
    title: str | None = None
    authors: str | None = None
    date: str | None = None

    @property
    def half(self) -> str:
        """'A' or 'B', by a hash of the page's domain (of its id when it has none)."""
        digest = hashlib.sha1((self.domain or self.id).encode()).digest()
        return "AB"[digest[0] % 2]


def decode(raw: bytes) -> str:
    return raw.decode(page_encoding(raw, None), errors="replace")


def load_scrapinghub(data: Path = SCRAPINGHUB) -> list[BenchPage]:
    """The scrapinghub pages with their ground-truth bodies, in id order."""
    truth = json.loads((data / "ground-truth.json").read_text(encoding="utf-8"))
    pages = []
    for page_id in sorted(truth):
        raw = gzip.decompress((data / "html" / f"{page_id}.html.gz").read_bytes())
        entry = truth[page_id]
        pages.append(
            BenchPage(page_id, entry.get("url", ""), decode(raw), entry.get("articleBody", ""))
        )
    return pages


def load_wcxb(data: Path = WCXB) -> list[BenchPage]:
    """The WCXB pages with their type, domain and ground truth, in id order (the 6 pages whose
    ground truth has no main content are left out: their body cannot be scored)."""
    files = json.loads((data / "metadata.json").read_text(encoding="utf-8"))["files"]
    pages = []
    for page_id in sorted(files):
        entry = json.loads((data / "ground-truth" / f"{page_id}.json").read_text(encoding="utf-8"))
        truth = entry["ground_truth"]
        if not (truth.get("main_content") or "").strip():
            continue  # nothing to score a body against (an error page, a stripped page)
        raw = gzip.decompress((data / "html" / f"{page_id}.html.gz").read_bytes())
        pages.append(
            BenchPage(
                page_id,
                entry.get("url", ""),
                decode(raw),
                truth.get("main_content") or "",
                kind=files[page_id]["page_type"],
                domain=files[page_id].get("domain") or "",
                title=truth.get("title") or None,
                authors=truth.get("author") or None,
                date=truth.get("publish_date") or None,
            )
        )
    return pages
