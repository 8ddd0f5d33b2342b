"""Distributed crawling through one Redis (`akhbar crawl --redis URL`; docs/scale.md).

Crawler processes on any number of hosts share, through Redis: the frontier (scrapy-redis's
queue); a seen set per *round* that expires on its own (RoundScheduler); the archive's known
URLs, so workers skip archived articles without the archive file (RedisKnownUrlsMiddleware);
and the extracted articles, queued by ArticleQueuePipeline and written by the one
`akhbar ingest` beside the archive with a reliable-queue acknowledgement (Ingester).
RoundExtension keeps idle workers open while another is busy and shares discovery health.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import socket
import time
import warnings
from collections import Counter
from collections.abc import Iterable
from dataclasses import asdict
from typing import Any, Self

import redis
from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import (
    DontCloseSpider,
    IgnoreRequest,
    NotConfigured,
    ScrapyDeprecationWarning,
)
from scrapy.http import Response
from scrapy.settings import BaseSettings, Settings
from scrapy_redis.dupefilter import RFPDupeFilter
from scrapy_redis.scheduler import Scheduler
from twisted.internet.task import LoopingCall

from archive.db import Archive
from archive.ingest import Fetch
from archive.models import Article, WarcRef
from archive.records import OutcomeTally
from crawler import settings as default_settings
from crawler.items import PageItem

logger = logging.getLogger(__name__)

DISCOVERY_KINDS = ("feed", "sitemap", "listing")


def setting(settings: BaseSettings, name: str) -> Any:
    """A REDIS_* setting, defaulting to crawler/settings.py's value when `settings` lacks it."""
    return settings.get(name, getattr(default_settings, name))


class RedisUnavailable(ConnectionError):
    """The crawl's Redis cannot be reached (an OSError: the CLI reports it in one line)."""


def check_redis(url: str) -> None:
    try:
        redis.Redis.from_url(url, socket_connect_timeout=5, socket_timeout=5).ping()
    except (redis.RedisError, ValueError) as exc:
        raise RedisUnavailable(f"cannot reach Redis at {url}: {exc}") from exc


def configure(settings: Settings) -> None:
    """Switch a crawl's settings to the distributed profile (called when REDIS_URL is set)."""
    check_redis(settings["REDIS_URL"])
    prefix = setting(settings, "REDIS_KEY_PREFIX")
    pipelines = dict(settings.getdict("ITEM_PIPELINES"))
    pipelines.pop("crawler.pipelines.ArchivePipeline", None)
    pipelines["crawler.scale.distributed.ArticleQueuePipeline"] = 800
    middlewares = dict(settings.getdict("DOWNLOADER_MIDDLEWARES"))
    middlewares["crawler.scale.distributed.RedisKnownUrlsMiddleware"] = 51
    # conditional re-reads need state every worker shares: each round reads discovery in full
    middlewares["crawler.conditional.DiscoveryStateMiddleware"] = None
    extensions = dict(settings.getdict("EXTENSIONS"))
    extensions["crawler.scale.distributed.RoundExtension"] = 400
    profile = {
        "SCHEDULER": "crawler.scale.distributed.RoundScheduler",
        "SCHEDULER_PERSIST": True,  # the frontier outlives any one worker
        "DUPEFILTER_CLASS": "scrapy_redis.dupefilter.RFPDupeFilter",  # RoundScheduler keys it
        "SCHEDULER_QUEUE_KEY": f"{prefix}:%(spider)s:requests",
        "ITEM_PIPELINES": pipelines,
        "DOWNLOADER_MIDDLEWARES": middlewares,
        "EXTENSIONS": extensions,
        # the archive may not be on this host: known URLs come from Redis instead
        "REDIS_SKIP_KNOWN": settings.getbool("ARCHIVE_SKIP_KNOWN"),
        "ARCHIVE_SKIP_KNOWN": False,
    }
    for name, value in profile.items():
        settings.set(name, value, priority="cmdline")
    # scrapy-redis 0.9.1 still calls deprecated Scrapy APIs; silence those, and only those
    warnings.filterwarnings("ignore", category=ScrapyDeprecationWarning, module="scrapy_redis")


def redis_url_problem(url: str) -> str | None:
    """Why redis-py would refuse `url` (None: a redis://, rediss:// or unix:// URL it reads)."""
    try:
        redis.connection.parse_url(url)
    except ValueError as exc:
        return str(exc)
    return None


def client(url: str) -> redis.Redis:
    return redis.Redis.from_url(url, socket_timeout=30, socket_connect_timeout=30)


def url_digest(url: str) -> str:
    """64 bits (16 hex digits) standing for a URL in the known set; at 10 million URLs the
    chance that any two collide is ~3 in 10^6, and a collision only skips one page."""
    return hashlib.blake2b(url.encode("utf-8"), digest_size=8).hexdigest()


# --- the shared frontier, one round at a time -------------------------------------------------
class RoundScheduler(Scheduler):
    """scrapy-redis's scheduler with a seen set per round, also applied to discovery documents."""

    crawler: Crawler
    round_key = ""
    round_seconds = 3000
    refreshed = 0.0

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        scheduler = super().from_crawler(crawler)
        scheduler.crawler = crawler
        scheduler.round_seconds = int(setting(crawler.settings, "REDIS_ROUND_SECONDS"))
        return scheduler

    def open(self, spider: Spider) -> None:
        prefix = setting(spider.settings, "REDIS_KEY_PREFIX")
        self.round_key = f"{prefix}:{spider.name}:round"
        started = time.strftime("%Y%m%dT%H%M%S", time.gmtime())
        created = self.server.set(self.round_key, started, nx=True, ex=self.round_seconds)
        current = (self.server.get(self.round_key) or started.encode()).decode()
        key = f"{prefix}:{spider.name}:seen:{current}"
        self.df = RFPDupeFilter(self.server, key, spider.settings.getbool("DUPEFILTER_DEBUG"))
        self._refresh()
        logger.info(
            "%s crawl round %s (seen set %s)", "started" if created else "joined", current, key
        )
        assert self.crawler.stats is not None
        self.crawler.stats.set_value("redis/round", current)
        super().open(spider)

    def _refresh(self) -> None:
        """Keep the round's keys alive while it works; they expire once every worker stops."""
        now = time.monotonic()
        if now - self.refreshed >= 30 and self.server.expire(self.df.key, 2 * self.round_seconds):
            self.refreshed = now  # the set exists and has its expiry

    def enqueue_request(self, request: Request) -> bool:
        if _first_discovery_fetch(request) and self.df.request_seen(request):
            self.df.log(request, self.spider)
            return False
        self._refresh()
        return bool(super().enqueue_request(request))


def _first_discovery_fetch(request: Request) -> bool:
    """A feed/sitemap/listing request (dont_filter: re-read every round), not a retry of one."""
    meta = request.meta
    return (
        request.dont_filter
        and meta.get("kind") in DISCOVERY_KINDS
        and not meta.get("retry_times")
        and not meta.get("redirect_times")
    )


class RoundExtension:
    """What workers of one round share besides the frontier:
    - closing: an idle worker stays open while another worker is still busy, since that one may
      still discover URLs for everybody;
    - discovery health: a worker whose outlet's feeds and sitemaps another worker read (they are
      read once per round) counts them as read when any worker read one with success, so its run
      record does not call the outlet failed; when every read fails, every worker says so.
    Its priority (400) puts it before RunRecordExtension, which writes the run record."""

    def __init__(self, crawler: Crawler, server: redis.Redis, prefix: str, idle: float) -> None:
        self.crawler = crawler
        self.server = server
        self.prefix = prefix
        self.idle = idle
        self.worker = f"{socket.gethostname()}:{os.getpid()}"
        self.last_busy = time.time()
        self.beat = LoopingCall(self._heartbeat)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        settings = crawler.settings
        if not settings.get("REDIS_URL"):
            raise NotConfigured
        prefix = setting(settings, "REDIS_KEY_PREFIX")
        idle = float(setting(settings, "REDIS_IDLE_SECONDS"))
        extension = cls(crawler, client(settings["REDIS_URL"]), prefix, idle)
        crawler.signals.connect(extension.opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.response_received, signal=signals.response_received)
        crawler.signals.connect(extension.spider_idle, signal=signals.spider_idle)
        crawler.signals.connect(extension.closed, signal=signals.spider_closed)
        return extension

    @property
    def workers_key(self) -> str:
        return f"{self.prefix}:workers"

    def _discovered_key(self, spider: Spider) -> str:
        assert self.crawler.stats is not None
        return (
            f"{self.prefix}:{spider.name}:discovered:{self.crawler.stats.get_value('redis/round')}"
        )

    def opened(self) -> None:
        self._busy()
        self.beat.start(1.0, now=False)

    def _busy(self) -> None:
        self.last_busy = time.time()
        self.server.hset(self.workers_key, self.worker, str(self.last_busy))

    def _heartbeat(self) -> None:
        engine = self.crawler.engine
        if engine is not None and engine.spider is not None and not engine.spider_is_idle():
            self._busy()

    def response_received(self, response: Response, request: Request, spider: Spider) -> None:
        if 200 <= response.status < 300 and request.meta.get("kind") in DISCOVERY_KINDS:
            key = self._discovered_key(spider)
            self.server.sadd(key, request.meta.get("outlet", ""))
            self.server.expire(key, 2 * int(setting(spider.settings, "REDIS_ROUND_SECONDS")))

    def spider_idle(self) -> None:
        now = time.time()
        workers: dict[Any, Any] = self.server.hgetall(self.workers_key)
        busy = {_text(w): float(t) for w, t in workers.items() if _text(w) != self.worker}
        others = [w for w, stamp in busy.items() if now - stamp < self.idle]
        if others or now - self.last_busy < self.idle:
            logger.debug("frontier empty; waiting for %s", ", ".join(others) or "a quiet spell")
            raise DontCloseSpider

    def closed(self, spider: Spider) -> None:
        if self.beat.running:
            self.beat.stop()
        self.server.hdel(self.workers_key, self.worker)
        stats = self.crawler.stats
        assert stats is not None
        members: set[Any] = self.server.smembers(self._discovered_key(spider))
        discovered = {_text(o) for o in members}
        for outlet in getattr(spider, "outlets", {}):
            if outlet in discovered and not stats.get_value(f"outlet/{outlet}/discovery_ok"):
                stats.set_value(f"outlet/{outlet}/discovery_ok", 1)
                stats.set_value(f"outlet/{outlet}/discovery_shared", 1)


class _RedisKeyComponent:
    """A Scrapy component that works on one Redis key, `<REDIS_KEY_PREFIX>:<key_name>`."""

    key_name = ""

    def __init__(self, crawler: Crawler, server: redis.Redis, key: str) -> None:
        self.crawler = crawler
        self.server = server
        self.key = key

    @classmethod
    def _build(cls, crawler: Crawler) -> Self:
        settings = crawler.settings
        key = f"{setting(settings, 'REDIS_KEY_PREFIX')}:{cls.key_name}"
        return cls(crawler, client(settings["REDIS_URL"]), key)


class RedisKnownUrlsMiddleware(_RedisKeyComponent):
    """Drop article requests whose URL the archive holds, asking Redis (`ingest` keeps it)."""

    key_name = "known"

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        settings = crawler.settings
        if not settings.get("REDIS_URL") or not settings.getbool("REDIS_SKIP_KNOWN"):
            raise NotConfigured
        return cls._build(crawler)

    def process_request(self, request: Request) -> None:
        if request.meta.get("kind") != "article":
            return
        if self.server.sismember(self.key, url_digest(request.url)):
            assert self.crawler.stats is not None
            self.crawler.stats.inc_value(
                f"outlet/{request.meta.get('outlet')}/requests_skipped_known"
            )
            self.crawler.stats.inc_value("archive/skipped_known")
            raise IgnoreRequest("already archived")


# --- the article queue ------------------------------------------------------------------------
def encode_fetch(fetch: Fetch) -> bytes:
    article = asdict(fetch.article)
    warc = asdict(fetch.warc) if fetch.warc else None
    data = {"article": article, "status": fetch.status, "fetched_at": fetch.fetched_at}
    return json.dumps({**data, "warc": warc}, ensure_ascii=False).encode("utf-8")


def decode_fetch(payload: bytes) -> Fetch:
    data = json.loads(payload)
    fields = dict(data["article"])
    fields["authors"], fields["tags"] = tuple(fields["authors"]), tuple(fields["tags"])
    warc = WarcRef(**data["warc"]) if data.get("warc") else None
    return Fetch(Article(**fields), data["status"], data["fetched_at"], warc)


class ArticleQueuePipeline(_RedisKeyComponent):
    """Replaces ArchivePipeline on crawler workers: extracted articles go to a Redis list."""

    key_name = "articles"

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        if not crawler.settings.get("REDIS_URL"):
            raise NotConfigured("REDIS_URL is not set")
        return cls._build(crawler)

    def process_item(self, item: PageItem) -> PageItem:
        if item.article is None:
            return item
        fetch = Fetch(item.article, item.status, item.fetched_at, item.warc)
        self.server.lpush(self.key, encode_fetch(fetch))  # acknowledged once Redis has it
        assert self.crawler.stats is not None
        self.crawler.stats.inc_value(f"outlet/{item.outlet}/articles_queued")
        self.crawler.stats.inc_value("redis/articles_queued")
        return item


class Ingester:
    """Drains the article queue into the archive: the one SQLite writer of a distributed crawl."""

    def __init__(self, server: redis.Redis, archive: Archive, prefix: str = "akhbar") -> None:
        self.server = server
        self.archive = archive
        self.queue = f"{prefix}:articles"
        self.processing = f"{prefix}:articles:processing"
        self.failed = f"{prefix}:articles:failed"
        self.known = f"{prefix}:known"
        self.workers = f"{prefix}:workers"
        self.outcomes: Counter[str] = Counter()
        self.tally = OutcomeTally()  # an original taking over its copy's row: not two NEWs

    def recover(self) -> int:
        """Put back what a previous ingester took but never acknowledged."""
        moved = 0
        while self.server.lmove(self.processing, self.queue, "RIGHT", "RIGHT") is not None:
            moved += 1
        if moved:
            logger.warning("recovered %d unacknowledged articles", moved)
        return moved

    def publish_known(self, batch_size: int = 10_000) -> int:
        """Seed the known-URL set from the archive once (it survives in Redis after that)."""
        if self.server.exists(f"{self.known}:seeded"):
            return 0
        urls = list(self.archive.known_urls())
        for start in range(0, len(urls), batch_size):
            chunk = urls[start : start + batch_size]
            self.server.sadd(self.known, *(url_digest(u) for u in chunk))
        self.server.set(f"{self.known}:seeded", "1")
        return len(urls)

    def take(self, batch_size: int, wait: int) -> list[Any]:
        """Up to batch_size payloads moved to the processing list; waits `wait` s for the first."""
        first = self.server.blmove(self.queue, self.processing, wait, "RIGHT", "LEFT")
        if first is None:
            return []
        batch = [first]
        while len(batch) < batch_size:
            payload = self.server.lmove(self.queue, self.processing, "RIGHT", "LEFT")
            if payload is None:
                break
            batch.append(payload)
        return batch

    def store(self, batch: list[Any]) -> None:
        """Commit a batch, publish its URLs as known, then acknowledge it."""
        fetches, bad = _decoded(batch)
        for payload in bad:
            self.server.lpush(self.failed, payload)
        results = self.archive.add_many(fetches)
        for fetch, result in zip(fetches, results, strict=True):
            for _, outcome, change in self.tally.count(fetch.article.outlet, result):
                self.outcomes[outcome.value] += change
        urls = {u for f in fetches for u in (f.article.url, f.article.canonical_url) if u}
        if urls:
            self.server.sadd(self.known, *(url_digest(u) for u in urls))
        ack = self.server.pipeline()
        for payload in batch:
            ack.lrem(self.processing, 1, payload)
        ack.execute()

    def run(self, batch_size: int = 100, wait: int = 1, idle_exit: float = 0) -> Counter[str]:
        """Drain until stopped, or (idle_exit > 0) until for `idle_exit` seconds the queue
        stayed empty and no crawler worker was busy (their heartbeats in `<prefix>:workers`)."""
        self.recover()
        self.publish_known()
        last_article = time.time()
        while True:
            batch = self.take(batch_size, wait)
            if batch:
                self.store(batch)
                last_article = time.time()
            elif idle_exit and time.time() - max(last_article, self.last_heartbeat()) >= idle_exit:
                return self.outcomes

    def last_heartbeat(self) -> float:
        """When a crawler worker last said it was busy (0 when none is registered)."""
        beats: dict[Any, Any] = self.server.hgetall(self.workers)
        return max((float(stamp) for stamp in beats.values()), default=0.0)


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value


def _decoded(batch: Iterable[bytes]) -> tuple[list[Fetch], list[bytes]]:
    fetches, bad = [], []
    for payload in batch:
        try:
            fetches.append(decode_fetch(payload))
        except (ValueError, KeyError, TypeError) as exc:
            logger.error("unreadable queued article (kept in the failed list): %s", exc)
            bad.append(payload)
    return fetches, bad
