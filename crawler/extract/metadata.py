"""The metadata pass: what the page's markup says about the article, read on the untouched page.

JSON-LD, meta tags, breadcrumbs, outlet hints: the title (the article's headline, never the
site's name), section, tags, image, description, canonical URL, the page's language, the names
the site goes by, and whether the markup says article or listing. Dates and authors are passes
of their own (crawler/extract/dates.py, authors.py) that read the JSON-LD objects found here.
"""

from __future__ import annotations

import html
import json
import logging
import re
import weakref
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin, urlsplit

from lxml.html import HtmlElement

from crawler.extract.dom import element_text, having, select
from crawler.extract.phrases import norm
from crawler.extract.sites import brand_names, registry_names, strip_site_suffix
from crawler.outlets import ExtractionHints

logger = logging.getLogger(__name__)

ARTICLE_TYPES = {
    "article", "newsarticle", "blogposting", "reportagenewsarticle", "analysisnewsarticle",
    "opinionnewsarticle", "reviewnewsarticle", "backgroundnewsarticle", "liveblogposting",
    "report", "socialmediaposting", "posting", "techarticle", "scholarlyarticle",
}  # fmt: skip
LISTING_TYPES = {"collectionpage", "itemlist", "searchresultspage", "profilepage"}
TITLE_SEPARATORS = re.compile(r"\s+[|\-–—:»•·]\s+|\s*[|»•·]\s*")
SECTION_SELECTOR = (
    '[itemprop="articleSection"], [class*="categ"], [class*="rubri"], [class*="kicker"], '
    '[class*="section-name"], [class*="cat-links"]'
)
_SPACES = re.compile(r"[ \t\r\n\f\v]+")
SITE_NAME_MAX = 60  # as for the brand names of crawler/extract/sites.py
BREADCRUMB_SKIP = {"accueil", "home", "inicio", "portada", "الرئيسية", "الرئيسيه"}


@dataclass(frozen=True)
class Metadata:
    """What the page says about itself, before the body is read."""

    title: str | None = None
    section: str | None = None
    tags: tuple[str, ...] = ()
    image: str | None = None
    description: str | None = None
    canonical_url: str | None = None
    html_lang: str | None = None
    site_names: tuple[str, ...] = ()
    is_article: bool = False  # article markup: og:type article, JSON-LD Article, articleBody...
    is_listing: bool = False  # listing markup: JSON-LD CollectionPage / WebSite only
    ld_articles: tuple[dict[str, Any], ...] = ()  # the JSON-LD objects of an article type
    page_types: frozenset[str] = frozenset()  # every JSON-LD @type on the page, lower-cased


def json_ld(root: HtmlElement) -> list[dict[str, Any]]:
    """Every JSON-LD object on the page, @graph and lists flattened."""
    found: list[dict[str, Any]] = []
    for script in root.xpath('//script[@type="application/ld+json"]'):
        try:
            data = json.loads(script.text_content().strip() or "null", strict=False)
        except ValueError as exc:
            logger.debug("bad JSON-LD: %s", exc)
            continue
        found.extend(_flatten(data))
    return found


def _flatten(data: Any) -> Iterator[dict[str, Any]]:
    if isinstance(data, list):
        for item in data:
            yield from _flatten(item)
    elif isinstance(data, dict):
        yield data
        if "@graph" in data:
            yield from _flatten(data["@graph"])


def _types(obj: dict[str, Any]) -> set[str]:
    value = obj.get("@type", ())
    values = value if isinstance(value, list) else [value]
    return {str(v).lower() for v in values}


_META_INDEX: weakref.WeakKeyDictionary[HtmlElement, dict[str, list[str]]] = (
    weakref.WeakKeyDictionary()
)


def meta_index(root: HtmlElement) -> dict[str, list[str]]:
    """Every <meta> content by its property, name and itemprop (built once per page)."""
    index = _META_INDEX.get(root)
    if index is None:
        index = {}
        for el in root.iter("meta"):
            content = unescape_entities((el.get("content") or "").strip())
            for attr in ("property", "name", "itemprop"):
                key = el.get(attr)
                if key and content:
                    index.setdefault(key, []).append(content)
        _META_INDEX[root] = index
    return index


def meta(root: HtmlElement, *names: str) -> str | None:
    """The first non-empty content of <meta property|name|itemprop=NAME> for the names given."""
    index = meta_index(root)
    for name in names:
        if index.get(name):
            return index[name][0]
    return None


def meta_all(root: HtmlElement, name: str) -> list[str]:
    return list(meta_index(root).get(name, []))


def ld_text(value: Any) -> str | None:
    """A JSON-LD value as one line of text (a list's first item, an object's name), entities
    decoded."""
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        value = value.get("name") or value.get("url") or value.get("@id")
    return unescape_entities(" ".join(str(value).split())) if value else None


_ENTITY = re.compile(r"&(?:#\d{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")


def unescape_entities(text: str) -> str:
    """`text` with HTML entities decoded: metadata is often escaped twice ("zerst&ouml;ren",
    "&#8216;", "&quot;" after parsing). Only complete entities: "AT&T" and "Q&A" stay."""
    if "&" not in text:
        return text
    return _ENTITY.sub(lambda m: html.unescape(m.group()), text)


def site_names(
    root: HtmlElement, url: str, ld: list[dict[str, Any]], extra: Iterable[str]
) -> set[str]:
    """Names the site goes by: og:site_name, JSON-LD WebSite/publisher, outlet title, host. A
    "name" of more than SITE_NAME_MAX characters is a headline put in the wrong field."""
    names = {n for n in extra if n}
    names.add(meta(root, "og:site_name", "application-name", "apple-mobile-web-app-title") or "")
    for obj in ld:
        if _types(obj) & {"website", "organization", "newsmediaorganization"}:
            names.add(ld_text(obj.get("name")) or "")
        names.add(ld_text(obj.get("publisher")) or "")
    host = (urlsplit(url).hostname or "").removeprefix("www.")
    names.update({host, host.split(".")[0]})
    names.update(_masthead(root))
    return {norm(n) for n in names if n and 0 < len(norm(n)) <= SITE_NAME_MAX}


def _masthead(root: HtmlElement) -> set[str]:
    """An <h1> that is the site's name (Blogger): the page <title> is "<h1>: headline" or
    "headline | <h1>", where the headline is longer and is the text of another heading."""
    title = " ".join(" ".join(t.text_content().split()) for t in root.iter("title"))
    headings = {norm(h.text_content()) for h in root.iter("h2", "h3", "h4")}
    headings.add(norm(meta(root, "og:title") or ""))
    found = set()
    for h1 in root.iter("h1"):
        name = " ".join(h1.text_content().split())
        if len(name) < 2 or not (title.startswith(name) or title.endswith(name)):
            continue
        rest = title[len(name) :] if title.startswith(name) else title[: -len(name)]
        rest = rest.strip(" :|-–—»«·•")
        if len(rest) > len(name) and norm(rest) in headings:
            found.add(name)
    return found


def clean_title(raw: str | None, sites: set[str]) -> str | None:
    """A headline without the site name around it; None if it is only the site name."""
    if not raw:
        return None
    title = _SPACES.sub(" ", raw).strip()
    parts = TITLE_SEPARATORS.split(title)
    if len(parts) > 1:
        while len(parts) > 1 and _is_site(parts[-1], sites):
            title = title[: title.rfind(parts[-1])].rstrip(" |-–—:»•·")
            parts = parts[:-1]
        while len(parts) > 1 and _is_site(parts[0], sites):
            title = title[title.find(parts[0]) + len(parts[0]) :].lstrip(" |-–—:»•·")
            parts = parts[1:]
    return None if not title or _is_site(title, sites) else title


def _is_site(text: str, sites: set[str]) -> bool:
    key = norm(text)
    return bool(key) and any(key == s or key.replace(" ", "") == s.replace(" ", "") for s in sites)


def _title(
    root: HtmlElement, hints: ExtractionHints, ld: list[dict[str, Any]], sites: set[str]
) -> str | None:
    for candidate in _title_candidates(root, hints, ld, sites):
        title = clean_title(candidate, sites)
        title = strip_site_suffix(title, registry_names()) if title else None
        if title and len(title) >= 3:
            return title
    return None


def _title_candidates(
    root: HtmlElement, hints: ExtractionHints, ld: list[dict[str, Any]], sites: set[str]
) -> Iterator[str]:
    """Headline candidates, best first (generated: most pages stop at the first or second)."""
    h1s = [element_text(h) for h in root.iter("h1")]
    h1s = [h for h in h1s if h and not _is_site(h, sites)]
    told = [meta(root, "og:title") or "", *(t.text_content() for t in root.iter("title"))][:2]
    told = [t for t in (clean_title(t, sites) for t in told) if t]
    h1s = [h for h in h1s if not _is_label(h, told)]
    yield from (element_text(el) for el in select(root, hints.title)[:1])
    yield from (ld_text(obj.get("headline")) or "" for obj in ld)
    yield from h1s[:1] if len(set(h1s)) == 1 else _named_h1(h1s, told)
    yield _without_brand(meta(root, "og:title", "twitter:title") or "", sites)
    yield from (element_text(el) for el in select(root, '[itemprop="headline"]')[:1])
    yield from h1s[:1]
    yield from (element_text(el) for el in select(root, ".post-title, .entry-title")[:1])
    yield from [_without_brand(t.text_content(), sites) for t in root.iter("title")][:1]


BRAND_TAIL = re.compile(r"^(?P<head>.+?)\s+[|–—-]\s+(?P<tail>[^|–—-]{2,40})$")
BRAND_WORDS = 4


def _without_brand(title: str, sites: set[str]) -> str:
    """A page title without a trailing " – West Elm Features" / " | Koia" that names no site we
    know: a tail of at most BRAND_WORDS capitalised words after a headline of 3+ words is the
    site's brand (a headline goes on in lower case: "review – shoots for the moon")."""
    title = clean_title(title, sites) or ""
    match = BRAND_TAIL.match(" ".join(title.split()))
    if not match or len(match["head"].split()) < 3:
        return title
    words = match["tail"].split()
    if len(words) <= BRAND_WORDS and all(w[0].isupper() or not w[0].isalpha() for w in words):
        return match["head"]
    return title


SAME_HEADLINE = 0.8  # share of words in common: the same headline, a word more or less


def _named_h1(h1s: list[str], told: list[str]) -> list[str]:
    """Of several <h1> (section headings set as h1 too), the one the page's title metadata
    names, give or take a word ("10 Best Mailchimp Alternatives for 2026" beside og:title
    "10 Best Mailchimp Alternatives 2026")."""
    for h1 in h1s:
        mine = set(norm(h1).split())
        for other in (set(norm(t).split()) for t in told):
            if mine and other and len(mine & other) >= SAME_HEADLINE * len(mine | other):
                return [h1]
    return []


def _words(text: str) -> set[str]:
    return {w for w in norm(text).split() if len(w) >= 4}


LABEL_WORDS = 3


def _is_label(h1: str, told: list[str]) -> bool:
    """A short <h1> (LABEL_WORDS words at most) that shares no word with the headline the page
    gives elsewhere (og:title, <title>, site name taken off) names a section or a blog
    ("Our Blog", "Pulse!"), not the article."""
    if len(h1.split()) > LABEL_WORDS:
        return False
    others = [_words(t) for t in told]
    return bool(others) and all(other and not (_words(h1) & other) for other in others)


def _section(root: HtmlElement, articles: list[dict[str, Any]], title: str | None) -> str | None:
    for obj in articles:
        value = ld_text(obj.get("articleSection"))
        if value:
            return value
    value = meta(root, "article:section") or _near_headline(root, SECTION_SELECTOR)
    if value:
        return value
    crumbs = select(root, '[class*="breadcrumb"] li, [class*="breadcrumb"] a')
    names = [element_text(c) for c in crumbs]
    names = [
        n for n in names if n and norm(n) not in BREADCRUMB_SKIP and n != title and len(n) < 60
    ]
    return names[-1] if names else None


def _near_headline(root: HtmlElement, selector: str) -> str | None:
    """The short text of the first element matching `selector` in the headline's block."""
    for h1 in list(root.iter("h1"))[:1]:
        block = h1.getparent()
        for scope in (block, block.getparent() if block is not None else None):
            for el in select(scope, selector) if scope is not None else []:
                text = element_text(el)
                if 0 < len(text) <= 40 and "\n" not in text:
                    return text
    return None


def _tags(root: HtmlElement, articles: list[dict[str, Any]]) -> tuple[str, ...]:
    tags = meta_all(root, "article:tag")
    for obj in articles:
        keywords = obj.get("keywords") or []
        tags += keywords.split(",") if isinstance(keywords, str) else [str(k) for k in keywords]
    if not tags:
        tags = [element_text(a) for a in select(root, 'a[rel~="tag"]:not([rel~="category"])')]
    unique: dict[str, str] = {}
    for tag in (" ".join(t.split()) for t in tags):
        if tag and len(tag) <= 80:
            unique.setdefault(norm(tag), tag)
    return tuple(unique.values())[:30]


def _image(root: HtmlElement, url: str, articles: list[dict[str, Any]]) -> str | None:
    value = meta(root, "og:image", "og:image:url", "twitter:image", "twitter:image:src")
    for obj in articles if not value else ():
        value = ld_text(obj.get("image"))
        if value:
            break
    return urljoin(url, value) if value else None


def _canonical(root: HtmlElement, url: str) -> str | None:
    values = [*root.xpath('//link[@rel="canonical"]/@href'), meta(root, "og:url") or ""]
    for value in values:
        value = str(value).strip()
        if value:
            absolute = urljoin(url, value)
            if urlsplit(absolute).path.strip("/") or not urlsplit(url).path.strip("/"):
                return absolute
    return None


def read_metadata(
    root: HtmlElement, url: str, hints: ExtractionHints, names: Iterable[str] = ()
) -> Metadata:
    """Everything the page's markup says about the article (nothing read from the body text)."""
    ld = json_ld(root)
    articles = [obj for obj in ld if _types(obj) & ARTICLE_TYPES]
    sites = site_names(root, url, ld, names) | brand_names(root, url)
    title = _title(root, hints, articles, sites)
    og_type = (meta(root, "og:type") or "").lower()
    is_article = (
        bool(articles)
        or og_type == "article"
        or bool(having(root, "itemprop", "articleBody"))
        or any(m.get("property") == "article:published_time" for m in root.iter("meta"))
    )
    listing = not is_article and any(_types(o) & LISTING_TYPES for o in ld)
    return Metadata(
        title=title,
        section=_section(root, articles, title),
        tags=_tags(root, articles),
        image=_image(root, url, articles),
        description=meta(root, "og:description", "description", "twitter:description"),
        canonical_url=_canonical(root, url),
        html_lang=root.get("lang") or meta(root, "og:locale", "language", "content-language"),
        site_names=tuple(sorted(sites)),
        is_article=is_article,
        is_listing=listing,
        ld_articles=tuple(articles),
        page_types=frozenset(t for obj in ld for t in _types(obj)),
    )
