"""The language pass: langdetect (seeded, on a short sample) weighed with the script and the
page's lang.

The only module that imports langdetect. `DetectorFactory.seed = 0` makes results reproducible.
langdetect's cost grows with the text it reads (~1.2 ms per call, plus ~0.9 ms per 1,000
characters), so it reads SAMPLE_CHARS characters from the start of the text: on every recorded
and benchmark page the sample gives the answer the whole text gives (tests/extract), except
where the whole text is mostly a table of names and the sample is the right one. Letters are
counted with a translation table (C speed), not character by character in Python.
"""

from __future__ import annotations

import logging
import re
import unicodedata

from langdetect import DetectorFactory, detect_langs
from langdetect.lang_detect_exception import LangDetectException

DetectorFactory.seed = 0
logger = logging.getLogger(__name__)

SAMPLE_CHARS = 500
MIN_LETTERS = 25  # below this, the page's lang (if any) wins over a guess
CONFIDENT = 0.80  # below this probability, a page lang among the candidates wins
TIFINAGH = re.compile(r"[\u2D30-\u2D7F]")
ARABIC = re.compile(r"[\u0600-\u06FF\u0750-\u077F\u08A0-\u08FF\uFB50-\uFDFF\uFE70-\uFEFF]")
# langdetect's near neighbours of Arabic-script Arabic; on Moroccan pages they are Arabic/Darija.
_ARABIC_LOOKALIKES = {"fa", "ur", "ps", "ckb"}


def sample(text: str, limit: int = SAMPLE_CHARS) -> str:
    """The first `limit` characters of `text`, cut at a paragraph or word boundary."""
    if len(text) <= limit:
        return text
    head = text[:limit]
    cut = max(head.rfind("\n"), head.rfind(" "))
    return head[:cut] if cut > limit // 2 else head


def page_language(html_lang: str | None) -> str | None:
    """The primary subtag of an HTML lang attribute ("fr-FR" -> "fr"), or None."""
    if not html_lang:
        return None
    primary = re.split(r"[-_]", html_lang.strip().lower())[0]
    return primary if re.fullmatch(r"[a-z]{2,3}", primary) else None


class _LettersOnly(dict[int, int | None]):
    """A str.translate table that keeps letters (Unicode category L*) and deletes the rest,
    filled on first sight of each character."""

    def __missing__(self, code: int) -> int | None:
        value = code if unicodedata.category(chr(code)).startswith("L") else None
        self[code] = value
        return value


_LETTERS_ONLY = _LettersOnly()


def letters(text: str) -> str:
    """The letters of `text`, in order (digits, punctuation, spaces and marks gone)."""
    return text.translate(_LETTERS_ONLY)


def script_language(text: str) -> str | None:
    """A language decided by the script alone: Tifinagh is Amazigh ("zgh")."""
    return _by_script(letters(text))


def _by_script(found: str) -> str | None:
    if found and len(TIFINAGH.findall(found)) / len(found) > 0.5:
        return "zgh"
    return None


def _candidates(text: str) -> list[tuple[str, float]]:
    try:
        return [(c.lang, c.prob) for c in detect_langs(text)]
    except LangDetectException as exc:
        logger.debug("langdetect gave up: %s", exc)
        return []


def detect_language(
    text: str, html_lang: str | None = None, *, sample_chars: int | None = SAMPLE_CHARS
) -> str | None:
    """The ISO 639 code of `text`'s language ("ar", "fr", "en", "es", "zgh"...), or None."""
    hint = page_language(html_lang)
    head = sample(text or "", sample_chars) if sample_chars else (text or "")
    found = letters(head)
    by_script = _by_script(found)
    if by_script:
        return by_script
    if len(found) < MIN_LETTERS:
        if hint or not found:
            return hint
        short = _candidates(head)
        return short[0][0] if short else None
    candidates = _candidates(head)
    if not candidates:
        return hint
    best, prob = candidates[0]
    arabic_share = len(ARABIC.findall(found)) / len(found)
    if best in _ARABIC_LOOKALIKES and arabic_share > 0.5 and hint in (None, "ar"):
        return "ar"
    if prob < CONFIDENT and hint and any(lang == hint for lang, _ in candidates):
        return hint
    return best
