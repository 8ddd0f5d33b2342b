"""Discovery: where an outlet's article URLs come from, as pure functions.

Parsers of feeds, sitemaps and listing pages (`feeds`), the canonical form of a URL and the
article-URL heuristics (`urls`), and the reading of a blocked response (`blocking`). Each takes
bytes or strings and returns links or verdicts: no requests, no archive, no Scrapy engine, so
the spider stays a thin router and every parser is tested on recorded files.
"""
