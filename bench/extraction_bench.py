"""Extraction benchmark: akhbar's `extract_text` beside plain trafilatura, same pages, same run.

Data: bench/data/article-extraction/ (the scrapinghub article-extraction-benchmark, 181 pages with
ground truth; MIT licence, see its README). Metric (that benchmark's): texts split into `\\w+`
tokens, then 4-token shingles; per page tp/fp/fn over shingle multisets; precision is the mean over
pages that predicted something, recall the mean over pages with expected text, F1 = 2PR/(P+R);
accuracy is the share of pages whose token sequence is exactly right.

    python -m bench.extraction_bench [--data DIR] [--worst N]
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import time
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

DATA_DIR = Path(__file__).parent / "data" / "article-extraction"
TOKEN = re.compile(r"\w+", re.UNICODE)
SHINGLE = 4


def tokens(text: str | None) -> list[str]:
    return TOKEN.findall(text or "")


def shingles(text: str | None, n: int = SHINGLE) -> Counter[tuple[str, ...]]:
    """The multiset of n-token shingles (a text shorter than n is one shingle)."""
    words = tokens(text)
    return Counter(tuple(words[i : i + n]) for i in range(max(1, len(words) - n + 1)))


@dataclass(frozen=True)
class PageScore:
    """tp/fp/fn of one page, normalised to sum to 1, and whether the tokens match exactly."""

    tp: float
    fp: float
    fn: float
    predicted: bool
    expected: bool
    exact: bool

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0


def score_page(true: str | None, pred: str | None) -> PageScore:
    """Shingle matching of one prediction against its ground truth."""
    want, got = shingles(true), shingles(pred)
    tp = fp = fn = 0
    for key in want.keys() | got.keys():
        tp += min(want[key], got[key])
        fp += max(0, got[key] - want[key])
        fn += max(0, want[key] - got[key])
    total = tp + fp + fn or 1
    return PageScore(
        tp / total,
        fp / total,
        fn / total,
        predicted=bool(tokens(pred)),
        expected=bool(tokens(true)),
        exact=tokens(true) == tokens(pred),
    )


@dataclass(frozen=True)
class Summary:
    precision: float
    recall: float
    f1: float
    accuracy: float
    seconds: float
    pages: int


def summarize(scores: Iterable[PageScore], seconds: float = 0.0) -> Summary:
    """Mean precision (pages that predicted), mean recall (pages with truth), F1, accuracy."""
    scores = list(scores)
    predicted = [s.precision for s in scores if s.predicted]
    expected = [s.recall for s in scores if s.expected]
    precision = sum(predicted) / len(predicted) if predicted else 0.0
    recall = sum(expected) / len(expected) if expected else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    accuracy = sum(s.exact for s in scores) / len(scores) if scores else 0.0
    return Summary(precision, recall, f1, accuracy, seconds, len(scores))


@dataclass(frozen=True)
class Page:
    id: str
    url: str
    html: str
    truth: str


def load_pages(data: Path = DATA_DIR) -> list[Page]:
    """The benchmark's pages with their ground truth, in id order."""
    truth = json.loads((data / "ground-truth.json").read_text(encoding="utf-8"))
    pages = []
    for page_id in sorted(truth):
        raw = gzip.decompress((data / "html" / f"{page_id}.html.gz").read_bytes())
        html = raw.decode("utf-8", errors="replace")
        entry = truth[page_id]
        pages.append(Page(page_id, entry.get("url", ""), html, entry.get("articleBody", "")))
    return pages


Extractor = Callable[[str, str], "str | None"]


def run(pages: list[Page], extractor: Extractor) -> tuple[Summary, dict[str, PageScore]]:
    """Score one extractor on every page; the time is wall-clock for extraction only."""
    per_page: dict[str, PageScore] = {}
    spent = 0.0
    for page in pages:
        start = time.perf_counter()
        predicted = extractor(page.html, page.url)
        spent += time.perf_counter() - start
        per_page[page.id] = score_page(page.truth, predicted)
    return summarize(per_page.values(), spent), per_page


def extractors() -> Mapping[str, Extractor]:
    """akhbar and the trafilatura baselines, measured side by side."""
    import trafilatura

    from crawler.extract import extract_text

    def plain(html: str, url: str) -> str | None:
        return trafilatura.extract(html, url=url)

    def precise(html: str, url: str) -> str | None:
        return trafilatura.extract(html, url=url, favor_precision=True, include_comments=False)

    return {
        "akhbar extract_text": extract_text,
        "trafilatura 2.3.1 default": plain,
        "trafilatura favor_precision, no comments": precise,
    }


def table(results: Mapping[str, Summary]) -> str:
    """A Markdown table of the results."""
    rows = [
        "| extractor | precision | recall | F1 | accuracy | seconds |",
        "|---|---|---|---|---|---|",
    ]
    for name, s in results.items():
        rows.append(
            f"| {name} | {s.precision:.3f} | {s.recall:.3f} | {s.f1:.3f} | {s.accuracy:.3f} "
            f"| {s.seconds:.1f} |"
        )
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=DATA_DIR, help="benchmark directory")
    parser.add_argument("--worst", type=int, default=0, help="list akhbar's N lowest-F1 pages")
    args = parser.parse_args(argv)
    pages = load_pages(args.data)
    results: dict[str, Summary] = {}
    details: dict[str, dict[str, PageScore]] = {}
    for name, extractor in extractors().items():
        results[name], details[name] = run(pages, extractor)
    print(f"{len(pages)} pages, shingle metric (n={SHINGLE})")
    print(table(results))
    if args.worst:
        ours = details["akhbar extract_text"]
        base = details["trafilatura 2.3.1 default"]
        worst = sorted(ours.items(), key=lambda kv: kv[1].precision + kv[1].recall)[: args.worst]
        for page_id, s in worst:
            b = base[page_id]
            print(
                f"{page_id[:12]} P {s.precision:.2f} R {s.recall:.2f}"
                f" | trafilatura P {b.precision:.2f} R {b.recall:.2f}"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
