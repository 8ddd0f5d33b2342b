"""The authors pass, on the untouched page: JSON-LD authors; the scholarly `citation_author`
tags; <meta name=author> (or the "Written by" of twitter:label/data); else the bylines the reader
sees (crawler/extract/bylines.py). After the text pass: the byline atop the body, else the
credit line at its end. Names are read by crawler/extract/names.py ("A | B" is two; "La
Rédaction" kept as written; roles, links, dates and URLs are no names). The site's own name is
no author: a source that names only the site gives way to the next one."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any

from lxml.html import HtmlElement

from crawler.extract.bylines import visible_authors
from crawler.extract.metadata import Metadata, ld_text, meta, meta_all
from crawler.extract.names import is_person, split_authors
from crawler.extract.phrases import norm

META_AUTHOR = ("author", "article:author", "parsely-author", "sailthru.author", "dc.creator")
WRITTEN_BY = re.compile(r"^(?:written by|author|authors|by|autor|auteur|interview by)$", re.I)
CREDIT_NOTE = re.compile(r"\s*\(.*\)\s*\.?$")


def markup_authors(root: HtmlElement, metadata: Metadata) -> tuple[str, ...]:
    """The authors the page names: JSON-LD, else `citation_author`, else the meta author (a
    "Written by" twitter:data before a meta author that is the site's name; an acronym gives
    way to a byline naming people), else the visible bylines. Never the outlet itself
    ("STERN.de", "WRAL", "هسبريس": a site name, declared or its host's), unless it is written as
    a person's name: a personal blog ("Rishabh Dev") is named after its author; a source naming
    only the site gives way to the next."""
    outlet = {norm(n).replace(" ", "") for n in _declared_names(root, metadata)}
    outlet |= {site.replace(" ", "") for site in metadata.site_names}

    def key(name: str) -> str:
        return norm(name).replace(" ", "")

    def kept(names: Iterable[str]) -> tuple[str, ...]:
        return tuple(n for n in names if is_person(n) or key(n) not in outlet)

    for strong in (_ld_authors(metadata.ld_articles), meta_all(root, "citation_author")):
        found = kept(split_authors(strong))
        if found:
            return found
    named = [found for v in _meta_authors(root) if (found := kept(split_authors([v])))]
    weak = next((f for f in named if all(key(n) not in outlet for n in f)), ())
    weak = weak or (named[0] if named else ())
    if weak and not all(_acronym(n) for n in weak):
        return weak
    visible = kept(visible_authors(root, metadata.title, lone=not weak))
    return _weak_or_visible(weak, visible)


def _weak_or_visible(weak: tuple[str, ...], visible: tuple[str, ...]) -> tuple[str, ...]:
    """The meta author, unless it is an organisation's acronym ("MCJ") and a byline (an element
    or a "By" line, not a lone name) names people."""
    if not weak:
        return visible
    if all(_acronym(n) for n in weak) and any(is_person(n) for n in visible):
        return visible
    return weak


def _acronym(name: str) -> bool:
    letters = [c for c in name if c.isalpha()]
    return len(letters) >= 2 and all(c.isupper() for c in letters)


def _meta_authors(root: HtmlElement) -> Iterator[str]:
    """<meta name=author> and the like, then twitter:dataN under a "Written by" twitter:labelN;
    a name written all in lower case ("joshua becker") gets its capitals (not a user name:
    "jrobison")."""
    values = [meta(root, *META_AUTHOR) or ""]
    values += [
        meta(root, f"twitter:data{n}") or ""
        for n in range(1, 5)
        if WRITTEN_BY.match((meta(root, f"twitter:label{n}") or "").strip())
    ]
    for value in values:
        if value and not value.startswith("http"):
            yield value.title() if value.islower() and " " in value.strip() else value


def _declared_names(root: HtmlElement, metadata: Metadata) -> list[str]:
    names = [meta(root, "og:site_name", "application-name") or ""]
    names += [ld_text(obj.get("publisher")) or "" for obj in metadata.ld_articles]
    return [n for n in names if n]


def article_authors(
    markup: tuple[str, ...], byline: str | None, signature: str | None, text: str = ""
) -> tuple[str, ...]:
    """The page's authors; else the byline atop the body; else the credit line at its end. A
    guest's byline opening the body ("By Bianca Knauf.", "This is a guest post by Annelies")
    names the author when the markup names someone else (the site's owner)."""
    guest = opening_authors(text)
    if guest and not {norm(n) for n in guest} & {norm(n) for n in markup}:
        return guest
    if markup:
        return markup
    if byline:
        return split_authors([byline])
    if signature:
        return (CREDIT_NOTE.sub("", signature).strip(),)
    return ()


OPENING_BY = re.compile(r"^(?:by|par|por|von)\s+(?P<names>[^.!?]{3,80}?)(?:\.\s|[.!?]?$)", re.I)
GUEST = re.compile(
    r"\bguest[- ](?:post|article|author|writer|contributor|blogger)\b(?:[^.,]{0,20}?\bby)?"
    r"\s*:?\s+(?P<names>[^.,;:()]{2,60})",
    re.IGNORECASE,
)


def opening_authors(text: str, lines: int = 2) -> tuple[str, ...]:
    """The author a body names in its first lines: "By Lizzie Streit, MS, RDN" (a person), or
    a guest ("This is a guest post by Annelies, a travel blogger")."""
    for line in text.splitlines()[:lines]:
        if len(line) > 200:
            continue
        by = OPENING_BY.match(line)
        if by:
            names = split_authors([f"By {by['names']}"])
            if names and all(is_person(n) for n in names):
                return names
        guest = GUEST.search(line)
        if guest:
            names = split_authors([guest["names"]])
            if len(names) == 1:
                return names
    return ()


def _ld_authors(objs: Iterable[dict[str, Any]]) -> list[str]:
    out: list[str] = []
    for obj in objs:
        authors = obj.get("author") or obj.get("creator") or []
        for author in authors if isinstance(authors, list) else [authors]:
            name = ld_text(author)
            if name and not name.startswith("http"):
                out.append(name)
    return out


def read_authors(
    root: HtmlElement, structured: list[str], meta_author: str | None, title: str | None = None
) -> tuple[str, ...]:
    """Authors from JSON-LD names, else from a meta author, else from the visible bylines."""
    found = split_authors(structured)
    if not found and meta_author and not meta_author.startswith("http"):
        found = split_authors([meta_author])
    return found or visible_authors(root, title)
