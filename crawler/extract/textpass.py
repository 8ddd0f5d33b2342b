"""The text-level pass: boilerplate lines that survive any extractor (fr, ar, en, es).

Each rule is a small pure function on a list of lines, testable on its own; `clean_lines` runs them
in order. The DOM-level rules (tickers as markup, modals, comment sections) are in
`crawler/extract/prune.py`; this pass catches what reaches the text anyway. The phrase families
are in `crawler/extract/phrases.py`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from crawler.extract.datetext import is_date_line
from crawler.extract.phrases import (
    BYLINE,
    CUT_MIN_CHARS,
    HEADLINE_MAX_CHARS,
    INLINE_PHRASES,
    SECTION_ENDS,
    SIGNATURE,
    TICKER_MIN_SEPARATORS,
    TICKER_SEP,
    is_boilerplate_line,
    is_comment_heading,
    norm,
)
from crawler.outlets.patterns import Searcher

SENTENCE_END = (".", "!", "?", "؟", "…", "»", '"', "”", ":")


def strip_ticker(line: str) -> str:
    """`line` without its run of headlines separated by no-break spaces (a text-run news ticker).
    Headlines end without a full stop: pieces that end like sentences are a paragraph whose
    writer put "&nbsp; " after each sentence, and stay."""
    parts = TICKER_SEP.split(line)
    if len(parts) <= TICKER_MIN_SEPARATORS:
        return line
    if is_prose_run(parts[:-1]):
        return line
    kept = [p for p in parts[:-1] if len(p.strip()) > HEADLINE_MAX_CHARS]
    last = parts[-1].strip()
    if len(last) > HEADLINE_MAX_CHARS or (last.endswith((".", "!", "?", "؟")) and len(last) > 120):
        kept.append(last)
    return " ".join(p.strip() for p in kept)


def is_prose_run(pieces: Sequence[str]) -> bool:
    """Do most of these pieces end like sentences (a paragraph, not a run of headlines)?"""
    pieces = [p.strip() for p in pieces if p.strip()]
    ended = sum(1 for p in pieces if p.endswith(SENTENCE_END))
    return bool(pieces) and ended * 2 >= len(pieces)


def cut_sections(lines: list[str], extra_cuts: Sequence[Searcher] = ()) -> list[str]:
    """Lines up to the first comment/related heading (or outlet cut_after regex) after the body."""
    seen = 0
    for index, line in enumerate(lines):
        text = line.strip()
        if any(p.search(text) for p in extra_cuts):
            return lines[:index]
        if (len(text) <= 80 and SECTION_ENDS.search(text)) or is_comment_heading(text):
            if seen >= CUT_MIN_CHARS:
                return lines[:index]
            lines = [*lines[:index], "", *lines[index + 1 :]]
        seen += len(text)
    return lines


def drop_leading(
    lines: list[str], repeated: Iterable[str], max_lines: int = 8
) -> tuple[list[str], str | None]:
    """Without the title, kicker, dateline, section, byline... repeated as the first lines of the
    body; the byline, if one was there, is returned beside the lines."""
    known = {norm(r) for r in repeated if r and norm(r)}
    out = [line for line in lines if line.strip()]
    out = _after_title(out, known)
    byline = None
    for _ in range(max_lines):
        if not out:
            break
        text = out[0].strip()
        if BYLINE.match(text) and len(text) <= 120:
            byline = byline or text
        elif not (norm(text) in known or is_date_line(text) or _is_joined_meta(text, known)):
            break
        out.pop(0)
    return out, byline


def _after_title(lines: list[str], known: set[str], window: int = 5) -> list[str]:
    """If the title is one of the first lines, the lines after it (when those before it are short:
    kicker, section, date)."""
    for index, line in enumerate(lines[:window]):
        if norm(line) in known and len(line) >= 20:
            if all(len(before) <= 80 for before in lines[:index]):
                return lines[index + 1 :]
            break
    return lines


def _is_joined_meta(text: str, known: set[str]) -> bool:
    """'Par A | B', 'Technologie 07/02/2025', 'Title - 16 mai 2023': known metadata + a date."""
    key = norm(text)
    if not key or len(key) > 200:
        return False
    rest = key
    for item in sorted(known, key=len, reverse=True):
        if item and len(item) > 2:
            rest = re.sub(rf"(?<!\w){re.escape(item)}(?!\w)", " ", rest)
    if len(rest.strip()) == len(key):
        return False
    words = [
        w for w in rest.split() if w not in {"par", "by", "por", "بقلم", "et", "and", "y", "و"}
    ]
    return len(words) <= 1 or is_date_line(" ".join(words))


@dataclass(frozen=True)
class TextPass:
    """What the text-level pass returns: clean lines, and a trailing signature it took off."""

    text: str
    signature: str | None = None
    byline: str | None = None


def take_signature(lines: list[str]) -> tuple[list[str], str | None]:
    """A trailing credit line ("La Rédaction (avec France 24 et HEM)") taken off the body."""
    while lines and not lines[-1].strip():
        lines = lines[:-1]
    if lines and len(lines[-1].strip()) <= 100 and SIGNATURE.search(lines[-1].strip()):
        return lines[:-1], lines[-1].strip()
    return lines, None


def clean_lines(
    text: str,
    *,
    repeated: Iterable[str] = (),
    drop: Sequence[Searcher] = (),
    cut: Sequence[Searcher] = (),
) -> TextPass:
    """The whole text-level pass, in order: tickers, cut sections, boilerplate lines, repeated
    metadata at the top, trailing signature; blank runs collapsed."""
    lines = [INLINE_PHRASES.sub("", strip_ticker(line)).rstrip() for line in text.splitlines()]
    lines = cut_sections(lines, cut)
    lines = [line for line in lines if not is_boilerplate_line(line, drop)]
    lines, byline = drop_leading(lines, repeated)
    lines, signature = take_signature(lines)
    return TextPass("\n".join(line.strip() for line in lines if line.strip()), signature, byline)
