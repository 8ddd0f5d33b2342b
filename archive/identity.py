"""An article's identity: the SHA-256 of its normalized clean text.

The rule, also documented in the README:
1. Unicode NFKC normalization (folds compatibility forms: non-breaking spaces, ligatures,
   full-width and Arabic presentation forms);
2. every run of whitespace (spaces, tabs, newlines, any Unicode space) becomes one space;
3. leading and trailing whitespace removed;
4. SHA-256 of the UTF-8 bytes, as 64 lowercase hex digits.
Case, punctuation and diacritics are kept: a corrected typo is a new revision.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

_WHITESPACE = re.compile(r"\s+")


def normalize_text(text: str) -> str:
    """The text as hashed: NFKC, whitespace runs collapsed to one space, stripped."""
    return _WHITESPACE.sub(" ", unicodedata.normalize("NFKC", text)).strip()


def content_hash(text: str) -> str:
    """SHA-256 hex digest of the normalized text."""
    return hashlib.sha256(normalize_text(text).encode("utf-8")).hexdigest()
