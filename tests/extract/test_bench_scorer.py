"""The benchmark's shingle scorer on tiny examples worked by hand."""

from __future__ import annotations

import pytest

from bench.extraction_score import same_authors, same_day, score_page, shingles, summarize


def test_shingles_of_a_short_text_are_one() -> None:
    assert shingles("a b") == {("a", "b"): 1}
    assert shingles("a b c d e") == {("a", "b", "c", "d"): 1, ("b", "c", "d", "e"): 1}


def test_exact_match() -> None:
    score = score_page("One two three four five.", "One, two; three four five")
    assert (score.tp, score.fp, score.fn, score.exact) == (1.0, 0.0, 0.0, True)


def test_extra_and_missing_text_by_hand() -> None:
    # truth: 6 tokens -> 3 shingles; prediction: truth + 2 tokens -> 5 shingles, 3 shared
    score = score_page("a b c d e f", "a b c d e f g h")
    assert score.tp == pytest.approx(3 / 5)
    assert score.fp == pytest.approx(2 / 5)
    assert score.fn == 0
    assert score.precision == pytest.approx(0.6)
    assert score.recall == 1.0
    assert not score.exact


def test_summary_means_and_empty_predictions() -> None:
    full = score_page("a b c d e f", "a b c d e f")
    empty = score_page("a b c d e f", "")
    summary = summarize([full, empty])
    assert summary.precision == 1.0  # only pages that predicted something
    assert summary.recall == 0.5  # every page with expected text
    assert summary.f1 == pytest.approx(2 * 1.0 * 0.5 / 1.5)
    assert summary.accuracy == 0.5


def test_a_date_truth_of_a_month_is_matched_at_its_precision() -> None:
    assert same_day("2015-11", "2015-11-01T00:00:00+01:00")
    assert not same_day("2015-11", "2015-12-01T00:00:00+01:00")
    assert same_day("2024-01-12", "2024-01-12T00:30:27+00:00")
    assert not same_day("2024-01-12", "2024-01-11T19:30:00-05:00")  # the same instant elsewhere


def test_credentials_and_honorifics_are_no_authors() -> None:
    assert same_authors("Angela Holliday-Bell, MD", ["Angela Holliday-Bell"])
    assert same_authors("Dr. Ang Xiao, Jessica Pan", ["Dr. Ang Xiao, PhD", "Jessica Pan, MPH"])
    assert same_authors("Elle Penner M.P.H., R.D.", ["Elle Penner M.P.H", "R.D"])
    assert not same_authors("Nicholas Azulay, Isabelle Brauer", ["Nicholas Azulay"])
    assert not same_authors("Linda McCall", ["Linda"])
