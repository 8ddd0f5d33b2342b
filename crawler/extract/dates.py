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
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone, tzinfo
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from htmldate import find_date
from lxml.html import HtmlElement

from archive.timeutil import more_precise
from crawler.extract.aggregator import SourceCopy
from crawler.extract.datetext import (
    LOCAL_TZ,
    MOROCCAN,
    PUBLISHED,
    PUBLISHED_LABEL,
    UNLABELLED,
    UPDATED,
    UPDATED_LABEL,
    Reading,
    has_time,
    is_date_line,
    labelled_dates,
    normalize_iso,
    parse_date_text,
)
from crawler.extract.dom import SKIP_TAGS, element_text, having, select
from crawler.extract.headline import headline_context
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
    values = [v for v in _markup_values(root, articles, reading) if v]
    if not values:
        return None
    best = values[0]
    for value in values[1:]:
        best = more_precise(best, value)
    return best


def _markup_values(
    root: HtmlElement, articles: Iterable[dict[str, Any]], reading: Reading
) -> list[str]:
    """JSON-LD datePublished, the date meta tags, the first element marked datePublished (else
    the first <time>), JSON-LD dateCreated: in that order, "" where there is none."""
    articles = list(articles)
    found = [normalize_iso(ld_text(o.get("datePublished")), reading) or "" for o in articles]
    found.append(normalize_iso(meta(root, *DATE_META), reading) or "")
    found.append(_marked_value(root, reading, times=True) or "")
    found += [normalize_iso(ld_text(o.get("dateCreated")), reading) or "" for o in articles]
    return found


def _marked_value(root: HtmlElement, reading: Reading, times: bool) -> str | None:
    """The first element marked as the publication date (itemprop, abbr.published), else (when
    `times`) the first <time>; comments left out."""
    marked = having(root, "itemprop", "datePublished")
    abbrs = [a for a in root.iter("abbr") if "published" in a.get("class", "")]
    if abbrs:  # both kinds, in the page's order
        marked = root.xpath('//*[@itemprop="datePublished"]|//abbr[contains(@class,"published")]')
    candidates = [*marked, *root.iter("time")] if times else list(marked)
    sections = page_comment_sections(root) if candidates else []
    for el in [t for t in candidates if not in_comments(t, sections)][:1]:
        value = el.get("content") or el.get("datetime") or el.get("title") or el.text_content()
        return normalize_iso(value, reading)
    return None


def _only_a_bare_time(root: HtmlElement, articles: Iterable[dict[str, Any]]) -> bool:
    """Is the markup's date only that of the page's first <time> (no JSON-LD, meta tag or
    element marked as the publication date)?"""
    if any(o.get("datePublished") or o.get("dateCreated") for o in articles):
        return False
    return not meta(root, *DATE_META) and _marked_value(root, MOROCCAN, times=False) is None


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
    """A date written near the headline, or in an element whose class or id says it is one.
    Near the headline before elsewhere, under it before above it; a date labelled as the
    publication's before an unlabelled one, and one labelled as an update or a review last
    ("Last updated 12 Jan 2026" yields to "3 Sept 2024 | Originally published")."""
    best = _best(_text_dates(root, title, reading))
    return best.value if best else _dateline(root, title, reading)


@dataclass(frozen=True)
class Written:
    """A date written on the page, its rank (lower: more likely the publication's) and line."""

    rank: int
    value: str
    line: str


def _text_dates(root: HtmlElement, title: str | None, reading: Reading) -> list[Written]:
    """The dates near the headline and in dated elements, ranked."""
    before, after = headline_context(root, title)
    found = [
        Written(_near_rank(kind, line, under), value, line)
        for under, lines in ((True, after), (False, before))
        for line in lines
        for kind, value in labelled_dates(line, reading)
    ]
    sections = page_comment_sections(root)
    for el in root.xpath(DATED_XPATH)[:40]:
        text = element_text(el)
        if 0 < len(text) <= 120 and not in_comments(el, sections):
            found += [
                Written(RANK_ELSEWHERE[kind], value, text)
                for kind, value in labelled_dates(text, reading)[:1]
            ]
    return found


def _near_rank(kind: str, line: str, under: bool) -> int:
    """A dateline's date before a date in a sentence ("This post was originally published on
    August 27, 2015."); under the headline before above it."""
    if kind == UPDATED:
        return UPDATED_NEAR
    if not is_date_line(DATE_LABELS.sub(" ", line)):
        return IN_A_SENTENCE
    return 0 if kind == PUBLISHED else 1 if under else 2


def _best(found: list[Written]) -> Written | None:
    return min(found, key=lambda w: w.rank) if found else None


DATED_XPATH = (
    '//*[contains(@class,"date") or contains(@class,"time") or contains(@class,"publish")'
    ' or contains(@id,"date") or contains(@class,"meta")]'
)
# Ranks (lower: more likely the publication's): near the headline (_near_rank) 0-2, then a
# dated element labelled as the publication's, a date in a sentence near the headline, an
# update's near the headline, and the other dated elements
RANK_ELSEWHERE = {PUBLISHED: 3, UNLABELLED: 6, UPDATED: 7}
IN_A_SENTENCE, UPDATED_NEAR = 4, 5
DATE_LABELS = re.compile(f"{PUBLISHED_LABEL.pattern}|{UPDATED_LABEL.pattern}", re.IGNORECASE)


def _dateline(root: HtmlElement, title: str | None, reading: Reading) -> str | None:
    """A short block that is only a date, among the blocks right after the one holding the
    headline (a page whose headline is no <h1> and whose dateline has no class to say so)."""
    key = norm(title or "")
    if not key:
        return None
    sections = page_comment_sections(root)
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
    """The outlet's date selector; an aggregator's original date; markup; a date written near
    the headline or in a dated element; a date labelled as the publication's anywhere; htmldate
    (markup and URL only). A time the outlet's selector read from text yields to the markup's
    machine-written time of the same day ("3:48 Uhr" beside 15:48:15Z); the page's first
    <time>, when no other markup gives a date, yields to a different day written beside the
    headline."""
    hinted, from_text = hint_date(root, hints, reading)
    structured = markup_date(root, hints, articles, reading)
    if hinted:
        if from_text and structured and same_day_with_time(hinted, structured):
            return structured
        return more_precise(hinted, structured)
    if source and source.published:
        return source.published
    if structured and not _only_a_bare_time(root, articles):
        return structured
    best = _best(_text_dates(root, title, reading))
    if structured:
        if best and _beside_headline(best) and not _same_day(best.value, structured):
            return best.value  # that <time> is another article's (a card after the body)
        return structured
    found = (
        (best.value if best else None)
        or _dateline(root, title, reading)
        or published_anywhere(root, reading)
    )
    if found:
        return found
    try:
        value = find_date(root, extensive_search=False, original_date=True)
    except (ValueError, TypeError) as exc:  # htmldate is defensive, but not about everything
        logger.debug("htmldate failed: %s", exc)
        return None
    return normalize_iso(value, reading) if value else None


def _beside_headline(written: Written) -> bool:
    """Is this a dateline of its own beside the headline (no update's, no sentence's date)?"""
    return written.rank <= 2


def _same_day(written: str, machine: str) -> bool:
    mine, theirs = datetime.fromisoformat(written), datetime.fromisoformat(machine)
    local = theirs.astimezone(mine.tzinfo) if mine.tzinfo else theirs
    return mine.date() in (local.date(), theirs.date())


def same_day_with_time(written: str, machine: str) -> bool:
    """Does the machine-written value give a time on the day the written one names?"""
    return has_time(machine) and _same_day(written, machine)


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
AMERICAS_EAST = timedelta(hours=-3)  # the Americas' zones run from UTC-3 westwards
# Country codes used as generic domains, and the United States' own
GENERIC_COUNTRY_CODES = {"us", "io", "co", "ai", "me", "tv", "fm", "ly"}
_OFFSET = re.compile(r"([+-])(\d\d):?(\d\d)$")


def page_reading(root: HtmlElement, url: str, outlet: Outlet | None, metadata: Metadata) -> Reading:
    """How this page writes its dates. Its zone: an offset its own machine-written dates carry
    (published, modified, <time datetime>); else its outlet's country (Moroccan outlets:
    Africa/Casablanca); else its domain's country; else Africa/Casablanca. Numeric dates put
    the month first on en-US pages, and on English pages of no known country (`_american`)."""
    offset = _page_offset(root, metadata)
    country = _country_zone(url, outlet)
    zone = offset or country or LOCAL_TZ
    lang = (metadata.html_lang or "").lower().replace("_", "-")
    month_first = lang == "en-us" or (lang == "en" and not country and _american(url, offset))
    return Reading(zone, month_first=month_first)


def _american(url: str, offset: tzinfo | None) -> bool:
    """Does an English page that names no region write dates the American way? On a generic
    domain (.com, .org, or a country code used as one: .io, .co) with no offset east of UTC-3,
    yes: the habit of the English web's largest part. A country's own domain (.au, .ng, .uk,
    .in...) or an offset in Europe, Africa or Asia reads day first."""
    tld = _tld(url)
    if len(tld) == 2 and tld not in GENERIC_COUNTRY_CODES:
        return False
    return offset is None or (offset.utcoffset(None) or timedelta()) <= AMERICAS_EAST


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
    name = COUNTRY_ZONES.get(_tld(url))
    return ZoneInfo(name) if name else None


def _tld(url: str) -> str:
    return (urlsplit(url).hostname or "").rsplit(".", 1)[-1]


# Text nodes that may hold a publication label: substrings first (a translate() to lower case
# on every text node costs ten times more), the label's regex after
_LABEL_HINTS = (
    "ublish", "UBLISH", "osted", "OSTED", "ost time", "ost date", "ost Date", "ost Time",
    "OST DATE", "OST TIME", "ublié", "ublica", "ubblicato", "ffentlicht", "rschienen", "نشر",
)  # fmt: skip
ANYWHERE_XPATH = "//body//text()[" + " or ".join(f"contains(., '{h}')" for h in _LABEL_HINTS) + "]"


def published_anywhere(root: HtmlElement, reading: Reading = MOROCCAN) -> str | None:
    """The first date the page labels as its publication's, wherever it is written ("(Re)
    Published: May 25, 2025" after the body; "17/08/2025" over a "Date Posted" caption), in a
    short block (the label's element or up to three blocks around it); comments left out."""
    sections = page_comment_sections(root)
    for text in root.xpath(ANYWHERE_XPATH):
        parent = text.getparent()
        if parent is None or parent.tag in SKIP_TAGS or not PUBLISHED_LABEL.search(text):
            continue
        for block in [parent, *list(parent.iterancestors())[:3]]:
            words = " ".join(element_text(block).split())
            if len(words) > 120:
                break
            dated = [v for kind, v in labelled_dates(words, reading) if kind == PUBLISHED]
            if dated and not in_comments(block, sections):
                return dated[0]
    return None
