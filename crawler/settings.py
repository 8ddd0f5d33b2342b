"""Scrapy settings for akhbar: the cron profile, plus akhbar's own settings (one comment each).

Every setting can be overridden with `-s NAME=VALUE` (scrapy crawl) or `--set NAME=VALUE`
(akhbar crawl). The README's settings table lists the akhbar-specific ones.
"""

from __future__ import annotations

BOT_NAME = "akhbar"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"

# --- Politeness: the cron profile ----------------------------------------------------------
# Identify ourselves; outlets can find who we are and why we fetch.
USER_AGENT = "akhbar/0.1 (news archiver; +https://github.com/akhbar-news/akhbar)"
ROBOTSTXT_OBEY = True  # robots.txt is obeyed, always
AUTOTHROTTLE_ENABLED = True  # adapt the pace to each server's latency
AUTOTHROTTLE_START_DELAY = 0.5
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 4.0
CONCURRENT_REQUESTS = 32
CONCURRENT_REQUESTS_PER_DOMAIN = 8
# A page yields one item; Scrapy starts this many tasks for every response (measured: 5.2 -> 3.8
# ms of reactor CPU per page with 4 instead of the default 100).
CONCURRENT_ITEMS = 4
DOWNLOAD_DELAY = 0.0
DOWNLOAD_TIMEOUT = 30
DOWNLOAD_MAXSIZE = 8 * 1024 * 1024  # a news page is far smaller; bounds memory per response
DOWNLOAD_WARNSIZE = 2 * 1024 * 1024
RETRY_ENABLED = True
RETRY_TIMES = 2
REDIRECT_MAX_TIMES = 5
TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False  # Scrapy 2.19 opens an HTTP control port otherwise
COOKIES_ENABLED = False
# Scrapy reads the source of every callback on its first call to warn about `return` in a
# generator (~30 ms each, before the first article); our callbacks are tested instead.
WARN_ON_GENERATOR_RETURN_VALUE = False
REQUEST_FINGERPRINTER_IMPLEMENTATION = "2.7"
FEED_EXPORT_ENCODING = "utf-8"
LOG_LEVEL = "INFO"

# --- akhbar components ---------------------------------------------------------------------
DOWNLOADER_MIDDLEWARES: dict[str, int | None] = {  # None switches a Scrapy default off
    # Before robots.txt (100) and any download: drop article URLs the archive already holds.
    "crawler.middlewares.SkipArchivedMiddleware": 50,
    # Closest to the network: every response as received, into WARC files (when WARC_DIR is set).
    "crawler.scale.warc.WarcWriterMiddleware": 950,
}
ITEM_PIPELINES = {
    "crawler.pipelines.ExtractionPipeline": 300,
    "crawler.pipelines.ArchivePipeline": 800,
}
EXTENSIONS = {
    "crawler.extensions.RunRecordExtension": 500,
}

# --- akhbar settings -----------------------------------------------------------------------
# The SQLite archive file that crawls write to.
ARCHIVE_PATH = "archive.db"
# Articles written per transaction; bigger batches are faster, smaller lose less on a kill -9.
ARCHIVE_BATCH_SIZE = 100
# Seconds after which a partial batch is written anyway (a timer), so a slow crawl still commits.
ARCHIVE_FLUSH_SECONDS = 5.0
# Seconds a write waits while another process holds the archive's write lock.
ARCHIVE_BUSY_TIMEOUT = 30.0
# Tries of a batch while the archive stays locked; then the run fails, the batch counted.
ARCHIVE_WRITE_ATTEMPTS = 3
# Skip article URLs the archive already holds, before they are downloaded (off with --refresh).
ARCHIVE_SKIP_KNOWN = True
# Outlet names to crawl from the registry (a list; empty with an ad-hoc crawl).
OUTLETS: list[str] = []
# Extra outlet TOML files to load beside the shipped registry.
OUTLETS_FILES: list[str] = []
# Worker processes for extraction and language detection; 0 means one per CPU core.
EXTRACT_WORKERS = 0
# Pages waiting for or in extraction at once; beyond it the crawl waits (bounded memory).
EXTRACT_MAX_PENDING = 64
# CPU seconds one page may take in extraction; past it the page is refused
# (`extraction-timeout`) and the workers replaced. 0: no limit.
EXTRACT_TIMEOUT = 20.0
# Tags (`<` in the bytes) a page may have; a page with more is refused unparsed
# (`too-much-markup`). Real news pages have ~1,500; 500,000 took 64 s and 1 GB to extract.
EXTRACT_MAX_MARKUP = 100_000
# Listing pages followed per listing start URL (pagination depth).
LISTING_MAX_PAGES = 5
# Sub-sitemaps whose <lastmod> is older than this ISO date are skipped (set per run from
# the last successful run; empty reads every sub-sitemap).
SITEMAP_SKIP_OLDER_THAN = ""
# Article URLs at most per outlet and run (0: no limit). Handy for a first look at an outlet.
OUTLET_MAX_ARTICLES = 0
# Write every fetched response (request + response records) into gzipped WARC files here;
# empty: no WARC. Article rows then point to their WARC record.
WARC_DIR = ""
# Start a new WARC file when the current one reaches this size (bytes).
WARC_MAX_SIZE = 1024 * 1024 * 1024
# Distributed crawling: a Redis URL (redis://host:6379/0) shared by every crawler process;
# empty: a single-machine crawl. See docs/scale.md.
REDIS_URL = ""
# Every Redis key starts with it: one Redis can serve several akhbar setups.
REDIS_KEY_PREFIX = "akhbar"
# Distributed workers starting within this many seconds share one round (frontier, seen set).
REDIS_ROUND_SECONDS = 3000
# A distributed worker closes once the frontier is empty and nobody was busy this long.
REDIS_IDLE_SECONDS = 10

# --- robustness ----------------------------------------------------------------------------
DOWNLOADER_MIDDLEWARES = {
    **DOWNLOADER_MIDDLEWARES,
    # Conditional requests for feeds/sitemaps/listings; unchanged ones are not parsed again.
    "crawler.conditional.DiscoveryStateMiddleware": 60,
    # Scrapy's retries, replaced by a subclass that honours Retry-After (capped).
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "crawler.middlewares.RetryAfterMiddleware": 550,
    # Just outside RedirectMiddleware (600): refuse redirect loops and redirects off the outlet.
    "crawler.middlewares.RedirectGuardMiddleware": 650,
    # Scrapy's meta-refresh redirects, minus decoding every page that has no refresh tag.
    "scrapy.downloadermiddlewares.redirect.MetaRefreshMiddleware": None,
    "crawler.middlewares.QuickMetaRefreshMiddleware": 580,
}
# Only http and https are ever fetched: Scrapy's file, ftp (no timeout: one link hung a crawl),
# data and s3 handlers are off, so a hostile link of any source fails at once (unsupported_scheme).
DOWNLOAD_HANDLERS: dict[str, str | None] = {"file": None, "ftp": None, "data": None, "s3": None}
# Seconds a shutdown (SIGTERM, Ctrl-C) may take: past it the pages still in extraction are
# dropped (fetched again next run) so that what is extracted gets written; 10 s later the crawl
# stops whatever still runs. 0: wait for ever.
SHUTDOWN_TIMEOUT = 60.0
# Sitemap indexes nest at most this deep (an index in an index in ...); deeper ones are counted
# `sitemaps_too_deep` and not read.
SITEMAP_MAX_DEPTH = 3
# Sitemaps (indexes and urlsets) read at most per outlet and run; past it they are counted
# `sitemaps_over_limit`, and the outlet's discovery state is not saved (read again next run).
SITEMAP_MAX_DOCUMENTS = 2000
# Longest Retry-After (seconds) a retry waits for; a server asking more is retried next run.
RETRY_AFTER_MAX = 60.0
# Keep each discovery document's ETag/Last-Modified/body hash to re-read it conditionally.
DISCOVERY_STATE_ENABLED = True
