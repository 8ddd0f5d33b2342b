"""The headline on the page and the short lines around it (kicker, byline, dateline), where the
authors and dates passes look first.

The headline is the heading whose text is the page's title (a blog whose <h1> is its own name
puts the post's title in an <h2>), else the first <h1> or `itemprop="headline"`. Its lines are
those of its block, and, when the block stops at the headline, the lines that follow it up to the
first long one (the body): a byline or dateline under a <header> is in the next block.
"""

from __future__ import annotations

from collections.abc import Iterator

from lxml.html import HtmlElement

from crawler.extract.dom import SKIP_TAGS, element_text, first_in_order, having
from crawler.extract.phrases import norm

LINE_MAX = 150  # a longer line is body text, not a byline or a dateline
LINES_MAX = 12
LINES_PAST_BLOCK = 6  # lines read past the headline's block, before the body
PROSE_WORDS = 8  # a line of this many words ending like a sentence is body text
HEADINGS = ("h1", "h2", "h3")
# Figures are not read: a caption or a photo credit is no byline, and reads like body text
NOT_READ = SKIP_TAGS | {"figure", "figcaption"}
BLOCK_MAX = 2_000  # characters of a block read whole when looking past the headline's block


def headline_element(root: HtmlElement, title: str | None = None) -> HtmlElement | None:
    """The element holding the headline: a heading whose text is the title, else the first
    <h1>, `itemprop="headline"` or `.post-title`."""
    key = norm(title or "")
    if key:
        for el in root.iter(*HEADINGS):
            if norm(el.text_content()) == key:
                return el
    titled = (a.getparent() for a in root.xpath("//@class") if "post-title" in a)
    return first_in_order(root, [*root.iter("h1"), *having(root, "itemprop", "headline"), *titled])


def headline_lines(root: HtmlElement, title: str | None = None) -> list[str]:
    """Short lines of text around the headline (kicker, byline, dateline), headline excluded."""
    before, after = headline_context(root, title)
    return [*before, *after][:LINES_MAX]


def headline_context(root: HtmlElement, title: str | None = None) -> tuple[list[str], list[str]]:
    """The short lines of the headline's block before it (kicker), and those after it up to the
    body (byline, dateline)."""
    head = headline_element(root, title)
    parent = head.getparent() if head is not None else None
    if head is None or parent is None:
        return [], []
    grand = parent.getparent()
    scope = grand if grand is not None and len(element_text(parent)) < 300 else parent
    skip = element_text(head)
    lines = element_text(scope, NOT_READ).splitlines()
    first = skip.split("\n", 1)[0]
    cut = lines.index(first) if first in lines else len(lines)
    before = [line for line in lines[:cut] if len(line) <= LINE_MAX]
    after = [line for line in lines[cut:] if line != skip and len(line) <= LINE_MAX]
    following, reached_body = _following(lines, skip)
    if not reached_body:
        more = _lines_after(scope, standfirst=not following)
        after += [line for line in more if len(line) <= LINE_MAX and line not in after]
    return before, [line for line in after if line != first][:LINES_MAX]


def _following(lines: list[str], skip: str) -> tuple[list[str], bool]:
    """The lines after the headline's first line, up to the body's first line (a standfirst
    right under the headline is no body); and whether the body was reached."""
    first = skip.split("\n", 1)[0]
    if first not in lines:
        return [], False
    following: list[str] = []
    for line in lines[lines.index(first) + 1 :]:
        if is_prose(line) and following:
            return following, True
        following.append(line)
        if len(following) >= LINES_MAX:
            return following, True
    return following, False


def _lines_after(block: HtmlElement, standfirst: bool) -> list[str]:
    """The lines that follow `block` in the page, up to the first long one (the body; a
    standfirst may come first): read block by block in document order, a large block opened
    rather than read whole."""
    following: list[str] = []
    for part in _blocks_after(block):
        text = element_text(part, NOT_READ) if isinstance(part, HtmlElement) else part
        for line in text.splitlines():
            if len(following) >= LINES_PAST_BLOCK:
                return following
            if is_prose(line) and (following or not standfirst):
                return following
            following.append(line)
    return following


def is_prose(line: str) -> bool:
    """Is this line body text: long, or a sentence of some words?"""
    if len(line) > LINE_MAX:
        return True
    return len(line.split()) >= PROSE_WORDS and line.rstrip()[-1:] in ".!?:…"


def _blocks_after(head: HtmlElement) -> Iterator[HtmlElement | str]:
    node: HtmlElement | None = head
    while node is not None and node.tag != "html":
        for sibling in node.itersiblings():
            yield from _small_blocks(sibling)
            yield " ".join((sibling.tail or "").split())
        node = node.getparent()


def _small_blocks(el: HtmlElement) -> Iterator[HtmlElement | str]:
    """`el` when its text is short, else its own text and its children's blocks, in order."""
    if not isinstance(el.tag, str) or el.tag in NOT_READ:
        return
    if not len(el) or len(el.text_content()) <= BLOCK_MAX:
        yield el
        return
    yield " ".join((el.text or "").split())
    for child in el:
        yield from _small_blocks(child)
        yield " ".join((child.tail or "").split())
