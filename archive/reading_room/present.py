"""Pure presentation for the reading room: text direction, paragraphs, URLs, snippets, chart.

No datasette here: these are the Jinja filters and the data shaping, tested on their own.
"""

from __future__ import annotations

import json
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import date, timedelta
from urllib.parse import unquote, urlsplit

from markupsafe import Markup, escape

#: Scripts written right to left, by ISO 639-1 code (the languages langdetect can report and kin).
RTL_LANGUAGES = frozenset({"ar", "fa", "he", "ur", "ps", "sd", "ug", "yi", "dv", "ckb"})

#: The markers the search query puts around matched words (FTS5 snippet()/highlight()).
MARK_START, MARK_END = "\x02", "\x03"

#: Okabe-Ito colours (distinguishable with colour blindness), then a few more.
PALETTE = ("#0072b2", "#e69f00", "#009e73", "#cc79a7", "#56b4e9", "#d55e00", "#f0e442",
           "#555555", "#8c564b", "#17becf")  # fmt: skip


def language_code(language: str | None) -> str:
    """The primary subtag of a language code ('ar-MA' -> 'ar'); '' when unknown."""
    return (language or "").split("-")[0].split("_")[0].strip().lower()


def direction(language: str | None) -> str:
    """The `dir` attribute for a text in `language`: rtl, ltr, or auto when unknown."""
    code = language_code(language)
    if not code:
        return "auto"
    return "rtl" if code in RTL_LANGUAGES else "ltr"


def text_attributes(language: str | None) -> Markup:
    """`dir="…" lang="…"` for an element holding a text in `language` (no lang when unknown)."""
    code = language_code(language)
    lang = f' lang="{escape(code)}"' if code else ""
    return Markup(f'dir="{direction(language)}"{lang}')


def paragraphs(text: str | None) -> list[str]:
    """The text's paragraphs: one per non-blank line (extraction writes one paragraph a line)."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def excerpt(text: str | None, words: int = 40) -> str:
    """The first `words` words of the text, with an ellipsis when cut."""
    split = (text or "").split()
    return " ".join(split[:words]) + (" …" if len(split) > words else "")


def display_url(url: str | None) -> str:
    """A URL as a reader reads it: no scheme, percent-escapes and punycode decoded."""
    if not url:
        return ""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if "xn--" in host:
        with suppress(UnicodeError):  # not valid punycode: shown as it is
            host = host.encode("ascii").decode("idna")
    try:
        port = f":{parts.port}" if parts.port else ""
    except ValueError:  # a port that is not a number
        port = ""
    path = unquote(parts.path + (f"?{parts.query}" if parts.query else ""), errors="replace")
    return host + port + (path if path != "/" else "")


def marked(snippet: str | None) -> Markup:
    """A search snippet, HTML-escaped, with the matched words in <mark>."""
    escaped = str(escape(snippet or ""))
    return Markup(escaped.replace(MARK_START, "<mark>").replace(MARK_END, "</mark>"))


def names(value: str | None) -> list[str]:
    """A JSON array column (authors, tags) as a list of strings; a plain string as one name."""
    if not value:
        return []
    try:
        parsed = json.loads(value)
    except ValueError:
        return [value]
    if isinstance(parsed, list):
        return [str(item) for item in parsed if str(item).strip()]
    return [str(parsed)]


def day(value: str | None) -> str:
    """The YYYY-MM-DD part of an ISO timestamp, '' when there is none."""
    return (value or "")[:10]


def minute(value: str | None) -> str:
    """An ISO timestamp to the minute, as written ('2026-12-03T09:29:05Z' -> '2026-12-03 09:29')."""
    return (value or "")[:16].replace("T", " ")


@dataclass(frozen=True)
class Bar:
    day: str
    total: int
    segments: tuple[tuple[str, int], ...]  # (outlet, articles), in legend order


@dataclass
class DayChart:
    """Articles per day per outlet over consecutive days (days without articles included)."""

    bars: list[Bar]
    outlets: list[str]
    colors: dict[str, str] = field(default_factory=dict)
    peak: int = 0

    @property
    def first_day(self) -> str:
        return self.bars[0].day if self.bars else ""

    @property
    def last_day(self) -> str:
        return self.bars[-1].day if self.bars else ""


def day_chart(rows: list[tuple[str, str, int]], days: int = 60) -> DayChart:
    """Shape (day, outlet, articles) rows into the last `days` days up to the last day with
    articles; outlets ordered by articles in that window, most first."""
    counts: dict[str, dict[str, int]] = {}
    for when, outlet, articles in rows:
        if when:
            counts.setdefault(when, {})[outlet] = articles
    if not counts:
        return DayChart(bars=[], outlets=[])
    last = date.fromisoformat(max(counts))
    first = max(date.fromisoformat(min(counts)), last - timedelta(days=days - 1))
    totals: dict[str, int] = {}
    for when, per_outlet in counts.items():
        if date.fromisoformat(when) >= first:
            for outlet, articles in per_outlet.items():
                totals[outlet] = totals.get(outlet, 0) + articles
    outlets = sorted(totals, key=lambda name: (-totals[name], name))
    bars = []
    for offset in range((last - first).days + 1):
        when = (first + timedelta(days=offset)).isoformat()
        per_outlet = counts.get(when, {})
        segments = tuple((o, per_outlet[o]) for o in outlets if per_outlet.get(o))
        bars.append(Bar(when, sum(n for _, n in segments), segments))
    colors = {outlet: PALETTE[i % len(PALETTE)] for i, outlet in enumerate(outlets)}
    return DayChart(bars, outlets, colors, max(bar.total for bar in bars))
