"""Bylines the reader sees: byline elements (author links, `itemprop="author"`, classes that say
author or byline), bylines glued to the first paragraph, and byline lines near the headline
("By A ⋅ Review Editor ⋅ Updated …", "Aaron Ricadela | Senior Writer | July 2, 2025",
"Dec 08, 2019 by Stephen Bay in Growth"). Bylines inside blocks of other articles (related
posts, sidebars) are skipped, unless that block also holds the headline (a layout named
"content-main-sidebar" is the article's column)."""

from __future__ import annotations

import re
from collections.abc import Iterable

from lxml import etree
from lxml.html import HtmlElement

from crawler.extract.datetext import is_date_line, parse_date_text
from crawler.extract.dom import element_text, glued_bylines, select
from crawler.extract.headline import headline_context, headline_element
from crawler.extract.names import (
    BARE_INTRO,
    is_name,
    is_person,
    is_role,
    names_in,
    split_authors,
)
from crawler.extract.phrases import BYLINE, LONE_NAME, norm
from crawler.extract.sections import in_comments, page_comment_sections

AUTHOR_PAGES = ("author", "authors", "autor", "autores", "auteur", "auteurs")
# Each selector with a word its page must hold in a class, itemprop or rel attribute (or, for
# author-page links, in a link's address): one scan of those attributes tells which selectors
# can match at all, so a page without bylines pays for one scan, not for every selector.
BYLINE_SELECTORS = (
    ('[itemprop="author"] [itemprop="name"]', "author"), ('[itemprop="author"]', "author"),
    ('a[rel="author"]', "author"),
    (", ".join(f'a[href*="/{word}/"]' for word in AUTHOR_PAGES), "/"),
    (".author-name", "author"), (".byline", "byline"), (".author a", "author"),
    (".post-author", "author"), (".entry-author", "author"), (".author", "author"),
    ('[class*="author"]', "author"), ('[class*="byline"]', "byline"),
    ('[class*="writer"]', "writer"), ('[class*="auteur"]', "auteur"),
    ('[class*="Author"]', "Author"), ('[class*="Byline"]', "Byline"), (".fn", "fn"),
    (".signature", "signature"),
)  # fmt: skip
_MARKS = etree.XPath("//@class|//@itemprop|//@rel")
_AUTHOR_LINKS = etree.XPath(
    " or ".join(f"contains(@href, '/{word}/')" for word in AUTHOR_PAGES).join(("//a[", "]"))
)
BYLINE_PREFIX = re.compile(
    r"^(?:(?:written\s+)?by|par|por|بقلم|كتبه|إعداد)\s*:?\s+(?P<names>.+)$", re.IGNORECASE
)
# What a name after these is: not the author ("Peer reviewed by", "Photos by", "Edited by")
NOT_AUTHOR_LABEL = re.compile(
    r"(?:reviewed|checked|edited|illustrat\w*|photo\w*|video\w*|images?|translated)\s*(?:by)?"
    r"\s*:?\s*$",
    re.IGNORECASE,
)
PARTS = re.compile(r"\s[-–—|·•⋅]\s")
MENU_NAMES = 6  # an element linking more "names" than this is a menu
INNER_BYLINE = re.compile(r"\s(?:by|par|por)\s+\S")
# Blocks whose bylines belong to other articles (related posts, sidebars); not <footer> (an
# article's own footer often holds its byline) nor "widget" (Blogger calls its posts one)
ELSEWHERE_TAGS = {"aside", "nav"}
ELSEWHERE_TOKENS = {
    "related", "relatedposts", "yarpp", "sidebar", "popular", "trending",
    "recommended", "teaser", "teasers",
}  # fmt: skip
_TOKEN_SPLIT = re.compile(r"[\s_\-]+")


def visible_authors(root: HtmlElement, title: str | None, lone: bool = True) -> tuple[str, ...]:
    """The names in the page's byline elements, else in a byline glued to the first paragraph
    or written near the headline (with `lone`, also a name on a line of its own above its
    dateline)."""
    head = headline_element(root, title)
    shared = set(head.iterancestors()) if head is not None else set()
    sections = page_comment_sections(root)
    found: tuple[str, ...] = ()
    side: list[HtmlElement] = []  # byline elements in an <aside> beside the article
    marks = " ".join(map(str, _MARKS(root)))
    for selector, word in BYLINE_SELECTORS:
        if not (word in marks if word != "/" else _AUTHOR_LINKS(root)):
            continue
        elements = [el for el in select(root, selector) if not in_comments(el, sections)]
        side += [el for el in elements if _elsewhere(el, shared) == "aside"]
        found = _names_of(el for el in elements if not _elsewhere(el, shared))
        if found:
            break
    if any(is_person(name) for name in found):
        return found
    glued = [" ".join(el.text_content().split()) for el in glued_bylines(root)]
    before, after = headline_context(root, title)
    lines = byline_authors([*before, *glued, *after], lone_from=len(before) if lone else -1)
    if not lines:  # one name glued to the paragraph: a byline by its layout (glued_bylines)
        lines = next((split_authors([g]) for g in glued if LONE_NAME.match(g)), ())
    return lines if any(is_person(n) for n in lines) else found or lines or _labelled(side)


def _labelled(elements: list[HtmlElement]) -> tuple[str, ...]:
    """The name the article's side column gives under an author label ("Author", "Written By"):
    the byline of a layout that sets it beside the body, when it is the only one there."""
    found = {
        norm(name): name
        for el in elements
        if BARE_INTRO.match(element_text(el).split("\n", 1)[0])
        or BYLINE_PREFIX.match(el.text_content().strip())
        for name in byline_names(el)
    }
    return tuple(found.values()) if len(found) == 1 else ()  # several: other articles' bylines


def _elsewhere(el: HtmlElement, shared: set[HtmlElement]) -> str:
    """What block of other articles the element is in ("aside", "nav", "related"...: related
    posts, a sidebar), below the first block it shares with the headline (`shared`: the
    headline's ancestors); "" when none."""
    for block in el.iterancestors():
        if block in shared or block.tag in ("body", "html"):  # <body class="right-sidebar">
            break
        raw = f"{block.get('class', '')} {block.get('id', '')}".lower()
        marked = ELSEWHERE_TOKENS.intersection(_TOKEN_SPLIT.split(raw))
        if marked:
            return min(marked)
        if block.tag in ELSEWHERE_TAGS:
            return str(block.tag)
    return ""


def _names_of(elements: Iterable[HtmlElement]) -> tuple[str, ...]:
    """The names in the first byline element that has any, and in the elements beside it that
    are only a name (co-authors' links share a block; a role or a bio beside a name is no
    co-author, and bylines further on belong to other articles)."""
    names: list[str] = []
    first: HtmlElement | None = None
    for el in elements:
        if NOT_AUTHOR_LABEL.search(_text_before(el)):
            continue
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


def _text_before(el: HtmlElement) -> str:
    """The few words written right before the element (its label: "Peer reviewed by")."""
    previous = el.getprevious()
    if previous is not None:
        tail = previous.tail or ""
        text = tail if tail.strip() else previous.text_content()
    else:
        parent = el.getparent()
        text = (parent.text or "") if parent is not None else ""
    return " ".join(text.split())[-40:]


def byline_names(el: HtmlElement) -> list[str]:
    """The names a byline element holds: its links' texts when they are names (authors link to
    their pages), else the first of its lines that names someone ("By" on a line of its own
    introduces the next; roles and bios on later lines are left)."""
    links = [a for a in el.iter("a") if not NOT_AUTHOR_LABEL.search(_text_before(a))]
    linked = [" ".join(a.text_content().split()) for a in links]
    linked = [name for text in linked for name in ([text] if is_name(text) else [])]
    if len(linked) > MENU_NAMES:
        return []  # a menu ("Architecture", "Design", "Cities"...), no byline
    if linked:
        return list(split_authors(linked))
    for line in element_text(el).splitlines()[:6]:
        if BARE_INTRO.match(line):
            continue
        found = names_in(line)
        if found:
            return found
    return []


def byline_authors(lines: Iterable[str], lone_from: int = 0) -> tuple[str, ...]:
    """Authors from a byline line near the headline: "Par A", "بقلم: A - date", "A | B", a line
    after a bare "By", a name beside its role or date ("A | Senior Writer | July 2, 2025"), a
    dateline naming its author ("Dec 08, 2019 by A in Growth"), and from `lone_from` on (the
    lines under the headline: above it a kicker or a breadcrumb looks like a name; -1: none) a
    name on a line of its own above its dateline or role."""
    after_intro = False
    lines = list(lines)
    for index, line in enumerate(lines):
        if BARE_INTRO.match(line):
            after_intro = True
            continue
        following = lines[index + 1] if index + 1 < len(lines) else ""
        lone = 0 <= lone_from <= index and is_person(line)
        if lone and (is_role(following) or is_date_line(following)):
            return (line,)  # a name of its own above its dateline or role: a byline
        match = BYLINE_PREFIX.match(line)
        if match:
            names = re.split(r"\s[-–—|·•⋅]\s|\s*[٠-٩]", match["names"])[0]
            return split_authors([names])
        found = _name_with_role(line) or _dated_byline(line)
        if found:
            return found
        if BYLINE.match(line) or after_intro:
            found = split_authors([line])
            if found or not after_intro:
                return found
        after_intro = False
    return ()


def _name_with_role(line: str) -> tuple[str, ...]:
    """ "Aaron Ricadela | Senior Writer | July 2, 2025", "Rachael Hogg - 12/03/2026": a name,
    then only its role and its date."""
    first, *rest = PARTS.split(line)
    if rest and is_person(first) and all(is_role(part) for part in rest):
        return (first.strip(),)
    return ()


def _dated_byline(line: str) -> tuple[str, ...]:
    """ "Dec 08, 2019 by Stephen Bay in Growth": a dateline that names its author after "by"."""
    if len(line) > 100 or not INNER_BYLINE.search(line) or not parse_date_text(line):
        return ()
    return tuple(name for name in names_in(line) if is_person(name))
