"""Comment sections found by what they say, not by their class names.

A heading ("Comentarios", "3 comentarios", "Deja una respuesta", "Laisser un commentaire",
"Leave a Reply", "التعليقات"...) starts one; the heading's block and the comment lists and forms
after it belong to it. The prune pass drops them; elements inside one never give the article's
authors or date.
"""

from __future__ import annotations

import re
import weakref
from collections.abc import Collection, Iterator

from lxml.html import HtmlElement

from crawler.extract.phrases import CUT_MIN_CHARS, is_comment_heading

HEADING_TAGS = ("h1", "h2", "h3", "h4", "h5", "h6")
COMMENT_TOKENS = {
    "comment", "comments", "commentlist", "commentaires", "comentarios", "respond", "disqus",
}  # fmt: skip
_TOKEN_SPLIT = re.compile(r"[\s_\-]+")
# Blocks after a comment heading that belong to the comment section (lists of comments, forms).
COMMENT_BLOCKS = {"ol", "ul", "form", "article", "section", "div", "dl", "h2", "h3", "h4"}


def _line(el: HtmlElement) -> str:
    return " ".join(el.text_content().split())


def _heading_like(el: HtmlElement) -> bool:
    if el.tag in HEADING_TAGS or el.get("role") == "heading":
        return True
    # a short block of its own (<p><strong>3 comentarios</strong></p>, <div>Comentarios</div>)
    return el.tag in ("p", "div", "span", "strong", "b", "legend", "label") and not any(
        isinstance(c.tag, str) and c.tag in ("p", "div", "ul", "ol", "article") for c in el
    )


# Text nodes that may belong to a comment heading: a cheap filter before the full test, run on
# lower-cased text (five times faster than re.IGNORECASE on this alternation).
_KEYWORDS = re.compile(r"omment|oment|action|flexion|pons|puesta|repl|hought|opinion|تعليق|رد")
HEADING_LIKE = {*HEADING_TAGS, "p", "div", "span", "strong", "b", "legend"}
OWN_MAX = 400  # own text longer than this is no heading (headings are at most 200 characters)


def comment_headings(root: HtmlElement) -> Iterator[HtmlElement]:
    """Elements that are headings of a comment section or form, in document order."""
    for el in root.iter(*HEADING_LIKE):
        own = el.text or ""
        if len(el):
            child = el[0]
            own += f" {child.text or ''} {child.tail or ''}" if isinstance(child.tag, str) else ""
        if len(own) > OWN_MAX and len(" ".join(own.split())) > OWN_MAX:
            continue  # a paragraph (the keyword search costs most on long texts)
        if not _KEYWORDS.search(own.lower()) or not _heading_like(el):
            continue
        if is_comment_heading(_line(el)):
            yield el


def _section_start(heading: HtmlElement, keep: Collection[HtmlElement]) -> HtmlElement:
    """The outermost block the heading opens: ancestors whose text starts with the heading."""
    start = heading
    text = _line(heading)
    while True:
        parent = start.getparent()
        if parent is None or parent in keep or parent.tag in ("body", "html"):
            return start
        if not _starts_with(parent, text):
            return start
        start = parent


def _starts_with(el: HtmlElement, text: str) -> bool:
    """`_line(el).startswith(text)`, reading no more of `el` than that takes: the outermost
    ancestors of a heading hold the whole page."""
    # the element's line so far, its spaces collapsed as it is read: blank text nodes must not
    # make every step re-read a growing prefix
    line = ""
    for chunk in el.itertext():
        line = " ".join((line + chunk).split()) + (" " if chunk[-1:].isspace() else "")
        if len(line.rstrip()) >= len(text):
            return line.rstrip().startswith(text)
    return line.rstrip().startswith(text)


def comment_sections(root: HtmlElement, keep: Collection[HtmlElement] = ()) -> list[HtmlElement]:
    """The blocks of the page's comment sections: each comment heading's block and the comment
    lists and forms that follow it (never an element in `keep`, never one holding the <h1>).
    The headings are those of the page as first seen (see `page_headings`) still in the tree."""
    found: list[HtmlElement] = []
    for heading in page_headings(root):
        if not _attached(heading, root):
            continue
        if any(heading is f or heading in f.iterdescendants() for f in found):
            continue
        start = _section_start(heading, keep)
        if start in keep or start.xpath(".//h1") or not _after_body(heading):
            continue
        found.append(start)
        for sibling in start.itersiblings():
            if not isinstance(sibling.tag, str):
                continue
            if sibling in keep or sibling.tag not in COMMENT_BLOCKS or sibling.xpath(".//h1"):
                break
            found.append(sibling)
    return found


def _attached(el: HtmlElement, root: HtmlElement) -> bool:
    """Is `el` still in the tree under `root` (not inside a block pruning took out)?"""
    ancestors = list(el.iterancestors())
    return (ancestors[-1] if ancestors else el) is root


_PAGE_HEADINGS: weakref.WeakKeyDictionary[HtmlElement, list[HtmlElement]] = (
    weakref.WeakKeyDictionary()
)
_PAGE_SECTIONS: weakref.WeakKeyDictionary[HtmlElement, list[HtmlElement]] = (
    weakref.WeakKeyDictionary()
)


def page_headings(root: HtmlElement) -> list[HtmlElement]:
    """`comment_headings` of the page, found once: the passes that read the untouched page and
    the prune pass after them share one search (pruning takes elements out, it adds none)."""
    found = _PAGE_HEADINGS.get(root)
    if found is None:
        found = _PAGE_HEADINGS[root] = list(comment_headings(root))
    return found


def page_comment_sections(root: HtmlElement) -> list[HtmlElement]:
    """`comment_sections` of an untouched page, found once per page (metadata asks often)."""
    found = _PAGE_SECTIONS.get(root)
    if found is None:
        found = _PAGE_SECTIONS[root] = comment_sections(root)
    return found


_XPATH_SPACE = re.compile(r"[ \t\r\n]+")  # what XPath's normalize-space() collapses


def _after_body(heading: HtmlElement, least: int = CUT_MIN_CHARS) -> bool:
    """Does body text come before the heading (`least` characters in runs of 80 or more)?
    A "3 Comments" link in the byline row, above the article, opens no comment section.
    Read backwards from the heading, so it stops as soon as the body is found."""
    size = 0
    for run in _text_before(heading):
        if run and len(_XPATH_SPACE.sub(" ", run).strip(" ")) >= 80:
            size += len(run.strip())
            if size >= least:
                return True
    return False


def _text_before(node: HtmlElement) -> Iterator[str | None]:
    """The text nodes before `node` in the page, nearest first (XPath's preceding::text(),
    reversed)."""
    while True:
        previous = node.getprevious()
        if previous is not None:
            yield previous.tail
            yield from _text_within(previous)
            node = previous
            continue
        parent = node.getparent()
        if parent is None:
            return
        yield parent.text
        node = parent


def _text_within(el: HtmlElement) -> Iterator[str | None]:
    """The text nodes inside `el`, last first."""
    for child in reversed(el):
        yield child.tail
        yield from _text_within(child)
    yield el.text


def _tokens(el: HtmlElement) -> set[str]:
    raw = f"{el.get('class', '')} {el.get('id', '')}".lower()
    return {t for t in _TOKEN_SPLIT.split(raw) if t}


def in_comments(el: HtmlElement, sections: list[HtmlElement] | None = None) -> bool:
    """Is the element inside a comment section: a form, a block classed as comments (one that
    does not also hold the headline), or a block found after a comment heading?"""
    chain = [a for a in (el, *el.iterancestors()) if a.tag not in ("body", "html")]
    for block in chain:
        if block.tag == "form" or (_tokens(block) & COMMENT_TOKENS and not block.xpath(".//h1")):
            return True
    return any(a in sections for a in chain) if sections else False
