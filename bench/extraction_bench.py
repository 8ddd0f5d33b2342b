"""Extraction benchmark: akhbar's `extract` beside plain trafilatura, same pages, same run.

Two sets (bench/extraction_data.py; sources and licences in bench/data/*/README.md):
- scrapinghub's article-extraction benchmark, 181 articles: body text, its shingle metric;
- the WCXB test split, 511 pages of seven types: on articles, body word F1 (its metric), titles,
  dates (same day) and authors (exact set), for the whole set and for each half (A, B: split by
  domain, to tune on one and check on the other); on the other types, how many akhbar refuses
  (and as what) and how well each extractor does on the pages it kept. Articles akhbar refused
  are listed.

akhbar's figures are what it archives: `extract()`'s article (a refused page predicts nothing).
trafilatura is `bare_extraction(with_metadata=True)`: its text with comments, as
`trafilatura.extract` returns it by default, and its title, date and authors.
Scorers: bench/extraction_score.py. `--cost` measures CPU instead (bench/extraction_cost.py).

    akhbar bench extraction [--set all|scrapinghub|wcxb] [--worst N] [--cost]
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from importlib.metadata import version

from bench.extraction_data import BenchPage, load_scrapinghub, load_wcxb
from bench.extraction_score import (
    SHINGLE,
    Summary,
    WordScore,
    mean,
    same_authors,
    same_day,
    same_title,
    score_page,
    summarize,
    word_score,
)

AKHBAR = "akhbar extract"
TRAFILATURA = "trafilatura default"
PRECISE = "trafilatura favor_precision, no comments"


@dataclass(frozen=True)
class Prediction:
    """What an extractor made of one page."""

    text: str | None
    title: str | None = None
    date: str | None = None
    authors: tuple[str, ...] = ()
    refused: str | None = None


Extractor = Callable[[BenchPage], Prediction]


def akhbar(page: BenchPage) -> Prediction:
    from crawler.extract import extract

    result = extract(page.html, page.url)
    article = result.article
    if article is None:
        return Prediction(None, refused=result.refused)
    return Prediction(article.text, article.title, article.published, article.authors)


def trafilatura_default(page: BenchPage) -> Prediction:
    import trafilatura

    doc = trafilatura.bare_extraction(page.html, url=page.url or None, with_metadata=True)
    if doc is None:
        return Prediction(None)
    text = "\n".join(t for t in (doc.text, doc.comments) if t)
    authors = tuple(a.strip() for a in (doc.author or "").split(";") if a.strip())
    return Prediction(text, doc.title, doc.date, authors)


def trafilatura_precise(page: BenchPage) -> Prediction:
    import trafilatura

    text = trafilatura.extract(
        page.html, url=page.url or None, favor_precision=True, include_comments=False
    )
    return Prediction(text)


Run = dict[str, Prediction]


def run(pages: list[BenchPage], extractor: Extractor, label: str) -> tuple[Run, float]:
    """Every page through one extractor; the predictions and the wall-clock seconds."""
    out: Run = {}
    started = time.perf_counter()
    for number, page in enumerate(pages, 1):
        out[page.id] = extractor(page)
        if number % 100 == 0:
            print(f"  {label}: {number}/{len(pages)}", file=sys.stderr, flush=True)
    return out, time.perf_counter() - started


def scrapinghub_report(pages: list[BenchPage], runs: Mapping[str, tuple[Run, float]]) -> list[str]:
    """The scrapinghub table: shingle precision, recall, F1, accuracy, refusals, seconds."""
    lines = [
        f"scrapinghub article-extraction: {len(pages)} articles, shingle metric (n={SHINGLE})",
        "| extractor | precision | recall | F1 | accuracy | refused | seconds |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, (preds, seconds) in runs.items():
        s: Summary = summarize(score_page(p.text, preds[p.id].text) for p in pages)
        refused = sum(1 for p in pages if preds[p.id].refused)
        lines.append(
            f"| {name} | {s.precision:.3f} | {s.recall:.3f} | {s.f1:.3f} | {s.accuracy:.3f} "
            f"| {refused} | {seconds:.1f} |"
        )
    return lines


def _share(hits: Iterable[bool]) -> str:
    values = list(hits)
    return f"{sum(values) / len(values):.1%} of {len(values)}" if values else "-"


def article_row(name: str, pages: list[BenchPage], preds: Run) -> str:
    """Body word precision/recall/F1, titles, dates, authors, refusals on article pages."""
    words = [word_score(p.text, preds[p.id].text) for p in pages]
    titles = [same_title(p.title, preds[p.id].title) for p in pages if p.title]
    dates = [same_day(p.date, preds[p.id].date) for p in pages if p.date]
    authors = [same_authors(p.authors, preds[p.id].authors) for p in pages if p.authors]
    refused = sum(1 for p in pages if preds[p.id].refused)
    return (
        f"| {name} | {len(pages)} | {mean(w.precision for w in words):.3f} "
        f"| {mean(w.recall for w in words):.3f} | {mean(w.f1 for w in words):.3f} "
        f"| {_share(titles)} | {_share(dates)} | {_share(authors)} | {refused} |"
    )


def wcxb_report(pages: list[BenchPage], ours: Run, base: Run) -> list[str]:
    """Article pages (all, half A, half B), then refusals and F1 per other page type."""
    articles = [p for p in pages if p.kind == "article"]
    lines = [
        f"WCXB test split: {len(pages)} pages, {len(articles)} articles; body word F1 "
        "(lower-cased \\w+ tokens, per-page mean); title exact, date same day, authors exact set",
        "| article pages | pages | precision | recall | F1 | title | date | authors | refused |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for label, subset in (
        ("all", articles),
        ("half A", [p for p in articles if p.half == "A"]),
        ("half B", [p for p in articles if p.half == "B"]),
    ):
        lines.append(article_row(f"akhbar, {label}", subset, ours))
        lines.append(article_row(f"trafilatura, {label}", subset, base))
    lines += ["", *other_types(pages, ours, base)]
    others = [p for p in pages if p.kind != "article"]
    kept_out = sum(1 for p in others if ours[p.id].refused)
    lines.append(f"non-article pages akhbar refused: {kept_out} of {len(others)}")
    refused = [p for p in articles if ours[p.id].refused]
    lines.append(f"article pages akhbar refused: {len(refused)}")
    lines += [f"  {p.id} {p.domain or p.url}: {ours[p.id].refused}" for p in refused]
    return lines


def other_types(pages: list[BenchPage], ours: Run, base: Run) -> list[str]:
    """Per page type: akhbar's refusals (and why); word F1 of both on the pages akhbar kept."""
    lines = [
        "| page type | pages | akhbar refused | akhbar F1 (kept) | trafilatura F1 (same pages) "
        "| trafilatura F1 (all) | refused as |",
        "|---|---|---|---|---|---|---|",
    ]
    for kind in sorted({p.kind for p in pages} - {"article"}):
        subset = [p for p in pages if p.kind == kind]
        kept = [p for p in subset if not ours[p.id].refused]

        def f1(run: Run, chosen: list[BenchPage]) -> float:
            scores: list[WordScore] = [word_score(p.text, run[p.id].text) for p in chosen]
            return mean(s.f1 for s in scores)

        reasons = Counter(ours[p.id].refused for p in subset if ours[p.id].refused)
        why = ", ".join(f"{reason} {count}" for reason, count in reasons.most_common())
        lines.append(
            f"| {kind} | {len(subset)} | {len(subset) - len(kept)} | {f1(ours, kept):.3f} "
            f"| {f1(base, kept):.3f} | {f1(base, subset):.3f} | {why} |"
        )
    return lines


def worst(pages: list[BenchPage], ours: Run, base: Run, count: int) -> list[str]:
    """akhbar's lowest word-F1 article pages, beside trafilatura's score on them."""
    articles = [p for p in pages if p.kind == "article"]
    scored = sorted(articles, key=lambda p: word_score(p.text, ours[p.id].text).f1)
    lines = [f"akhbar's {count} lowest article pages (word P/R, trafilatura's beside):"]
    for page in scored[:count]:
        a, b = word_score(page.text, ours[page.id].text), word_score(page.text, base[page.id].text)
        lines.append(
            f"  {page.id} {page.half} P {a.precision:.2f} R {a.recall:.2f} | trafilatura "
            f"P {b.precision:.2f} R {b.recall:.2f} | {page.url[:80]}"
        )
    return lines


def header() -> str:
    return (
        f"akhbar {version('akhbar')}, trafilatura {version('trafilatura')}, "
        f"{time.strftime('%Y-%m-%d')}"
    )


def quality(chosen: str, worst_count: int) -> list[str]:
    """Every table of the quality benchmark, for the chosen sets."""
    lines = [header()]
    if chosen in ("all", "scrapinghub"):
        pages = load_scrapinghub()
        runs = {
            name: run(pages, extractor, f"scrapinghub, {name}")
            for name, extractor in ((AKHBAR, akhbar), (TRAFILATURA, trafilatura_default),
                                    (PRECISE, trafilatura_precise))
        }  # fmt: skip
        lines += ["", *scrapinghub_report(pages, runs)]
    if chosen in ("all", "wcxb"):
        pages = load_wcxb()
        ours, _ = run(pages, akhbar, f"wcxb, {AKHBAR}")
        base, _ = run(pages, trafilatura_default, f"wcxb, {TRAFILATURA}")
        lines += ["", *wcxb_report(pages, ours, base)]
        if worst_count:
            lines += ["", *worst(pages, ours, base, worst_count)]
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--set", choices=("all", "scrapinghub", "wcxb"), default="all")
    parser.add_argument("--worst", type=int, default=0, help="list akhbar's N lowest WCXB pages")
    parser.add_argument("--cost", action="store_true", help="CPU per page instead of quality")
    parser.add_argument("--pages", type=int, default=500, help="bench-site pages for --cost")
    args = parser.parse_args(argv)
    if args.cost:
        from bench.extraction_cost import cost_report

        lines = cost_report(args.pages)
    else:
        lines = quality(args.set, args.worst)
    for line in lines:
        print(line, flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
