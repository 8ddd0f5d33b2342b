"""Helpers on the parsed page that every pass uses: CSS selection, an element's text with its
line breaks, an element's own text, taking an element out, bylines glued to a paragraph."""

from __future__ import annotations

import logging
import re
import weakref
from collections.abc import Collection, Iterable
from functools import lru_cache

from cssselect import SelectorError
from lxml import etree
from lxml.cssselect import CSSSelector
from lxml.html import HtmlElement

from crawler.extract.phrases import BYLINE, LONE_NAME

logger = logging.getLogger(__name__)

SKIP_TAGS = {"script", "style", "noscript", "template", "button", "select", "svg", "iframe", "head"}
BLOCK_TAGS = {
    "p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "table", "tr",
    "section", "article", "blockquote", "header", "footer", "figure", "figcaption", "dd", "dt",
    "dl", "pre", "hr", "main", "aside", "nav", "form", "td", "th", "address", "center",
}  # fmt: skip
INLINE_SKIP = BLOCK_TAGS | SKIP_TAGS
_WS = re.compile(r"[ \t\r\f\v\n]+")


def select(root: HtmlElement, selector: str | None) -> list[HtmlElement]:
    """Elements matching a CSS selector; a bad selector is logged and matches nothing."""
    if not selector:
        return []
    compiled = _css(selector)
    return list(compiled(root)) if compiled is not None else []


@lru_cache(maxsize=512)
def _css(selector: str) -> CSSSelector | None:
    try:
        return CSSSelector(selector, translator="html")
    except (SelectorError, etree.XPathError) as exc:
        logger.warning("bad CSS selector %r: %s", selector, exc)
        return None


_BY_ATTRIBUTE: weakref.WeakKeyDictionary[HtmlElement, dict[str, dict[str, list[HtmlElement]]]] = (
    weakref.WeakKeyDictionary()
)


def having(root: HtmlElement, attribute: str, value: str) -> list[HtmlElement]:
    """Elements of the page as parsed whose `attribute` is `value` (itemprop="headline"), in
    document order. One scan of the attribute per page, kept: an XPath predicate on every
    element (//*[@itemprop="headline"]) costs about four times as much."""
    index = _BY_ATTRIBUTE.setdefault(root, {})
    values = index.get(attribute)
    if values is None:
        values = index[attribute] = {}
        for found in root.xpath(f"//@{attribute}"):
            values.setdefault(str(found), []).append(found.getparent())
    return values.get(value, [])


def first_in_order(root: HtmlElement, elements: Iterable[HtmlElement]) -> HtmlElement | None:
    """The element of `elements` that comes first in the page."""
    wanted = set(elements)
    if len(wanted) <= 1:
        return next(iter(wanted), None)
    return next((el for el in root.iter() if el in wanted), None)


def own_text_length(el: HtmlElement) -> int:
    """Characters of text directly in `el` and its inline children's tails (not in sub-blocks)."""
    size = len((el.text or "").strip())
    for child in el:
        size += len((child.tail or "").strip())
        if isinstance(child.tag, str) and child.tag not in INLINE_SKIP:
            size += len(child.text_content().strip())
    return size


def remove(el: HtmlElement, keep_tail: bool = True) -> None:
    """Take `el` out of the tree (keeping the text that follows it unless told otherwise)."""
    parent = el.getparent()
    if parent is None:
        return
    if keep_tail:
        el.drop_tree()
    else:
        parent.remove(el)


def element_text(el: HtmlElement, skip: Collection[str] = SKIP_TAGS) -> str:
    """The element's text with a line break at every block boundary (paragraphs, <br>, items);
    elements of the `skip` tags left out."""
    parts: list[str] = []
    _walk(el, parts, skip)
    lines = (_WS.sub(" ", line).strip() for line in "".join(parts).split("\n"))
    return "\n".join(line for line in lines if line)


def _walk(node: HtmlElement, parts: list[str], skip: Collection[str]) -> None:
    if not isinstance(node.tag, str) or node.tag in skip:
        return
    block = node.tag in BLOCK_TAGS
    if block:
        parts.append("\n")
    parts.append((node.text or "").replace("\n", " "))
    for child in node:
        _walk(child, parts, skip)
        parts.append((child.tail or "").replace("\n", " "))
    if block:
        parts.append("\n")


def glued_bylines(root: HtmlElement, limit: int = 2) -> list[HtmlElement]:
    """Inline elements opening a paragraph whose text is a byline, glued to the text after it:
    `<p><strong>Mohammed Fizazi | Mohammed Chafi</strong>Dans cet entretien…</p>`."""
    found: list[HtmlElement] = []
    for para in root.iter("p", "div"):
        if len(found) >= limit:
            break
        if (para.text or "").strip() or not len(para):
            continue
        first = para[0]
        if first.tag not in ("strong", "b", "em", "i", "span"):
            continue
        text = " ".join(first.text_content().split())
        if text and (BYLINE.match(text) or _glued_name(first, text)):
            found.append(first)
    return found


def _glued_name(first: HtmlElement, text: str) -> bool:
    """One person's name with the paragraph's first word glued to it, no space between them
    (`<strong>Salma Bennani</strong>Une cinquantaine…`): a byline set as a block of its own by
    the page's style. A lead-in written as part of the sentence is followed by a space."""
    tail = first.tail or ""
    return bool(tail[:1].isupper() and LONE_NAME.match(text))
