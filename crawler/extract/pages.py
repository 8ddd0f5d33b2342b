"""What kind of page this is: an aggregator's copy (and of what), or not an article at all.

Pure functions. `source_copy` reads an aggregator's "Publié dans X le d - m - yyyy" line and its
link to the original; `refusal` names why a page is not an article (home, listing, search, error,
no body, too short), or returns None.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import unquote, urljoin, urlsplit

from lxml.html import HtmlElement

from crawler.extract.boilerplate import AGGREGATOR_FOOTERS, norm
from crawler.extract.dates import parse_date_text
from crawler.extract.dom import element_text, select
from crawler.extract.meta import Metadata
from crawler.outlets import ExtractionHints

MIN_TEXT_CHARS = 150  # a body shorter than this is refused as "too-short"
SOURCE_LINE = re.compile(
    r"(?:publié dans|publiée? dans|published in|publicado en|نشر في|نشرت في)\s+(?P<outlet>.+?)\s+"
    r"(?:le|on|el|يوم|بتاريخ|في)\s+(?P<date>[\d٠-٩].{4,40})",
    re.IGNORECASE,
)
SOURCE_MARKERS = (
    "Publié dans",
    "Publiée dans",
    "Published in",
    "Publicado en",
    "نشر في",
    "نشرت في",
)
HOME_PATH = re.compile(r"^/(?:(?:[a-z]{2}|index|accueil|home)(?:\.\w+)?/?)?$", re.IGNORECASE)
LISTING_PATH = re.compile(
    r"^/(?:[a-z]{2}/)?(?:tag|tags|category|categorie|categories|rubrique|rubriques|section|sections|"
    r"topic|topics|author|auteur|autor|label|archive|archives|search|recherche|buscar|"
    r"%D8%A8%D8%AD%D8%AB|بحث|وسم|تصنيف|قسم)(?:/[^/]+)?/?$"
    r"|/page/\d+/?$|/search/label/",
    re.IGNORECASE,
)
SEARCH_QUERY = re.compile(r"(?:^|&)(?:s|q|query|search|keyword|recherche)=", re.IGNORECASE)
ERROR_PHRASES = re.compile(
    r"\b404\b|page (?:not found|introuvable|non trouvée|inexistante)|"
    r"n[’']existe (?:pas|plus)|page (?:doesn[’']t|does not) exist|no (?:se ha )?encontrad[oa]|"
    r"no existe|غير موجودة|غير موجود|لم يتم العثور|خطأ 404|error 404|erreur 404",
    re.IGNORECASE,
)
EXCERPT_END = re.compile(r"(?:\[\s*(?:…|\.\.\.)\s*\]|\[&hellip;\]|…|\.\.\.)\s*$")
# WordPress (and themes copying it) says what a page is in <body class>
LISTING_BODY = {"archive", "category", "tag", "search", "search-results", "blog", "author", "date"}
ARTICLE_BODY = {"single", "single-post", "postid", "page-id", "single-format-standard"}
PAGER = re.compile(
    r"^(?:older posts|newer posts|page \d+ (?:of|sur|de) \d+|articles plus anciens|page suivante|"
    r"next page|página siguiente|الصفحة التالية)\W*$",
    re.IGNORECASE,
)
MORE_LINKS = re.compile(
    r"^(?:lire la suite|lire plus|read more|continue reading|leer más|seguir leyendo|"
    r"اقرأ المزيد|المزيد|tout lire)\W*$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class SourceCopy:
    """An aggregator's copy: the outlet it names, the original date, the link to the original."""

    outlet: str | None = None
    published: str | None = None
    url: str | None = None


def source_copy(root: HtmlElement, url: str, hints: ExtractionHints) -> SourceCopy | None:
    """The "Publié dans X le d - m - yyyy" line and the "Cliquez ici…" link, if present."""
    outlet = published = None
    for text in _source_lines(root, hints):
        match = SOURCE_LINE.search(text)
        if match:
            outlet, published = match["outlet"].strip(" :«»\"'"), parse_date_text(match["date"])
            break
    link = _source_link(root, url, hints)
    if not (outlet or link):
        return None
    return SourceCopy(outlet, published, link)


def _source_lines(root: HtmlElement, hints: ExtractionHints, limit: int = 3) -> list[str]:
    lines = [element_text(el) for el in select(root, hints.source_line)[:1]]
    page_text = root.text_content()
    # one pass over the text first: the per-marker XPath below walks every element
    for marker in (m for m in SOURCE_MARKERS if m in page_text):
        xpath = f'//body//*[contains(., "{marker}")][not(*[contains(., "{marker}")])]'
        for el in root.xpath(xpath)[:limit]:
            parent = el.getparent()
            lines += [element_text(el), element_text(parent if parent is not None else el)]
    return [line for line in lines if 0 < len(line) <= 400]


def _source_link(root: HtmlElement, url: str, hints: ExtractionHints) -> str | None:
    for el in select(root, hints.source_link)[:1]:
        href = el.get("href") or next((a.get("href") for a in el.iter("a") if a.get("href")), None)
        if href:
            return urljoin(url, href.strip())
    for anchor in root.iter("a"):
        if anchor.get("href") and AGGREGATOR_FOOTERS.search(element_text(anchor)):
            return urljoin(url, anchor.get("href", "").strip())
    return None


def url_refusal(url: str) -> str | None:
    """'home-page', 'listing-page' or 'search-page' from the URL alone, else None."""
    parts = urlsplit(url)
    parts = parts._replace(path=unquote(parts.path))
    if parts.query and SEARCH_QUERY.search(parts.query) and not parts.path.strip("/"):
        return "search-page"
    if parts.path.rstrip("/").lower().endswith(("/search", "/recherche", "/buscar")):
        return "search-page"
    if HOME_PATH.match(parts.path or "/") and not parts.query:
        return "home-page"
    if LISTING_PATH.search(parts.path):
        return "listing-page"
    return None


def is_error_page(root: HtmlElement, meta: Metadata, text: str) -> bool:
    """A 404/error page: the headline or the title says so, and there is little else."""
    heads = [meta.title or "", *(element_text(h) for h in root.iter("h1", "title"))]
    if any(ERROR_PHRASES.search(h) for h in heads if len(h) <= 120):
        return len(text) < 1500 or not meta.is_article
    return len(text) < 400 and bool(ERROR_PHRASES.search(text[:300]))


def headline_links(root: HtmlElement) -> list[str]:
    """Texts of the links that are headlines (in or around h2-h4): the cards of a listing page."""
    links = root.xpath("//h2//a|//h3//a|//h4//a|//a[.//h2 or .//h3 or .//h4]")
    texts = [" ".join(a.text_content().split()) for a in links]
    return [t for t in texts if len(t) >= 15]


def teaser_share(root: HtmlElement, text: str) -> float:
    """The share of the body made of teasers: lines that repeat, or start with, a link's text,
    and excerpts cut with an ellipsis ("… [&hellip;]")."""
    links = {norm(a.text_content()) for a in root.iter("a")}
    links = {link for link in links if len(link) >= 15 and len(link.split()) >= 3}
    links |= card_texts(root)
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    teasers = [line for line in lines if EXCERPT_END.search(line) or _in_link(line, links)]
    by_chars = sum(map(len, teasers)) / max(sum(map(len, lines)), 1)
    # headline + excerpt cards: half the lines are headlines even if excerpts are longer
    by_lines = len(teasers) / len(lines) if len(teasers) >= 3 else 0.0
    return max(by_chars, by_lines * 0.6)


def card_texts(root: HtmlElement, max_chars: int = 800) -> set[str]:
    """The texts of cards: the largest block around each headline link (h2-h4) that holds no
    other headline link and stays short (headline, kicker, date, excerpt)."""
    heads = root.xpath("//h2[.//a]|//h3[.//a]|//h4[.//a]|//a[.//h2 or .//h3 or .//h4]")
    if len(heads) < 4:
        return set()
    marked = set(heads)
    cards = set()
    for head in heads:
        card = head
        inside = set(head.iter()) | set(head.iterancestors())
        for parent in head.iterancestors():
            if len(parent.text_content()) > max_chars:
                break
            if any(h in marked and h not in inside for h in parent.iter()):
                break
            card = parent
        cards.add(norm(card.text_content()))
    return cards


def _in_link(line: str, links: set[str]) -> bool:
    """Is this line a link's text, inside one (a card: kicker, title, excerpt), or led by one?"""
    key = norm(line)
    if key in links:
        return True
    if len(key) >= 20 and any(key in link for link in links):
        return True
    return any(key.startswith(link) for link in links if len(link) >= 25)


def looks_like_listing(root: HtmlElement, meta: Metadata, text: str) -> bool:
    """Cards of headlines and teasers, no article markup, and a body made of those teasers."""
    if meta.is_listing:
        return True
    if meta.is_article:
        return False
    cards = headline_links(root)
    more = sum(1 for a in root.iter("a") if MORE_LINKS.match(a.text_content().strip()))
    lines = _source_lines(root, ExtractionHints(), limit=20)
    copies = len({line for line in lines if SOURCE_LINE.search(line)})
    if more >= 3 or copies >= 6:
        return True
    longest = max((len(line) for line in text.splitlines()), default=0)
    if len(cards) >= 12 and longest < 400:
        return True
    if paginated(root) and len(root.xpath("//article[.//a[@href]]")) >= 2:
        return True
    return teaser_share(root, text) >= 0.25


def paginated(root: HtmlElement) -> bool:
    """A `rel=next` link or an "Older posts"/"Page 1 of 2" pager: a page of a list."""
    if root.xpath('//link[@rel="next"]|//a[@rel="next"]'):
        return True
    return any(PAGER.match(" ".join(el.text_content().split())) for el in root.iter("a", "span"))


def body_class_kind(root: HtmlElement) -> str | None:
    """'listing-page' or 'error-page' when <body class> says so (WordPress archive, category,
    tag, search, blog, error404), unless it also says single post or page."""
    body = root.find("body")
    classes = set((body.get("class", "") if body is not None else "").lower().split())
    prefixes = {c.split("-")[0] for c in classes}
    if "error404" in classes:
        return "error-page"
    if classes & ARTICLE_BODY or prefixes & {"postid", "page"}:
        return None
    return "listing-page" if classes & LISTING_BODY else None


def refusal(root: HtmlElement, url: str, meta: Metadata, text: str | None) -> str | None:
    """Why this page is not an article, or None when it is one."""
    body = text or ""
    reason = url_refusal(url)
    if reason == "home-page" or (reason and not meta.is_article):
        return reason
    page_kind = body_class_kind(root)
    if page_kind == "error-page" or is_error_page(root, meta, body):
        return "error-page"
    if page_kind == "listing-page" and not meta.is_article:
        return page_kind
    if not body:
        return "no-body"
    if looks_like_listing(root, meta, body):
        return "listing-page"
    if len(body) < MIN_TEXT_CHARS:
        return "too-short"
    return None
