"""Crawl -> archive throughput: akhbar against the machine's ceiling and a naive pipeline, one run.

On a synthetic news site (bench/synthetic_site.py) served from a separate process on 127.0.0.1:
1. the ceiling: each stage's CPU cost per page measured alone over the same pages (a bare Scrapy
   download of the known URLs; `crawler.scale.worker.extract_page` over the same bodies;
   Archive.add_many in batches), summed and spread over every core -> pages/s; and the minimal
   ceiling, the same with the extraction stage replaced by trafilatura.bare_extraction (with
   metadata) + langdetect on 2,000 characters alone, over the same bodies on every core: what a
   crawler that does only the minimal extraction could reach;
2. the naive baseline (bench/crawl_stages.py `naive`), a subprocess;
3. `akhbar crawl` into a fresh archive, a subprocess, at N/2 then N pages: pages/s, peak RSS of
   the crawl process and its workers (psutil), CPU use per core.
The last line prints the ratios against the targets. Rates are wall-clock pages/s of the whole
subprocess (start-up included); run it on an otherwise idle machine.

The speed of a shared virtual machine drifts by tens of percent within a minute (a fixed loop
measured 14-22 ms per 5 s window here), so a ceiling measured minutes before the crawl says
little about the crawl. The stages and the full crawl are therefore measured in ROUNDS, each
round the stages immediately followed by the crawl; each round gives its own akhbar/ceiling, and
the median round is the figure reported. Within a round, the ceiling is converted to the crawl's
speed with the run counter `extraction_cpu_ms`: the crawl's workers time `extract_page` on each of
the 2,000 pages. That counter misses the costs of a page that fall after the function returns
(freeing its trees, collecting its garbage, pickling its result: 10-15 % of the stage's CPU), so
it is compared with the same counter read the same way before the crawl: the same pages handed
one at a time to a pool of warmed-up workers, at most EXTRACT_MAX_PENDING in flight, as the crawl
hands them. *speed* = the crawl's counter per page / that stage counter. The report prints the
uncorrected ratios too. The naive baseline runs after round 1 between two akhbar crawls of its
own, with bench/speed_probe.py beside the three (the naive's own extraction shares its reactor
thread, so its CPU per page is no neutral speed).

    akhbar bench crawl [--pages 2000] [--seed 1] [--rounds 5]    (python -m bench.crawl_bench)
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psutil

from archive.db import Archive
from archive.ingest import Fetch
from archive.models import Article
from bench.site_server import TYPES, SiteServer
from bench.speed_probe import SpeedProbe
from bench.synthetic_site import DEFAULT_PAGES, article_urls, generate
from crawler import settings as crawl_settings
from crawler.items import Extraction
from crawler.outlets import adhoc_outlet
from crawler.scale.worker import extract_page, warm_up

TARGET_CEILING = 0.85
TARGET_NAIVE = 4.0
TARGET_RSS_MB = 600.0
MB = 1024 * 1024
CONTENT_TYPE = TYPES[".html"].decode()  # what the site server sends with a page
# The stages of the ceiling, as the report names them
DOWNLOAD = "download (bare Scrapy spider)"
EXTRACTION = "extraction + language (worker function)"
ARCHIVE = "archive write (add_many, batches of 100)"
REPO = Path(__file__).resolve().parents[1]


@dataclass
class CrawlRun:
    """One crawl subprocess as observed from outside."""

    pages: int
    wall: float
    peak_rss: int = 0
    peak_pss: int = 0
    cpu_main: float = 0.0
    cpu_children: float = 0.0
    server_cpu: float = 0.0
    machine_cpu: float = 0.0  # CPU seconds every process on the machine used meanwhile
    commits: list[tuple[float, int]] = field(default_factory=list)  # (seconds, rows) seen
    extraction_ms: float = 0.0  # CPU ms/page the workers spent in extract_page (run counters)
    window: tuple[float, float] = (0.0, 0.0)  # time.time() at start and end (speed probe)

    @property
    def steady_rate(self) -> float:
        """Pages/s from the first committed batch to the last: the pipeline's throughput with
        start-up, discovery and shutdown left out (a diagnostic, not the headline figure)."""
        if len(self.commits) < 2:
            return 0.0
        (t0, n0), (t1, n1) = self.commits[0], self.commits[-1]
        return (n1 - n0) / (t1 - t0) if t1 > t0 else 0.0

    @property
    def cpu_ms(self) -> float:
        """CPU ms per page of the crawl process and its children (workers), start-up included."""
        return (self.cpu_main + self.cpu_children) * 1000 / max(1, self.pages)

    @property
    def others_cpu(self) -> float:
        """CPU seconds taken by processes other than this crawl and the site server."""
        return max(0.0, self.machine_cpu - self.cpu_main - self.cpu_children - self.server_cpu)

    @property
    def rate(self) -> float:
        return self.pages / self.wall if self.wall else 0.0


class TreeMonitor:
    """Samples a process and its descendants: peak summed RSS, last CPU time of each process.

    RSS and CPU times are cheap to read (/proc/PID/statm, stat) and sampled every `interval`;
    PSS needs /proc/PID/smaps, ~1 ms of CPU per process, so it is read every `pss_every`
    samples only: sampled as often as RSS, it took ~3 % of the machine away from the crawl. The
    process tree (its workers start once) is listed again at the same pace.
    """

    def __init__(
        self, pid: int, interval: float = 0.1, pss_every: int = 10, archive: Path | None = None
    ) -> None:
        self.root = psutil.Process(pid)
        self.archive = archive
        self.started = time.perf_counter()
        self.commits: list[tuple[float, int]] = []  # when the archive's row count changed
        self.interval = interval
        self.pss_every = pss_every
        self.samples = 0
        self.procs: list[psutil.Process] = []
        self.peak_rss = 0
        self.peak_pss = 0
        self.cpu: dict[int, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> TreeMonitor:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stop.is_set():
            self.sample()
            self._stop.wait(self.interval)

    def sample(self) -> None:
        with_pss = self.samples % self.pss_every == 0
        if with_pss or not self.procs:  # listing children reads every process of the machine
            try:
                self.procs = [self.root, *self.root.children(recursive=True)]
            except psutil.Error:
                return
        procs = self.procs
        self.samples += 1
        if self.archive is not None and self.samples % 2 == 0:
            self._count_rows(self.archive)
        rss = pss = 0
        for proc in procs:
            try:
                with proc.oneshot():
                    memory = proc.memory_full_info() if with_pss else proc.memory_info()
                    times = proc.cpu_times()
            except psutil.Error:
                continue
            rss += memory.rss
            pss += getattr(memory, "pss", 0)  # pss: shared pages split between sharers
            self.cpu[proc.pid] = times.user + times.system
        self.peak_rss = max(self.peak_rss, rss)
        self.peak_pss = max(self.peak_pss, pss)

    def _count_rows(self, archive: Path) -> None:
        try:
            rows = _rows(archive)
        except sqlite3.Error:  # not created or not migrated yet
            return
        if rows and (not self.commits or rows != self.commits[-1][1]):
            self.commits.append((time.perf_counter() - self.started, rows))


def machine_busy() -> float:
    """CPU seconds all cores have spent busy since boot (idle and I/O wait excluded)."""
    times = psutil.cpu_times()
    return sum(times) - times.idle - getattr(times, "iowait", 0.0)


def subprocess_env() -> dict[str, str]:
    """The environment of the measured subprocesses: the source tree importable (bench/)."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH", "")]))
    return env


def run_monitored(command: list[str], archive: Path, server: SiteServer) -> CrawlRun:
    """Run a crawl subprocess to completion, sampling its process tree; count archived rows."""
    server_before, machine_before = server.cpu_seconds(), machine_busy()
    started, opened = time.perf_counter(), time.time()
    proc = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=subprocess_env()
    )
    with TreeMonitor(proc.pid, archive=archive) as monitor:
        _, err = proc.communicate()
    wall = time.perf_counter() - started
    if proc.returncode not in (0, 3):
        raise RuntimeError(f"{' '.join(command[:4])} failed ({proc.returncode}): {err[-2000:]}")
    main_cpu = monitor.cpu.pop(proc.pid, 0.0)
    return CrawlRun(
        pages=_rows(archive),
        wall=wall,
        peak_rss=monitor.peak_rss,
        peak_pss=monitor.peak_pss,
        cpu_main=main_cpu,
        cpu_children=sum(monitor.cpu.values()),
        server_cpu=server.cpu_seconds() - server_before,
        machine_cpu=machine_busy() - machine_before,
        commits=monitor.commits,
        extraction_ms=_extraction_ms(archive),
        window=(opened, time.time()),
    )


def _read(archive: Path, sql: str) -> list[tuple[Any, ...]]:
    """Rows of a query, read without writing (the crawl may still hold the archive)."""
    with closing(sqlite3.connect(f"{archive.resolve().as_uri()}?mode=ro", uri=True)) as conn:
        return conn.execute(sql).fetchall()


def _rows(archive: Path) -> int:
    """Articles in an archive."""
    return int(_read(archive, "SELECT count(*) FROM articles")[0][0])


def _extraction_ms(archive: Path) -> float:
    """CPU ms per page the last run's workers spent in `extract_page` (its outlet counters
    `extraction_cpu_ms` and `pages_extracted`); 0 for a crawl that does not count them."""
    last = "SELECT counters FROM run_outlets WHERE run_id = (SELECT max(run_id) FROM run_outlets)"
    counters = [json.loads(row[0] or "{}") for row in _read(archive, last)]
    pages = sum(c.get("pages_extracted", 0) for c in counters)
    return sum(c.get("extraction_cpu_ms", 0) for c in counters) / pages if pages else 0.0


def akhbar_command() -> list[str]:
    script = Path(sys.executable).parent / "akhbar"
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "from crawler.cli.main import cli; cli()"]


def run_akhbar(sitemap: str, archive: Path, server: SiteServer, limit: int = 0) -> CrawlRun:
    command = [*akhbar_command(), "crawl", "--sitemap", sitemap, "--archive", str(archive), "-q"]
    if limit:
        command += ["--set", f"OUTLET_MAX_ARTICLES={limit}"]
    return run_monitored(command, archive, server)


def run_naive(sitemap: str, archive: Path, server: SiteServer) -> CrawlRun:
    command = [sys.executable, "-m", "bench.crawl_stages", "naive", "--sitemap", sitemap]
    return run_monitored([*command, "--archive", str(archive)], archive, server)


def measure_download(urls: list[str], workdir: Path) -> float:
    """CPU seconds per page of a bare Scrapy spider fetching `urls` (spider window only)."""
    listing = workdir / "urls.txt"
    listing.write_text("\n".join(urls))
    command = [sys.executable, "-m", "bench.crawl_stages", "download", "--urls", str(listing)]
    done = subprocess.run(command, capture_output=True, text=True, env=subprocess_env())
    if done.returncode:
        raise RuntimeError(f"bare download failed ({done.returncode}): {done.stderr[-2000:]}")
    out = done.stdout
    result = json.loads(out.strip().splitlines()[-1])
    if result["pages"] != len(urls):
        raise RuntimeError(f"bare download fetched {result['pages']} of {len(urls)} pages")
    return float(result["cpu"]) / len(urls)


def _extract_chunk(chunk: list[tuple[str, str]], sitemap: str) -> tuple[float, list[Article]]:
    outlet = adhoc_outlet(sitemaps=[sitemap])
    bodies = [(Path(path).read_bytes(), url) for path, url in chunk]
    started = time.process_time()
    found = [extract_page(body, CONTENT_TYPE, url, outlet).article for body, url in bodies]
    return time.process_time() - started, [a for a in found if a is not None]


def measure_extraction(
    root: Path, urls: list[str], sitemap: str, cores: int
) -> tuple[float, list[Article]]:
    """CPU seconds per page of the workers' function over the same bodies, and the articles."""
    base = sitemap.rsplit("/", 1)[0]
    items = [(str(root / url[len(base) + 1 :]), url) for url in urls]
    chunks = [items[i : i + 50] for i in range(0, len(items), 50)]
    cpu, articles = 0.0, []
    with ProcessPoolExecutor(cores, initializer=warm_up) as pool:
        for seconds, found in pool.map(_extract_chunk, chunks, [sitemap] * len(chunks)):
            cpu += seconds
            articles.extend(found)
    return cpu / len(urls), articles


def measure_extraction_counter(root: Path, urls: list[str], sitemap: str, cores: int) -> float:
    """The run counter's CPU ms per page (`Extraction.cpu_ms`, what the crawl's workers count)
    over the same bodies, handed one at a time to warmed-up workers as the crawl hands them: the
    reference the crawl's own counter is compared with."""
    base = sitemap.rsplit("/", 1)[0]
    outlet = adhoc_outlet(sitemaps=[sitemap])
    in_flight: deque[Future[Extraction]] = deque()
    counted = 0
    with ProcessPoolExecutor(cores, initializer=warm_up) as pool:
        for url in urls:
            body = (root / url[len(base) + 1 :]).read_bytes()
            in_flight.append(pool.submit(extract_page, body, CONTENT_TYPE, url, outlet))
            if len(in_flight) >= crawl_settings.EXTRACT_MAX_PENDING:
                counted += round(in_flight.popleft().result().cpu_ms)  # as the run counts it
        counted += sum(round(future.result().cpu_ms) for future in in_flight)
    return counted / len(urls)


def _minimal_chunk(chunk: list[tuple[str, str]]) -> float:
    """CPU seconds of the minimal extraction (trafilatura with metadata + langdetect on 2,000
    characters) over some pages, decoded as the workers decode them."""
    from bench.extraction_cost import minimal_extraction
    from crawler.extract import page_encoding
    from crawler.scale.worker import decode_html

    minimal = minimal_extraction()
    bodies = [(Path(path).read_bytes(), url) for path, url in chunk]
    started = time.process_time()
    for body, url in bodies:
        minimal(decode_html(body, page_encoding(body, CONTENT_TYPE)), url)
    return time.process_time() - started


def measure_minimal(root: Path, urls: list[str], sitemap: str, cores: int) -> float:
    """CPU seconds per page of trafilatura + langdetect alone over the same bodies, on every
    core: the extraction stage of the minimal ceiling."""
    base = sitemap.rsplit("/", 1)[0]
    items = [(str(root / url[len(base) + 1 :]), url) for url in urls]
    chunks = [items[i : i + 50] for i in range(0, len(items), 50)]
    with ProcessPoolExecutor(cores, initializer=_warm_minimal) as pool:
        return sum(pool.map(_minimal_chunk, chunks)) / len(urls)


def _warm_minimal() -> None:
    """Load trafilatura and langdetect's profiles once per process, before the measured pages."""
    from bench.extraction_cost import minimal_extraction

    page = "<html><body><p>Le gouvernement a présenté un nouveau programme.</p></body></html>"
    minimal_extraction()(page, "")


def measure_archive(articles: list[Article], path: Path) -> float:
    """CPU seconds per article of Archive.add_many in batches of ARCHIVE_BATCH_SIZE."""
    batch = crawl_settings.ARCHIVE_BATCH_SIZE
    with Archive(path) as archive:
        started = time.process_time()
        for i in range(0, len(articles), batch):
            archive.add_many(
                Fetch(a, fetched_at="2026-01-01T00:00:00+00:00") for a in articles[i : i + batch]
            )
        return (time.process_time() - started) / max(1, len(articles))


@dataclass
class Round:
    """The stages measured alone, then the full akhbar crawl, back to back."""

    cores: int
    stages: dict[str, float]  # CPU seconds per page
    crawl: CrawlRun
    minimal: float = 0.0  # CPU seconds per page of trafilatura + langdetect alone
    counter_ms: float = 0.0  # the extraction counter per page, read as the crawl reads it

    @property
    def speed(self) -> float:
        """How much more CPU the same work took during the crawl than during the stages: the
        extraction counter per page in the crawl over the same counter before it."""
        return self.crawl.extraction_ms / self.counter_ms if self.counter_ms else 1.0

    @property
    def ceiling(self) -> float:
        """Pages/s: the stages' CPU per page, as measured, spread over the cores."""
        return self.cores / sum(self.stages.values())

    @property
    def raw_ratio(self) -> float:
        return self.crawl.rate / self.ceiling

    @property
    def ceiling_at_crawl_speed(self) -> float:
        """The ceiling had the stages run at the speed the machine had during the crawl."""
        return self.cores / (sum(self.stages.values()) * self.speed)

    @property
    def ratio(self) -> float:
        return self.crawl.rate / self.ceiling_at_crawl_speed

    @property
    def minimal_ceiling(self) -> float:
        """Pages/s at the crawl's speed had the extraction stage been trafilatura + langdetect
        alone (download and archive write as measured): the minimal ceiling."""
        stages = sum(self.stages.values()) - self.stages[EXTRACTION] + self.minimal
        return self.cores / (stages * self.speed)

    @property
    def minimal_ratio(self) -> float:
        return self.crawl.rate / self.minimal_ceiling if self.minimal else 0.0

    @property
    def raw_minimal_ratio(self) -> float:
        return self.minimal_ratio * self.speed

    @property
    def efficiency(self) -> float:
        """The stages' CPU per page (at the crawl's speed) over the crawl's: 1 is no overhead."""
        return 1000 * self.cores / self.ceiling_at_crawl_speed / self.crawl.cpu_ms

    @property
    def busy(self) -> float:
        """Share of the cores the crawl kept busy; efficiency x busy = akhbar/ceiling."""
        return (self.crawl.cpu_main + self.crawl.cpu_children) / (self.crawl.wall * self.cores)


@dataclass
class NaiveComparison:
    """The naive baseline between two akhbar crawls, the speed probe running beside all three
    (probe CPU ms per reading: a run's rate scales with 1 / probe ms)."""

    naive: CrawlRun
    naive_probe_ms: float
    around: list[tuple[CrawlRun, float]]  # the akhbar crawls just before and after, probe ms

    @property
    def ratio(self) -> float:
        """akhbar/naive, each akhbar rate converted to the naive run's speed."""
        at_speed = [run.rate * ms / self.naive_probe_ms for run, ms in self.around]
        return sum(at_speed) / len(at_speed) / self.naive.rate

    def cpu_bound_ratio(self, cores: int) -> float:
        """`cores` cores of akhbar's CPU per page against one of the naive's, at one speed."""
        akhbar = [run.cpu_ms * self.naive_probe_ms / ms for run, ms in self.around]
        return cores * self.naive.cpu_ms / (sum(akhbar) / len(akhbar))


def compare_naive(sitemap: str, bench: Bench, probe: SpeedProbe) -> NaiveComparison:
    """akhbar, the naive baseline, akhbar again: back to back, with the probe's readings."""

    def measured(run: Callable[[str, Path, SiteServer], CrawlRun], name: str) -> CrawlRun:
        archive = bench.workdir / f"{name}.db"
        done = run(sitemap, archive, bench.server)
        _remove_archive(archive)
        return done

    before = measured(run_akhbar, "before")
    naive = measured(run_naive, "naive")
    after = measured(run_akhbar, "after")
    around = [(run, probe.ms(*run.window)) for run in (before, after)]
    return NaiveComparison(naive, probe.ms(*naive.window), around)


@dataclass
class Results:
    pages: int
    cores: int
    rounds: list[Round]
    naive: NaiveComparison
    half: CrawlRun

    @property
    def median(self) -> Round:
        """The round whose akhbar/ceiling is the median (the lower middle of an even count)."""
        ranked = sorted(self.rounds, key=lambda r: r.ratio)
        return ranked[(len(ranked) - 1) // 2]


def _cols(label: str, text: str) -> str:
    return f"{label:<50}{text}"


def _per_round(values: list[float], fmt: str = "{:.2f}") -> str:
    return " / ".join(fmt.format(v) for v in values)


def report(r: Results, mean_kb: float) -> list[str]:
    """The table (stages, ceiling, naive, akhbar; one column per round), the machine's use in
    the median round, and the ratio line last."""
    best, half = r.median, r.half
    numbers = _per_round([i + 1 for i in range(len(r.rounds))], "{}")
    lines = [
        f"crawl benchmark: {r.pages} article pages ({mean_kb:.0f} KB mean, fr/ar/en), "
        f"{r.cores} cores, {len(r.rounds)} rounds, load average {os.getloadavg()[0]:.2f} at the "
        "end",
        _cols("stage, measured alone over the same pages", f"CPU ms/page, round {numbers}"),
    ]
    for name in r.rounds[0].stages:
        lines.append(_cols(f"  {name}", _per_round([x.stages[name] * 1e3 for x in r.rounds])))
    sums = [sum(x.stages.values()) * 1e3 for x in r.rounds]
    lines += [
        _cols("  sum", _per_round(sums)),
        _cols(
            f"ceiling: sum over {r.cores} cores, pages/s",
            _per_round([x.ceiling for x in r.rounds], "{:.1f}"),
        ),
        _cols(
            f"akhbar crawl, {best.crawl.pages} pages, pages/s",
            _per_round([x.crawl.rate for x in r.rounds], "{:.1f}"),
        ),
        *_round_lines(r),
        _cols(
            "naive (callback, no pool, 1 row/commit)",
            f"{r.naive.naive.rate:.1f} pages/s, {r.naive.naive.wall:.1f} s; akhbar just before "
            f"and after: {_per_round([run.rate for run, _ in r.naive.around], '{:.1f}')} pages/s; "
            f"speed probe {_per_round([r.naive.naive_probe_ms] + [ms for _, ms in r.naive.around])}"
            " CPU ms (naive / before / after)",
        ),
    ]
    for run in (half, best.crawl):
        lines.append(
            f"akhbar crawl, {run.pages} pages: {run.rate:.1f} pages/s, {run.wall:.1f} s; peak RSS "
            f"{run.peak_rss / MB:.0f} MB, PSS {run.peak_pss / MB:.0f} MB"
        )
    lines += _machine_use(r, best)
    lines.append(_ratio_line(r))
    return lines


def _round_lines(r: Results) -> list[str]:
    """The machine's speed during each crawl against its stages, and the ratios at that speed."""
    return [
        _cols("akhbar / ceiling, as measured", _per_round([x.raw_ratio for x in r.rounds])),
        _cols(
            "extraction counter, ms/page: stages / crawl",
            _per_round([x.counter_ms for x in r.rounds])
            + "  /  "
            + _per_round([x.crawl.extraction_ms for x in r.rounds]),
        ),
        _cols("speed: crawl's counter / the stages'", _per_round([x.speed for x in r.rounds])),
        _cols(
            "ceiling at the crawl's speed, pages/s",
            _per_round([x.ceiling_at_crawl_speed for x in r.rounds], "{:.1f}"),
        ),
        _cols(
            "akhbar / ceiling at the crawl's speed",
            f"{_per_round([x.ratio for x in r.rounds])}   median {r.median.ratio:.2f}",
        ),
        _cols("  = CPU efficiency", _per_round([x.efficiency for x in r.rounds])),
        _cols("    x cores kept busy", _per_round([x.busy for x in r.rounds])),
        _cols(
            "  the same, first to last committed batch",
            _per_round([x.crawl.steady_rate / x.ceiling_at_crawl_speed for x in r.rounds])
            + "   (start-up, discovery, shutdown left out)",
        ),
        _cols(
            "trafilatura + langdetect alone, CPU ms/page",
            _per_round([x.minimal * 1000 for x in r.rounds]),
        ),
        _cols(
            "minimal ceiling at the crawl's speed, pages/s",
            _per_round([x.minimal_ceiling for x in r.rounds], "{:.1f}"),
        ),
        _cols(
            "akhbar / minimal ceiling, as measured",
            _per_round([x.raw_minimal_ratio for x in r.rounds]),
        ),
        _cols(
            "akhbar / minimal ceiling at the crawl's speed",
            f"{_per_round([x.minimal_ratio for x in r.rounds])}   median {_median_minimal(r):.2f}",
        ),
    ]


def _median_minimal(r: Results) -> float:
    ranked = sorted(x.minimal_ratio for x in r.rounds)
    return ranked[(len(ranked) - 1) // 2]


def _machine_use(r: Results, best: Round) -> list[str]:
    """Where the median round's crawl spent its CPU, against its stages."""
    full = best.crawl
    busy, total_ms = best.busy, full.cpu_ms
    stages_ms = 1000 * r.cores / best.ceiling_at_crawl_speed
    free = max(0.1, r.cores - full.others_cpu / full.wall)
    server_ms = full.server_cpu * 1000 / max(1, full.pages)
    naive_ms = r.naive.naive.cpu_ms  # the naive crawl has no workers: its one thread
    return [
        f"median round: {busy:.0%} of {r.cores} cores busy; reactor process "
        f"{full.cpu_main * 1000 / full.pages:.1f} ms/page ({full.cpu_main / full.wall:.0%} of a "
        f"core), workers {full.cpu_children * 1000 / full.pages:.1f} ms/page "
        f"({full.cpu_children / full.wall:.0%})",
        f"  CPU efficiency: stages {stages_ms:.1f} ms/page (at the crawl's speed) / akhbar "
        f"{total_ms:.1f} ms = {stages_ms / total_ms:.2f}; cores kept busy: {busy:.2f} (their "
        "product is akhbar/ceiling; other load on the machine lowers only the second)",
        f"  other processes on the machine used {full.others_cpu / full.wall:.2f} cores during the "
        f"crawl: on the {free:.2f} cores left, the ceiling is "
        f"{best.ceiling_at_crawl_speed * free / r.cores:.1f} pages/s and akhbar reached "
        f"{full.rate / (best.ceiling_at_crawl_speed * free / r.cores):.2f} of it",
        f"  site server (own process): {server_ms:.2f} ms CPU/page, "
        f"{full.server_cpu / full.wall:.0%} of a core during the crawl",
        f"  naive: {naive_ms:.1f} CPU ms/page on one thread; CPU-bound akhbar/naive (akhbar's "
        f"CPU per page on {r.cores} cores, at the naive run's speed) = "
        f"{r.naive.cpu_bound_ratio(r.cores):.1f}x",
    ]


def _ratio_line(r: Results) -> str:
    best, half = r.median, r.half
    growth = best.crawl.peak_rss / half.peak_rss if half.peak_rss else 0.0
    peak_rss = max(x.crawl.peak_rss for x in r.rounds)
    peak_pss = max(x.crawl.peak_pss for x in r.rounds)
    return (
        f"ratios: akhbar/ceiling {best.ratio:.2f} (median of {len(r.rounds)} rounds, at the "
        f"crawl's speed; target >= {TARGET_CEILING}) | akhbar/minimal ceiling "
        f"{_median_minimal(r):.2f} (>= {TARGET_CEILING}) | akhbar/naive {r.naive.ratio:.1f}x (>= "
        f"{TARGET_NAIVE:.0f}x) | peak RSS {peak_rss / MB:.0f} MB (PSS {peak_pss / MB:.0f}) at "
        f"{r.pages} pages (< {TARGET_RSS_MB:.0f}) | RSS {best.crawl.pages}/{half.pages} pages "
        f"{growth:.2f}"
    )


def measure_stages(root: Path, urls: list[str], sitemap: str, workdir: Path) -> dict[str, float]:
    """Each stage's CPU seconds per page, measured alone over the site's pages."""
    cores = os.cpu_count() or 1
    stages = {DOWNLOAD: measure_download(urls, workdir)}
    stages[EXTRACTION], articles = measure_extraction(root, urls, sitemap, cores)
    stage_db = workdir / "stage.db"
    stages[ARCHIVE] = measure_archive(articles, stage_db)
    _remove_archive(stage_db)
    return stages


def _remove_archive(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


@dataclass
class Bench:
    """What every measurement of one benchmark run shares."""

    root: Path
    urls: list[str]
    sitemap: str
    server: SiteServer
    workdir: Path

    def round(self, number: int) -> Round:
        cores = os.cpu_count() or 1
        stages = measure_stages(self.root, self.urls, self.sitemap, self.workdir)
        minimal = measure_minimal(self.root, self.urls, self.sitemap, cores)
        counter = measure_extraction_counter(self.root, self.urls, self.sitemap, cores)
        archive = self.workdir / f"full-{number}.db"
        crawl = run_akhbar(self.sitemap, archive, self.server)
        _remove_archive(archive)
        return Round(cores, stages, crawl, minimal, counter)


def run_benchmark(
    pages: int,
    seed: int,
    workdir: Path,
    sites: Path | None = None,
    say: Callable[[str], None] = print,
    rounds: int = 5,
) -> list[str]:
    """Run every measurement and return the report's lines (progress goes to `say`)."""
    root = generate(pages, seed, sites)
    sizes = [p.stat().st_size for p in root.rglob("*.html")]
    done: list[Round] = []
    with SiteServer(root) as server:
        sitemap = f"{server.base_url}/sitemap.xml"
        urls = article_urls(root, server.base_url)
        say(f"site: {len(urls)} pages at {sitemap} (server pid {server.process.pid})")
        bench = Bench(root, urls, sitemap, server, workdir)
        for number in range(1, max(2, rounds) + 1):
            done.append(bench.round(number))
            say(
                f"round {number}: akhbar/ceiling {done[-1].ratio:.2f}, minimal "
                f"{done[-1].minimal_ratio:.2f} at the crawl's speed"
            )
            if number == 1:
                page = root / urls[0][len(server.base_url) + 1 :]
                with SpeedProbe(page, urls[0], subprocess_env()) as probe:
                    naive = compare_naive(sitemap, bench, probe)
                say(f"naive: {naive.naive.rate:.1f} pages/s, akhbar/naive {naive.ratio:.1f}x")
        half = run_akhbar(sitemap, workdir / "half.db", server, limit=pages // 2)
    results = Results(pages, os.cpu_count() or 1, done, naive, half)
    return report(results, sum(sizes) / len(sizes) / 1024)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--pages", type=int, default=DEFAULT_PAGES, help="article pages of the site"
    )
    parser.add_argument("--seed", type=int, default=1, help="the site's random seed")
    parser.add_argument("--sites", type=Path, default=None, help="where generated sites are kept")
    parser.add_argument(
        "--rounds", type=int, default=5, help="stages + crawl rounds, at least 2 (median kept)"
    )
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="akhbar-crawl-bench-") as tmp:
        lines = run_benchmark(args.pages, args.seed, Path(tmp), args.sites, rounds=args.rounds)
        for line in lines:
            print(line, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
