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
    page_text = body_text(root)
    for text in source_lines(root, hints, page_text=page_text):
        match = SOURCE_LINE.search(text)
        if match and names_a_source(text, match):
            outlet, published = match["outlet"].strip(" :«»\"'"), parse_date_text(match["date"])
            break
    link = _source_link(root, url, hints, page_text)
    if not (outlet or link):
        return None
    return SourceCopy(outlet, published, link)


# An aggregator's source line stands on its own: at most a short label before it ("Source :"),
# little after its date; the outlet it names is a name. "… a été publié dans le Bulletin
# officiel le 12 mai 2024, …" in an article's own paragraph is no source line.
SOURCE_LINE_MAX_BEFORE = 30
SOURCE_LINE_MAX_AFTER = 20


def names_a_source(text: str, match: re.Match[str]) -> bool:
    """Is this match of SOURCE_LINE an aggregator's source line, not a sentence of the article?"""
    outlet = match["outlet"].strip(" :«»\"'")
    return (
        len(text[: match.start()].strip()) <= SOURCE_LINE_MAX_BEFORE
        and len(text[match.end() :].strip()) <= SOURCE_LINE_MAX_AFTER
        and bool(outlet)
        and not outlet[0].islower()
    )


def body_text(root: HtmlElement) -> str:
    """The text of the page's <body> (where source lines and links are), scripts included:
    what the substring tests below read before any element is looked at."""
    body = root.find("body")
    return (body if body is not None else root).text_content()


def source_lines(
    root: HtmlElement, hints: ExtractionHints, limit: int = 3, page_text: str | None = None
) -> list[str]:
    """Lines that may be a source line: the outlet's selector; blocks holding a marker."""
    lines = [element_text(el) for el in select(root, hints.source_line)[:1]]
    page_text = body_text(root) if page_text is None else page_text
    # the text first: the per-marker XPath below walks every element ("ubli" or "نشر" is in
    # every marker, and two substring tests cost less than six)
    present = "ubli" in page_text or "نشر" in page_text
    for marker in (m for m in SOURCE_MARKERS if present and m in page_text):
        xpath = f'//body//*[contains(., "{marker}")][not(*[contains(., "{marker}")])]'
        for el in root.xpath(xpath)[:limit]:
            parent = el.getparent()
            lines += [element_text(el), element_text(parent if parent is not None else el)]
    return [line for line in lines if 0 < len(line) <= 400]


# An aggregator's footer link ("Cliquez ici…", "Click here…", "Haga clic…", "اضغط هنا…"): the
# page's text is searched once before any link is.
FOOTER_CUES = ("cliquez ici", "click here", "haga clic", "اضغط", "إضغط", "انقر")  # how they start
# One of these is in every cue as written (a substring test: a regex over 100 KB costs ~1 ms)
FOOTER_WORDS = ("cli", "Cli", "CLI", "ضغط", "انقر")


def _source_link(root: HtmlElement, url: str, hints: ExtractionHints, page_text: str) -> str | None:
    for el in select(root, hints.source_link)[:1]:
        href = el.get("href") or next((a.get("href") for a in el.iter("a") if a.get("href")), None)
        if href:
            return urljoin(url, href.strip())
    if not any(word in page_text for word in FOOTER_WORDS):
        return None
    for anchor in root.xpath("//a[@href != '']"):
        start = " ".join(anchor.text_content().split()).lower()
        if start.startswith(FOOTER_CUES) and AGGREGATOR_FOOTERS.search(element_text(anchor)):
            return urljoin(url, anchor.get("href", "").strip())
    return None
