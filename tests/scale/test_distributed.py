"""Distributed crawling for real: a redis-server, two crawler processes and one ingester."""

from __future__ import annotations

import json
import os
import socket
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
from click.testing import CliRunner
from scrapy import Request
from scrapy.utils.test import get_crawler

from archive.db import Archive
from archive.ingest import Fetch
from archive.models import Article, WarcRef
from crawler.cli.scale import ingest
from crawler.scale.distributed import (
    Ingester,
    RoundScheduler,
    decode_fetch,
    encode_fetch,
    url_digest,
)
from crawler.spiders.news import NewsSpider

from .conftest import AKHBAR, FAST, REPO
from .fixture_site import FixtureSite
from .redis_server import redis_server

INGEST = "from crawler.cli.scale import ingest; ingest()"
QUICK = ("--set", "REDIS_IDLE_SECONDS=2", "--set", "CONCURRENT_REQUESTS=2")


@pytest.fixture
def redis_url(tmp_path: Path) -> Iterator[str]:
    with redis_server(tmp_path) as url:
        yield url


def _run_together(commands: list[list[str]]) -> list[subprocess.CompletedProcess[str]]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    running = [
        subprocess.Popen(c, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
        for c in commands
    ]
    done = []
    for command, process in zip(commands, running, strict=True):
        out, err = process.communicate(timeout=180)
        done.append(subprocess.CompletedProcess(command, process.returncode, out, err))
    return done


def _crawl_round(site: FixtureSite, redis_url: str, tmp_path: Path) -> list[dict[str, int]]:
    """Two workers (each with its own local run-record file) and one ingester, at once."""
    workers = [
        [AKHBAR, "crawl", "--sitemap", site.sitemap, "--archive", str(tmp_path / f"worker{n}.db"),
         "--redis", redis_url, *FAST, *QUICK]
        for n in (1, 2)
    ]  # fmt: skip
    ingester = [sys.executable, "-c", INGEST, "--redis", redis_url,
                "--archive", str(tmp_path / "archive.db"), "--exit-when-idle", "10"]  # fmt: skip
    results = _run_together([*workers, ingester])
    logs = [(tmp_path / f"worker{n}.db.log").read_text() for n in (1, 2)]  # beside the archive
    for result in results:
        assert result.returncode == 0, result.stdout + result.stderr
        assert "ScrapyDeprecationWarning" not in result.stderr
    assert not any("ScrapyDeprecationWarning" in log or "Traceback" in log for log in logs)
    counters = []
    for n in (1, 2):
        with sqlite3.connect(tmp_path / f"worker{n}.db") as conn:
            row = conn.execute("SELECT counters FROM run_outlets ORDER BY run_id DESC").fetchone()
        counters.append(json.loads(row[0]))
    return counters


def test_two_workers_and_one_ingester_archive_the_site_once(
    site: FixtureSite, redis_url: str, tmp_path: Path
) -> None:
    counters = _crawl_round(site, redis_url, tmp_path)

    hits = site.page_hits()
    assert set(hits) == {"/sitemap.xml", "/articles/contact.html", *site.article_paths}
    assert set(hits.values()) == {1}, hits  # every page fetched once across both workers
    assert sum(c.get("pages_fetched", 0) for c in counters) == 14
    assert sum(c.get("articles_queued", 0) for c in counters) == 12
    with sqlite3.connect(tmp_path / "archive.db") as conn:
        urls = [r[0] for r in conn.execute("SELECT url FROM article_urls")]
        articles = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
    assert sorted(urls) == sorted(site.base + p for p in site.article_paths)
    assert articles == 12
    server = redis.Redis.from_url(redis_url)
    assert server.llen("akhbar:articles") == server.llen("akhbar:articles:processing") == 0
    seen_key = f"akhbar:news:seen:{server.get('akhbar:news:round').decode()}"
    assert 0 < server.ttl(seen_key) <= 6000  # bounded: the round's seen set expires

    # the next round (the round key expired): the sitemap is read again, archived articles
    # are skipped through the known-URL set the ingester published, without the archive file
    server.delete("akhbar:news:round")
    _crawl_round(site, redis_url, tmp_path)
    hits = site.page_hits()
    assert hits["/sitemap.xml"] == 2
    assert hits["/articles/contact.html"] == 2  # refused pages are not archived: read again
    assert all(hits[p] == 1 for p in site.article_paths)


def _fetch(n: int) -> Fetch:
    article = Article(
        url=f"https://journal.example.ma/articles/{n}",
        title=f"Titre {n}",
        text=f"Le texte numéro {n} de l'article, assez long pour être un article.",
        outlet="journal-test",
        language="fr",
        authors=("Rédaction",),
        tags=("économie",),
    )
    return Fetch(article, 200, "2026-03-01T08:00:00+00:00", WarcRef("a.warc.gz", 10, 20, "<id>"))


def test_queue_codec_round_trips() -> None:
    fetch = _fetch(1)
    assert decode_fetch(encode_fetch(fetch)) == fetch


def test_an_ingester_that_dies_before_its_ack_loses_nothing(redis_url: str, tmp_path: Path) -> None:
    server = redis.Redis.from_url(redis_url)
    for n in range(3):
        server.lpush("akhbar:articles", encode_fetch(_fetch(n)))
    server.lpush("akhbar:articles", b"{not json")
    with Archive(tmp_path / "archive.db") as archive:
        taken = Ingester(server, archive).take(batch_size=10, wait=1)
        assert len(taken) == 4  # ...and the process dies here, before storing and acking
        assert server.llen("akhbar:articles:processing") == 4
        outcomes = Ingester(server, archive).run(idle_exit=0.5)
        assert outcomes == {"new": 3}
        assert archive.count() == 3
    assert server.llen("akhbar:articles:processing") == server.llen("akhbar:articles") == 0
    assert server.lrange("akhbar:articles:failed", 0, -1) == [b"{not json"]
    assert server.sismember("akhbar:known", url_digest("https://journal.example.ma/articles/2"))


def test_round_scheduler_reads_discovery_once_per_round(redis_url: str) -> None:
    """In-process, so pytest's filterwarnings (deprecations fatal except inside scrapy_redis)
    applies to what scrapy-redis does here."""
    settings = {"REDIS_URL": redis_url, "SCHEDULER_QUEUE_KEY": "akhbar:%(spider)s:requests",
                "DUPEFILTER_CLASS": "scrapy_redis.dupefilter.RFPDupeFilter"}  # fmt: skip
    crawler = get_crawler(NewsSpider, settings)
    spider = NewsSpider.from_crawler(crawler, sitemap="http://news.example/sitemap.xml")
    crawler.spider = spider
    scheduler = RoundScheduler.from_crawler(crawler)
    scheduler.open(spider)
    sitemap = spider._request("http://news.example/sitemap.xml", spider.outlets["news.example"],
                              "sitemap", spider.parse_sitemap)  # fmt: skip
    article = spider._request("http://news.example/a/1", spider.outlets["news.example"],
                              "article", spider.parse_article)  # fmt: skip
    assert scheduler.enqueue_request(sitemap)
    assert not scheduler.enqueue_request(sitemap.replace())  # another worker's start request
    again = sitemap.replace(dont_filter=True)  # "read it again" means once per round
    assert not scheduler.enqueue_request(again)
    retry = sitemap.replace(dont_filter=True, meta={**sitemap.meta, "retry_times": 1})
    assert scheduler.enqueue_request(retry)  # a retry is not a duplicate
    assert scheduler.enqueue_request(article)
    assert not scheduler.enqueue_request(article.replace())
    popped = [scheduler.next_request() for _ in range(4)]
    assert sorted(r.url for r in popped if isinstance(r, Request)) == [
        "http://news.example/a/1",
        *["http://news.example/sitemap.xml"] * 2,
    ]
    scheduler.close("finished")


def test_unreachable_redis_is_one_clear_line(tmp_path: Path) -> None:
    port = _closed_port()
    crawl = subprocess.run(
        [AKHBAR, "crawl", "--sitemap", "http://127.0.0.1:9/sitemap.xml", "--archive",
         str(tmp_path / "a.db"), "--redis", f"redis://127.0.0.1:{port}/0"],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert crawl.returncode == 4
    assert crawl.stderr.startswith(f"Error: cannot reach Redis at redis://127.0.0.1:{port}/0: ")
    assert "Traceback" not in crawl.stderr
    result = CliRunner().invoke(
        ingest, ["--redis", f"redis://127.0.0.1:{port}/0", "--archive", str(tmp_path / "b.db")]
    )
    assert result.exit_code == 4
    assert f"Error: Redis at redis://127.0.0.1:{port}/0: " in result.output


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])  # closed again when the probe is
