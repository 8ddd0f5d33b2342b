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


def _with_examples(record: OutletRunRecord, **examples: list[str]) -> OutletRunRecord:
    return OutletRunRecord(
        record.run_id, "o", None, None, record.counters, record.errors, dict(examples)
    )


def test_a_failing_declared_source_is_named_with_what_was_found_instead() -> None:
    run = _with_examples(
        _run(1, {"http_404": 1}, discovery_ok=1, articles_new=5),
        sources_failed=["feed https://o.ma/feed/: http_404 (1 run in a row)"],
        sources_found=["feed https://o.ma/rss.xml (home page link)"],
    )
    (finding,) = health.check([run])
    assert (finding.problem, finding.detail) == (
        "sources",
        "declared feed https://o.ma/feed/: http_404 (1 run in a row); "
        "found on the site: feed https://o.ma/rss.xml (home page link)",
    )


def test_articles_missing_the_pattern_are_shown_with_the_pattern() -> None:
    urls = [f"https://o.ma/a-{i}_a{i}.html" for i in range(5)]
    run = _with_examples(
        _run(1, discovery_ok=1, articles_new=5, pattern_missed=5),
        pattern_missed=urls,
        article_pattern=[r"/\d+\.html$"],
    )
    (finding,) = health.check([run])
    assert finding.problem == "pattern"
    assert finding.detail == (
        r"5 archived articles missed article_pattern '/\d+\.html$'; fix it: e.g. "
        + ", ".join(urls[:3])
    )


def test_a_hint_that_misses_most_articles_is_reported_not_an_occasional_one() -> None:
    stale = _with_examples(
        _run(1, discovery_ok=1, articles_new=4, **{"hint_missed:body": 4}),
        hint_missed=["body div.old-body"],
    )
    assert health.check([stale])[0].detail == (
        "extraction hints ignored (matched nothing, or would drop the body): "
        "body div.old-body on 4 of 4 articles"
    )
    once = _run(1, discovery_ok=1, articles_new=9, **{"hint_missed:date": 1})
    assert _problems(once) == []
