"""What akhbar's extraction costs beside the minimal work: CPU per page, in one process.

For each page, interleaved (the order alternating from page to page, so drifts of the machine's
speed fall on both alike): akhbar's `extract()` (everything a worker does to a decoded page:
metadata, boilerplate layers, body, refusal, language), and the minimal extraction a crawler
needs, `trafilatura.bare_extraction(with_metadata=True)` plus langdetect on the first 2,000
characters of its text. CPU time (`time.process_time`), so other processes on the machine move
the figures little; the ratio is the figure to read. Pages: the crawl benchmark's synthetic
site (bench/synthetic_site.py, with the ad-hoc outlet a crawl of it uses) and the scrapinghub
set. akhbar's time is also split by pass (`crawler.extract.article.PASSES`).

    akhbar bench extraction --cost [--pages 500]
"""

from __future__ import annotations

import contextlib
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from bench.extraction_data import load_scrapinghub
from bench.synthetic_site import DEFAULT_PAGES, article_urls, generate
from crawler.outlets import Outlet, adhoc_outlet

SITE_BASE = "http://bench.localhost"
LANGDETECT_CHARS = 2000


@dataclass
class Cost:
    """CPU seconds of both sides over a set of pages, and akhbar's split by pass."""

    pages: int = 0
    akhbar: float = 0.0
    minimal: float = 0.0
    passes: Counter[str] = field(default_factory=Counter)

    @property
    def ratio(self) -> float:
        return self.akhbar / self.minimal if self.minimal else 0.0


Sample = tuple[str, str, Outlet | None]


def minimal_extraction() -> Callable[[str, str], None]:
    """trafilatura with metadata, then langdetect on 2,000 characters of its text."""
    import trafilatura
    from langdetect import DetectorFactory, detect
    from langdetect.lang_detect_exception import LangDetectException

    DetectorFactory.seed = 0

    def minimal(html: str, url: str) -> None:
        doc = trafilatura.bare_extraction(html, url=url or None, with_metadata=True)
        text = doc.text if doc is not None else ""
        if text:
            with contextlib.suppress(LangDetectException):  # no features: nothing to detect
                detect(text[:LANGDETECT_CHARS])

    return minimal


def measure(samples: list[Sample]) -> Cost:
    """Both sides on every page, interleaved, in this process (after one warm-up page each)."""
    from crawler.extract import extract_timed

    minimal = minimal_extraction()
    html, url, outlet = samples[0]
    extract_timed(html, url, outlet)
    minimal(html, url)
    cost = Cost()
    for number, (html, url, outlet) in enumerate(samples):
        for side in ("akhbar", "minimal") if number % 2 == 0 else ("minimal", "akhbar"):
            started = time.process_time()
            if side == "akhbar":
                _, passes = extract_timed(html, url, outlet)
                cost.passes.update(passes)
            else:
                minimal(html, url)
            spent = time.process_time() - started
            setattr(cost, side, getattr(cost, side) + spent)
        cost.pages += 1
    return cost


def site_samples(pages: int) -> list[Sample]:
    """The first `pages` article pages of the crawl benchmark's 2,000-page site."""
    root = generate(DEFAULT_PAGES, 1)
    outlet = adhoc_outlet(sitemaps=[f"{SITE_BASE}/sitemap.xml"])
    urls = article_urls(root, SITE_BASE)[:pages]
    return [
        ((root / url[len(SITE_BASE) + 1 :]).read_text(encoding="utf-8"), url, outlet)
        for url in urls
    ]


def report(name: str, cost: Cost) -> list[str]:
    per_page = 1000 / max(1, cost.pages)
    lines = [
        f"{name}: {cost.pages} pages, CPU ms per page: akhbar extract() "
        f"{cost.akhbar * per_page:.1f}, trafilatura+langdetect {cost.minimal * per_page:.1f}, "
        f"ratio {cost.ratio:.2f}",
    ]
    total = sum(cost.passes.values()) or 1.0
    for step, seconds in cost.passes.items():
        lines.append(f"  {step:<24}{seconds * per_page:6.2f} ms  {seconds / total:6.1%}")
    return lines


def cost_report(site_pages: int) -> list[str]:
    from importlib.metadata import version

    lines = [
        f"extraction cost, akhbar {version('akhbar')}, trafilatura {version('trafilatura')}, "
        f"{time.strftime('%Y-%m-%d')}; per-page CPU, interleaved in one process"
    ]
    sets = (
        (f"bench site ({DEFAULT_PAGES}-page synthetic site)", site_samples(site_pages)),
        ("scrapinghub", [(p.html, p.url, None) for p in load_scrapinghub()]),
    )
    for name, samples in sets:
        lines += report(name, measure(samples))
    return lines
