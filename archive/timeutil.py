"""Timestamps: ISO 8601, UTC, second precision, `Z` suffix; how precise an ISO value is."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

PRECISIONS = ("day", "minute", "second")  # what `published_precision` holds
UNDATED = "~"  # sorts after every date in `order_key`


def utc_now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def precision(iso: str) -> int:
    """How much an ISO value says: 0 the day only, 1 the minute, 2 the second (or finer)."""
    moment = datetime.fromisoformat(iso)
    if moment.second or moment.microsecond:
        return 2
    return 1 if moment.hour or moment.minute else 0


def more_precise(first: str, other: str | None) -> str:
    """`other` when it names the same moment as `first`, only more precisely (the seconds where
    `first` stops at the minute, a time where `first` has only the day); else `first`."""
    if not other:
        return first
    try:
        mine, theirs = datetime.fromisoformat(first), datetime.fromisoformat(other)
        level, finer = precision(first), precision(other)
    except ValueError:
        return first
    if finer <= level:
        return first
    local = theirs.astimezone(mine.tzinfo) if mine.tzinfo else theirs
    if level == 0:
        same = mine.date() in (local.date(), theirs.date())
    else:
        same = local.replace(second=0, microsecond=0) == mine.replace(second=0, microsecond=0)
    return other if same else first


def precision_name(iso: str | None) -> str | None:
    """`day`, `minute` or `second`: how precise a stored date is (None when there is none).

    A value at midnight sharp is read as the day alone, as extraction writes a day without a time.
    """
    if not iso:
        return None
    try:
        return PRECISIONS[precision(iso)]
    except ValueError:
        return None


def order_key(iso: str | None, level: str | None) -> str:
    """A UTC instant that orders publication dates like with like: a day alone stands for its
    last second (in its own offset), so it never comes before a time given on that same day.
    Undated values sort last. The SQL twin is `datetime(published, '+1 day', '-1 second')`."""
    if not iso:
        return UNDATED
    try:
        moment = datetime.fromisoformat(iso)
    except ValueError:
        return UNDATED
    if level == "day":
        moment = moment.replace(hour=0, minute=0, second=0, microsecond=0)
        moment += timedelta(days=1, seconds=-1)
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S")
