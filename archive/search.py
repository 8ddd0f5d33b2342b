"""Full-text search helpers: Arabic folding shared by the FTS triggers and queries, query escaping.

FTS5's `unicode61 remove_diacritics 2` folds Latin diacritics (é -> e, ç -> c) but treats Arabic
harakat (U+064B-U+065F, U+0670) as separators, so "كِتَابٌ" is indexed as the tokens ك / ت / اب, and it
keeps tatweel (U+0640) inside tokens, so "كتـــاب" never matches "كتاب". The archive therefore
indexes the title and text with these marks removed (pure-SQL `replace()` calls in the triggers, so
any SQLite client, datasette included, can write or read the index) and removes them from
queries too.
Letters themselves (hamza forms, ta marbuta, alef maqsura) are kept: a user typing them gets them.
"""

from __future__ import annotations

import re
import unicodedata

#: Arabic combining marks (tanween, harakat, shadda, sukun, maddah, hamza marks...) and tatweel.
ARABIC_MARKS: tuple[str, ...] = (
    *(chr(cp) for cp in range(0x064B, 0x0660)),
    "\u0670",  # superscript alef
    "\u0640",  # tatweel
)
_MARKS_RE = re.compile("[" + "".join(ARABIC_MARKS) + "]")
_TOKEN_RE = re.compile(r"\w+", re.UNICODE)

#: The FTS5 tokenizer: Unicode 6.1 word rules, case folded, Latin diacritics removed.
TOKENIZER = "unicode61 remove_diacritics 2"


def fold_arabic(text: str) -> str:
    """Remove Arabic harakat and tatweel, as the FTS index does."""
    return _MARKS_RE.sub("", text)


def fold_sql(expression: str) -> str:
    """The SQL expression that removes the same marks from `expression` (nested `replace()`)."""
    folded = expression
    for mark in ARABIC_MARKS:
        folded = f"replace({folded}, char({ord(mark)}), '')"
    return folded


def fts_query(query: str) -> str:
    """A safe FTS5 MATCH expression: every word of `query` as a quoted term, all required.

    Operators and quotes in user input are never interpreted, so any string is a valid query.
    Each word appears once (as FTS5 folds it: case and Latin accents): FTS5's cost grows with the
    square of repeated terms (100 copies of one word: 5.6 s, 400: 79 s, on 3,000 articles).
    """
    terms: dict[str, str] = {}
    for word in _TOKEN_RE.findall(fold_arabic(query)):
        terms.setdefault(_fold_latin(word), word)
    return " ".join(f'"{word}"' for word in terms.values())


def _fold_latin(word: str) -> str:
    """The word as `unicode61 remove_diacritics 2` indexes it, near enough to spot repeats."""
    decomposed = unicodedata.normalize("NFKD", word.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))
