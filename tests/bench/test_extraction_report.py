"""The WCXB report of the extraction benchmark, on a few pages made up for it."""

from __future__ import annotations

from bench.extraction_bench import Prediction, wcxb_report
from bench.extraction_data import BenchPage


def _page(page_id: str, kind: str, **truth: str) -> BenchPage:
    return BenchPage(
        page_id, f"https://x.example/{page_id}", "<html></html>", "one two", kind, **truth
    )


def test_the_report_counts_refusals_per_type_and_why() -> None:
    pages = [
        _page("a1", "article", title="One two", date="2025-03-01", authors="Jo Smith"),
        _page("f1", "forum"),
        _page("f2", "forum"),
        _page("p1", "product"),
    ]
    ours = {
        "a1": Prediction("one two", "One two", "2025-03-01T09:00:00+00:00", ("Jo Smith",)),
        "f1": Prediction(None, refused="forum-page"),
        "f2": Prediction("one"),
        "p1": Prediction(None, refused="product-page"),
    }
    base = {key: Prediction("one two") for key in ours}
    lines = wcxb_report(pages, ours, base)
    assert (
        "| akhbar, all | 1 | 1.000 | 1.000 | 1.000 | 100.0% of 1 | 100.0% of 1 | 100.0% of 1 | 0 |"
        in lines
    )
    assert "| forum | 2 | 1 | 0.667 | 1.000 | 1.000 | forum-page 1 |" in lines
    assert "non-article pages akhbar refused: 2 of 3" in lines
    assert "article pages akhbar refused: 0" in lines
