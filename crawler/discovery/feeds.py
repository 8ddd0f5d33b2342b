"""Pure parsers for discovery documents: RSS/Atom feeds, XML sitemaps, listing pages.

No Scrapy requests here: each function takes bytes or a response body and returns links,
so the spider stays a thin router and each parser is tested on recorded files.
Malformed or hostile XML (entity bombs, truncation) yields what could be read, never raises:
entities are never resolved and the parsers recover.
"""

from __future__ import annotations

import gzip
import io
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import urljoin

import lxml.etree
import lxml.html
from scrapy.utils.sitemap import Sitemap

MAX_XML_BYTES = 50 * 1024 * 1024  # sitemaps are at most 50 MB uncompressed by the protocol
_PAGINATION = re.compile(
    r"([?&](page|p|paged|pg)=\d+)|(/page/\d+/?$)|(/page[:\-]\d+)|(index\.\d+\.html$)",
    re.IGNORECASE,
)
_NEXT_WORDS = ("next", "suivant", "suivante", "التالي", "siguiente", "›", "»", "older")


@dataclass(frozen=True)
class SitemapEntry:
    url: str
    lastmod: str | None


@dataclass(frozen=True)
class SitemapDoc:
    kind: str  # "sitemapindex", "urlset" or "invalid"
    entries: tuple[SitemapEntry, ...]


def maybe_gunzip(body: bytes, max_size: int = MAX_XML_BYTES) -> bytes:
    """The body, decompressed when it is gzip; bounded so a gzip bomb cannot fill memory."""
    if body[:2] != b"\x1f\x8b":
        return body
    with gzip.GzipFile(fileobj=io.BytesIO(body)) as stream:
        data = stream.read(max_size + 1)
    if len(data) > max_size:
        raise ValueError(f"gzip body larger than {max_size} bytes once decompressed")
    return data


def parse_sitemap(body: bytes) -> SitemapDoc:
    """Entries of a sitemap index or urlset (Google News sitemaps included)."""
    try:
        sitemap = Sitemap(body)
        entries = tuple(
            SitemapEntry(e["loc"].strip(), e.get("lastmod") or None)
            for e in sitemap
            if e.get("loc")
        )
    except (lxml.etree.XMLSyntaxError, StopIteration, KeyError):
        return SitemapDoc("invalid", ())
    if sitemap.type not in ("sitemapindex", "urlset"):
        return SitemapDoc("invalid", ())
    return SitemapDoc(sitemap.type, entries)


def _moment(text: str) -> datetime | None:
    try:
        moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def older_than(lastmod: str, cutoff: str) -> bool:
    """Is a sitemap `<lastmod>` before `cutoff` (ISO 8601 both)?

    A bare date stands for its whole day: older only if that day ended before the cutoff.
    An unreadable date is never older."""
    moment, limit = _moment(lastmod), _moment(cutoff)
    if moment is None or limit is None:
        return False
    if len(lastmod.strip()) <= 10:
        moment += timedelta(days=1)
    return moment < limit


def is_feed(body: bytes) -> bool:
    """Does the body parse as an RSS 2.0, RSS 1.0 or Atom document (items or not)?"""
    root = _xml_root(body)
    return root is not None and _local(root.tag) in ("rss", "feed", "rdf")


def xml_problems(body: bytes) -> list[str]:
    """What is hostile or broken in an XML document: `xml_entities` (it declares entities: an
    entity bomb, or an attempt at external entities; they are never expanded) and
    `malformed_xml` (the parser had to recover: what could be read is still used)."""
    parser = _recovering_parser()
    try:
        root = lxml.etree.fromstring(body, parser=parser)
    except lxml.etree.XMLSyntaxError:
        return ["malformed_xml"]
    problems = []
    if root is not None and root.getroottree().docinfo.internalDTD is not None:
        problems.append("xml_entities")
    if root is None or len(parser.error_log):
        problems.append("malformed_xml")
    return problems


def _recovering_parser() -> lxml.etree.XMLParser:
    return lxml.etree.XMLParser(
        recover=True, resolve_entities=False, no_network=True, huge_tree=False
    )


def _xml_root(body: bytes) -> lxml.etree._Element | None:
    try:
        return lxml.etree.fromstring(body, parser=_recovering_parser())
    except lxml.etree.XMLSyntaxError:
        return None


def _local(tag: object) -> str:
    return str(tag).rsplit("}", 1)[-1].lower() if isinstance(tag, str) else ""


def parse_feed(body: bytes, base_url: str) -> list[str]:
    """Item links of an RSS 2.0, RSS 1.0 or Atom feed, in feed order, absolute."""
    root = _xml_root(body)
    if root is None:
        return []
    links: list[str] = []
    for item in root.iter():
        name = _local(item.tag)
        if name not in ("item", "entry"):
            continue
        link = _item_link(item)
        if link:
            links.append(_join(base_url, link.strip()))
    return links


def _join(base_url: str, link: str) -> str:
    """The absolute URL of a link; one no URL parser accepts (`http://[::1`) as it is, for the
    spider to count and skip."""
    try:
        return urljoin(base_url, link)
    except ValueError:
        return link


def _item_link(item: lxml.etree._Element) -> str | None:
    alternates = []
    for child in item:
        name = _local(child.tag)
        if name == "link":
            if child.text and child.text.strip():
                return child.text
            if child.get("href") and child.get("rel", "alternate") == "alternate":
                alternates.append(child.get("href"))
        elif name == "guid" and child.get("isPermaLink", "true") == "true" and child.text:
            alternates.append(child.text)
    return alternates[0] if alternates else None


@dataclass(frozen=True)
class ListingLinks:
    articles: tuple[str, ...]
    next_pages: tuple[str, ...]


def parse_listing(html: bytes | str, base_url: str) -> ListingLinks:
    """Links on a listing page: candidate article links and pagination links (absolute)."""
    try:
        doc = lxml.html.fromstring(html)
    except (lxml.etree.ParserError, ValueError):
        return ListingLinks((), ())
    base = doc.xpath("//base/@href")
    base_url = _join(base_url, base[0]) if base else base_url
    articles: dict[str, None] = {}
    pages: dict[str, None] = {}
    for anchor in doc.iter("a", "link"):
        href = anchor.get("href")
        if not href or href.startswith(("#", "mailto:", "javascript:", "tel:")):
            continue
        url = _join(base_url, href.strip()).split("#", 1)[0]
        if _is_next(anchor, url):
            pages[url] = None
        elif anchor.tag == "a":
            articles[url] = None
    return ListingLinks(tuple(articles), tuple(pages))


def _is_next(anchor: lxml.html.HtmlElement, url: str) -> bool:
    rel = (anchor.get("rel") or "").lower().split()
    if "next" in rel:
        return True
    if anchor.tag != "a":
        return False
    text = (anchor.text_content() or "").strip().lower()
    return bool(_PAGINATION.search(url)) and (text.isdigit() or any(w in text for w in _NEXT_WORDS))
