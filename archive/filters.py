"""Checked date filters of the archive's queries (`since`, `until`).

A bound is a day (`2025-02-01`), a time with or without a zone (`2025-02-01T10:00`, read as UTC;
`2025-02-01T10:00+01:00`, `2025-02-01T09:00Z`), a span back from now (`7d`, `24h`, `2w`), or a
`date`/`datetime` object. A day compares with the day the outlet dated the article (its own local
date); a time or a span with the moment the article was published. Both bounds are inclusive.
Anything else raises ArchiveFilterError naming the value and these forms: a typo must never
quietly select the wrong articles.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from archive.errors import ArchiveFilterError

DATE_FORMS = (
    "use ISO 8601 (2025-02-01, 2025-02-01T10:00, 2025-02-01T10:00+01:00) "
    "or a span back from now (7d, 24h, 2w)"
)
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_TIME = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:?\d{2})?")
_SPAN = re.compile(r"(\d{1,6})([hdw])")
_SPAN_UNITS = {"h": "hours", "d": "days", "w": "weeks"}
_SQL_TIME = "%Y-%m-%d %H:%M:%S"  # the form SQLite's datetime() returns, in UTC


@dataclass(frozen=True)
class Bound:
    """One checked bound: a day (`2025-02-01`) or a UTC moment (`2025-02-01 09:00:00`)."""

    value: str
    is_day: bool


Moment = str | date | datetime


def parse_bound(value: Moment, name: str = "date", now: datetime | None = None) -> Bound:
    """The bound `value` stands for, or ArchiveFilterError `name: 'value' is not a date...`."""
    if isinstance(value, datetime):
        return _instant(value)
    if isinstance(value, date):
        return Bound(value.isoformat(), is_day=True)
    text = str(value).strip()
    try:
        if _DAY.fullmatch(text):
            return Bound(date.fromisoformat(text).isoformat(), is_day=True)
        if _TIME.fullmatch(text):
            return _instant(datetime.fromisoformat(text.replace("Z", "+00:00")))
    except ValueError:
        pass  # the form is right, the numbers are not (2025-02-30): said below
    span = _SPAN.fullmatch(text.lower())
    if span:
        delta = timedelta(**{_SPAN_UNITS[span[2]]: int(span[1])})
        return _instant((now or datetime.now(UTC)) - delta)
    raise ArchiveFilterError(f"{name}: {text!r} is not a date or time: {DATE_FORMS}")


def _instant(moment: datetime) -> Bound:
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return Bound(aware.astimezone(UTC).strftime(_SQL_TIME), is_day=False)


def date_clauses(
    dated: str, since: Moment | None, until: Moment | None
) -> tuple[list[str], list[str]]:
    """SQL conditions (and their parameters) keeping rows whose `dated` expression, an ISO 8601
    text, falls between the bounds."""
    clauses: list[str] = []
    params: list[str] = []
    for value, name, operator in ((since, "since", ">="), (until, "until", "<=")):
        if value is None:
            continue
        bound = parse_bound(value, name)
        column = f"substr({dated}, 1, 10)" if bound.is_day else f"datetime({dated})"
        clauses.append(f"{column} {operator} ?")
        params.append(bound.value)
    return clauses, params
