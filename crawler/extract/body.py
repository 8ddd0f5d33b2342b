"""The body pass: the article's text from the pruned tree. The only module that imports trafilatura.

The outlet's `body` selector when it has one and it matches (text taken with a line break at every
block); else trafilatura with precision settings on the tree the prune pass left, and without
them when that finds nothing. Sub-headings trafilatura dropped are put back: an `<h2>`–`<h6>`
standing between two paragraphs it kept belongs to the body.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any

import lxml.html
import trafilatura
from lxml import etree
from lxml.html import HtmlElement

from crawler.extract.dom import BLOCK_TAGS, element_text, select
from crawler.extract.phrases import (
    PARAGRAPH_MIN,
    SECTION_ENDS,
    is_boilerplate_line,
    is_comment_heading,
    norm,
)
from crawler.outlets import ExtractionHints

# trafilatura settings, measured on the public benchmarks (docs/benchmarks.md)
TRAFILATURA_OPTIONS: dict[str, Any] = {
    "favor_precision": True,
    "include_comments": False,
    "include_tables": True,
    "include_images": False,
    "include_links": False,
    "deduplicate": False,
    "output_format": "txt",
}
SUBHEADING_TAGS = ("h2", "h3", "h4", "h5", "h6")


# Precision mode sometimes keeps a teaser of the article (its lede, one paragraph): when its text
# is under TEASER_SHARE of the page's paragraphs, trafilatura runs again without it, and that
# text is taken when it is GROWTH times longer (measured on both WCXB halves and scrapinghub:
# it changes 1-2 % of the pages, each for the better, whatever the values between 0.3-0.8 / 1.2-2)
TEASER_SHARE = 0.5
GROWTH = 1.5


def raw_body(
    tree: HtmlElement,
    url: str | None,
    hinted: str = "",
    ld_articles: Iterable[dict[str, Any]] = (),
) -> str:
    """The body before the text pass: the outlet's body selector, else trafilatura; the body
    the page carries as data when its markup shows almost none."""
    text = _markup_body(tree, url, hinted)
    if len(text) < EMBEDDED_WHEN_UNDER:
        embedded = embedded_body(tree, ld_articles)
        if len(embedded) > max(2 * len(text), EMBEDDED_WHEN_UNDER):
            return embedded
    return text


def hinted_body(tree: HtmlElement, hints: ExtractionHints) -> str:
    """The text of the outlet's body selector ("" when it matches nothing or only empties)."""
    nodes = outermost(select(tree, hints.body))
    return "\n".join(text for text in map(element_text, nodes) if text)


def outermost(elements: list[HtmlElement]) -> list[HtmlElement]:
    """The elements not inside another of them (a selector list matching a container and its
    paragraphs gives each text once)."""
    chosen = set(elements)
    return [el for el in elements if not set(el.iterancestors()) & chosen]


def _markup_body(tree: HtmlElement, url: str | None, hinted: str) -> str:
    if hinted:  # the text of the outlet's body selector
        return hinted
    text = trafilatura.extract(tree, url=url, **TRAFILATURA_OPTIONS) or ""
    if not text or len(text) < TEASER_SHARE * paragraph_mass(tree):
        recall = trafilatura.extract(
            tree, url=url, **{**TRAFILATURA_OPTIONS, "favor_precision": False}
        )
        if recall and (not text or len(recall) >= GROWTH * len(text)):
            text = recall
    return restore_subheadings(tree, text) if text else ""


# A page whose visible body is this short may carry its article in embedded JSON (an app that
# renders it in the browser): JSON-LD articleBody, or an HTML field of its data script.
EMBEDDED_WHEN_UNDER = 500
EMBEDDED_KEYS = {
    "articlebody", "contenthtml", "content_html", "bodyhtml", "body_html", "articlehtml",
    "article_html", "htmlcontent", "html_content",
}  # fmt: skip


def embedded_body(tree: HtmlElement, ld_articles: Iterable[dict[str, Any]]) -> str:
    """The longest article text the page carries as data rather than markup: JSON-LD
    `articleBody`, or a field such as `contentHtml` in a <script type=application/json>."""
    found = [str(obj.get("articleBody") or "") for obj in ld_articles]
    for script in tree.xpath('//script[contains(@type, "json")]'):
        try:
            data = json.loads(script.text or "null")
        except ValueError:
            continue
        found += list(_html_fields(data))
    texts = [_as_text(value) for value in found if value.strip()]
    return max(texts, key=len, default="")


def _html_fields(data: Any, depth: int = 0) -> Iterator[str]:
    if depth > 12:
        return
    if isinstance(data, dict):
        for key, value in data.items():
            if isinstance(value, str) and key.lower() in EMBEDDED_KEYS:
                yield value
            elif isinstance(value, dict | list):
                yield from _html_fields(value, depth + 1)
    elif isinstance(data, list):
        for item in data:
            yield from _html_fields(item, depth + 1)


def _as_text(value: str) -> str:
    """A field's text: HTML read block by block, plain text as it is."""
    if "<" not in value:
        return "\n".join(line.strip() for line in value.splitlines() if line.strip())
    try:
        fragment = lxml.html.fragment_fromstring(value, create_parent="div")
    except (etree.ParserError, ValueError):  # markup that does not parse: no body from it
        return ""
    return element_text(fragment)


def paragraph_mass(tree: HtmlElement) -> int:
    """Characters of running text in the page's paragraphs (the pruned page: no comments, no
    related blocks): how long the article is, whatever container holds it."""
    sizes = (len(" ".join(p.text_content().split())) for p in tree.iter("p"))
    return sum(size for size in sizes if size >= PARAGRAPH_MIN)


def _line(el: HtmlElement) -> str:
    return " ".join(el.text_content().split())


def restore_subheadings(tree: HtmlElement, text: str) -> str:
    """`text` with the body's sub-headings the extractor dropped put back in their place: an
    `<h2>`–`<h6>` whose preceding and following paragraphs are consecutive lines of `text`."""
    headings = [(h, _line(h)) for h in tree.iter(*SUBHEADING_TAGS)]
    headings = [(h, t) for h, t in headings if 0 < len(t) <= 200]
    lines = text.split("\n")
    if not headings or len(lines) < 2:  # before norm() on every line: it costs most here
        return text
    keys = [norm(line) for line in lines]
    have = set(keys)
    missing = [(h, t) for h, t in headings if norm(t) not in have]
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
