"""Aggregators' copies: the "Publié dans X le d - m - yyyy" line that names the original outlet
and its date, and the "Cliquez ici…" link to the original. Read on the untouched page."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urljoin

from lxml.html import HtmlElement

from crawler.extract.datetext import parse_date_text
from crawler.extract.dom import element_text, select
from crawler.extract.phrases import AGGREGATOR_FOOTERS
from crawler.outlets import ExtractionHints

SOURCE_LINE = re.compile(
    r"(?:publié dans|publiée? dans|published in|publicado en|نشر في|نشرت في)\s+(?P<outlet>.+?)\s+"
    r"(?:le|on|el|يوم|بتاريخ|في)\s+(?P<date>[\d٠-٩].{4,40})",
    re.IGNORECASE,
)
SOURCE_MARKERS = (
    "Publié dans",
    "Publiée dans",
    "Published in",
    "Publicado en",
    "نشر في",
    "نشرت في",
)


@dataclass(frozen=True)
class SourceCopy:
    """An aggregator's copy: the outlet it names, the original date, the link to the original."""

    outlet: str | None = None
    published: str | None = None
    url: str | None = None


def source_copy(root: HtmlElement, url: str, hints: ExtractionHints) -> SourceCopy | None:
    """The "Publié dans X le d - m - yyyy" line and the "Cliquez ici…" link, if present."""
    outlet = published = None
    for text in source_lines(root, hints):
        match = SOURCE_LINE.search(text)
        if match:
            outlet, published = match["outlet"].strip(" :«»\"'"), parse_date_text(match["date"])
            break
    link = _source_link(root, url, hints)
    if not (outlet or link):
        return None
    return SourceCopy(outlet, published, link)


def source_lines(root: HtmlElement, hints: ExtractionHints, limit: int = 3) -> list[str]:
    lines = [element_text(el) for el in select(root, hints.source_line)[:1]]
    page_text = root.text_content()
    # one pass over the text first: the per-marker XPath below walks every element
    for marker in (m for m in SOURCE_MARKERS if m in page_text):
        xpath = f'//body//*[contains(., "{marker}")][not(*[contains(., "{marker}")])]'
        for el in root.xpath(xpath)[:limit]:
            parent = el.getparent()
            lines += [element_text(el), element_text(parent if parent is not None else el)]
    return [line for line in lines if 0 < len(line) <= 400]


def _source_link(root: HtmlElement, url: str, hints: ExtractionHints) -> str | None:
    for el in select(root, hints.source_link)[:1]:
        href = el.get("href") or next((a.get("href") for a in el.iter("a") if a.get("href")), None)
        if href:
            return urljoin(url, href.strip())
    for anchor in root.iter("a"):
        if anchor.get("href") and AGGREGATOR_FOOTERS.search(element_text(anchor)):
            return urljoin(url, anchor.get("href", "").strip())
    return None
