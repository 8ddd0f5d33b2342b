"""What travels from the spider through the pipelines: the page item, and the extraction result
that comes back from a worker process (kept here, away from trafilatura, so the crawl process
that unpickles it never imports the extraction stack)."""

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
    pattern_missed: bool = False  # linked from the outlet's feed/sitemap, missing its pattern


@dataclass(frozen=True)
class Extraction:
    """The result for one page: an article, or the reason (a short slug) the page was refused."""

    article: Article | None
    refused: str | None = None
    cpu_ms: float = 0.0  # CPU the worker spent on the page (counted per outlet and run)
    # the outlet's hints that did not help on this article, `name selector` each ("body
    # .article-text" matched nothing; "drop .content" would have removed the body): ignored
    hints_missed: tuple[str, ...] = ()
