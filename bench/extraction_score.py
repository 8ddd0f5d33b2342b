"""Scorers of the extraction benchmark: body text, titles, dates and authors against ground truth.

Two body metrics, each its benchmark's own:
- scrapinghub (shingles): `\\w+` tokens (case kept), 4-token shingles; per page tp/fp/fn over the
  shingle multisets, normalised to sum to 1; precision is the mean over pages that predicted
  something, recall the mean over pages with expected text, F1 = 2PR/(P+R) of the two means;
  accuracy is the share of pages whose token sequence is exactly right.
- WCXB (words): lower-cased `\\w+` tokens; per page precision, recall and F1 of the multiset
  overlap; each averaged over the pages (an empty prediction scores 0).

Metadata, each compared the same way on both sides:
- a title matches when it is the same text up to case, accents, punctuation and spaces (`fold`:
  "Plant-Based" = "plant based", "’" = "'"); a subtitle more or less is a miss;
- a date when it falls on the day the ground truth gives, both as written (no zone conversion:
  2024-01-11T19:30-05:00 is not 2024-01-12); a truth that gives only a month ("2015-11") or a
  year is matched at that precision;
- authors when the two sets of names are equal: both sides split on commas, semicolons, "&",
  "and" and "with"; a piece that is a credential ("MD", "PhD", "MPH", "R.D.", "CFP®") is no
  name and is dropped, and so is an honorific before a name ("Dr.", "Prof."); then compared
  like titles.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

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
    pages: int


def summarize(scores: Iterable[PageScore]) -> Summary:
    """Mean precision (pages that predicted), mean recall (pages with truth), F1, accuracy."""
    scores = list(scores)
    predicted = [s.precision for s in scores if s.predicted]
    expected = [s.recall for s in scores if s.expected]
    precision = sum(predicted) / len(predicted) if predicted else 0.0
    recall = sum(expected) / len(expected) if expected else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    accuracy = sum(s.exact for s in scores) / len(scores) if scores else 0.0
    return Summary(precision, recall, f1, accuracy, len(scores))


@dataclass(frozen=True)
class WordScore:
    """Word-level precision, recall and F1 of one page (WCXB's metric)."""

    precision: float
    recall: float

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def word_score(true: str | None, pred: str | None) -> WordScore:
    """Overlap of the lower-cased word multisets of a prediction and its ground truth."""
    want = Counter(tokens((true or "").lower()))
    got = Counter(tokens((pred or "").lower()))
    shared = sum((want & got).values())
    precision = shared / sum(got.values()) if got else 0.0
    recall = shared / sum(want.values()) if want else 0.0
    return WordScore(precision, recall)


def mean(values: Iterable[float]) -> float:
    values = list(values)
    return sum(values) / len(values) if values else 0.0


def fold(text: str) -> str:
    """Case-, accent-, punctuation- and space-insensitive form of a short string."""
    text = unicodedata.normalize("NFKD", text.casefold())
    text = "".join(c for c in text if not unicodedata.combining(c))
    return " ".join(TOKEN.findall(text))


def same_title(true: str, pred: str | None) -> bool:
    return bool(pred) and fold(true) == fold(pred or "")


def same_day(true: str, pred: str | None) -> bool:
    """Does the predicted ISO date fall on the true day (both as written: no zone conversion)?
    A truth of a month ("2015-11") or a year is compared at its own precision."""
    precision = min(len(true.strip()), 10)
    return bool(pred) and (pred or "")[:precision] == true[:precision]


NAME_SEPARATORS = re.compile(r"\s*[,;&]\s*|\s+(?:and|with)\s+", re.IGNORECASE)
CREDENTIAL = re.compile(
    r"^(?:[A-Z]{2,5}|Ph\.?D\.?|[A-Z][a-z]?(?:\.[A-Z][a-z]?)+\.?|Jr\.?|Sr\.?)\W*$"
)
HONORIFIC = re.compile(r"^(?:dr|prof|mr|mrs|ms|mx)\.?\s+", re.IGNORECASE)


def author_set(names: Iterable[str]) -> frozenset[str]:
    """The folded names in some author strings, split on the usual separators; credentials
    ("MD", "PhD") and honorifics ("Dr.") are no names."""
    parts = (p.strip() for name in names for p in NAME_SEPARATORS.split(name))
    found = {fold(HONORIFIC.sub("", p)) for p in parts if p and not CREDENTIAL.match(p)}
    return frozenset(found - {""})


def same_authors(true: str, pred: Iterable[str]) -> bool:
    return author_set([true]) == author_set(pred)
