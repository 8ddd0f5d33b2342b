"""What an extraction worker process runs for one page: decode, extract, detect language.

Kept apart from the pipeline so worker processes import only what extraction needs.
"""

from __future__ import annotations

from w3lib.encoding import html_to_unicode

from crawler.extract import Extraction, extract
from crawler.language import detect_language
from crawler.outlets import Outlet


def decode_html(body: bytes, encoding: str | None) -> str:
    """The page as text: the HTTP/declared encoding when known, else sniffed from the body."""
    if encoding:
        try:
            return body.decode(encoding, errors="replace")
        except LookupError:
            pass
    _, text = html_to_unicode(None, body)
    return text


def extract_page(body: bytes, encoding: str | None, url: str, outlet: Outlet) -> Extraction:
    """Extraction of one fetched page, run in a worker process."""
    return extract(decode_html(body, encoding), url, outlet)


WARM_UP_PAGE = (
    "<html lang='fr'><head><title>Échauffement</title></head><body><article><h1>Échauffement</h1>"
    "<p>Le gouvernement a présenté mardi à Rabat un nouveau programme national pour l'emploi des "
    "jeunes, avec des investissements dans la formation, l'agriculture et les énergies "
    "renouvelables dans toutes les régions du royaume.</p></article></body></html>"
)


def warm_up() -> None:
    """Worker initializer: load extraction's and language detection's models once, so the
    first page a worker gets costs what any page costs (a page refused before language
    detection would leave langdetect's profiles, ~1 s to load, for the first real article)."""
    extract(WARM_UP_PAGE, "http://localhost/2026/01/01/warm-up.html", None)
    detect_language("Le gouvernement a présenté un nouveau programme national pour l'emploi.")
