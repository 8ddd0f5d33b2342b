"""The authors pass: JSON-LD and meta authors, byline elements, bylines near the headline or glued
to the body (read on the untouched page); else the byline atop the body or the credit line at its
end (after the text pass). Names are read by crawler/extract/names.py ("A | B" is two; "La
Rédaction" kept as written; roles, links, dates and URLs are no names); bylines of related
articles and the site's own name are not the article's authors."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from lxml.html import HtmlElement

from crawler.extract.datetext import is_date_line
from crawler.extract.dom import element_text, first_in_order, glued_bylines, having, select
from crawler.extract.metadata import Metadata, ld_text, meta
from crawler.extract.names import BARE_INTRO, is_name, is_person, is_role, names_in
from crawler.extract.phrases import BYLINE, norm
from crawler.extract.sections import in_comments, page_comment_sections

BYLINE_SELECTORS = (
    '[itemprop="author"] [itemprop="name"]', '[itemprop="author"]', 'a[rel="author"]',
    ".author-name", ".byline", ".author a", ".post-author", ".entry-author", ".author",
    '[class*="author"]', '[class*="byline"]', '[class*="writer"]', '[class*="auteur"]',
    ".fn", ".signature",
)  # fmt: skip
BYLINE_PREFIX = re.compile(r"^(?:par|by|por|بقلم|كتبه|إعداد)\s*:?\s+(?P<names>.+)$", re.I)
META_AUTHOR = ("author", "article:author", "parsely-author", "sailthru.author", "dc.creator")
CREDIT_NOTE = re.compile(r"\s*\(.*\)\s*\.?$")
# Blocks whose bylines belong to other articles (related posts, sidebars); not <footer> (an
# article's own footer often holds its byline) nor "widget" (Blogger calls its posts one)
ELSEWHERE_TAGS = {"aside", "nav"}
ELSEWHERE_TOKENS = {
    "related", "relatedposts", "yarpp", "sidebar", "popular", "trending",
    "recommended", "teaser", "teasers",
}  # fmt: skip
_TOKEN_SPLIT = re.compile(r"[\s_\-]+")


def markup_authors(root: HtmlElement, metadata: Metadata) -> tuple[str, ...]:
    """The authors the page's markup names (JSON-LD, meta, byline elements and lines), never
    the outlet itself ("STERN.de", "WRAL", "هسبريس": a site name, declared or its host's),
    unless it is written as a person's name: a personal blog ("Rishabh Dev", "Larry
    Kotlikoff") is named after its author."""
    found = read_authors(root, _ld_authors(metadata.ld_articles), meta(root, *META_AUTHOR))
    outlet = {norm(n).replace(" ", "") for n in _declared_names(root, metadata)}
    outlet |= {site.replace(" ", "") for site in metadata.site_names}
    return tuple(
        name for name in found if is_person(name) or norm(name).replace(" ", "") not in outlet
    )


def _declared_names(root: HtmlElement, metadata: Metadata) -> list[str]:
    names = [meta(root, "og:site_name", "application-name") or ""]
    names += [ld_text(obj.get("publisher")) or "" for obj in metadata.ld_articles]
    return [n for n in names if n]


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
    """The names in some byline strings, in order, each once."""
    names: list[str] = []
    for value in raw:
        for name in names_in(value):
            if norm(name) not in {norm(n) for n in names}:
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
        found = _names_of(el for el in elements if not _elsewhere(el))
        if found:
            break
    glued = [" ".join(el.text_content().split()) for el in glued_bylines(root)]
    return found or byline_authors([*glued, *headline_lines(root)])


def _elsewhere(el: HtmlElement) -> bool:
    """Is the element inside a block of other articles (related posts, a sidebar, a footer)?"""
    for block in el.iterancestors():
        if block.tag in ("body", "html"):  # <body class="right-sidebar"> says it of the page
            break
        if block.tag in ELSEWHERE_TAGS:
            return True
        raw = f"{block.get('class', '')} {block.get('id', '')}".lower()
        if ELSEWHERE_TOKENS.intersection(_TOKEN_SPLIT.split(raw)):
            return True
    return False


def _names_of(elements: Iterable[HtmlElement]) -> tuple[str, ...]:
    """The names in the first byline element that has any, and in the elements beside it that
    are only a name (co-authors' links share a block; a role or a bio beside a name is no
    co-author, and bylines further on belong to other articles)."""
    names: list[str] = []
    first: HtmlElement | None = None
    for el in elements:
        if first is None:
            names = byline_names(el)
            first = el if names else None
            continue
        if not _beside(first, el):
            break
        text = " ".join(el.text_content().split())
        found = names_in(text)
        if len(found) == 1 and is_name(text) and norm(found[0]) not in {norm(n) for n in names}:
            names.append(found[0])
    return tuple(names)


def _beside(first: HtmlElement, el: HtmlElement, levels: int = 3) -> bool:
    """Do the two elements share an ancestor within `levels` levels of the first?"""
    near = {first, *list(first.iterancestors())[:levels]}
    return any(a in near for a in [el, *list(el.iterancestors())[:levels]])


def byline_names(el: HtmlElement) -> list[str]:
    """The names a byline element holds: its links' texts when they are names (authors link to
    their pages), else the first of its lines that names someone ("By" on a line of its own
    introduces the next; roles and bios on later lines are left)."""
    linked = [" ".join(a.text_content().split()) for a in el.iter("a")]
    linked = [name for text in linked for name in ([text] if is_name(text) else [])]
    if linked:
        return list(split_authors(linked))
    for line in element_text(el).splitlines()[:6]:
        if BARE_INTRO.match(line):
            continue
        found = names_in(line)
        if found:
            return found
    return []


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
    """Authors from a byline line near the headline: "Par A", "بقلم: A - date", "A | B", or a
    line after a bare "By"."""
    after_intro = False
    lines = list(lines)
    for index, line in enumerate(lines):
        if BARE_INTRO.match(line):
            after_intro = True
            continue
        following = lines[index + 1] if index + 1 < len(lines) else ""
        if is_person(line) and (is_role(following) or is_date_line(following)):
            return (line,)  # a name of its own above its dateline or role: a byline block
        match = BYLINE_PREFIX.match(line)
        if match:
            names = re.split(r"\s[-–—|·•]\s|\s*[\d٠-٩]", match["names"])[0]
            return split_authors([names])
        if BYLINE.match(line) or after_intro:
            found = split_authors([line])
            if found or not after_intro:
                return found
        after_intro = False
    return ()
