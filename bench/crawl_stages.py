"""The crawls the benchmark compares akhbar with, each run in a process of its own.

`download`: a bare Scrapy spider that fetches known URLs and does nothing with them (the
download stage's CPU cost). `naive`: akhbar's spider, but extraction and language detection in
the callback on the reactor thread, no worker pool, scrapy's LinkExtractor on every article page
and one transaction per archived row. Both use akhbar's settings (the cron profile), print one
JSON line with what they measured, and are started by bench/crawl_bench.py:

    python -m bench.crawl_stages download --urls FILE
    python -m bench.crawl_stages naive --sitemap URL --archive FILE
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler, CrawlerProcess
from scrapy.http import Response, TextResponse
from scrapy.linkextractors import LinkExtractor
from scrapy.settings import Settings

from archive.db import Archive
from crawler.discovery.urls import canonical_url, looks_like_article
from crawler.scale.worker import extract_page
from crawler.spiders.news import NewsSpider, now_iso


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


class Window:
    """CPU and wall time between spider_opened and spider_closed (start-up left out)."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.opened = (0.0, 0.0)
        self.closed = (0.0, 0.0)
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    def spider_opened(self) -> None:
        self.opened = (cpu_seconds(), time.perf_counter())

    def spider_closed(self) -> None:
        self.closed = (cpu_seconds(), time.perf_counter())

    def result(self, pages: int) -> dict[str, Any]:
        return {
            "pages": pages,
            "cpu": self.closed[0] - self.opened[0],
            "wall": self.closed[1] - self.opened[1],
            "startup_cpu": self.opened[0],
        }


class BareSpider(Spider):
    """Fetch the known URLs; no parsing, no items."""

    name = "bare"

    def __init__(self, urls: list[str], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.urls = urls
        self.fetched = 0

    async def start(self) -> AsyncIterator[Request]:
        for url in self.urls:
            yield Request(url, callback=self.parse)

    def parse(self, response: Response, **kwargs: Any) -> None:
        self.fetched += 1


class NaiveSpider(NewsSpider):
    """Everything in the callback: extraction, language, link extraction, one row per commit."""

    name = "naive"
    archive: Archive
    links = LinkExtractor()

    def parse_article(self, response: Response) -> Iterator[Request]:  # type: ignore[override]
        outlet = self.outlets[response.meta["outlet"]]
        content_type = response.headers.get(b"Content-Type", b"").decode("latin-1")
        extraction = extract_page(response.body, content_type, response.url, outlet)
        if extraction.article is not None:
            self.archive.add(extraction.article, status=response.status, fetched_at=now_iso())
            self.crawler.stats.inc_value("naive/archived")
        if not isinstance(response, TextResponse):
            return
        for link in self.links.extract_links(response):
            url = canonical_url(link.url)
            if outlet.owns(url) and looks_like_article(url):  # the scheduler drops repeats
                meta = {"outlet": outlet.name, "kind": "article"}
                yield Request(url, callback=self.parse_article, errback=self.on_error, meta=meta)


def base_settings(**overrides: Any) -> Settings:
    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    settings.set("LOG_LEVEL", "WARNING", priority="cmdline")
    for name, value in overrides.items():
        settings.set(name, value, priority="cmdline")
    return settings


def run_download(urls_file: Path) -> dict[str, Any]:
    urls = urls_file.read_text().split()
    process = CrawlerProcess(
        base_settings(ITEM_PIPELINES={}, DOWNLOADER_MIDDLEWARES={}, EXTENSIONS={})
    )
    crawler = process.create_crawler(BareSpider)
    window = Window(crawler)
    process.crawl(crawler, urls=urls)
    process.start()
    assert isinstance(crawler.spider, BareSpider)
    return window.result(crawler.spider.fetched)


def run_naive(sitemap: str, archive: Path) -> dict[str, Any]:
    settings = base_settings(ITEM_PIPELINES={}, ARCHIVE_PATH=str(archive))
    process = CrawlerProcess(settings)
    crawler = process.create_crawler(NaiveSpider)
    window = Window(crawler)
    NaiveSpider.archive = Archive(archive)
    process.crawl(crawler, sitemap=sitemap)
    process.start()
    NaiveSpider.archive.close()
    assert crawler.stats is not None
    return window.result(int(crawler.stats.get_value("naive/archived", 0)))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Baseline crawls for the crawl benchmark.")
    parser.add_argument("mode", choices=("download", "naive"))
    parser.add_argument("--urls", type=Path, help="download: a file of URLs, one a line")
    parser.add_argument("--sitemap", help="naive: the site's sitemap URL")
    parser.add_argument("--archive", type=Path, help="naive: the archive file to write")
    args = parser.parse_args(argv)
    if args.mode == "download":
        result = run_download(args.urls)
    else:
        result = run_naive(args.sitemap, args.archive)
    print(json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
