"""The refusal pass: why a page is not an article (home, listing, search, error, no body, too
short), or None when it is one."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import SplitResult, unquote, urljoin, urlsplit

from lxml.html import HtmlElement

from crawler.extract.aggregator import SOURCE_LINE, source_lines
from crawler.extract.dom import element_text
from crawler.extract.metadata import Metadata
from crawler.extract.pagetype import Declared, declared_type
from crawler.extract.phrases import norm
from crawler.outlets import ExtractionHints

MIN_TEXT_CHARS = 150  # a body shorter than this is refused as "too-short"
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
# WordPress says one post (with postid-N); a static page (page-id-N) may be a front page that lists
SINGLE_BODY = {"single", "single-post"}
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


def url_refusal(url: str) -> str | None:
    """'home-page', 'listing-page' or 'search-page' from the URL alone, else None (also when
    there is no URL to read)."""
    parts = urlsplit(url)
    if not parts.netloc:
        return None
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


def is_error_page(heads: Iterable[str], meta: Metadata, text: str) -> bool:
    """A 404/error page: the headline or the title says so, and there is little else."""
    if any(ERROR_PHRASES.search(h) for h in heads if len(h) <= 120):
        return len(text) < 1500 or not meta.is_article
    return len(text) < 400 and bool(ERROR_PHRASES.search(text[:300]))


# A link to another page: a teaser leads away; "#faq-3" opens a question on this one
AWAY = "[@href][not(starts-with(normalize-space(@href), '#'))]"
AWAY += "[not(starts-with(normalize-space(@href), 'javascript'))]"


def headline_links(root: HtmlElement) -> list[str]:
    """Texts of the links that are headlines (in or around h2-h4): the cards of a listing page
    (a site menu's cards are none: a mega-menu of courses or sections is on every page)."""
    links = root.xpath(
        f"//h2//a{AWAY}|//h3//a{AWAY}|//h4//a{AWAY}|//a{AWAY}[.//h2 or .//h3 or .//h4]"
    )
    texts = [" ".join(a.text_content().split()) for a in links if not in_menu(a)]
    return [t for t in texts if len(t) >= 15]


MENU_TOKENS = {"menu", "megamenu", "submenu", "dropdown", "navbar", "navigation"}
_TOKENS = re.compile(r"[\s_-]+")


def in_menu(el: HtmlElement) -> bool:
    """Is the element in the site's navigation (<nav>, or a block classed as a menu)?"""
    for block in el.iterancestors():
        if block.tag == "nav":
            return True
        raw = f"{block.get('class', '')} {block.get('id', '')}".lower()
        if raw.strip() and MENU_TOKENS.intersection(_TOKENS.split(raw)):
            return True
    return False


def _leads_away(link: HtmlElement) -> bool:
    href = (link.get("href") or "").strip().lower()
    return bool(href) and not href.startswith(("#", "javascript"))


def teaser_links(root: HtmlElement) -> frozenset[str]:
    """Folded texts a teaser line may repeat: headline-like links (3+ words), and cards."""
    links = {norm(a.text_content()) for a in root.iter("a") if _leads_away(a)}
    links = {link for link in links if len(link) >= 15 and len(link.split()) >= 3}
    return frozenset(links | card_texts(root))


def teaser_share(root: HtmlElement, text: str) -> float:
    """The share of the body made of teasers (see `share_of_teasers`)."""
    return share_of_teasers(teaser_links(root), text)


def share_of_teasers(links: frozenset[str], text: str) -> float:
    """The share of the body made of teasers: lines that repeat, or start with, a link's text,
    and excerpts cut with an ellipsis ("… [&hellip;]")."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    teasers = [line for line in lines if EXCERPT_END.search(line) or _in_link(line, links)]
    by_chars = sum(map(len, teasers)) / max(sum(map(len, lines)), 1)
    # headline + excerpt cards: half the lines are headlines even if excerpts are longer
    by_lines = len(teasers) / len(lines) if len(teasers) >= 3 else 0.0
    return max(by_chars, by_lines * 0.6)


def card_texts(root: HtmlElement, max_chars: int = 800) -> set[str]:
    """The texts of cards: the largest block around each headline link (h2-h4) that holds no
    other headline link and stays short (headline, kicker, date, excerpt)."""
    heads = root.xpath(
        f"//h2[.//a{AWAY}]|//h3[.//a{AWAY}]|//h4[.//a{AWAY}]|//a{AWAY}[.//h2 or .//h3 or .//h4]"
    )
    heads = [head for head in heads if not in_menu(head)]
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


def _in_link(line: str, links: frozenset[str]) -> bool:
    """Is this line a link's text, inside one (a card: kicker, title, excerpt), or led by one?"""
    key = norm(line)
    if key in links:
        return True
    if len(key) >= 20 and any(key in link for link in links):
        return True
    return any(key.startswith(link) for link in links if len(link) >= 25)


@dataclass(frozen=True)
class Listing:
    """Signs of a listing read on the untouched page of one without article markup: the page's
    structure says list ("Read more" links, aggregator copies, a pager over <article> cards),
    its headline cards, and the teaser links to weigh the body against."""

    structure: bool = False
    cards: int = 0
    links: frozenset[str] = frozenset()


def listing_signs(root: HtmlElement, url: str) -> Listing:
    """ "Read more" links, aggregator copies, a pager over <article> cards; headline cards."""
    more = sum(1 for a in root.iter("a") if MORE_LINKS.match(a.text_content().strip()))
    lines = source_lines(root, ExtractionHints(), limit=20)
    copies = len({line for line in lines if SOURCE_LINE.search(line)})
    pager = paginated(root, url) and len(root.xpath("//article[.//a[@href]]")) >= 2
    structure = more >= 3 or copies >= 6 or pager
    return Listing(structure, len(headline_links(root)), teaser_links(root))


# A body with this much prose (lines of 100+ characters that are no teaser), making most of it,
# is an article whatever the page around it lists ("Read more" cards of related posts, a pager).
PROSE_CHARS = 1500
PROSE_SHARE = 0.6


def looks_like_listing(signs: Listing, text: str) -> bool:
    """A body made of teasers; or a page structured as a list whose body is no article prose."""
    if share_of_teasers(signs.links, text) >= 0.25:
        return True
    longest = max((len(line) for line in text.splitlines()), default=0)
    listed = signs.structure or (signs.cards >= 12 and longest < 400)
    return listed and not is_prose(text, signs.links)


def is_prose(text: str, links: frozenset[str]) -> bool:
    """Does running text that is no teaser make most of the body (an article's paragraphs)?"""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    prose = sum(
        len(line)
        for line in lines
        if len(line) >= 100 and not EXCERPT_END.search(line) and not _in_link(line, links)
    )
    return prose >= PROSE_CHARS and prose >= PROSE_SHARE * sum(map(len, lines))


def paginated(root: HtmlElement, url: str = "") -> bool:
    """A pager: a `rel=next` link to the next page of this URL (on a single post it leads to
    the next post), or an "Older posts"/"Page 1 of 2" link."""
    for href in root.xpath('//link[@rel="next"]/@href|//a[@rel="next"]/@href'):
        if not url or next_page_of(url, urljoin(url, str(href).strip())):
            return True
    return any(PAGER.match(" ".join(el.text_content().split())) for el in root.iter("a", "span"))


PAGE_MARK = re.compile(r"/page/\d+/?$|[?&](?:page|paged|p|pg|start|offset)=\d+", re.IGNORECASE)


def next_page_of(url: str, target: str) -> bool:
    """Is `target` another page of the list at `url` (the same address up to a page number)?"""
    here, there = urlsplit(url), urlsplit(target)
    if there.netloc and there.netloc != here.netloc:
        return False

    def base(parts: SplitResult) -> str:
        address = f"{parts.path}?{parts.query}" if parts.query else parts.path
        return PAGE_MARK.sub("", address).rstrip("/?&")

    return base(here) == base(there)


def body_class_kind(root: HtmlElement) -> str | None:
    """'listing-page' or 'error-page' when <body class> says so (WordPress archive, category,
    tag, search, blog, error404); 'single-page' when it says single post or page."""
    body = root.find("body")
    classes = set((body.get("class", "") if body is not None else "").lower().split())
    prefixes = {c.split("-")[0] for c in classes}
    if "error404" in classes:
        return "error-page"
    if classes & SINGLE_BODY or any(c.startswith("postid-") for c in classes):
        return "single-page"
    if classes & ARTICLE_BODY or prefixes & {"postid", "page"}:
        return None  # "page-template" and the like: not a list, but not said to be one item
    return "listing-page" if classes & LISTING_BODY else None


@dataclass(frozen=True)
class PageKind:
    """What the untouched page says about its kind, kept for the refusal after the body: the
    headline and <title> texts (error pages say so there), and the signs of a listing on a page
    whose markup says neither article nor listing."""

    heads: tuple[str, ...] = ()
    listing: Listing | None = None
    declared: Declared | None = None
    single: bool = False  # the markup says one article


def page_kind(root: HtmlElement, url: str, meta: Metadata) -> tuple[str | None, PageKind]:
    """A refusal that needs no body (home, listing or search URL or <body class>, error404),
    and what the refusal after the body needs from the untouched page."""
    by_class = body_class_kind(root)
    single = meta.is_article or by_class == "single-page"  # the markup says one article
    reason = url_refusal(url)
    if reason == "home-page" or (reason and not single):
        return reason, PageKind()
    if by_class == "error-page":
        return by_class, PageKind()
    heads = (meta.title or "", *(element_text(h) for h in root.iter("h1", "title")))
    if by_class == "listing-page" and not meta.is_article:  # a theme's 404 may say "archive"
        return ("error-page" if is_error_page(heads, meta, "") else by_class), PageKind()
    signs = None if single or meta.is_listing else listing_signs(root, url)
    return None, PageKind(heads, signs, declared_type(root, url, meta), single)


def refusal(
    kind: PageKind, meta: Metadata, text: str | None, published: str | None = None
) -> str | None:
    """Why this page is not an article, given its body and its date, or None when it is one."""
    body = text or ""
    if is_error_page(kind.heads, meta, body):
        return "error-page"
    if not body:
        return "no-body"
    declared = kind.declared.refusal(kind.single, bool(published)) if kind.declared else None
    if declared:
        return declared
    if meta.is_listing or (kind.listing and looks_like_listing(kind.listing, body)):
        return "listing-page"
    if len(body) < MIN_TEXT_CHARS:
        return "too-short"
    return None
