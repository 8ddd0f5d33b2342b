"""Discovery: where an outlet's article URLs come from, as pure functions.

Parsers of feeds, sitemaps and listing pages (`feeds`), the canonical form of a URL and the
article-URL heuristics and link verdicts (`urls`), the reading of a blocked response
(`blocking`), and which feeds and sitemaps to read when the declared ones fail (`sources`: the
home page's feed links, robots.txt, the usual CMS paths). Each takes bytes or strings and returns
links, verdicts or plans: no requests, no archive, no Scrapy engine, so
the spider stays a thin router and every parser is tested on recorded files.
"""
