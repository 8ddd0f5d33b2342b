"""Running a crawl and judging its health.

`crawl` runs one crawl in this process and reports it (shared by `akhbar crawl` and the demo);
`lock` keeps one crawl per archive; `errors` names why a request failed; `health` reads the
archive's run records and says which outlet looks broken. May import the Scrapy project,
discovery, outlets and the archive; never the CLI.
"""
