"""Distributed crawling, measured: 1, 2, 3 crawler worker processes sharing one Redis.

Against the synthetic news site (bench/synthetic_site.py, served from its own process on
127.0.0.1) and a redis-server started here (127.0.0.1, a free port, a temp dir), it runs:
1. `akhbar crawl` alone (no Redis, one extraction process, writing WARC): the reference;
2. for k in --workers: k `akhbar crawl --redis` processes (one extraction process each, so k
   workers use k cores for extraction, as k one-core hosts would) and one `akhbar ingest`;
3. `akhbar reextract` of the reference crawl's WARC files, and `akhbar ingest-warc` of the
   same files as if they came from elsewhere (one extraction process each, then two).
A run's time goes from launch to the last article committed to the archive (polled every
0.2 s), so process start-up counts and the workers' idle wait at the end does not.

    make bench-scale      (python -m bench.scale_bench [--pages 2000] [--workers 1,2,3])
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import psutil
import redis

from bench.site_server import SiteServer
from bench.synthetic_site import generate

AKHBAR = str(Path(sys.executable).with_name("akhbar"))
SCALE_CLI = "import sys; from crawler.cli.scale import {0}; sys.argv[0] = '{0}'; {0}()"
CRAWL_SETTINGS = ("--set", "AUTOTHROTTLE_ENABLED=False", "--set", "EXTRACT_WORKERS=1")


@dataclass
class Run:
    label: str
    processes: int
    articles: int
    seconds: float

    @property
    def rate(self) -> float:
        return self.articles / self.seconds if self.seconds else 0.0


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_redis(directory: Path) -> tuple[subprocess.Popen[bytes], str]:
    binary = shutil.which("redis-server")
    if binary is None:
        raise SystemExit("redis-server is not installed (apt-get install redis-server)")
    port = _free_port()
    command = [binary, "--port", str(port), "--bind", "127.0.0.1", "--dir", str(directory),
               "--save", "", "--appendonly", "no"]  # fmt: skip
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL)
    url = f"redis://127.0.0.1:{port}/0"
    for _ in range(100):
        try:
            redis.Redis.from_url(url).ping()
            return process, url
        except redis.ConnectionError:
            time.sleep(0.05)
    process.terminate()
    raise SystemExit("redis-server did not start")


def _rows(archive: Path) -> int:
    if not archive.exists():
        return 0
    try:
        with sqlite3.connect(f"file:{archive}?mode=ro", uri=True, timeout=1) as conn:
            return int(conn.execute("SELECT count(*) FROM articles").fetchone()[0])
    except sqlite3.Error:
        return -1  # not migrated yet, or busy: ask again


def watch(
    processes: list[subprocess.Popen[bytes]], archive: Path, started: float
) -> tuple[int, float]:
    """Wait for every process; (articles, seconds from start to the last article committed)."""
    count, last_change = 0, started
    while any(p.poll() is None for p in processes):
        now_count = _rows(archive)
        if now_count > count:
            count, last_change = now_count, time.perf_counter()
        time.sleep(0.2)
    final = _rows(archive)
    if final > count:
        count, last_change = final, time.perf_counter()
    for process in processes:
        if process.returncode not in (0, 3):
            raise SystemExit(f"{process.args!r} failed with exit code {process.returncode}")
    return count, last_change - started


def _spawn(command: list[str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def standalone(base_url: str, work: Path) -> Run:
    sitemap = f"{base_url}/sitemap.xml"
    archive = work / "standalone.db"
    started = time.perf_counter()
    crawl = _spawn([AKHBAR, "crawl", "--sitemap", sitemap, "--archive", str(archive),
                    "--warc", str(work / "warc"), "-q", *CRAWL_SETTINGS])  # fmt: skip
    articles, seconds = watch([crawl], archive, started)
    return Run("akhbar crawl, no Redis (+ WARC)", 1, articles, seconds)


def distributed(workers: int, base_url: str, *, redis_url: str, work: Path) -> Run:
    sitemap = f"{base_url}/sitemap.xml"
    redis.Redis.from_url(redis_url).flushall()
    archive = work / f"distributed-{workers}.db"
    started = time.perf_counter()
    crawlers = [
        _spawn([AKHBAR, "crawl", "--sitemap", sitemap, "--archive", str(work / f"w{workers}{n}.db"),
                "--redis", redis_url, "-q", *CRAWL_SETTINGS, "--set", "REDIS_IDLE_SECONDS=3"])
        for n in range(workers)
    ]  # fmt: skip
    ingester = _spawn([sys.executable, "-c", SCALE_CLI.format("ingest"), "--redis", redis_url,
                       "--archive", str(archive), "--exit-when-idle", "10"])  # fmt: skip
    articles, seconds = watch([*crawlers, ingester], archive, started)
    return Run(f"akhbar crawl --redis, {workers} worker(s) + ingest", workers, articles, seconds)


def replays(work: Path, base_url: str) -> list[Run]:
    host = base_url.split("//", 1)[1]
    outlets = work / "outlets.toml"
    outlets.write_text(
        f'[[outlet]]\nname = "{host.split(":")[0]}"\nhome = "{base_url}/"\ndomains = ["{host}"]\n'
    )
    files = sorted(str(p) for p in (work / "warc").iterdir())
    runs = []
    for processes in (1, 2):
        for name, args in (
            ("reextract", ["--warc", str(work / "warc")]),
            ("ingest_warc", [*files, "--outlets", str(outlets), "-q"]),
        ):
            archive = work / f"{name}-{processes}.db"
            started = time.perf_counter()
            command = [sys.executable, "-c", SCALE_CLI.format(name), *args,
                       "--archive", str(archive), "--workers", str(processes)]  # fmt: skip
            articles, seconds = watch([_spawn(command)], archive, started)
            label = f"akhbar {name.replace('_', '-')}, {processes} extraction process(es)"
            runs.append(Run(label, processes, articles, seconds))
    return runs


def report(runs: list[Run], pages: int) -> list[str]:
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    lines = [
        f"{pages} article pages, {os.cpu_count()} cores (load average before: {load})",
        f"{'run':<52}{'articles':>9}{'seconds':>9}{'articles/s':>12}",
    ]
    lines += [f"{r.label:<52}{r.articles:>9}{r.seconds:>9.1f}{r.rate:>12.1f}" for r in runs]
    short = [r.label for r in runs if r.articles < runs[0].articles]
    if short:
        lines.append(f"INCOMPLETE (fewer articles than the reference crawl): {'; '.join(short)}")
    by_workers = {r.processes: r for r in runs if "--redis" in r.label}
    if 1 in by_workers:
        one = by_workers[1].rate
        ups = [f"{k} workers {r.rate / one:.2f}x" for k, r in sorted(by_workers.items()) if k > 1]
        lines.append("speed-up over 1 worker: " + (", ".join(ups) or "-"))
    return lines


def alive(site: SiteServer) -> bool:
    return site.process.is_running() and site.process.status() != psutil.STATUS_ZOMBIE


def measured(root: Path, run: Callable[[str], Run]) -> tuple[Run, str]:
    """One run against a site server of its own, which must live to the end of the run."""
    with SiteServer(root) as site:
        result = run(site.base_url)
        if not alive(site):
            raise SystemExit(f"the site server died during: {result.label}")
        return result, site.base_url


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="1 vs N distributed crawler workers.")
    parser.add_argument("--pages", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workers", default="1,2,3", help="worker counts to run, e.g. 1,2")
    args = parser.parse_args(argv)
    counts = [int(n) for n in args.workers.split(",")]
    root = generate(args.pages, args.seed)
    load = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="akhbar-scale-bench-") as tmp:
        work = Path(tmp)
        redis_process, redis_url = start_redis(work)
        try:
            reference, crawled_base = measured(root, lambda base: standalone(base, work))
            runs = [reference]
            for k in counts:
                run, _ = measured(root, partial(distributed, k, redis_url=redis_url, work=work))
                runs.append(run)
                print(f"{run.label}: {run.rate:.1f} articles/s", file=sys.stderr)
            runs += replays(work, crawled_base)  # the WARC records name the reference's host
        finally:
            redis_process.terminate()
            redis_process.wait(timeout=10)
    lines = report(runs, args.pages)
    lines[0] = lines[0].split(" (load")[0] + f" (1-minute load average before: {load:.1f})"
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
