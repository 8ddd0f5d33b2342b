"""The authors pass: JSON-LD and meta authors, byline elements, bylines near the headline or glued
to the body (read on the untouched page); else the byline atop the body or the credit line at its
end (after the text pass). Split into names ("A | B" is two; "La Rédaction" kept as written;
dates and URLs are not names)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from lxml.html import HtmlElement

from crawler.extract.datetext import month_number
from crawler.extract.dom import element_text, first_in_order, glued_bylines, having, select
from crawler.extract.metadata import Metadata, ld_text, meta
from crawler.extract.phrases import BYLINE, norm
from crawler.extract.sections import in_comments, page_comment_sections

BYLINE_SELECTORS = (
    '[itemprop="author"] [itemprop="name"]', '[itemprop="author"]', 'a[rel="author"]',
    ".author-name", ".byline", ".author a", ".post-author", ".entry-author", ".author",
    '[class*="author"]', '[class*="byline"]', '[class*="writer"]', '[class*="auteur"]',
    ".fn", ".signature",
)  # fmt: skip
WEEKDAYS = {
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "lundi",
    "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche", "lunes", "martes",
    "miercoles", "jueves", "viernes", "sabado", "domingo",
}  # fmt: skip
BYLINE_PREFIX = re.compile(r"^(?:par|by|por|بقلم|كتبه|إعداد)\s*:?\s+(?P<names>.+)$", re.I)
AUTHOR_PREFIX = re.compile(
    r"^(?:[\w-]+\s+)?(?:par|by|por)\s*:?\s+|^(?:de|بقلم|كتبه|إعداد)\s*:?\s+", re.IGNORECASE
)
# "Louis Jacobson on Monday, November 18th": the name ends where a date or time begins
_DAYS = "monday|tuesday|wednesday|thursday|friday|saturday|sunday|lundi|mardi|mercredi|jeudi|"
_DAYS += "vendredi|samedi|dimanche|lunes|martes|miércoles|jueves|viernes|sábado|domingo"
AUTHOR_TAIL = re.compile(
    rf"\s+(?:on|le|el|am|at|à|a las)\s+(?:\d|\w+,?\s+\d|(?:{_DAYS})\b).*$"
    r"|\s+(?:updated|mis à jour|publié)\b.*$|\s+[-–—]\s+.*\d.*$",
    re.IGNORECASE,
)
AUTHOR_SPLIT = re.compile(r"\s*[|;/،]\s*|\s+&\s+|\s*,\s*")
META_AUTHOR = ("author", "article:author", "parsely-author", "sailthru.author", "dc.creator")
CREDIT_NOTE = re.compile(r"\s*\(.*\)\s*\.?$")


def markup_authors(root: HtmlElement, metadata: Metadata) -> tuple[str, ...]:
    """The authors the page's markup names (JSON-LD, meta, byline elements and lines)."""
    return read_authors(root, _ld_authors(metadata.ld_articles), meta(root, *META_AUTHOR))


def article_authors(
    markup: tuple[str, ...], byline: str | None, signature: str | None
) -> tuple[str, ...]:
    """The page's authors; else the byline atop the body; else the credit line at its end."""
    if markup:
        return markup
    if byline:
        return split_authors([byline])
    if signature:
        return (CREDIT_NOTE.sub("", signature).strip(),)
    return ()


def _ld_authors(objs: Iterable[dict[str, Any]]) -> list[str]:
    out: list[str] = []
    for obj in objs:
        authors = obj.get("author") or obj.get("creator") or []
        for author in authors if isinstance(authors, list) else [authors]:
            name = ld_text(author)
            if name and not name.startswith("http"):
                out.append(name)
    return out


def split_authors(raw: Iterable[str]) -> tuple[str, ...]:
    """Author names from bylines: prefixes off, "A | B" split in two, duplicates and URLs out."""
    names: list[str] = []
    for value in raw:
        if re.search(r"https?:|www\.", value):
            continue
        value = AUTHOR_PREFIX.sub("", " ".join(value.split()))
        for name in AUTHOR_SPLIT.split(value):
            name = AUTHOR_TAIL.sub("", AUTHOR_PREFIX.sub("", name.strip(" .-–—:·•")))
            ok = 1 < len(name) <= 80 and not re.search(r"https?:|www\.|@|\d", name)
            ok = ok and month_number(name) is None and norm(name) not in WEEKDAYS
            if ok and norm(name) not in {norm(n) for n in names}:
                names.append(name)
    return tuple(names)


def read_authors(
    root: HtmlElement, structured: list[str], meta_author: str | None
) -> tuple[str, ...]:
    """Authors: JSON-LD names, else <meta name=author>, else byline elements, else a byline
    glued to the first paragraph or written near the headline."""
    found = split_authors(structured)
    if not found and meta_author and not meta_author.startswith("http"):
        found = split_authors([meta_author])
    sections = page_comment_sections(root) if not found else []
    for selector in BYLINE_SELECTORS if not found else ():
        elements = [el for el in select(root, selector) if not in_comments(el, sections)]
        texts = [element_text(el) for el in elements[:3]]
        found = split_authors(t for t in texts if 0 < len(t) <= 120)
        if found:
            break
    glued = [" ".join(el.text_content().split()) for el in glued_bylines(root)]
    return found or byline_authors([*glued, *headline_lines(root)])


def headline_lines(root: HtmlElement) -> list[str]:
    """Short lines of text around the headline (kicker, byline, dateline), headline excluded."""
    titled = (a.getparent() for a in root.xpath("//@class") if "post-title" in a)
    head = first_in_order(root, [*root.iter("h1"), *having(root, "itemprop", "headline"), *titled])
    if head is None:
        return []
    parent = head.getparent()
    scope = parent.getparent() if parent is not None and len(element_text(parent)) < 300 else parent
    if scope is None:
        return []
    skip = element_text(head)
    lines = element_text(scope).splitlines()
    return [line for line in lines if line != skip and len(line) <= 150][:12]


def byline_authors(lines: Iterable[str]) -> tuple[str, ...]:
    """Authors from a byline line: "Par A", "بقلم: A - date", "A | B"."""
    for line in lines:
        match = BYLINE_PREFIX.match(line)
        if match:
            names = re.split(r"\s[-–—|·•]\s|\s*[\d٠-٩]", match["names"])[0]
            return split_authors([names])
        if BYLINE.match(line):
            return split_authors([line])
    return ()
