"""The item that travels from the spider through the pipelines."""

from __future__ import annotations

from dataclasses import dataclass, field

from archive.models import Article, WarcRef


@dataclass
class PageItem:
    """A fetched article page: raw bytes from the spider, the Article once extracted."""

    url: str
    outlet: str
    status: int
    body: bytes = field(repr=False)  # never in logs (Scrapy logs dropped items)
    content_type: str | None  # the Content-Type header: the worker chooses the encoding
    fetched_at: str
    article: Article | None = None
    warc: WarcRef | None = None  # where the raw response is kept, when writing WARC
