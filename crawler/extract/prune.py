"""The prune pass: DOM rules applied to the parsed page, in place, before any text is taken.

Each rule is a function on an lxml tree, testable on its own: outlet drop selectors; generic
boilerplate containers (tickers, modals, cookie/newsletter prompts, share bars, comment sections,
related blocks, screen-reader chrome); text-run tickers (headlines separated by no-break spaces);
link lists; comment sections found by their headings. The element holding the article (its
headline, its longest run of text, the outlet's body selector) and its ancestors are never
dropped. It runs after every pass that reads the untouched page (metadata, dates, page kind), so
trafilatura gets the pruned tree and no copy of the page is made.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

from lxml import etree
from lxml.html import HtmlElement

from crawler.extract.dom import (
    SKIP_TAGS,
    glued_bylines,
    having,
    own_text_length,
    remove,
    select,
)
from crawler.extract.phrases import (
    HEADLINE_MAX_CHARS,
    PARAGRAPH_MIN,
    TICKER_MIN_SEPARATORS,
    TICKER_SEP,
)
from crawler.extract.sections import comment_sections
from crawler.extract.textpass import strip_ticker
from crawler.outlets import ExtractionHints

DROP_TAGS = ("marquee", "dialog", "nav", "aside", "footer")
TABLE_PARTS = {"td", "th", "tr", "thead", "tbody", "tfoot", "col", "colgroup", "caption"}
# class/id tokens (split on spaces, '-' and '_') that mark a boilerplate container
DROP_TOKENS = {
    "ticker", "newsticker", "marquee", "breakingnews", "modal", "popup", "lightbox", "cookie",
    "cookies", "consent", "gdpr", "newsletter", "subscribe", "share", "sharing", "sharedaddy",
    "addtoany", "a2a", "social", "socials", "comments", "comment", "respond", "disqus",
    "related", "relatedposts", "yarpp", "breadcrumb", "breadcrumbs", "kksr", "tags", "tagcloud",
    "sr", "screen", "visually", "sidebar", "advert", "advertisement", "teaser", "teasers",
}  # fmt: skip
DROP_TOKEN_PAIRS = (
    {"breaking", "news"},
    {"sr", "only"},
    {"screen", "reader"},
    {"visually", "hidden"},
)
SINGLE_TOKENS = DROP_TOKENS - {"sr", "screen", "visually"}
# A class word of these says the container is the article, whatever layout word is beside it
ARTICLE_TOKENS = {"article", "articlebody", "story", "storybody"}
_TOKEN_SPLIT = re.compile(r"[\s_\-]+")
# A first look before the exact test: the attributes that hold one of the tokens at all.
_MARKED_ATTRIBUTES = etree.XPath("//@class|//@id|//@role|//@aria-modal")
_HINT_TOKENS = "|".join(sorted(DROP_TOKENS | {"breaking", "dialog", "true"}, key=len, reverse=True))
_TOKEN_HINT = re.compile(rf"(?:^|[\s_-])(?:{_HINT_TOKENS})(?=$|[\s_-])")  # on lower-cased text
_WS = re.compile(r"[ \t\r\f\v\n]+")
_NBSP_TEXT = etree.XPath("//text()[contains(., '\u00a0')]")
TICKER_FULL = re.compile(r"^[ \t\n]*\u00a0[ \t\u00a0\n]+$|^[ \t\n]+\u00a0[ \t\u00a0\n]*$")


def prune(root: HtmlElement, hints: ExtractionHints) -> list[str]:
    """Apply the DOM rules in place: outlet drops, bylines glued to the body, layout tables,
    tickers, boilerplate containers, comment sections, link lists. Returns the outlet's drop
    selectors left out because they would have removed the body."""
    body = select(root, hints.body)
    keep = protected(root, body + select(root, hints.title))
    refused = drop_selectors(root, hints.drop, keep, body)
    for byline in glued_bylines(root):
        remove(byline)
    unwrap_layout_tables(root)
    strip_ticker_runs(root)
    drop_boilerplate(root, keep)
    drop_comment_sections(root, keep)
    unlink_content_lists(root)
    drop_link_lists(root, keep)
    join_split_body(root)
    return refused


def protected(root: HtmlElement, extra: Iterable[HtmlElement] = ()) -> set[HtmlElement]:
    """The article's anchors and their ancestors: the headline, articleBody, the longest text,
    and every block holding a good share of the page's paragraphs (a body split in chunks
    with advertisements between them)."""
    anchors = list(extra)
    anchors += list(root.iter("h1"))
    anchors += having(root, "itemprop", "articleBody") + having(root, "itemprop", "headline")
    paragraphs = _paragraph_texts(root)
    anchors += [el for el in (_longest_text(root), _most_paragraphs(paragraphs)) if el is not None]
    anchors += _paragraph_blocks(paragraphs)
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


Paragraphs = list[tuple[HtmlElement, str]]  # each <p>'s parent, and the <p>'s text


def _paragraph_texts(root: HtmlElement) -> Paragraphs:
    """The page's paragraphs, read once for the rules below that weigh them."""
    return [
        (parent, p.text_content()) for p in root.iter("p") if (parent := p.getparent()) is not None
    ]


def _most_paragraphs(paragraphs: Paragraphs) -> HtmlElement | None:
    """The element whose <p> children hold the most text (where the article's paragraphs are)."""
    sizes: Counter[HtmlElement] = Counter()
    for parent, text in paragraphs:
        sizes[parent] += len(text.strip())
    return sizes.most_common(1)[0][0] if sizes else None


BODY_SHARE = 0.15  # of the page's running text: a chunk of a split body, not a sidebar's


def _paragraph_blocks(paragraphs: Paragraphs) -> list[HtmlElement]:
    """Blocks whose paragraphs of running text (80+ characters) hold BODY_SHARE of the page's."""
    sizes = _paragraph_sizes(paragraphs)
    total = sum(sizes.values())
    return [el for el, size in sizes.items() if size >= BODY_SHARE * total]


def join_split_body(root: HtmlElement) -> int:
    """A body split in blocks of the same kind (same tag and class, advertisements between them:
    `div.body__inner-container` × 5) becomes one block, so that trafilatura, which keeps one
    container, keeps them all. Only the blocks of the kind of the one holding most of the
    page's running text; the number of blocks joined."""
    sizes = _paragraph_sizes(_paragraph_texts(root))
    if len(sizes) < 2:
        return 0
    top = max(sizes, key=sizes.__getitem__)
    kind = (top.tag, top.get("class"))
    if not (kind[1] or "").strip():
        return 0  # blocks of no class are of no kind
    chunks = [
        el
        for el in root.iter(top.tag)
        if (el.tag, el.get("class")) == kind and el in sizes and _side_by_side(el, top)
    ]
    if len(chunks) < 2:
        return 0
    first = chunks[0]
    for chunk in chunks[1:]:
        first.extend(list(chunk))
        remove(chunk)
    return len(chunks) - 1


def _side_by_side(el: HtmlElement, top: HtmlElement) -> bool:
    """Are the two blocks siblings, or in sibling wrappers of one kind (a grid row each)? Blocks
    of one kind further apart are other texts (tabs, sections, other articles)."""
    parent, top_parent = el.getparent(), top.getparent()
    if parent is None or top_parent is None:
        return False
    if parent is top_parent:
        return True
    return parent.getparent() is top_parent.getparent() and (parent.tag, parent.get("class")) == (
        top_parent.tag,
        top_parent.get("class"),
    )


def _paragraph_sizes(paragraphs: Paragraphs) -> Counter[HtmlElement]:
    """Characters of running text (paragraphs of 80+) held by each block's own paragraphs."""
    sizes: Counter[HtmlElement] = Counter()
    for parent, text in paragraphs:
        size = len(" ".join(text.split()))
        if size >= PARAGRAPH_MIN:
            sizes[parent] += size
    return sizes


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
    if tokens & ARTICLE_TOKENS:  # "sidebar-grid__content article__content": the article says so
        return False
    return bool(tokens & SINGLE_TOKENS) or any(pair <= tokens for pair in DROP_TOKEN_PAIRS)


def drop_boilerplate(root: HtmlElement, keep: set[HtmlElement]) -> int:
    """Drop generic boilerplate containers (never one in `keep`); the number dropped."""
    found = {a.getparent() for a in _MARKED_ATTRIBUTES(root) if _TOKEN_HINT.search(a.lower())}
    found.update(root.iter(*DROP_TAGS, "form"))
    doomed = [
        el
        for el in root.iter()
        if el in found
        and el not in keep
        and el.tag not in ("html", "body")
        and is_boilerplate_container(el)
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
    selectors = list(selectors)
    if not selectors:  # most outlets: no need to measure the article's container
        return []
    containers = list(body) or [
        el for el in (_most_paragraphs(_paragraph_texts(root)),) if el is not None
    ]
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
    chosen, inside = set(elements), set(containers)
    size = 0
    for el in elements:
        ancestors = set(el.iterancestors())
        if ancestors & chosen or not (ancestors | {el}) & inside:
            continue
        size += len(el.text_content().strip())
    return size


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
    found: set[HtmlElement] = set()
    for run in _NBSP_TEXT(root):  # only text with a no-break space can hold a separator
        owner = run.getparent()
        found.add(owner)
        if run.is_tail and owner.getparent() is not None:
            found.add(owner.getparent())
    count = 0
    for el in [el for el in root.iter() if el in found]:
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


NAME_LINK_WORDS = 4  # links of this many words at most name things (products, places, people)


def unlink_content_lists(root: HtmlElement) -> int:
    """Lists of the article itself (a deal post's products, a guide's tools), links unwrapped so
    neither rule below nor trafilatura's link density takes them for navigation: lists among
    the body's paragraphs whose links name things (a few words each), not headlines."""
    body = _paragraph_sizes(_paragraph_texts(root))
    count = 0
    for items in root.iter("ul", "ol"):
        if items.getparent() not in body:
            continue
        words = sorted(len(a.text_content().split()) for a in items.iter("a"))
        if words and words[len(words) // 2] <= NAME_LINK_WORDS:
            etree.strip_tags(items, "a")
            count += 1
    return count


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


def drop_comment_sections(root: HtmlElement, keep: set[HtmlElement]) -> int:
    """Remove the page's comment sections found by their headings; the number removed."""
    doomed = comment_sections(root, keep)
    for el in doomed:
        if el.getparent() is not None:
            el.drop_tree()
    return len(doomed)
