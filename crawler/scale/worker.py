"""What an extraction worker process runs for one page: decode, extract, detect language.

Kept apart from the pipeline so worker processes import only what extraction needs. Choosing
the encoding happens here too: it reads the whole body (and may run charset_normalizer on a
page with wrong declarations), work that would otherwise hold the reactor thread.

The crawl process imports this module too (it submits `extract_page` to the pool and unpickles
`Extraction` results), but never runs extraction: trafilatura and langdetect (~0.2 s of CPU and
~20 MB at start-up) are imported by the functions below, which only workers call. The pool's
fork server preloads them (crawler/scale/pool.py), so a worker's call finds them loaded.

Every page has a budget (`Budget`, from EXTRACT_TIMEOUT and EXTRACT_MAX_MARKUP): a page with more
markup than the size budget is refused unparsed (`too-much-markup`: 500,000 tags took 64 s and
1 GB), one that uses up the CPU budget is abandoned (`extraction-timeout`); see
crawler/scale/limits.py for how the time limit holds even inside C code.
"""

from __future__ import annotations

import contextlib
import gc
import re
import signal
import time
from dataclasses import dataclass, replace

from w3lib.encoding import html_to_unicode

from archive.models import Article
from crawler.extract import page_encoding
from crawler.items import Extraction
from crawler.outlets import Outlet
from crawler.scale.limits import OverBudget, cpu_budget, worker_process_setup

# Imported by the fork server before it forks any worker (crawler/scale/pool.py).
EXTRACTION_MODULES = ["crawler.extract.article", "crawler.extract.language"]
OVER_TIME = "extraction-timeout"  # the refusal of a page that used up its CPU budget
OVER_SIZE = "too-much-markup"
WORKER_DIED = "worker-died"  # a page that killed its worker (CPU backstop, memory) twice
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")  # C0 and C1 controls but \t and \n
_HTML_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")  # C0, C1 but \t \n \f \r
# The same characters in UTF-8 bytes: C0 and DEL as themselves, C1 as \xc2 and a second byte.
_HTML_CONTROL_BYTES = bytes([*range(0x09), 0x0B, *range(0x0E, 0x20), 0x7F])
_C1_UTF8 = re.compile(rb"\xc2[\x80-\x9f]")


@dataclass(frozen=True)
class Budget:
    """What one page may cost a worker: CPU seconds, and tags (`<` in the bytes: real news
    pages have ~1,500, the largest of 700 benchmark pages 8,400)."""

    cpu_seconds: float = 20.0
    max_markup: int = 100_000


_budget = Budget()  # this worker's, set by warm_up


def decode_html(body: bytes, encoding: str | None) -> str:
    """The page as text: the HTTP/declared encoding when known, else sniffed from the body;
    without control characters (no HTML may hold them, and libxml2 drops the rest of a page
    at the first one: a title with an escape sequence cost the whole article)."""
    text = None
    if encoding:
        with contextlib.suppress(LookupError):  # an unknown name: sniffed below
            text = body.decode(encoding, errors="replace")
    if text is None:
        _, text = html_to_unicode(None, body)
    return _HTML_CONTROL.sub("", text)


def page_markup(body: bytes, encoding: str | None) -> str | bytes:
    """What extraction reads of a page: `decode_html`'s text, or the bytes of a UTF-8 page that
    holds no control character, which the parse pass decodes itself (crawler/extract/parse.py):
    the same text, without a scan of it for controls (two byte scans cost a third as much)."""
    if encoding == "utf-8" and not _has_utf8_controls(body):
        return body
    return decode_html(body, encoding)


def _has_utf8_controls(body: bytes) -> bool:
    """Would UTF-8 decoding give a character `_HTML_CONTROL` matches? (Invalid bytes decode to
    U+FFFD, never to a control.)"""
    return len(body.translate(None, _HTML_CONTROL_BYTES)) < len(body) or bool(_C1_UTF8.search(body))


def extract_page(body: bytes, content_type: str | None, url: str, outlet: Outlet) -> Extraction:
    """Extraction of one fetched page (its bytes and Content-Type header), in a worker process."""
    from crawler.extract import extract  # loaded once per worker; see the module docstring

    if body.count(b"<") > _budget.max_markup:
        return Extraction(None, OVER_SIZE)
    started = time.process_time()
    try:
        with cpu_budget(_budget.cpu_seconds):
            extraction = extract(page_markup(body, page_encoding(body, content_type)), url, outlet)
    except OverBudget:
        extraction = Extraction(None, OVER_TIME)
    article = extraction.article and without_controls(extraction.article)
    return replace(extraction, article=article, cpu_ms=(time.process_time() - started) * 1000)


def without_controls(article: Article) -> Article:
    """The article with control characters (a page's stray \x1b, \x07...) taken out of its
    text fields: they would reach terminals, CSV files and search results as they are."""
    return replace(
        article,
        title=article.title and _CONTROL.sub("", article.title),
        text=_CONTROL.sub("", article.text),
        description=article.description and _CONTROL.sub("", article.description),
        section=article.section and _CONTROL.sub("", article.section),
        authors=tuple(_CONTROL.sub("", a) for a in article.authors),
        tags=tuple(_CONTROL.sub("", t) for t in article.tags),
    )


WARM_UP_PAGE = (
    "<html lang='fr'><head><title>Échauffement</title></head><body><article><h1>Échauffement</h1>"
    "<p>Le gouvernement a présenté mardi à Rabat un nouveau programme national pour l'emploi des "
    "jeunes, avec des investissements dans la formation, l'agriculture et les énergies "
    "renouvelables dans toutes les régions du royaume.</p></article></body></html>"
)


def start_worker(crawl_pid: int | None = None, budget: Budget | None = None) -> None:
    """The pool's initializer: end with the crawl (crawler/scale/limits.py), take the page
    budget, warm up."""
    global _budget
    # Ctrl-C reaches the terminal's whole process group: the crawl decides when workers end
    # (a worker dying of it would print a traceback and lose the pages it was given).
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    worker_process_setup(crawl_pid)
    _budget = budget or Budget()
    warm_up()


def warm_up() -> None:
    """Load extraction's and language detection's models once, so the first page a worker
    gets costs what any page costs (a page refused before language detection would leave
    langdetect's profiles, ~1 s to load, for the first real article)."""
    from crawler.extract import detect_language, extract  # see the module docstring

    extract(WARM_UP_PAGE, "http://localhost/2026/01/01/warm-up.html", None)
    detect_language("Le gouvernement a présenté un nouveau programme national pour l'emploi.")
    # The extraction stack and the language profiles are loaded for good: frozen, they are
    # skipped by every later full collection (GC 0.6 -> 0.1 ms of CPU per page, measured).
    gc.freeze()
