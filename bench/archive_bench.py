"""Archive benchmark: bulk ingest of synthetic ~3 KB articles, file size, search, export memory.

    python -m bench.archive_bench [--articles 1000000] [--batch 500] [--path FILE] [--keep]

Articles are synthetic French-like texts (a 5,000-word vocabulary of generated words, 450 words
each, about 3 KB). 2 % are exact re-fetches at another URL (duplicates) and 3 % near-duplicates of
a recent article with an agency signature line, so every ingest path runs. Insert rates are printed
per tenth of the run; the target is the last tenth at >= 80 % of the first. The export runs
`python -m crawler.cli.archive export --format jsonl` in a child process and reports its peak RSS
(VmHWM).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from archive import neardup
from archive.db import Archive
from archive.models import Article

REPO = Path(__file__).resolve().parents[1]
OUTLETS = ("lematin", "hespress-fr", "le360-fr", "medias24", "snrtnews-fr", "h24info")
SYLLABLES = "ma ro ca te li on pre sa ti que ment re de pa vi lo nu ber gou ver ne tion al es an"


def vocabulary(size: int, rng: random.Random) -> list[str]:
    words: set[str] = set()
    while len(words) < size:
        words.add("".join(rng.choice(SYLLABLES.split()) for _ in range(rng.randint(1, 4))))
    return sorted(words)


def synthetic(count: int, seed: int = 1) -> Iterator[Article]:
    rng = random.Random(seed)
    vocab = vocabulary(5000, rng)
    recent: list[Article] = []
    for index in range(count):
        outlet = OUTLETS[index % len(OUTLETS)]
        day = f"2025-{1 + index % 12:02d}-{1 + index % 28:02d}"
        roll = rng.random()
        if recent and roll < 0.02:  # the same text fetched at another URL
            base = rng.choice(recent)
            yield Article(url=f"{base.url}?utm_source=feed", title=base.title, text=base.text,
                          outlet=base.outlet, language="fr", published=base.published)  # fmt: skip
            continue
        if recent and roll < 0.05:  # an agency wire republished with a signature
            base = rng.choice(recent)
            text = base.text + "\n(Avec MAP)"
        else:
            paragraphs = [" ".join(rng.choices(vocab, k=90)) + "." for _ in range(5)]
            text = "\n".join(paragraphs)
        article = Article(
            url=f"https://{outlet}.example/{day}/article-{index}",
            title=" ".join(rng.choices(vocab, k=8)),
            text=text, outlet=outlet, language="fr", published=f"{day}T10:00:00+00:00",
            authors=("Rédaction",), section="Société",
        )  # fmt: skip
        recent = [*recent[-99:], article]
        yield article


def batches(items: Iterator[Article], size: int) -> Iterator[list[Article]]:
    batch: list[Article] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def ingest(archive: Archive, count: int, batch_size: int) -> list[tuple[float, float]]:
    """Add `count` articles; return (articles per second, articles per CPU-second) per tenth.

    The CPU rate is this process's own: on a shared machine, the wall rate also measures the load.
    """
    tenth = max(1, count // 10)
    rates: list[tuple[float, float]] = []
    done, mark = 0, 0
    started, cpu_started = time.perf_counter(), time.process_time()
    for batch in batches(synthetic(count), batch_size):
        archive.add_many(batch)
        done += len(batch)
        if done - mark >= tenth or done == count:
            now, cpu = time.perf_counter(), time.process_time()
            rates.append(((done - mark) / (now - started), (done - mark) / (cpu - cpu_started)))
            print(
                f"  {done:>9,} articles  {rates[-1][0]:8,.0f} articles/s  "
                f"{rates[-1][1]:8,.0f} per CPU-second",
                flush=True,
            )
            mark, started, cpu_started = done, now, cpu
    return rates


def search_latency(archive: Archive, queries: list[str]) -> list[float]:
    timings = []
    for query in queries:
        started = time.perf_counter()
        archive.search(query, limit=20)
        timings.append((time.perf_counter() - started) * 1000)
    return timings


def export_peak_rss(path: Path, out: Path) -> tuple[float, float]:
    """Run a full JSONL export in a child process; return (its peak RSS in MB, seconds).

    The peak is the child's VmHWM, read from /proc while it runs: it counts only the exported
    program (a fresh address space after exec), not the parent's pages a fork would share.
    """
    started = time.perf_counter()
    child = subprocess.Popen(
        [sys.executable, "-m", "crawler.cli.archive", "export", "--archive", str(path), "--format",
         "jsonl", "--no-progress", str(out)],
        env={**os.environ, "PYTHONPATH": str(REPO)}, stdout=subprocess.DEVNULL,
    )  # fmt: skip
    status = Path(f"/proc/{child.pid}/status")
    peak_kib = 0
    while child.poll() is None:
        try:
            lines = status.read_text().splitlines()
        except OSError:
            break
        for line in lines:
            if line.startswith("VmHWM:"):
                peak_kib = max(peak_kib, int(line.split()[1]))
        time.sleep(0.05)
    if child.wait() != 0:
        raise SystemExit(f"export failed with exit code {child.returncode}")
    return peak_kib / 1024, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=1_000_000)
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--path", type=Path, help="archive file (default: a temporary directory)")
    parser.add_argument("--keep", action="store_true", help="keep the archive and the export")
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="akhbar-bench-"))
    path = args.path or workdir / "bench.db"
    print(
        f"archive bench: {args.articles:,} synthetic articles in batches of {args.batch} -> {path}"
    )
    started = time.perf_counter()
    neardup.signature("warm up: numpy loads before the clock starts, once " * 3)
    with Archive(path) as archive:
        rates = ingest(archive, args.articles, args.batch)
        archive.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        stats = archive.stats()
    total = time.perf_counter() - started
    with Archive(path, readonly=True) as archive:
        rng = random.Random(7)
        words = vocabulary(5000, random.Random(1))  # the vocabulary `synthetic` draws from
        queries = [" ".join(rng.sample(words, k)) for k in (1, 2) for _ in range(20)]
        timings = search_latency(archive, queries)
    size = path.stat().st_size
    print(
        f"ingest: {args.articles:,} in {total:,.0f} s; {stats.versions:,} texts stored, "
        f"{stats.urls:,} URLs, {stats.clusters:,} clusters"
    )
    (wall_first, cpu_first), (wall_last, cpu_last) = rates[0], rates[-1]
    print(
        f"insert rate: first tenth {wall_first:,.0f}/s, last tenth {wall_last:,.0f}/s "
        f"({wall_last / wall_first:.0%} of the start; target >= 80 %); per CPU-second "
        f"{cpu_first:,.0f} -> {cpu_last:,.0f} ({cpu_last / cpu_first:.0%})"
    )
    print(f"file: {size / 1e9:.2f} GB, {size / stats.versions / 1024:.2f} KiB per stored article")
    print(
        f"search (top 20; {len(timings)} one- and two-word queries): "
        f"median {statistics.median(timings):.1f} ms, max {max(timings):.1f} ms"
    )
    rss, seconds = export_peak_rss(path, workdir / "export.jsonl")
    print(
        f"export jsonl of {stats.articles:,} articles: {seconds:,.0f} s, peak RSS {rss:.0f} MB "
        "(target < 200 MB)"
    )
    if not args.keep:
        for leftover in workdir.iterdir():
            leftover.unlink()
        workdir.rmdir()
        if args.path:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)


if __name__ == "__main__":
    main()
