from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest

from crawler.demo.server import DemoSite, start_demo_site

AKHBAR = str(Path(sys.executable).parent / "akhbar")
FAST = ["--set", "AUTOTHROTTLE_ENABLED=False", "--set", "DOWNLOAD_DELAY=0"]


def akhbar(*args: str, timeout: float = 180) -> subprocess.CompletedProcess[str]:
    """Run the real `akhbar` command in a subprocess."""
    return subprocess.run(
        [AKHBAR, *args], capture_output=True, text=True, timeout=timeout, check=False
    )


def crawl_demo(site: DemoSite, archive: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    names = sorted(site.base_urls)
    return akhbar(
        "crawl",
        *names,
        "--outlets",
        str(site.outlets_file),
        "--archive",
        str(archive),
        *FAST,
        *extra,
    )


def assert_clean_run(
    result: subprocess.CompletedProcess[str], log: Path | None = None, codes: Sequence[int] = (0,)
) -> None:
    """Exit code in `codes`; no traceback or deprecation on the terminal nor in the crawl's log
    (`akhbar crawl` logs beside the archive, `<archive>.log`)."""
    assert result.returncode in codes, result.stdout + result.stderr
    for text in (result.stderr, log.read_text() if log else ""):
        assert "Traceback" not in text, text
        assert "ScrapyDeprecationWarning" not in text, text


@pytest.fixture(scope="module")
def demo_site() -> Iterator[DemoSite]:
    with start_demo_site() as site:
        yield site
