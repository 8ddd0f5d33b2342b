"""Extraction: html + url (+ the outlet's hints) -> Article, or the reason it is not one.

Owns every step from a fetched page to a clean article: parsing, DOM rules, the body (through
trafilatura), the text pass, metadata, authors, dates, refusal, language, and the choice of a
page's encoding. Pure functions: imports neither Scrapy nor the archive's storage (only the
`archive.models` record and `archive.timeutil`), so worker processes and tests call it directly.

The public API is `extract`, `extract_article`, `extract_text` and `explain_refusal`. They are
loaded on first use: the crawl process imports `crawler.extract.charset` without paying for
trafilatura and langdetect, which only extraction workers need (docs/profile.md).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from crawler.extract.article import explain_refusal, extract, extract_article, extract_text

__all__ = ["explain_refusal", "extract", "extract_article", "extract_text"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from crawler.extract import article

        return getattr(article, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
