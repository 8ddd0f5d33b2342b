"""Article extraction: html + url (+ the outlet's hints) -> Article, or the reason it is not one.

`extract` runs the passes in order over one parsed tree (docs/extraction.md):

1. parse      one lxml tree of the page (crawler/extract/parse.py)
2. metadata   title, section, tags, image, site names, article or listing markup (metadata.py)
3. page kind  refusals that need no body (URL, <body class>); an aggregator's source line;
              what the refusal after the body needs from the untouched page (refusal.py)
4. authors    JSON-LD, meta, byline elements and lines (authors.py)
5. dates      the publication date (dates.py)
6. prune      the DOM rules, in place: drops, tickers, boilerplate, comments, link lists (prune.py)
7. body       the outlet's body selector, else trafilatura on the pruned tree (body.py)
8. text       the text-level pass: boilerplate lines, cuts, repeated metadata, credit (textpass.py)
9. refusal    not an article: error page, no body, a listing, too short, no title (refusal.py)
10. language  langdetect on a sample, with the script and the page's lang (language.py)

Passes 2-5 read the untouched page; pruning changes it in place, so no copy is made. Each pass is
a function of the `Work` on one page that returns a refusal reason or None. Everything is pure
and picklable: the crawl runs it in worker processes.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from urllib.parse import urlsplit

from lxml.html import HtmlElement

from archive.models import Article
from crawler.extract.aggregator import SourceCopy, source_copy
from crawler.extract.authors import article_authors, markup_authors
from crawler.extract.body import hinted_body, raw_body
from crawler.extract.dates import page_reading, published_date
from crawler.extract.dom import select
from crawler.extract.language import detect_language
from crawler.extract.metadata import Metadata, read_metadata
from crawler.extract.parse import parse_html
from crawler.extract.prune import prune
from crawler.extract.refusal import PageKind, page_kind, refusal
from crawler.extract.textpass import TextPass, clean_lines
from crawler.items import Extraction
from crawler.outlets import ExtractionHints, Outlet
from crawler.outlets.patterns import UserPattern, user_pattern

NO_HINTS = ExtractionHints()


@dataclass
class Work:
    """One page on its way through the passes: what each pass found, for the passes after it."""

    html: str | bytes
    url: str
    outlet: Outlet | None
    root: HtmlElement = field(init=False)
    meta: Metadata = field(init=False)
    kind: PageKind = field(init=False)
    source: SourceCopy | None = None
    authors: tuple[str, ...] = ()
    published: str | None = None
    raw: str = ""
    body: TextPass = field(init=False)
    language: str | None = None
    hints_missed: list[str] = field(default_factory=list)  # "body SELECTOR", "drop SELECTOR"...

    @property
    def hints(self) -> ExtractionHints:
        return self.outlet.hints if self.outlet else NO_HINTS

    @property
    def names(self) -> tuple[str, ...]:
        return (self.outlet.title, self.outlet.name) if self.outlet else ()


Pass = Callable[[Work], "str | None"]


def parse_pass(work: Work) -> str | None:
    root = parse_html(work.html)
    if root is None:
        return "not-html"
    work.root = root
    return None


def metadata_pass(work: Work) -> str | None:
    work.meta = read_metadata(work.root, work.url, work.hints, work.names)
    work.hints_missed += unmatched_hints(work.root, work.hints)
    return None


def unmatched_hints(root: HtmlElement, hints: ExtractionHints) -> list[str]:
    """The outlet's title and date selectors that match nothing on the page (generic rules take
    over for those)."""
    named = (("title", hints.title), ("date", hints.date))
    return [f"{name} {sel}" for name, sel in named if sel and not select(root, sel)]


def page_kind_pass(work: Work) -> str | None:
    reason, work.kind = page_kind(work.root, work.url, work.meta)
    if reason is None:
        work.source = source_copy(work.root, work.url, work.hints)
    return reason


def authors_pass(work: Work) -> str | None:
    work.authors = markup_authors(work.root, work.meta)
    return None


def dates_pass(work: Work) -> str | None:
    meta = work.meta
    reading = page_reading(work.root, work.url, work.outlet, meta)
    work.published = published_date(
        work.root, work.hints, meta.ld_articles, meta.title, work.source, reading
    )
    return None


def prune_pass(work: Work) -> str | None:
    refused = prune(work.root, work.hints)
    work.hints_missed += [f"drop {selector}" for selector in refused]
    return None


def body_pass(work: Work) -> str | None:
    hints = work.hints
    hinted = hinted_body(work.root, hints)
    if hints.body and not hinted:  # a stale selector: generic extraction takes over
        work.hints_missed.append(f"body {hints.body}")
    work.raw = raw_body(work.root, work.url or None, hinted, work.meta.ld_articles)
    return None


@lru_cache(maxsize=256)
def _compiled(patterns: tuple[str, ...]) -> tuple[UserPattern, ...]:
    return tuple(user_pattern(p, ignore_case=True) for p in patterns)  # time-bounded matches


def text_pass(work: Work) -> str | None:
    meta, hints = work.meta, work.hints
    repeated = (meta.title or "", meta.section or "", *work.authors, *work.names)
    work.body = clean_lines(
        work.raw,
        repeated=repeated,
        drop=_compiled(hints.boilerplate),
        cut=_compiled(hints.cut_after),
    )
    return None


def refusal_pass(work: Work) -> str | None:
    reason = refusal(work.kind, work.meta, work.body.text, work.published)
    return reason or (None if work.meta.title else "no-title")


def language_pass(work: Work) -> str | None:
    work.language = detect_language(work.body.text, work.meta.html_lang)
    return None


PASSES: tuple[tuple[str, Pass], ...] = (
    ("parse", parse_pass),
    ("metadata", metadata_pass),
    ("page kind", page_kind_pass),
    ("authors", authors_pass),
    ("dates", dates_pass),
    ("prune", prune_pass),
    ("body", body_pass),
    ("text", text_pass),
    ("refusal", refusal_pass),
    ("language", language_pass),
)
BODY_PASSES = tuple(
    p for p in PASSES if p[0] in ("parse", "metadata", "authors", "prune", "body", "text")
)


def host_name(url: str) -> str:
    """The outlet name for a page with no declared outlet: its host without www."""
    return (urlsplit(url).hostname or "").removeprefix("www.")


def article_of(work: Work) -> Article:
    """The article the passes found."""
    meta, body, source = work.meta, work.body, work.source
    return Article(
        url=work.url,
        title=meta.title or "",
        text=body.text,
        outlet=work.outlet.name if work.outlet else host_name(work.url),
        language=work.language,
        published=work.published,
        authors=article_authors(work.authors, body.byline, body.signature, body.text),
        canonical_url=meta.canonical_url or work.url,
        original_outlet=source.outlet if source else None,
        source_url=source.url if source else None,
        section=meta.section,
        tags=meta.tags,
        image=meta.image,
        description=meta.description,
        extra={"credit": body.signature} if body.signature else {},
    )


def run(
    work: Work, passes: tuple[tuple[str, Pass], ...], spent: dict[str, float] | None
) -> str | None:
    """The passes in order until one refuses the page; CPU seconds per pass into `spent`."""
    for name, step in passes:
        started = time.process_time() if spent is not None else 0.0
        reason = step(work)
        if spent is not None:
            spent[name] = spent.get(name, 0.0) + time.process_time() - started
        if reason:
            return reason
    return None


def extract(html: str | bytes, url: str, outlet: Outlet | None = None) -> Extraction:
    """The article on this page, or the reason it is not one ("listing-page", "no-body"...)."""
    work = Work(html, url, outlet)
    reason = run(work, PASSES, None)
    return _extraction(work, reason)


def _extraction(work: Work, reason: str | None) -> Extraction:
    if reason:
        return Extraction(None, reason)
    return Extraction(article_of(work), hints_missed=tuple(work.hints_missed))


def extract_timed(
    html: str | bytes, url: str, outlet: Outlet | None = None
) -> tuple[Extraction, dict[str, float]]:
    """`extract`, and the CPU seconds each pass took (the cost benchmark's breakdown)."""
    work, spent = Work(html, url, outlet), dict[str, float]()
    reason = run(work, PASSES, spent)
    return _extraction(work, reason), spent


def extract_article(html: str | bytes, url: str, outlet: Outlet | None = None) -> Article | None:
    """The article on this page, or None when the page is not an article."""
    return extract(html, url, outlet).article


def explain_refusal(html: str | bytes, url: str, outlet: Outlet | None = None) -> str | None:
    """Why extract_article refuses this page (a short slug), or None when it is an article."""
    return extract(html, url, outlet).refused


refusal_reason = explain_refusal


def extract_text(html: str | bytes, url: str | None, outlet: Outlet | None = None) -> str | None:
    """The clean body only (benchmarks and other tools); None when the page has no body."""
    work = Work(html, url or "", outlet)
    if run(work, BODY_PASSES, None):
        return None
    return work.body.text or None
