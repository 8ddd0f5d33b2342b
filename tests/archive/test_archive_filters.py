"""The Python API checks its date filters as the CLI does: a malformed date never quietly
selects the wrong articles (archive/filters.py)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from archive.db import Archive
from archive.errors import ArchiveError, ArchiveFilterError
from archive.filters import Bound, parse_bound


@pytest.mark.parametrize("value", ["01/02/2025", "2025/01/01", "yesterday", "2025-13-01", ""])
@pytest.mark.parametrize("name", ["since", "until"])
def test_a_malformed_date_raises_at_the_call(filled: Archive, value: str, name: str) -> None:
    with pytest.raises(ArchiveFilterError) as raised:
        filled.articles(**{name: value})  # raised here, not at the first row
    assert str(raised.value) == (
        f"{name}: {value!r} is not a date or time: use ISO 8601 (2025-02-01, 2025-02-01T10:00, "
        "2025-02-01T10:00+01:00) or a span back from now (7d, 24h, 2w)"
    )
    assert isinstance(raised.value, ArchiveError) and isinstance(raised.value, ValueError)
    with pytest.raises(ArchiveFilterError):
        filled.count(**{name: value})


def test_dates_and_datetimes_are_accepted(filled: Archive) -> None:
    assert [a.outlet for a in filled.articles(since=date(2025, 3, 2))] == ["hespress-ar"]
    moment = datetime(2025, 3, 1, 9, 0, tzinfo=timezone(timedelta(hours=1)))  # 08:00 UTC
    assert [a.outlet for a in filled.articles(since=moment)] == ["h24", "hespress-ar"]
    naive = datetime(2025, 3, 1, 8, 1)  # UTC
    assert [a.outlet for a in filled.articles(since=naive)] == ["hespress-ar"]


@pytest.mark.parametrize(
    ("value", "bound"),
    [
        ("2025-02-01", Bound("2025-02-01", is_day=True)),
        ("2025-02-01T10:00", Bound("2025-02-01 10:00:00", is_day=False)),
        ("2025-02-01 10:00:30", Bound("2025-02-01 10:00:30", is_day=False)),
        ("2025-02-01T10:00+01:00", Bound("2025-02-01 09:00:00", is_day=False)),
        ("2025-02-01T10:00:00.250Z", Bound("2025-02-01 10:00:00", is_day=False)),
        ("7d", Bound("2026-11-26 12:00:00", is_day=False)),
        ("24h", Bound("2026-12-02 12:00:00", is_day=False)),
        ("2W", Bound("2026-11-19 12:00:00", is_day=False)),
    ],
)
def test_the_accepted_forms(value: str, bound: Bound) -> None:
    assert parse_bound(value, now=datetime(2026, 12, 3, 12, 0, tzinfo=UTC)) == bound


def test_a_relative_span_counts_back_from_now(filled: Archive) -> None:
    assert filled.count(since="24h") == 0
    assert filled.count(since="1000w") == 4
