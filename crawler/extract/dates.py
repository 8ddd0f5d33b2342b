"""The dates pass: when the article was published, read on the untouched page.

In order: the outlet's `date` selector (made more precise by the markup when they agree); an
aggregator's original date; the markup (JSON-LD, meta tags, `itemprop`, `<time>`: the most
precise of equivalent values); a date written near the headline or in an element classed as one;
htmldate on markup and URL. Values are ISO 8601 with a timezone (crawler/extract/datetext.py).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from htmldate import find_date
from lxml.html import HtmlElement

from archive.timeutil import more_precise
from crawler.extract.aggregator import SourceCopy
from crawler.extract.authors import headline_lines
from crawler.extract.datetext import is_date_line, normalize_iso, parse_date_text
from crawler.extract.dom import element_text, having, select
from crawler.extract.metadata import ld_text, meta
from crawler.extract.phrases import norm
from crawler.extract.sections import in_comments, page_comment_sections
from crawler.outlets import ExtractionHints

logger = logging.getLogger(__name__)

DATE_META = (
    "article:published_time", "og:published_time", "og:article:published_time",
    "datePublished", "date", "pubdate", "publishdate", "publish-date", "dc.date",
    "dc.date.issued", "dcterms.created", "sailthru.date", "parsely-pub-date", "article.published",
)  # fmt: skip


def markup_date(
    root: HtmlElement, hints: ExtractionHints, articles: Iterable[dict[str, Any]]
) -> str | None:
    """The most precise of the dates the markup gives (hint, JSON-LD, meta, <time>...)."""
    found: list[str] = [hint_date(root, hints) or ""]
    found += [normalize_iso(ld_text(obj.get("datePublished"))) or "" for obj in articles]
    found.append(normalize_iso(meta(root, *DATE_META)) or "")
    marked = having(root, "itemprop", "datePublished")
    abbrs = [a for a in root.iter("abbr") if "published" in a.get("class", "")]
    if abbrs:  # both kinds, in the page's order
        marked = root.xpath('//*[@itemprop="datePublished"]|//abbr[contains(@class,"published")]')
    times = [*marked, *root.iter("time")]
    sections = page_comment_sections(root) if times else []
    for el in [t for t in times if not in_comments(t, sections)][:1]:
        value = el.get("content") or el.get("datetime") or el.get("title") or el.text_content()
        found.append(normalize_iso(value) or "")
    found += [normalize_iso(ld_text(obj.get("dateCreated"))) or "" for obj in articles]
    values = [v for v in found if v]
    if not values:
        return None
    best = values[0]
    for value in values[1:]:
        best = more_precise(best, value)
    return best


def hint_date(root: HtmlElement, hints: ExtractionHints) -> str | None:
    """The date in the element the outlet's `date` selector names (attribute, else text)."""
    for el in select(root, hints.date)[:1]:
        value = el.get("datetime") or el.get("content")
        return normalize_iso(value) if value else parse_date_text(element_text(el))
    return None


def text_date(root: HtmlElement, title: str | None = None) -> str | None:
    """A date written near the headline, or in an element whose class or id says it is one."""
    for line in headline_lines(root):
        value = parse_date_text(line)
        if value:
            return value
    xpath = (
        '//*[contains(@class,"date") or contains(@class,"time") or contains(@class,"publish")'
        ' or contains(@id,"date") or contains(@class,"meta")]'
    )
    sections = page_comment_sections(root)
    for el in root.xpath(xpath)[:40]:
        if in_comments(el, sections):
            continue
        text = element_text(el)
        if 0 < len(text) <= 120:
            value = parse_date_text(text)
            if value:
                return value
    return _dateline(root, title, sections)


def _dateline(root: HtmlElement, title: str | None, sections: list[HtmlElement]) -> str | None:
    """A short block that is only a date, among the blocks right after the one holding the
    headline (a page whose headline is no <h1> and whose dateline has no class to say so)."""
    key = norm(title or "")
    if not key:
        return None
    blocks = [el for el in root.iter("div", "p", "span", "small", "time", "li", "td", "h2", "h3")]
    start = next((i for i, el in enumerate(blocks) if norm(el.text_content()) == key), None)
    for el in blocks[start + 1 : start + 12] if start is not None else ():
        text = " ".join(el.text_content().split())
        if 0 < len(text) <= 60 and is_date_line(text) and not in_comments(el, sections):
            return parse_date_text(text)
    return None


def published_date(
    root: HtmlElement,
    hints: ExtractionHints,
    articles: Iterable[dict[str, Any]],
    title: str | None,
    source: SourceCopy | None,
) -> str | None:
    """The outlet's date selector; an aggregator's original date; markup; a dated element;
    htmldate (markup and URL only)."""
    hinted = hint_date(root, hints)
    structured = markup_date(root, hints, articles)
    if hinted:
        return more_precise(hinted, structured)
    if source and source.published:
        return source.published
    if structured:
        return structured
    found = text_date(root, title)
    if found:
        return found
    try:
        value = find_date(root, extensive_search=False, original_date=True)
    except (ValueError, TypeError) as exc:  # htmldate is defensive, but not about everything
        logger.debug("htmldate failed: %s", exc)
        return None
    return normalize_iso(value) if value else None
