"""Search index benchmark: what the Arabic folding costs when indexing, and the migration's rebuild.

    python -m bench.search_bench [--articles 20000]

Builds an archive of synthetic articles (half French-like from bench.archive_bench, half Arabic-like
words with hamza forms, ta marbuta, alef maqsura and some harakat), then, in the same run, indexes
every article twice into fresh FTS5 tables with the archive's tokenizer: once with the folding
(what the triggers and migration 8 do), once without (the baseline). The ratio of the two is the
folding's indexing cost; the folded run's time is what migration 8 takes on such an archive.
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from archive.db import Archive
from archive.models import Article
from archive.search import TOKENIZER, fold_arabic, fold_select
from bench.archive_bench import batches, synthetic

LETTERS = "ابتثجحخدذرزسشصضطظعغفقكلمنهوي"
VARIANTS = "أإآةىءؤئ"
MARKS = "\u064e\u064f\u0650\u0651\u0652"


def arabic_words(count: int, rng: random.Random) -> list[str]:
    words = []
    for _ in range(count):
        word = "".join(rng.choice(LETTERS) for _ in range(rng.randint(2, 6)))
        if rng.random() < 0.3:
            word = rng.choice(VARIANTS) + word
        if rng.random() < 0.2:
            word += "ة"
        if rng.random() < 0.05:
            word = word[:1] + rng.choice(MARKS) + word[1:]
        words.append(word)
    return words


def arabic(count: int, seed: int = 2) -> Iterator[Article]:
    rng = random.Random(seed)
    vocab = arabic_words(5000, rng)
    for index in range(count):
        text = "\n".join(" ".join(rng.choices(vocab, k=90)) + "." for _ in range(5))
        yield Article(url=f"https://ar.example/{index}", title=" ".join(rng.choices(vocab, k=8)),
                      text=text, outlet="hespress-ar", language="ar",
                      published=f"2025-01-{1 + index % 28:02d}T10:00:00+00:00")  # fmt: skip


def index_seconds(archive: Archive, table: str, folded: bool) -> float:
    conn = archive.conn
    conn.execute(
        f'CREATE VIRTUAL TABLE temp.{table} USING fts5(title, text, tokenize="{TOKENIZER}")'
    )
    select = (fold_select(["id"], ["title", "text"], source="articles") if folded
              else "SELECT id, title, text FROM articles")  # fmt: skip
    started = time.process_time()
    conn.execute(f"INSERT INTO temp.{table}(rowid, title, text) {select}")
    return time.process_time() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=20_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="akhbar-search-bench-") as folder:
        path = Path(folder) / "bench.db"
        with Archive(path) as archive:
            half = args.articles // 2
            for batch in batches(synthetic(half), 500):
                archive.add_many(batch)
            for batch in batches(arabic(args.articles - half), 500):
                archive.add_many(batch)
            stored = archive.conn.execute("SELECT count(*) FROM articles").fetchone()[0]
            rounds = [(index_seconds(archive, f"plain{i}", False),
                       index_seconds(archive, f"folded{i}", True)) for i in range(3)]  # fmt: skip
            plain = statistics.median(r[0] for r in rounds)
            folded = statistics.median(r[1] for r in rounds)
            timings = []
            variants = [w for w in arabic_words(5000, random.Random(2)) if fold_arabic(w) != w]
            for query in [*(fold_arabic(w) for w in variants[:20]), "mare*", "ma ro OR ti"]:
                started = time.perf_counter()
                archive.search(query, 20)
                timings.append((time.perf_counter() - started) * 1000)
    print(f"search bench: {stored:,} articles (half French-like, half Arabic-like), 3 rounds")
    print(f"index without folding: {plain:.2f} CPU-s; with folding: {folded:.2f} CPU-s "
          f"(x{folded / plain:.2f}); migration 8 rebuild ~ {folded / stored * 1e4:.2f} CPU-s "
          "per 10,000 articles")  # fmt: skip
    print("search (top 20; 20 Arabic words typed without their variant letters, 2 French): "
          f"median {statistics.median(timings):.1f} ms, "
          f"max {max(timings):.1f} ms")  # fmt: skip


if __name__ == "__main__":
    main()
