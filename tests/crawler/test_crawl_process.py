"""What the crawl process itself loads: the extraction stack stays in the worker processes.

The crawl process downloads, submits pages to the extraction workers and writes the archive. It
never extracts, so trafilatura and langdetect (~0.2 s of start-up CPU and ~20 MB) must not be
imported there. A real crawl of the demo site, in a fresh interpreter, reports what it had
imported by the end.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

SCRIPT = """
import json, sys
from pathlib import Path

from crawler.demo.server import start_demo_site
from crawler.run.crawl import CrawlRequest, run_crawl

if __name__ == "__main__":
    archive = Path(sys.argv[1])
    with start_demo_site() as site:
        request = CrawlRequest(
            archive=archive,
            outlets=sorted(site.base_urls),
            outlet_files=[site.outlets_file],
            overrides={"AUTOTHROTTLE_ENABLED": False, "LOG_LEVEL": "WARNING"},
        )
        report = run_crawl(request)
    heavy = ["trafilatura", "langdetect", "htmldate", "crawler.extract.article"]
    counters = [o.counters for o in report.outlets]
    outcomes = ("articles_new", "articles_duplicate", "articles_revised")
    print(json.dumps({
        "status": report.status,
        "new": sum(c.get("articles_new", 0) for c in counters),
        "archived": sum(c.get(o, 0) for c in counters for o in outcomes),
        "extracted": sum(c.get("pages_extracted", 0) for c in counters),
        "refused": sum(c.get("pages_refused", 0) for c in counters),
        "cpu_ms": sum(c.get("extraction_cpu_ms", 0) for c in counters),
        "loaded": [name for name in heavy if name in sys.modules],
    }))
"""


def test_the_crawl_process_never_loads_the_extraction_stack(tmp_path: Path) -> None:
    script = tmp_path / "crawl.py"
    script.write_text(SCRIPT)
    done = subprocess.run(
        [sys.executable, str(script), str(tmp_path / "archive.db")],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["status"] == "ok"
    assert result["new"] > 0  # the workers did extract: the stack lives there
    assert result["loaded"] == []
    # every page handed to a worker is counted, with the CPU its extraction took
    assert result["extracted"] == result["archived"] + result["refused"]
    assert result["cpu_ms"] >= result["extracted"]  # at least 1 ms a page, as real pages take
