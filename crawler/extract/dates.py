"""The dates pass: when the article was published, read on the untouched page.

In order: the outlet's `date` selector (made more precise by the markup when they agree); an
aggregator's original date; the markup (JSON-LD, meta tags, `itemprop`, `<time>`: the most
precise of equivalent values); a date written near the headline or in an element classed as one;
htmldate on markup and URL. Values are ISO 8601 with a timezone (crawler/extract/datetext.py).
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from collections.abc import Iterable
from datetime import datetime, timedelta, timezone, tzinfo
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from htmldate import find_date
from lxml.html import HtmlElement

from archive.timeutil import more_precise
from crawler.extract.aggregator import SourceCopy
from crawler.extract.authors import headline_lines
from crawler.extract.datetext import (
    LOCAL_TZ,
    MOROCCAN,
    Reading,
    has_time,
    is_date_line,
    normalize_iso,
    parse_date_text,
)
from crawler.extract.dom import element_text, having, select
from crawler.extract.metadata import Metadata, ld_text, meta
from crawler.extract.phrases import norm
from crawler.extract.sections import in_comments, page_comment_sections
from crawler.outlets import ExtractionHints, Outlet

logger = logging.getLogger(__name__)

DATE_META = (
    "article:published_time", "og:published_time", "og:article:published_time",
    "datePublished", "date", "pubdate", "publishdate", "publish-date", "dc.date",
    "dc.date.issued", "dcterms.created", "sailthru.date", "parsely-pub-date", "article.published",
)  # fmt: skip


def markup_date(
    root: HtmlElement,
    hints: ExtractionHints,
    articles: Iterable[dict[str, Any]],
    reading: Reading = MOROCCAN,
) -> str | None:
    """The most precise of the dates the markup gives (JSON-LD, meta, <time>...)."""
    found = [normalize_iso(ld_text(o.get("datePublished")), reading) or "" for o in articles]
    found.append(normalize_iso(meta(root, *DATE_META), reading) or "")
    marked = having(root, "itemprop", "datePublished")
    abbrs = [a for a in root.iter("abbr") if "published" in a.get("class", "")]
    if abbrs:  # both kinds, in the page's order
        marked = root.xpath('//*[@itemprop="datePublished"]|//abbr[contains(@class,"published")]')
    times = [*marked, *root.iter("time")]
    sections = page_comment_sections(root) if times else []
    for el in [t for t in times if not in_comments(t, sections)][:1]:
        value = el.get("content") or el.get("datetime") or el.get("title") or el.text_content()
        found.append(normalize_iso(value, reading) or "")
    found += [normalize_iso(ld_text(o.get("dateCreated")), reading) or "" for o in articles]
    values = [v for v in found if v]
    if not values:
        return None
    best = values[0]
    for value in values[1:]:
        best = more_precise(best, value)
    return best


def hint_date(
    root: HtmlElement, hints: ExtractionHints, reading: Reading = MOROCCAN
) -> tuple[str | None, bool]:
    """The date in the element the outlet's `date` selector names (attribute, else text), and
    whether it was read from the element's text."""
    for el in select(root, hints.date)[:1]:
        value = el.get("datetime") or el.get("content")
        if value:
            return normalize_iso(value, reading), False
        return parse_date_text(element_text(el), reading), True
    return None, False


def text_date(
    root: HtmlElement, title: str | None = None, reading: Reading = MOROCCAN
) -> str | None:
    """A date written near the headline, or in an element whose class or id says it is one."""
    for line in headline_lines(root):
        value = parse_date_text(line, reading)
        if value:
            return value
    xpath = (
        '//*[contains(@class,"date") or contains(@class,"time") or contains(@class,"publish")'
        ' or contains(@id,"date") or contains(@class,"meta")]'
    )
    sections = page_comment_sections(root)
    for el in root.xpath(xpath)[:40]:
        if in_comments(el, sections):
            continue
        text = element_text(el)
        if 0 < len(text) <= 120:
            value = parse_date_text(text, reading)
            if value:
                return value
    return _dateline(root, title, sections, reading)


def _dateline(
    root: HtmlElement, title: str | None, sections: list[HtmlElement], reading: Reading
) -> str | None:
    """A short block that is only a date, among the blocks right after the one holding the
    headline (a page whose headline is no <h1> and whose dateline has no class to say so)."""
    key = norm(title or "")
    if not key:
        return None
    blocks = [el for el in root.iter("div", "p", "span", "small", "time", "li", "td", "h2", "h3")]
    start = next((i for i, el in enumerate(blocks) if norm(el.text_content()) == key), None)
    for el in blocks[start + 1 : start + 12] if start is not None else ():
        text = " ".join(el.text_content().split())
        if 0 < len(text) <= 60 and is_date_line(text) and not in_comments(el, sections):
            return parse_date_text(text, reading)
    return None


def published_date(
    root: HtmlElement,
    hints: ExtractionHints,
    articles: Iterable[dict[str, Any]],
    title: str | None,
    source: SourceCopy | None,
    reading: Reading = MOROCCAN,
) -> str | None:
    """The outlet's date selector; an aggregator's original date; markup; a dated element;
    htmldate (markup and URL only). A time the outlet's selector read from text yields to the
    markup's machine-written time of the same day ("3:48 Uhr" beside 15:48:15Z)."""
    hinted, from_text = hint_date(root, hints, reading)
    structured = markup_date(root, hints, articles, reading)
    if hinted:
        if from_text and structured and same_day_with_time(hinted, structured):
            return structured
        return more_precise(hinted, structured)
    if source and source.published:
        return source.published
    if structured:
        return structured
    found = text_date(root, title, reading)
    if found:
        return found
    try:
        value = find_date(root, extensive_search=False, original_date=True)
    except (ValueError, TypeError) as exc:  # htmldate is defensive, but not about everything
        logger.debug("htmldate failed: %s", exc)
        return None
    return normalize_iso(value, reading) if value else None


def same_day_with_time(written: str, machine: str) -> bool:
    """Does the machine-written value give a time on the day the written one names?"""
    mine, theirs = datetime.fromisoformat(written), datetime.fromisoformat(machine)
    local = theirs.astimezone(mine.tzinfo) if mine.tzinfo else theirs
    return has_time(machine) and mine.date() in (local.date(), theirs.date())


# Zones of the countries whose domains the press is read on (one zone per country: a
# country with several is left to the page's own offsets)
COUNTRY_ZONES = {
    "ma": "Africa/Casablanca", "dz": "Africa/Algiers", "tn": "Africa/Tunis",
    "eg": "Africa/Cairo", "sn": "Africa/Dakar", "fr": "Europe/Paris", "be": "Europe/Brussels",
    "es": "Europe/Madrid", "pt": "Europe/Lisbon", "it": "Europe/Rome", "de": "Europe/Berlin",
    "at": "Europe/Vienna", "ch": "Europe/Zurich", "nl": "Europe/Amsterdam",
    "uk": "Europe/London", "ie": "Europe/Dublin", "se": "Europe/Stockholm",
    "no": "Europe/Oslo", "dk": "Europe/Copenhagen", "fi": "Europe/Helsinki",
    "pl": "Europe/Warsaw", "gr": "Europe/Athens", "tr": "Europe/Istanbul", "sa": "Asia/Riyadh",
    "ae": "Asia/Dubai", "qa": "Asia/Qatar", "jo": "Asia/Amman", "lb": "Asia/Beirut",
    "in": "Asia/Kolkata", "jp": "Asia/Tokyo", "kr": "Asia/Seoul", "za": "Africa/Johannesburg",
    "ke": "Africa/Nairobi", "ng": "Africa/Lagos", "tz": "Africa/Dar_es_Salaam",
}  # fmt: skip
_OFFSET = re.compile(r"([+-])(\d\d):?(\d\d)$")


def page_reading(root: HtmlElement, url: str, outlet: Outlet | None, metadata: Metadata) -> Reading:
    """How this page writes its dates. Its zone: an offset its own machine-written dates carry
    (published, modified, <time datetime>); else its outlet's country (Moroccan outlets:
    Africa/Casablanca); else its domain's country; else Africa/Casablanca. Numeric dates put
    the month first on en-US pages."""
    zone = _page_offset(root, metadata) or _country_zone(url, outlet) or LOCAL_TZ
    lang = (metadata.html_lang or "").lower().replace("_", "-")
    return Reading(zone, month_first=lang == "en-us")


def _page_offset(root: HtmlElement, metadata: Metadata) -> tzinfo | None:
    values = [ld_text(o.get(k)) for o in metadata.ld_articles for k in LD_DATES]
    values += [meta(root, name) for name in OFFSET_META]
    values += [t.get("datetime") for t in root.iter("time")]
    offsets = Counter(match.groups() for v in values if v and (match := _OFFSET.search(v.strip())))
    for (sign, hours, minutes), _ in offsets.most_common():
        delta = timedelta(hours=int(hours), minutes=int(minutes))
        if delta:  # "+00:00" is often a server normalising to UTC, no word on the zone
            return timezone(-delta if sign == "-" else delta)
    return None


LD_DATES = ("datePublished", "dateModified", "dateCreated")
OFFSET_META = ("article:published_time", "article:modified_time", "og:updated_time")


def _country_zone(url: str, outlet: Outlet | None) -> tzinfo | None:
    if outlet is not None and outlet.evidence.get("all") != "adhoc":
        name = COUNTRY_ZONES.get(outlet.country.lower())
        if name:
            return ZoneInfo(name)
    host = urlsplit(url).netloc.lower().split(":")[0]
    name = COUNTRY_ZONES.get(host.rsplit(".", 1)[-1])
    return ZoneInfo(name) if name else None
