"""The health rules of `akhbar check`, each on a few hand-made run records (newest first)."""

from __future__ import annotations

from archive.records import OutletRunRecord
from crawler.run import health


def _run(run_id: int, errors: dict[str, int] | None = None, **counters: int) -> OutletRunRecord:
    return OutletRunRecord(run_id, "o", None, None, dict(counters), errors or {})


def _problems(*runs: OutletRunRecord) -> list[str]:
    return [f.problem for f in health.check(runs)]


def test_a_healthy_outlet_has_no_finding() -> None:
    runs = [_run(i, discovery_ok=2, articles_new=5, pages_refused=1) for i in (3, 2, 1)]
    assert _problems(*runs) == []


def test_blocked_is_said_once_not_also_as_unreachable() -> None:
    assert _problems(_run(1, {"blocked_cloudflare": 2})) == ["blocked"]


def test_unreachable_when_no_discovery_document_could_be_read() -> None:
    assert _problems(_run(1, {"timeout": 2, "http_503": 1})) == ["unreachable"]
    assert _problems(_run(1)) == []  # nothing tried, nothing failed: nothing to say


def test_stalled_when_new_pages_keep_coming_but_nothing_is_archived() -> None:
    stalled = [_run(i, discovery_ok=1, pages_refused=3) for i in (3, 2, 1)]
    assert "stalled" in _problems(*stalled)
    quiet = [_run(i, discovery_ok=1) for i in (3, 2, 1)]  # the feed did not move: fine
    assert _problems(*quiet) == []


def test_refusal_rate_jump_is_a_layout_change() -> None:
    before = [_run(i, discovery_ok=1, articles_new=9, pages_refused=1) for i in (2, 1)]
    now = _run(3, discovery_ok=1, articles_new=1, pages_refused=9)
    assert "refusals" in _problems(now, *before)


def test_losing_titles_is_reported_but_never_having_them_is_not() -> None:
    had = _run(1, discovery_ok=1, articles_new=5)
    lost = _run(2, discovery_ok=1, articles_new=5, articles_missing_title=5)
    assert _problems(lost, had) == ["no-titles"]
    never = [_run(i, discovery_ok=1, articles_new=5, articles_missing_title=5) for i in (2, 1)]
    assert _problems(*never) == []
