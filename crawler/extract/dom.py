"""DOM-level rules, applied to the parsed page before any text is taken from it.

Each rule is a function on an lxml tree, testable on its own: outlet drop selectors; generic
boilerplate containers (tickers, modals, cookie/newsletter prompts, share bars, comment sections,
related blocks, screen-reader chrome); text-run tickers (headlines separated by no-break spaces);
link lists. The element holding the article (its headline, its longest run of text, the outlet's
body selector) and its ancestors are never dropped.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from collections.abc import Iterable
from functools import lru_cache

import lxml.html
from cssselect import SelectorError
from lxml import etree
from lxml.cssselect import CSSSelector
from lxml.html import HtmlElement

from crawler.extract.boilerplate import (
    BYLINE,
    HEADLINE_MAX_CHARS,
    TICKER_MIN_SEPARATORS,
    TICKER_SEP,
    strip_ticker,
)

logger = logging.getLogger(__name__)

SKIP_TAGS = {"script", "style", "noscript", "template", "button", "select", "svg", "iframe", "head"}
BLOCK_TAGS = {
    "p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "table", "tr",
    "section", "article", "blockquote", "header", "footer", "figure", "figcaption", "dd", "dt",
    "dl", "pre", "hr", "main", "aside", "nav", "form", "td", "th", "address", "center",
}  # fmt: skip
DROP_TAGS = ("marquee", "dialog", "nav", "aside", "footer")
TABLE_PARTS = {"td", "th", "tr", "thead", "tbody", "tfoot", "col", "colgroup", "caption"}
# class/id tokens (split on spaces, '-' and '_') that mark a boilerplate container
DROP_TOKENS = {
    "ticker", "newsticker", "marquee", "breakingnews", "modal", "popup", "lightbox", "cookie",
    "cookies", "consent", "gdpr", "newsletter", "subscribe", "share", "sharing", "sharedaddy",
    "addtoany", "a2a", "social", "socials", "comments", "comment", "respond", "disqus",
    "related", "relatedposts", "yarpp", "breadcrumb", "breadcrumbs", "kksr", "tags", "tagcloud",
    "sr", "screen", "visually", "sidebar", "advert", "advertisement",
}  # fmt: skip
DROP_TOKEN_PAIRS = (
    {"breaking", "news"},
    {"sr", "only"},
    {"screen", "reader"},
    {"visually", "hidden"},
)
SINGLE_TOKENS = DROP_TOKENS - {"sr", "screen", "visually"}
_TOKEN_SPLIT = re.compile(r"[\s_\-]+")
_WS = re.compile(r"[ \t\r\f\v\n]+")
TICKER_FULL = re.compile(r"^[ \t\n]*\u00a0[ \t\u00a0\n]+$|^[ \t\n]+\u00a0[ \t\u00a0\n]*$")
# comments go at parse time: their tails are text, which tree cleaners would drop with them
_PARSER = lxml.html.HTMLParser(remove_comments=True, remove_pis=True)


def parse_html(html: str | bytes) -> HtmlElement | None:
    """The page as an lxml tree, or None when it is empty or not HTML."""
    if isinstance(html, bytes):
        html = html.decode("utf-8", errors="replace")
    if not html or not html.strip() or "<" not in html:
        return None
    html = re.sub(r"^\s*<\?xml[^>]*>", "", html.lstrip("\ufeff"))
    try:
        root = lxml.html.document_fromstring(html, parser=_PARSER)
    except (etree.ParserError, ValueError) as exc:
        logger.debug("unparsable page: %s", exc)
        return None
    return root if root.find("body") is not None or len(root) else None


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


def own_text_length(el: HtmlElement) -> int:
    """Characters of text directly in `el` and its inline children's tails (not in sub-blocks)."""
    size = len((el.text or "").strip())
    for child in el:
        size += len((child.tail or "").strip())
        if isinstance(child.tag, str) and child.tag not in BLOCK_TAGS | SKIP_TAGS:
            size += len(child.text_content().strip())
    return size


def protected(root: HtmlElement, extra: Iterable[HtmlElement] = ()) -> set[HtmlElement]:
    """The article's anchors and their ancestors: the headline, articleBody, the longest text."""
    anchors = list(extra)
    anchors += root.xpath('//h1|//*[@itemprop="articleBody"]|//*[@itemprop="headline"]')
    anchors += [el for el in (_longest_text(root), _most_paragraphs(root)) if el is not None]
    keep: set[HtmlElement] = set()
    for anchor in anchors:
        keep.update(anchor.iterancestors())
        keep.add(anchor)
    return keep


def _longest_text(root: HtmlElement) -> HtmlElement | None:
    """The element with the longest run of text of its own."""
    best, best_size = None, 0
    for el in root.iter("p", "div", "span", "td", "article", "section", "font"):
        size = own_text_length(el)
        if size > best_size:
            best, best_size = el, size
    return best


def _most_paragraphs(root: HtmlElement) -> HtmlElement | None:
    """The element whose <p> children hold the most text (where the article's paragraphs are)."""
    sizes: Counter[HtmlElement] = Counter()
    for para in root.iter("p"):
        parent = para.getparent()
        if parent is not None:
            sizes[parent] += len(para.text_content().strip())
    return sizes.most_common(1)[0][0] if sizes else None


def _tokens(el: HtmlElement) -> set[str]:
    raw = f"{el.get('class', '')} {el.get('id', '')} {el.get('role', '')}".lower()
    return {t for t in _TOKEN_SPLIT.split(raw) if t}


def is_boilerplate_container(el: HtmlElement) -> bool:
    """Does the element's tag, class, id or role mark it as a boilerplate container?"""
    if el.tag in DROP_TAGS or el.get("aria-modal") == "true" or el.get("role") == "dialog":
        return True
    if el.tag in TABLE_PARTS:  # a cell classed "ticker" is a stock symbol, not a news ticker
        return False
    if el.tag == "form":
        return bool(el.xpath('.//textarea|.//input[@type="email"]'))
    tokens = _tokens(el)
    return bool(tokens & SINGLE_TOKENS) or any(pair <= tokens for pair in DROP_TOKEN_PAIRS)


def remove(el: HtmlElement, keep_tail: bool = True) -> None:
    """Take `el` out of the tree (keeping the text that follows it unless told otherwise)."""
    parent = el.getparent()
    if parent is None:
        return
    if keep_tail:
        el.drop_tree()
    else:
        parent.remove(el)


def drop_boilerplate(root: HtmlElement, keep: set[HtmlElement]) -> int:
    """Drop generic boilerplate containers (never one in `keep`); the number dropped."""
    doomed = [el for el in root.iter() if isinstance(el.tag, str) and el not in keep]
    doomed = [
        el for el in doomed if el.tag not in ("html", "body") and is_boilerplate_container(el)
    ]
    return _drop_all(doomed)


def drop_selectors(
    root: HtmlElement,
    selectors: Iterable[str],
    keep: set[HtmlElement],
    body: Iterable[HtmlElement] = (),
) -> list[str]:
    """Drop what the outlet's `drop` selectors match (never one in `keep`).

    A selector that would take half the text of the article's container or more (`body`, else the
    element holding most paragraphs) is a stale hint, not boilerplate: it is not applied, and
    returned so that the caller can report it."""
    containers = list(body) or [el for el in (_most_paragraphs(root),) if el is not None]
    reference = sum(len(el.text_content().strip()) for el in containers)
    refused = []
    for selector in selectors:
        doomed = [el for el in select(root, selector) if el not in keep]
        if reference and 2 * _text_within(doomed, containers) >= reference:
            refused.append(selector)
        else:
            _drop_all(doomed)
    return refused


def _text_within(elements: list[HtmlElement], containers: list[HtmlElement]) -> int:
    """Characters of text the outermost of `elements` hold inside `containers`."""
    chosen = set(elements)
    size = 0
    for el in elements:
        ancestors = set(el.iterancestors())
        if ancestors & chosen or not (ancestors | {el}) & set(containers):
            continue
        size += len(el.text_content().strip())
    return size


def outermost(elements: list[HtmlElement]) -> list[HtmlElement]:
    """The elements not inside another of them (a selector list matching a container and its
    paragraphs gives each text once)."""
    chosen = set(elements)
    return [el for el in elements if not set(el.iterancestors()) & chosen]


def _drop_all(doomed: list[HtmlElement]) -> int:
    count = 0
    for el in doomed:
        if el.getparent() is not None and all(a.getparent() is not None for a in el.iterancestors()
                                              if a.tag != "html"):  # fmt: skip
            remove(el)
            count += 1
    return count


def strip_ticker_runs(root: HtmlElement) -> int:
    """Remove headline runs separated by no-break spaces: as text, and as inline elements."""
    count = 0
    for el in list(root.iter()):
        if not isinstance(el.tag, str) or el.tag in SKIP_TAGS:
            continue
        for attr in ("text", "tail"):
            value = getattr(el, attr)
            if (
                value
                and "\u00a0" in value
                and len(TICKER_SEP.findall(value)) >= TICKER_MIN_SEPARATORS
            ):
                setattr(el, attr, strip_ticker(value))
                count += 1
        count += _strip_inline_ticker(el)
    return count


def _strip_inline_ticker(parent: HtmlElement) -> int:
    if len(parent) < TICKER_MIN_SEPARATORS:
        return 0
    kids = [c for c in parent if isinstance(c.tag, str) and c.tail and TICKER_FULL.match(c.tail)]
    if len(kids) < TICKER_MIN_SEPARATORS:
        return 0
    tag = Counter(c.tag for c in kids).most_common(1)[0][0]
    doomed = [c for c in parent if c.tag == tag and len(c.text_content()) <= HEADLINE_MAX_CHARS]
    for child in doomed:
        remove(child, keep_tail=False)
    return len(doomed)


def drop_link_lists(root: HtmlElement, keep: set[HtmlElement]) -> int:
    """Drop lists and blocks made of headline links (link text >= 90%, three links or more)."""
    doomed = []
    for el in root.iter("ul", "ol", "div", "p", "section", "table"):
        if el in keep:
            continue
        links = [a.text_content().strip() for a in el.iter("a")]
        links = [t for t in links if t]
        text = _WS.sub(" ", el.text_content()).strip()
        if len(links) >= 3 and text and sum(map(len, links)) >= 0.9 * len(text.replace(" ", "")):
            doomed.append(el)
    return _drop_all(doomed)


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
        text = " ".join(first.text_content().split()) if isinstance(first.tag, str) else ""
        if first.tag in ("strong", "b", "em", "i", "span") and text and BYLINE.match(text):
            found.append(first)
    return found


def unwrap_layout_tables(root: HtmlElement) -> int:
    """Turn layout tables (a cell holding paragraphs or a long text) into plain blocks."""
    count = 0
    for table in list(root.iter("table")):
        cells = table.xpath(".//td|.//th")
        rows = table.xpath(".//tr")
        widest = max((len(r.xpath("./td|./th")) for r in rows), default=0)
        blocks = any(c.xpath(".//p|.//div|.//br") and own_text_length(c) > 200 for c in cells)
        if widest <= 2 and (blocks or any(len(c.text_content()) > 500 for c in cells)):
            for el in [table, *table.xpath(".//tbody|.//thead|.//tr|.//td|.//th")]:
                el.tag = "div"
            count += 1
    return count


def element_text(el: HtmlElement) -> str:
    """The element's text with a line break at every block boundary (paragraphs, <br>, items)."""
    parts: list[str] = []
    _walk(el, parts)
    lines = (_WS.sub(" ", line).strip() for line in "".join(parts).split("\n"))
    return "\n".join(line for line in lines if line)


def _walk(node: HtmlElement, parts: list[str]) -> None:
    if not isinstance(node.tag, str) or node.tag in SKIP_TAGS:
        return
    block = node.tag in BLOCK_TAGS
    if block:
        parts.append("\n")
    parts.append((node.text or "").replace("\n", " "))
    for child in node:
        _walk(child, parts)
        parts.append((child.tail or "").replace("\n", " "))
    if block:
        parts.append("\n")
