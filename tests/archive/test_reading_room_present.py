"""The reading room's pure presentation helpers (the Jinja filters and the chart's data)."""

from __future__ import annotations

from archive.reading_room.present import (
    MARK_END,
    MARK_START,
    day_chart,
    direction,
    display_url,
    marked,
    names,
    paragraphs,
    text_attributes,
)


def test_direction_follows_the_language() -> None:
    assert [direction(code) for code in ("ar", "ar-MA", "fa", "fr", "en", None, "")] == [
        "rtl", "rtl", "rtl", "ltr", "ltr", "auto", "auto",
    ]  # fmt: skip
    assert text_attributes("ar") == 'dir="rtl" lang="ar"'
    assert text_attributes(None) == 'dir="auto"'


def test_urls_are_shown_decoded() -> None:
    url = "https://www.hespress.com/%D8%A5%D8%B7%D9%84%D8%A7%D9%82-1.html?page=2"
    assert display_url(url) == "www.hespress.com/إطلاق-1.html?page=2"
    assert display_url("https://xn--mgbh0fb.example/") == "مثال.example"
    assert display_url("https://bad.xn--zz/%ZZ") == "bad.xn--zz/%ZZ"  # left as it is
    assert display_url("http://127.0.0.1:8080/a%20b") == "127.0.0.1:8080/a b"


def test_snippets_are_escaped_and_marked() -> None:
    snippet = f"<b>pas du HTML</b> {MARK_START}eau{MARK_END} & pluie"
    assert marked(snippet) == "&lt;b&gt;pas du HTML&lt;/b&gt; <mark>eau</mark> &amp; pluie"


def test_paragraphs_and_names() -> None:
    assert paragraphs("Un.\n\n  Deux.  \n") == ["Un.", "Deux."]
    assert names('["سعيد الإدريسي", " "]') == ["سعيد الإدريسي"]
    assert names("La Rédaction") == ["La Rédaction"]


def test_day_chart_keeps_the_empty_days_of_sparse_data() -> None:
    chart = day_chart(
        [("2025-03-01", "h24", 2), ("2025-03-05", "lematin", 1), ("2025-03-05", "h24", 1)]
    )
    assert [bar.day for bar in chart.bars][:2] == ["2025-03-01", "2025-03-02"]
    assert len(chart.bars) == 5 and chart.peak == 2
    assert [bar.total for bar in chart.bars] == [2, 0, 0, 0, 2]
    assert chart.outlets == ["h24", "lematin"]  # most articles first
    assert chart.bars[4].segments == (("h24", 1), ("lematin", 1))


def test_day_chart_shows_the_last_days_only() -> None:
    chart = day_chart([("2024-01-01", "a", 1), ("2025-03-01", "a", 3)], days=60)
    assert chart.first_day == "2025-01-01" and chart.last_day == "2025-03-01"
    assert day_chart([]).bars == []
