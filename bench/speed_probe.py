"""How fast the machine is right now: a fixed piece of akhbar's own work, timed every two seconds.

A shared virtual machine does not run at one speed: here a fixed Python loop took 14 to 22 ms
per 5-second window. The crawl benchmark compares akhbar with its naive baseline across runs a
minute apart, so it needs the machine's speed during each: the probe runs in a process of its own
beside the naive run and the two akhbar crawls around it; every two seconds it extracts one page
of the benchmark site (`crawler.scale.worker.extract_page`, ~20 ms of CPU, ~1 % of one core) and
prints the CPU time it took. The mean over a run is that run's speed. (The ceiling rounds need no
probe: the crawl's own workers run the extraction stage's function, bench/crawl_bench.py. The naive
crawl's extraction runs on its reactor thread among downloads, so its CPU per page says more
about that design than about the machine.)

    python -m bench.speed_probe --page FILE --url URL [--every 2.0]
"""

from __future__ import annotations

import argparse
import contextlib
import subprocess
import sys
import threading
import time
from pathlib import Path

from crawler.outlets import adhoc_outlet
from crawler.scale.worker import extract_page, warm_up

CONTENT_TYPE = "text/html; charset=utf-8"


def probe_loop(page: Path, url: str, every: float) -> None:
    """Print `wall_time cpu_seconds` of one extraction of `page`, every `every` seconds."""
    body = page.read_bytes()
    outlet = adhoc_outlet(listings=[url])
    warm_up()
    while True:
        started = time.process_time()
        extract_page(body, CONTENT_TYPE, url, outlet)
        print(f"{time.time():.3f} {time.process_time() - started:.6f}", flush=True)
        time.sleep(every)


class SpeedProbe:
    """The probe subprocess and its samples; `ms(t0, t1)` is the mean cost over a window."""

    def __init__(self, page: Path, url: str, env: dict[str, str], every: float = 2.0) -> None:
        command = [sys.executable, "-m", "bench.speed_probe", "--page", str(page), "--url", url]
        self.command = [*command, "--every", str(every)]
        self.env = env
        self.samples: list[tuple[float, float]] = []
        self.process: subprocess.Popen[str] | None = None
        self._reader: threading.Thread | None = None

    def __enter__(self) -> SpeedProbe:
        self.process = subprocess.Popen(
            self.command, stdout=subprocess.PIPE, text=True, env=self.env
        )
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        return self

    def _read(self) -> None:
        assert self.process is not None and self.process.stdout is not None
        for line in self.process.stdout:
            wall, cpu = line.split()
            self.samples.append((float(wall), float(cpu)))

    def __exit__(self, *exc: object) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait()

    def ms(self, start: float, end: float) -> float:
        """Mean CPU ms of the probe's samples taken between two `time.time()` instants (the
        nearest sample when none falls inside)."""
        if not self.samples:
            raise RuntimeError("the speed probe produced no sample")
        inside = [cpu for wall, cpu in self.samples if start <= wall <= end]
        if not inside:
            middle = (start + end) / 2
            inside = [min(self.samples, key=lambda s: abs(s[0] - middle))[1]]
        return 1000 * sum(inside) / len(inside)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--page", type=Path, required=True, help="an HTML page to extract")
    parser.add_argument("--url", required=True, help="the page's URL")
    parser.add_argument("--every", type=float, default=2.0, help="seconds between samples")
    args = parser.parse_args(argv)
    with contextlib.suppress(KeyboardInterrupt, BrokenPipeError):
        probe_loop(args.page, args.url, args.every)
    return 0


if __name__ == "__main__":
    sys.exit(main())
