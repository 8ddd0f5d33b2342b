"""Dates in markup and written out in French, Arabic, Spanish, English: parsed to ISO 8601.

Pure functions. Every result is ISO 8601 with a timezone; a value that carries none is read in
the page's zone (a `Reading`, chosen by crawler/extract/dates.py; Africa/Casablanca, the
Moroccan outlets' local time, when nothing says otherwise). Formats seen on Moroccan outlets:
"17 - 12 - 2020", "07/02/2025 - 22:34", "23.04.2025 - 18:37", "Le 12 octobre 2023 à 15h38",
"16 mai 2023", "الثلاثاء 11 مارس 2025 - 15:20", and the Moroccan month names
(ماي, يوليوز, غشت, شتنبر, نونبر, دجنبر).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, tzinfo
from zoneinfo import ZoneInfo

LOCAL_TZ = ZoneInfo("Africa/Casablanca")

_MONTHS: dict[int, tuple[str, ...]] = {
    1: ("janvier", "janv", "enero", "january", "jan", "يناير", "كانون الثاني", "جانفي", "ينايِر"),
    2: (
        "février",
        "fevrier",
        "févr",
        "fevr",
        "febrero",
        "february",
        "feb",
        "فبراير",
        "شباط",
        "فيفري",
    ),
    3: ("mars", "marzo", "march", "mar", "مارس", "آذار", "اذار"),
    4: (
        "avril",
        "avr",
        "abril",
        "april",
        "apr",
        "أبريل",
        "ابريل",
        "إبريل",
        "نيسان",
        "أفريل",
        "افريل",
    ),
    5: ("mai", "mayo", "may", "ماي", "مايو", "أيار", "ايار"),
    6: ("juin", "junio", "june", "jun", "يونيو", "يونيه", "حزيران", "جوان"),
    7: ("juillet", "juil", "julio", "july", "jul", "يوليوز", "يوليو", "يوليه", "تموز", "جويلية"),
    8: ("août", "aout", "agosto", "august", "aug", "غشت", "أغسطس", "اغسطس", "آب", "أوت", "اوت"),
    9: (
        "septembre",
        "sept",
        "septiembre",
        "setiembre",
        "september",
        "sep",
        "شتنبر",
        "سبتمبر",
        "أيلول",
    ),
    10: ("octobre", "oct", "octubre", "october", "أكتوبر", "اكتوبر", "تشرين الأول", "تشرين الاول"),
    11: ("novembre", "nov", "noviembre", "november", "نونبر", "نوفمبر", "تشرين الثاني"),
    12: (
        "décembre",
        "decembre",
        "déc",
        "dec",
        "diciembre",
        "december",
        "دجنبر",
        "ديسمبر",
        "كانون الأول",
    ),
}
_MONTH_BY_NAME = {name: num for num, names in _MONTHS.items() for name in names}
_MONTH_ALT = "|".join(sorted((re.escape(n) for n in _MONTH_BY_NAME), key=len, reverse=True))

_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
# "- 22:34", "à 15h38", ", 10:05", "a las 10:05", "الساعة 15:20", "at 9:30 pm"
_TIME = (
    r"(?:\s*(?:-|–|à|a|,|at|a las|على الساعة|الساعة|\|)?\s*"
    r"(?P<hour>[01]?\d|2[0-3])\s*[:hH]\s*(?P<minute>[0-5]\d)(?:\s*:\s*(?P<second>[0-5]\d))?"
    r"(?:\s*(?P<ampm>am|pm|AM|PM))?)?"
)
_NUMERIC = re.compile(
    r"(?<![\d/.-])(?P<day>[0-3]?\d)\s*(?P<sep>[-/.])\s*(?P<month>[0-3]?\d)\s*(?P=sep)\s*"
    r"(?P<year>(?:19|20)\d\d)(?!\d)" + _TIME
)
_ISO_DAY = re.compile(
    r"(?<!\d)(?P<year>(?:19|20)\d\d)-(?P<month>[01]\d)-(?P<day>[0-3]\d)"
    r"(?:[T ](?P<hour>[01]\d|2[0-3]):(?P<minute>[0-5]\d)(?::(?P<second>[0-5]\d))?)?(?!\d)"
)
_NAMED = re.compile(
    r"(?<!\w)(?P<day>[0-3]?\d)(?:er|º)?\s+(?:de\s+)?(?P<mname>"
    + _MONTH_ALT
    + r")\.?,?\s+(?:de\s+)?"
    r"(?P<year>(?:19|20)\d\d)(?!\d)" + _TIME,
    re.IGNORECASE,
)
_NAMED_EN = re.compile(
    r"(?<!\w)(?P<mname>" + _MONTH_ALT + r")\.?\s+(?P<day>[0-3]?\d)(?:st|nd|rd|th)?,?\s+"
    r"(?P<year>(?:19|20)\d\d)(?!\d)" + _TIME,
    re.IGNORECASE,
)


# Where a written date begins: "December 6, 2017", "6 December", "on November 14, 2019"
DATE_START = re.compile(
    r"(?:\s+(?:on|le|el|am|at|à|the))?\s+(?:(?:"
    + _MONTH_ALT
    + r")\.?\s+\d|\d{1,2}\s+(?:"
    + _MONTH_ALT
    + r")\b|\d{1,4}[/.-]\d)",
    re.IGNORECASE,
)


def month_number(name: str) -> int | None:
    """The month a French, Spanish, English or Arabic (Moroccan, Levantine...) name stands for."""
    return _MONTH_BY_NAME.get(name.strip().rstrip(".").lower())


@dataclass(frozen=True)
class Reading:
    """How a page writes its dates: the zone of a time written without one, and whether a
    numeric date puts the month first (04/03/2025 is April 3 on an en-US page)."""

    zone: tzinfo = LOCAL_TZ
    month_first: bool = False


MOROCCAN = Reading()


def _build(
    year: int,
    month: int,
    day: int,
    clock: tuple[int, int, int] = (0, 0, 0),
    zone: tzinfo = LOCAL_TZ,
) -> str | None:
    try:
        moment = datetime.combine(date(year, month, day), time(*clock), tzinfo=zone)
    except ValueError:
        return None
    return moment.isoformat()


def _from_match(match: re.Match[str], month: int, reading: Reading = MOROCCAN) -> str | None:
    groups = match.groupdict()
    hour = int(groups["hour"]) if groups.get("hour") else 0
    minute = int(groups["minute"]) if groups.get("minute") else 0
    second = int(groups["second"]) if groups.get("second") and groups.get("hour") else 0
    ampm = (groups.get("ampm") or "").lower()
    if ampm == "pm" and hour < 12:
        hour += 12
    elif ampm == "am" and hour == 12:
        hour = 0
    day = int(groups["day"])
    if match.re is _NUMERIC and (reading.month_first or month > 12) and day <= 12:
        day, month = month, day  # 04/03/2025 on an en-US page; 03/25/2025 anywhere
    clock = (hour, minute, second)
    return _build(int(groups["year"]), month, day, clock, reading.zone)


def parse_date_text(text: str, reading: Reading = MOROCCAN) -> str | None:
    """The first date written in `text` (numeric d-m-y, ISO, or with a month name), or None."""
    if not text:
        return None
    text = text.translate(_DIGITS).replace("\u00a0", " ")
    found: list[tuple[int, str]] = []
    for pattern in (_NUMERIC, _ISO_DAY, _NAMED, _NAMED_EN):
        for match in pattern.finditer(text):
            if "mname" in match.groupdict():
                month = month_number(match["mname"])
            else:
                month = int(match["month"])
            value = _from_match(match, month, reading) if month else None
            if value:
                found.append((match.start(), value))
                break
    return min(found)[1] if found else None


def normalize_iso(value: str | None, reading: Reading = MOROCCAN) -> str | None:
    """A structured date (meta, JSON-LD, `<time datetime>`) as ISO 8601 with a timezone (the
    reading's zone when the value has none)."""
    if not value:
        return None
    value = value.strip()
    candidate = value.replace("Z", "+00:00").replace(" ", "T", 1)
    candidate = re.sub(r"([+-]\d\d)(\d\d)$", r"\1:\2", candidate)  # +0100 -> +01:00
    try:
        moment = datetime.fromisoformat(candidate)
    except ValueError:
        return parse_date_text(value, reading)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=reading.zone)
    return moment.isoformat()


def has_time(iso: str | None) -> bool:
    """Does this ISO value say more than the day (a time other than midnight)?"""
    return bool(iso) and "T00:00:00" not in str(iso)


def is_date_line(line: str) -> bool:
    """Is this short line essentially a date (the dateline repeated at the top of a body)?"""
    stripped = line.strip()
    if len(stripped) > 80 or not parse_date_text(stripped):
        return False
    rest = _NUMERIC.sub("", stripped.translate(_DIGITS))
    rest = _NAMED_EN.sub("", _NAMED.sub("", _ISO_DAY.sub("", rest)))
    return len(re.findall(r"\w+", rest)) <= 6


# What a date beside these words is: when the article came out, or when it was changed since
PUBLISHED_LABEL = re.compile(
    r"(?<!\w)(?:(?:originally |first )?published|posted|date posted|post(?:ing)? (?:date|time)|"
    r"publié(?:e)?|publicado|"
    r"publicada|pubblicato|veröffentlicht|erschienen|نشر|نُشر|تاريخ النشر)(?!\w)",
    re.IGNORECASE,
)
UPDATED_LABEL = re.compile(
    r"(?<!\w)(?:(?:last )?updated|(?:last )?modified|last edit(?:ed)?|"
    r"(?:peer |medically |fact[- ])?(?:reviewed|checked)|next review(?: due)?|"
    r"mis à jour|actualizado|actualizada|aktualisiert|آخر تحديث|تحديث)(?!\w)",
    re.IGNORECASE,
)
PUBLISHED, UNLABELLED, UPDATED = "published", "", "updated"


def labelled_dates(text: str, reading: Reading = MOROCCAN) -> list[tuple[str, str]]:
    """The dates written in `text`, each with what its label says it is (PUBLISHED, UPDATED or
    UNLABELLED): "Posted 2024-01-12 - Updated 2024-01-13" gives both; a label may also follow
    its date ("3 Sept 2024 | Originally published")."""
    marks = sorted(
        [(m.start(), m.end(), PUBLISHED) for m in PUBLISHED_LABEL.finditer(text)]
        + [(m.start(), m.end(), UPDATED) for m in UPDATED_LABEL.finditer(text)]
    )
    cuts = [(0, 0, UNLABELLED), *marks]
    found: list[tuple[str, str]] = []
    for index, (_, end, kind) in enumerate(cuts):
        stop = cuts[index + 1][0] if index + 1 < len(cuts) else len(text)
        value = parse_date_text(text[end:stop], reading)
        if value:
            found.append((kind, value))
        elif kind and found and found[-1][0] == UNLABELLED and not text[end:stop].strip(" :"):
            found[-1] = (kind, found[-1][1])  # a label after its date, at the end of a segment
    return found
