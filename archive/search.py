"""Full-text search: Arabic folding shared by the FTS index and queries, and the query language.

FTS5's `unicode61 remove_diacritics 2` folds case and Latin diacritics (É -> e, ç -> c) but no
Arabic spelling variant: `إطلاق` and `اطلاق`, `المملكة` and `المملكه`, `كتـــاب` and `كتاب`
are different tokens to it. The archive therefore indexes the title and text folded, the way
Arabic search engines normalize (Lucene's ArabicNormalizer does the same):

- harakat, tanween, shadda, sukun, superscript alef and tatweel are removed;
- hamza forms of alef (أ إ آ) and alef wasla (ٱ) become a bare alef (ا);
- ta marbuta (ة) becomes ha (ه); alef maqsura (ى) becomes ya (ي).

The folding is pure SQL (`replace()` calls in the FTS triggers, `fold_select`), so any SQLite
client can write the index; queries are folded the same way in Python (`fts_query`). The
tokenizer keeps the harakat inside tokens (`tokenchars`), so the stored text and the folded text
split into the same tokens and FTS5's `snippet()`/`highlight()` mark the right words.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

_ALEF, _HA, _YA = "\u0627", "\u0647", "\u064a"

#: Arabic combining marks: tanween, harakat, shadda, sukun, maddah, hamza marks, superscript alef.
ARABIC_MARKS: tuple[str, ...] = (*(chr(cp) for cp in range(0x064B, 0x0660)), "\u0670")

#: Characters the folding removes: the marks and tatweel.
ARABIC_REMOVED: tuple[str, ...] = (*ARABIC_MARKS, "\u0640")
#: Letters the folding replaces, and by what.
ARABIC_LETTERS: dict[str, str] = {
    "\u0623": _ALEF,  # alef with hamza above
    "\u0625": _ALEF,  # alef with hamza below
    "\u0622": _ALEF,  # alef with madda
    "\u0671": _ALEF,  # alef wasla
    "\u0629": _HA,  # ta marbuta
    "\u0649": _YA,  # alef maqsura
}
_REMOVE = str.maketrans(dict.fromkeys(ARABIC_REMOVED, ""))
_FOLD = str.maketrans({**dict.fromkeys(ARABIC_REMOVED, ""), **ARABIC_LETTERS})

#: The FTS5 tokenizer: Unicode 6.1 word rules, case folded, Latin diacritics removed; Arabic marks
#: stay inside words (they are separators by default), so folding never changes token positions.
TOKENIZER = "unicode61 remove_diacritics 2 tokenchars '" + "".join(ARABIC_MARKS) + "'"

_WORD_RE = re.compile(r"\w+", re.UNICODE)
_CHUNK_RE = re.compile(r'(-?)"([^"]*)"?(\*?)|(\S+)')


def fold_arabic(text: str) -> str:
    """Fold Arabic spelling variants as the FTS index does (see the module docstring)."""
    return text.translate(_FOLD)


def remove_arabic_marks(text: str) -> str:
    """Remove harakat and tatweel only, letters kept (near-duplicate shingles, file names)."""
    return text.translate(_REMOVE)


def fold_select(values: Sequence[str], folded: Sequence[str], source: str = "") -> str:
    """`SELECT values..., fold_arabic(folded)... [FROM source]` in SQL.

    The folding is nested `replace()` calls, split over a subquery: SQLite's parser refuses about
    thirty nested calls, one expression cannot hold them all.
    """
    inner = [f"{value} AS v{i}" for i, value in enumerate(values)]
    inner += [f"{_replace_all(expr, dict.fromkeys(ARABIC_REMOVED, ''))} AS f{i}"
              for i, expr in enumerate(folded)]  # fmt: skip
    outer = [f"v{i}" for i in range(len(values))]
    outer += [_replace_all(f"f{i}", ARABIC_LETTERS) for i in range(len(folded))]
    where = f" FROM {source}" if source else ""
    return f"SELECT {', '.join(outer)} FROM (SELECT {', '.join(inner)}{where})"


def _replace_all(expression: str, replacements: dict[str, str]) -> str:
    for char, replacement in replacements.items():
        target = f"char({ord(replacement)})" if replacement else "''"
        expression = f"replace({expression}, char({ord(char)}), {target})"
    return expression


@dataclass(frozen=True)
class _Term:
    phrase: str  # an FTS5 string, quoted
    negated: bool = False


def fts_query(query: str) -> str:
    """A safe FTS5 MATCH expression for a search box query; "" when there is nothing to find.

    Words are all required; `OR` between two terms accepts either; "double quotes" match a phrase;
    `word*` matches words starting with `word`; `-word` excludes. Anything else (parentheses, NEAR,
    column filters, stray quotes) is searched as plain words, so any string is a valid query.
    """
    groups: list[list[str]] = []  # AND of ORs
    excluded: list[str] = []
    pending_or = False
    for term in _terms(fold_arabic(query)):
        if term is None:
            pending_or = bool(groups)
        elif term.negated:
            excluded.append(term.phrase)
            pending_or = False
        elif pending_or:
            groups[-1].append(term.phrase)
            pending_or = False
        else:
            groups.append([term.phrase])
    if not groups:
        return ""
    required = " AND ".join(g[0] if len(g) == 1 else "(" + " OR ".join(g) + ")" for g in groups)
    if not excluded:
        return required
    return f"({required})" + "".join(f" NOT {phrase}" for phrase in excluded)


def _terms(query: str) -> list[_Term | None]:
    """The query's terms in order; None stands for an OR operator."""
    terms: list[_Term | None] = []
    for match in _CHUNK_RE.finditer(query):
        minus, quoted, star, bare = match.groups()
        if bare == "OR":
            terms.append(None)
            continue
        if bare is not None:
            minus = "-" if bare.startswith("-") and len(bare) > 1 else ""
            star = "*" if bare.endswith("*") else ""
            quoted = bare
        words = _WORD_RE.findall(quoted)
        if words:
            terms.append(_Term('"' + " ".join(words) + '"' + star, negated=bool(minus)))
    return terms
