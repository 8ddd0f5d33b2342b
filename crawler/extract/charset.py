"""Pure: which encoding decodes a fetched HTML page, when its declarations may be missing or wrong.

Servers often send no charset, or a wrong one (a default `charset=utf-8` or `iso-8859-1` in
front of a windows-1256 Arabic page). The rule: a byte-order mark wins; a declared encoding
(HTTP header, then `<meta charset>`) is trusted when the body decodes with it without error
and no other declaration disagrees; otherwise charset_normalizer chooses among the
declarations that decode, or, when none is trustworthy, among the legacy encodings of the
languages akhbar reads.
"""

from __future__ import annotations

import codecs

import charset_normalizer
from w3lib.encoding import (
    html_body_declared_encoding,
    http_content_type_encoding,
    read_bom,
    resolve_encoding,
)

# Legacy encodings of the press akhbar reads (French/Spanish/English, Arabic), when nothing
# trustworthy is declared: guessing among every codec would mistake cp1252 for cp1250.
_LIKELY = ("cp1252", "cp1256", "iso8859_6")
# Encodings that decode any byte string: "decodes without error" says nothing about them.
_PERMISSIVE = frozenset({"cp1252", "latin_1", "iso8859_1", "ascii"})


def _codec(name: str | None) -> str | None:
    if not name:
        return None
    resolved = resolve_encoding(name)
    if resolved is None:
        return None
    try:
        return codecs.lookup(resolved).name
    except LookupError:
        return None


def _decodes(body: bytes, codec: str) -> bool:
    try:
        body.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return False
    return True


def declared_encodings(body: bytes, content_type: str | None) -> list[str]:
    """The page's declared encodings, HTTP header first, as Python codec names, no repeats."""
    names = [http_content_type_encoding(content_type), html_body_declared_encoding(body)]
    codecs_: list[str] = []
    for name in names:
        codec = _codec(name)
        if codec and codec not in codecs_:
            codecs_.append(codec)
    return codecs_


def page_encoding(body: bytes, content_type: str | None) -> str:
    """The codec name that turns this page's bytes into the text its authors wrote."""
    bom, _ = read_bom(body)
    if bom:
        return _codec(bom) or "utf-8"
    if body.isascii():
        return "utf-8"
    declared = declared_encodings(body, content_type)
    working = [c for c in declared if _decodes(body, c)]
    if len(working) == 1 and working == declared and working[0] not in _PERMISSIVE:
        return working[0]
    if "utf_8" not in working and _decodes(body, "utf-8"):
        return "utf-8"  # valid UTF-8 with high bytes is almost never another encoding
    strict = [c for c in working if c not in _PERMISSIVE]
    choices = strict or [*working, *(c for c in _LIKELY if c not in working)]
    best = charset_normalizer.from_bytes(body, cp_isolation=choices).best()
    if best is not None:
        return _codec(best.encoding) or best.encoding
    return (working or declared or ["utf-8"])[0]
