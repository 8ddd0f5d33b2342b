"""Backfill from WARC files made elsewhere (Common Crawl's CC-NEWS...): `akhbar ingest-warc`.

Only response records whose URL lies on a declared outlet's domains are decoded and extracted
(the outlet registry plus the user's --outlets files); every other record is skipped while
streaming, so a multi-GB file is read in constant memory. Pages go through the crawl's own
checks, extraction and archive rules (`crawler/scale/reextract.py`). When an outlet declares an
article URL pattern, pages outside it are skipped, as the spider would never have fetched them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path

from archive.db import Archive
from crawler.outlets import Outlet
from crawler.scale.reextract import Opener, PageJob, ReplayReport, page_job, replay
from crawler.scale.warc import StoredResponse


class OutletIndex:
    """Which declared outlet a URL belongs to (the one whose article pattern it matches first)."""

    def __init__(self, outlets: Iterable[Outlet]) -> None:
        self.outlets = list(outlets)

    def owner(self, url: str) -> Outlet | None:
        owners = [o for o in self.outlets if o.owns(url)]
        matching = [o for o in owners if o.is_article_url(url)]
        candidates = matching or owners
        return candidates[0] if candidates else None

    def declared(self, url: str) -> bool:
        return any(o.owns(url) for o in self.outlets)


def ingest_warc(
    archive: Archive,
    files: Iterable[Path],
    registry: Mapping[str, Outlet],
    open_file: Opener | None = None,
    workers: int = 0,
) -> ReplayReport:
    """Extract and archive the declared outlets' article pages found in WARC files."""
    index = OutletIndex(registry.values())

    def choose(stored: StoredResponse) -> PageJob | str:
        outlet = index.owner(stored.url)
        if outlet is not None and not _article_url(outlet, stored.url):
            return "not-an-article-url"
        return page_job(stored, outlet)

    return replay(
        archive, files, choose, wanted=index.declared, open_file=open_file, workers=workers
    )


def _article_url(outlet: Outlet, url: str) -> bool:
    if outlet.article_pattern or outlet.exclude_pattern:
        return outlet.is_article_url(url)
    return True
