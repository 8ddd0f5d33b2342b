"""Extraction: html + url (+ the outlet's hints) -> Article, or the reason it is not one.

Owns every step from a fetched page to a clean article: parsing, DOM rules, the body (through
trafilatura), the text pass, metadata, authors, dates, refusal, language, and the choice of a
page's encoding. Pure functions: imports neither Scrapy nor the archive's storage (only the
`archive.models` record and `archive.timeutil`), so worker processes and tests call it directly.

The public API is `extract`, `extract_article`, `extract_text` and `explain_refusal`, with
`extract_timed` (per-pass CPU, for the cost benchmark), `detect_language` and `page_encoding`
(the charset a worker decodes with); nothing outside this package imports a pass module. Each name
is loaded on first use from its own module: the crawl process reads `page_encoding` without paying
for trafilatura and langdetect, which only extraction workers need (docs/profile.md).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from crawler.extract.article import (
        explain_refusal,
        extract,
        extract_article,
        extract_text,
        extract_timed,
    )
    from crawler.extract.charset import page_encoding
    from crawler.extract.language import detect_language

# name -> the module that defines it, imported on first use
_HOMES = {
    "extract": "article",
    "extract_article": "article",
    "extract_text": "article",
    "explain_refusal": "article",
    "extract_timed": "article",
    "detect_language": "language",
    "page_encoding": "charset",
}
__all__ = [
    "detect_language",
    "explain_refusal",
    "extract",
    "extract_article",
    "extract_text",
    "extract_timed",
    "page_encoding",
]


def __getattr__(name: str) -> Any:
    if name in _HOMES:
        return getattr(importlib.import_module(f"crawler.extract.{_HOMES[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
