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
    page_text = root.text_content()
    for text in source_lines(root, hints, page_text=page_text):
        match = SOURCE_LINE.search(text)
        if match:
            outlet, published = match["outlet"].strip(" :«»\"'"), parse_date_text(match["date"])
            break
    link = _source_link(root, url, hints, page_text)
    if not (outlet or link):
        return None
    return SourceCopy(outlet, published, link)


def source_lines(
    root: HtmlElement, hints: ExtractionHints, limit: int = 3, page_text: str | None = None
) -> list[str]:
    """Lines that may be a source line: the outlet's selector; blocks holding a marker."""
    lines = [element_text(el) for el in select(root, hints.source_line)[:1]]
    page_text = root.text_content() if page_text is None else page_text
    # one pass over the text first: the per-marker XPath below walks every element
    for marker in (m for m in SOURCE_MARKERS if m in page_text):
        xpath = f'//body//*[contains(., "{marker}")][not(*[contains(., "{marker}")])]'
        for el in root.xpath(xpath)[:limit]:
            parent = el.getparent()
            lines += [element_text(el), element_text(parent if parent is not None else el)]
    return [line for line in lines if 0 < len(line) <= 400]


# An aggregator's footer link ("Cliquez ici…", "Click here…", "Haga clic…", "اضغط هنا…"): the
# page's text is searched once before any link is.
_FOOTER_HINT = re.compile(r"cliquez\s+ici|click\s+here|haga\s+clic|(?:اضغط|إضغط|انقر)\s+هنا", re.I)


def _source_link(root: HtmlElement, url: str, hints: ExtractionHints, page_text: str) -> str | None:
    for el in select(root, hints.source_link)[:1]:
        href = el.get("href") or next((a.get("href") for a in el.iter("a") if a.get("href")), None)
        if href:
            return urljoin(url, href.strip())
    if not _FOOTER_HINT.search(page_text):
        return None
    for anchor in root.xpath("//a[@href != '']"):
        if AGGREGATOR_FOOTERS.search(element_text(anchor)):
            return urljoin(url, anchor.get("href", "").strip())
    return None
