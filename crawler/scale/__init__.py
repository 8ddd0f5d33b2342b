"""Extraction workers and scale-out.

`worker` is what an extraction process runs for one page and `pool` the process pool the crawl,
reextract and ingest-warc share; `warc` writes and reads raw responses; `reextract` rebuilds
articles from them and `backfill` ingests WARC files made elsewhere; `distributed` spreads a crawl
over hosts through Redis. May import the Scrapy project, outlets and the archive; never the CLI.
"""
