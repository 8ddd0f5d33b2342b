"""What an extraction worker process runs for one page: decode, extract, detect language.

Kept apart from the pipeline so worker processes import only what extraction needs. Choosing
the encoding happens here too: it reads the whole body (and may run charset_normalizer on a
page with wrong declarations), work that would otherwise hold the reactor thread.

The crawl process imports this module too (it submits `extract_page` to the pool and unpickles
`Extraction` results), but never runs extraction: trafilatura and langdetect (~0.2 s of CPU and
~20 MB at start-up) are imported by the functions below, which only workers call. The pool's
fork server preloads them (crawler/scale/pool.py), so a worker's call finds them loaded.
"""

from __future__ import annotations

import gc
import os
import signal
import threading
import time
from dataclasses import replace

from w3lib.encoding import html_to_unicode

from crawler.extract.charset import page_encoding
from crawler.items import Extraction
from crawler.outlets import Outlet

# Imported by the fork server before it forks any worker (crawler/scale/pool.py).
EXTRACTION_MODULES = ["crawler.extract.article", "crawler.extract.language"]


def decode_html(body: bytes, encoding: str | None) -> str:
    """The page as text: the HTTP/declared encoding when known, else sniffed from the body."""
    if encoding:
        try:
            return body.decode(encoding, errors="replace")
        except LookupError:
            pass
    _, text = html_to_unicode(None, body)
    return text


def extract_page(body: bytes, content_type: str | None, url: str, outlet: Outlet) -> Extraction:
    """Extraction of one fetched page (its bytes and Content-Type header), in a worker process."""
    from crawler.extract.article import extract  # loaded once per worker; see the module docstring

    started = time.process_time()
    extraction = extract(decode_html(body, page_encoding(body, content_type)), url, outlet)
    return replace(extraction, cpu_ms=(time.process_time() - started) * 1000)


WARM_UP_PAGE = (
    "<html lang='fr'><head><title>Échauffement</title></head><body><article><h1>Échauffement</h1>"
    "<p>Le gouvernement a présenté mardi à Rabat un nouveau programme national pour l'emploi des "
    "jeunes, avec des investissements dans la formation, l'agriculture et les énergies "
    "renouvelables dans toutes les régions du royaume.</p></article></body></html>"
)


def _exit_when_gone(crawl_pid: int, every: float = 1.0) -> None:
    """A worker of a crawl killed with kill -9 would wait on its task queue forever."""
    while True:
        time.sleep(every)
        try:
            os.kill(crawl_pid, 0)
        except ProcessLookupError:
            os._exit(0)
        except PermissionError:  # the pid was reused by another user's process
            os._exit(0)


def warm_up(crawl_pid: int | None = None) -> None:
    """Worker initializer: end with the crawl, and load extraction's and language detection's
    models once, so the first page a worker gets costs what any page costs (a page refused
    before language detection would leave langdetect's profiles, ~1 s to load, for the first
    real article)."""
    # Ctrl-C reaches the terminal's whole process group: the crawl decides when workers end
    # (a worker dying of it would print a traceback and lose the pages it was given).
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if crawl_pid is not None:
        watchdog = threading.Thread(target=_exit_when_gone, args=(crawl_pid,), daemon=True)
        watchdog.start()
    from crawler.extract.article import extract  # see the module docstring
    from crawler.extract.language import detect_language

    extract(WARM_UP_PAGE, "http://localhost/2026/01/01/warm-up.html", None)
    detect_language("Le gouvernement a présenté un nouveau programme national pour l'emploi.")
    # The extraction stack and the language profiles are loaded for good: frozen, they are
    # skipped by every later full collection (GC 0.6 -> 0.1 ms of CPU per page, measured).
    gc.freeze()
