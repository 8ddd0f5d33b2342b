"""Sections of a page found by what they say, not by their class names: comment sections, and
the sub-headings of the article body.

- Comment sections: a heading ("Comentarios", "3 comentarios", "Deja una respuesta",
  "Laisser un commentaire", "Leave a Reply", "التعليقات"...) starts one; the heading's block and the
  comment lists and forms after it go. Elements inside one never give the article's authors or date.
- Sub-headings: an `<h2>`–`<h6>` standing between two paragraphs the extractor kept belongs to the
  body; when the extractor dropped it, it is put back between them.
"""

from __future__ import annotations

import re
import weakref
from collections.abc import Collection, Iterator

from lxml.html import HtmlElement

from crawler.extract.boilerplate import (
    CUT_MIN_CHARS,
    SECTION_ENDS,
    is_boilerplate_line,
    is_comment_heading,
    norm,
)
from crawler.extract.dom import BLOCK_TAGS

HEADING_TAGS = ("h1", "h2", "h3", "h4", "h5", "h6")
SUBHEADING_TAGS = ("h2", "h3", "h4", "h5", "h6")
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


# Text nodes that may belong to a comment heading: a cheap filter before the full test.
_KEYWORDS = re.compile(
    r"omment|oment|action|flexion|pons|puesta|repl|hought|opinion|تعليق|رد", re.I
)
HEADING_LIKE = {*HEADING_TAGS, "p", "div", "span", "strong", "b", "legend"}


def comment_headings(root: HtmlElement) -> Iterator[HtmlElement]:
    """Elements that are headings of a comment section or form, in document order."""
    for el in root.iter(*HEADING_LIKE):
        own = el.text or ""
        if len(el):
            child = el[0]
            own += f" {child.text or ''} {child.tail or ''}" if isinstance(child.tag, str) else ""
        if not _KEYWORDS.search(own) or not _heading_like(el):
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
        if not _line(parent).startswith(text):
            return start
        start = parent


def comment_sections(root: HtmlElement, keep: Collection[HtmlElement] = ()) -> list[HtmlElement]:
    """The blocks of the page's comment sections: each comment heading's block and the comment
    lists and forms that follow it (never an element in `keep`, never one holding the <h1>)."""
    found: list[HtmlElement] = []
    for heading in comment_headings(root):
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


_PAGE_SECTIONS: weakref.WeakKeyDictionary[HtmlElement, list[HtmlElement]] = (
    weakref.WeakKeyDictionary()
)


def page_comment_sections(root: HtmlElement) -> list[HtmlElement]:
    """`comment_sections` of an untouched page, found once per page (metadata asks often)."""
    found = _PAGE_SECTIONS.get(root)
    if found is None:
        found = _PAGE_SECTIONS[root] = comment_sections(root)
    return found


LONG_RUNS_BEFORE = "preceding::text()[string-length(normalize-space(.)) >= 80]"


def _after_body(heading: HtmlElement, least: int = CUT_MIN_CHARS) -> bool:
    """Does body text come before the heading (`least` characters in runs of 80 or more)?
    A "3 Comments" link in the byline row, above the article, opens no comment section."""
    size = 0
    for run in reversed(
        heading.xpath("preceding::text()[string-length(normalize-space(.)) >= 80]")
    ):
        size += len(run.strip())
        if size >= least:
            return True
    return False


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


def drop_comment_sections(root: HtmlElement, keep: set[HtmlElement]) -> int:
    """Remove the page's comment sections found by their headings; the number removed."""
    doomed = comment_sections(root, keep)
    for el in doomed:
        if el.getparent() is not None:
            el.drop_tree()
    return len(doomed)


def restore_subheadings(tree: HtmlElement, text: str) -> str:
    """`text` with the body's sub-headings the extractor dropped put back in their place: an
    `<h2>`–`<h6>` whose preceding and following paragraphs are consecutive lines of `text`."""
    lines = text.split("\n")
    keys = [norm(line) for line in lines]
    if len(keys) < 2:
        return text
    have = set(keys)
    missing = [(h, _line(h)) for h in tree.iter(*SUBHEADING_TAGS)]
    missing = [(h, t) for h, t in missing if 0 < len(t) <= 200 and norm(t) not in have]
    if not missing:
        return text
    order = [el for el in tree.iter() if isinstance(el.tag, str)]
    position = {el: i for i, el in enumerate(order)}
    inserts: dict[int, list[str]] = {}
    for heading, title in missing:
        key = norm(title)
        if not key or key in have or _unwanted(title):
            continue
        before = _line_index(keys, _neighbour(order, position[heading], heading, -1), last=True)
        after = _line_index(keys, _neighbour(order, position[heading], heading, 1), last=False)
        if before is not None and after == before + 1:
            inserts.setdefault(after, []).append(title)
            have.add(key)
    if not inserts:
        return text
    out: list[str] = []
    for index, line in enumerate(lines):
        out.extend(inserts.get(index, []))
        out.append(line)
    return "\n".join(out)


def _unwanted(title: str) -> bool:
    return (
        is_comment_heading(title)
        or is_boilerplate_line(title)
        or bool(SECTION_ENDS.search(title.strip()))
    )


def _neighbour(order: list[HtmlElement], index: int, heading: HtmlElement, step: int) -> str:
    """The text of the nearest block before (step -1) or after (step 1) the heading."""
    if step > 0 and (heading.tail or "").strip():
        return " ".join((heading.tail or "").split())
    if step < 0:
        prev, parent = heading.getprevious(), heading.getparent()
        loose = prev.tail if prev is not None else parent.text if parent is not None else None
        if (loose or "").strip():
            return " ".join((loose or "").split())
    skip = {*heading.iterancestors(), *heading.iterdescendants()}
    i = index + step
    while 0 <= i < len(order) and abs(i - index) <= 60:
        el = order[i]
        i += step
        if el in skip or el.tag in ("script", "style"):
            continue
        if step < 0 and (el.tail or "").strip() and el.getparent() in skip:
            return " ".join((el.tail or "").split())
        if (el.text or "").strip() or any((c.tail or "").strip() for c in el):
            while el.tag not in BLOCK_TAGS and el.getparent() not in skip | {None}:
                el = el.getparent()
            return _line(el)
    return ""


def _line_index(keys: list[str], snippet: str, *, last: bool) -> int | None:
    """The index of the line `snippet` ends (last=True) or starts (last=False); 30+ chars only."""
    key = norm(snippet)
    if len(key) < 30:
        return None
    probe = key[-50:] if last else key[:50]
    for index, line in enumerate(keys):
        if line == key or (line.endswith(probe) if last else line.startswith(probe)):
            return index
    return None
