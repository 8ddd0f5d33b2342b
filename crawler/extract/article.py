"""Article extraction: html + url (+ the outlet's hints) -> Article, or a reason it is not one.

The only module that imports trafilatura. Layers, in order (docs/extraction.md):
1. metadata from markup (crawler/extract/meta.py) and, on aggregators, the source line;
2. DOM rules (crawler/extract/dom.py): outlet `drop` selectors, generic boilerplate containers,
   text-run tickers, link lists;
3. the body: the outlet's `body` selector when it has one, else trafilatura (precision settings);
4. the text-level pass (crawler/extract/boilerplate.py): tickers, comment/related cuts, cross-links,
   prompts, outlet `boilerplate`/`cut_after` regexes, title/date repeated at the top, signature;
5. refusal (crawler/extract/pages.py) and language (crawler/extract/language.py).
Everything here is pure and picklable: the pipeline runs it in worker processes.
"""

from __future__ import annotations

import copy
import logging
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

import trafilatura
from htmldate import find_date
from lxml.html import HtmlElement

from archive.models import Article
from archive.timeutil import more_precise
from crawler.extract.authors import split_authors
from crawler.extract.boilerplate import clean_lines
from crawler.extract.dates import normalize_iso
from crawler.extract.dom import (
    drop_boilerplate,
    drop_link_lists,
    drop_selectors,
    element_text,
    glued_bylines,
    outermost,
    parse_html,
    protected,
    remove,
    select,
    strip_ticker_runs,
    unwrap_layout_tables,
)
from crawler.extract.language import detect_language
from crawler.extract.meta import Metadata, hint_date, read_metadata, text_date
from crawler.extract.pages import SourceCopy, refusal, source_copy
from crawler.extract.sections import drop_comment_sections, restore_subheadings
from crawler.items import Extraction
from crawler.outlets import ExtractionHints, Outlet
from crawler.outlets.patterns import UserPattern, user_pattern

logger = logging.getLogger(__name__)

# trafilatura settings, measured on the public benchmark (docs/benchmarks.md, "## Extraction")
TRAFILATURA_OPTIONS: dict[str, Any] = {
    "favor_precision": True,
    "include_comments": False,
    "include_tables": True,
    "include_images": False,
    "include_links": False,
    "deduplicate": False,
    "output_format": "txt",
}
NO_HINTS = ExtractionHints()


@dataclass(frozen=True)
class Body:
    """The clean body and the credit line the text pass took off its end."""

    text: str
    signature: str | None = None
    byline: str | None = None
    hints_missed: tuple[str, ...] = ()  # "body SELECTOR", "drop SELECTOR": hints ignored


@lru_cache(maxsize=256)
def _compiled(patterns: tuple[str, ...]) -> tuple[UserPattern, ...]:
    return tuple(user_pattern(p, ignore_case=True) for p in patterns)  # time-bounded matches


def clean_tree(root: HtmlElement, hints: ExtractionHints) -> tuple[HtmlElement, list[str]]:
    """A copy of the page with the DOM rules applied (outlet drops, boilerplate, tickers, lists),
    and the outlet's drop selectors left out because they would have removed the body."""
    tree = copy.deepcopy(root)
    body = select(tree, hints.body)
    keep = protected(tree, body + select(tree, hints.title))
    refused = drop_selectors(tree, hints.drop, keep, body)
    for byline in glued_bylines(tree):
        remove(byline)
    unwrap_layout_tables(tree)
    strip_ticker_runs(tree)
    drop_boilerplate(tree, keep)
    drop_comment_sections(tree, keep)
    drop_link_lists(tree, keep)
    return tree, refused


def hinted_body(tree: HtmlElement, hints: ExtractionHints) -> str:
    """The text of the outlet's body selector ("" when it matches nothing or only empties)."""
    nodes = outermost(select(tree, hints.body))
    return "\n".join(text for text in map(element_text, nodes) if text)


def generic_body(tree: HtmlElement, url: str | None) -> str:
    """The body trafilatura finds (precision first, recall when that finds nothing)."""
    text = trafilatura.extract(tree, url=url, **TRAFILATURA_OPTIONS)
    if not text:
        text = trafilatura.extract(
            tree, url=url, **{**TRAFILATURA_OPTIONS, "favor_precision": False}
        )
    return restore_subheadings(tree, text) if text else ""


def clean_body(
    root: HtmlElement, url: str | None, hints: ExtractionHints, repeated: tuple[str, ...]
) -> Body:
    """The clean body of the page: DOM rules, body, then the text-level pass. Hints that do not
    help (a body selector matching nothing, a drop selector that would take the body) are
    ignored and named in `hints_missed`."""
    tree, refused = clean_tree(root, hints)
    missed = [f"drop {selector}" for selector in refused]
    text = hinted_body(tree, hints)
    if hints.body and not text:
        missed.insert(0, f"body {hints.body}")
    text = text or generic_body(tree, url)
    passed = clean_lines(
        text, repeated=repeated, drop=_compiled(hints.boilerplate), cut=_compiled(hints.cut_after)
    )
    return Body(passed.text, passed.signature, passed.byline, tuple(missed))


def unmatched_hints(root: HtmlElement, hints: ExtractionHints) -> list[str]:
    """The outlet's title and date selectors that match nothing on the page (generic rules take
    over for those)."""
    named = (("title", hints.title), ("date", hints.date))
    return [f"{name} {sel}" for name, sel in named if sel and not select(root, sel)]


def _published(
    root: HtmlElement, hints: ExtractionHints, meta: Metadata, source: SourceCopy | None
) -> str | None:
    """The outlet's date selector; an aggregator's original date; markup; a dated element;
    htmldate (markup and URL only)."""
    hinted = hint_date(root, hints)
    if hinted:
        return more_precise(hinted, meta.published)
    if source and source.published:
        return source.published
    if meta.published:
        return meta.published
    found = text_date(root, meta.title)
    if found:
        return found
    try:
        value = find_date(root, extensive_search=False, original_date=True)
    except (ValueError, TypeError) as exc:  # htmldate is defensive, but not about everything
        logger.debug("htmldate failed: %s", exc)
        return None
    return normalize_iso(value) if value else None


def _authors(meta: Metadata, body: Body) -> tuple[str, ...]:
    """The page's authors; else the byline atop the body; else the credit line at its end."""
    if meta.authors:
        return meta.authors
    if body.byline:
        return split_authors([body.byline])
    if body.signature:
        return (re.sub(r"\s*\(.*\)\s*\.?$", "", body.signature).strip(),)
    return ()


def host_name(url: str) -> str:
    """The outlet name for a page with no declared outlet: its host without www."""
    return urlsplit(url).netloc.lower().split(":")[0].removeprefix("www.")


def extract(html: str | bytes, url: str, outlet: Outlet | None = None) -> Extraction:
    """The article on this page, or the reason it is not one ("listing-page", "no-body"...)."""
    root = parse_html(html)
    if root is None:
        return Extraction(None, "not-html")
    hints = outlet.hints if outlet else NO_HINTS
    names = (outlet.title, outlet.name) if outlet else ()
    meta = read_metadata(root, url, hints, names)
    source = source_copy(root, url, hints)
    repeated = (meta.title or "", meta.section or "", *meta.authors, *names)
    body = clean_body(root, url, hints, repeated)
    reason = refusal(root, url, meta, body.text)
    if reason or not meta.title:
        return Extraction(None, reason or "no-title")
    article = Article(
        url=url,
        title=meta.title,
        text=body.text,
        outlet=outlet.name if outlet else host_name(url),
        language=detect_language(body.text, meta.html_lang),
        published=_published(root, hints, meta, source),
        authors=_authors(meta, body),
        canonical_url=meta.canonical_url or url,
        original_outlet=source.outlet if source else None,
        source_url=source.url if source else None,
        section=meta.section,
        tags=meta.tags,
        image=meta.image,
        description=meta.description,
        extra={"credit": body.signature} if body.signature else {},
    )
    return Extraction(article, hints_missed=(*body.hints_missed, *unmatched_hints(root, hints)))


def extract_article(html: str | bytes, url: str, outlet: Outlet | None = None) -> Article | None:
    """The article on this page, or None when the page is not an article."""
    return extract(html, url, outlet).article


def explain_refusal(html: str | bytes, url: str, outlet: Outlet | None = None) -> str | None:
    """Why extract_article refuses this page (a short slug), or None when it is an article."""
    return extract(html, url, outlet).refused


refusal_reason = explain_refusal


def extract_text(html: str | bytes, url: str | None, outlet: Outlet | None = None) -> str | None:
    """The clean body only (benchmarks and other tools); None when the page has no body."""
    root = parse_html(html)
    if root is None:
        return None
    hints = outlet.hints if outlet else NO_HINTS
    meta = read_metadata(root, url or "", hints)
    repeated = (meta.title or "", meta.section or "", *meta.authors)
    return clean_body(root, url, hints, repeated).text or None
