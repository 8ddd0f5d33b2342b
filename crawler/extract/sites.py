"""The names a site goes by, beyond its own metadata: the brand on its home links and logo, its
copyright line, and the titles of the outlets in the registry (in any script: "مغرس" is
Maghress). A headline loses a trailing " - X" / " | X" when X is one of them."""

from __future__ import annotations

import logging
import re
from functools import lru_cache
from urllib.parse import urlsplit

from lxml.html import HtmlElement

from crawler.extract.phrases import norm
from crawler.outlets import OutletError, load_registry

logger = logging.getLogger(__name__)

SUFFIX = re.compile(r"^(?P<head>.+?)\s+[-–—|]\s+(?P<tail>[^-–—|]{1,60})$")
# Words in registry titles that name an edition, not the site ("Maghress (مغرس), Arabic").
EDITION_WORDS = {"arabic", "french", "english", "spanish", "amazigh", "edition", "ar", "fr", "en"}


@lru_cache(maxsize=1)
def registry_names() -> frozenset[str]:
    """Every shipped outlet's title and its parts, normalized ("Maghress", "مغرس", "Le360")."""
    try:
        registry = load_registry()
    except (OutletError, OSError) as exc:
        logger.warning("outlet registry unreadable, no registry site names: %s", exc)
        return frozenset()
    names: set[str] = set()
    for outlet in registry.values():
        for part in re.split(r"[(),]", outlet.title):
            key = norm(part)
            if key and key not in EDITION_WORDS:
                names.add(key)
    return frozenset(names)


HOME_PATHS = {"", "index.html", "index.php", "index.htm"}
HOME_HREFS = {"/", "./", "/index.html", "/index.php", "/index.htm"}


def _is_home_link(href: str, host: str) -> bool:
    """Does this link lead to the home page of `host` (the site the page is on)?"""
    href = href.strip()
    if href in HOME_HREFS:
        return True
    if not href.startswith(("http", "//")) or href.rstrip("/").count("/") > 3:
        return False
    target = urlsplit(href if not href.startswith("//") else f"https:{href}")
    netloc = target.netloc.lower().removeprefix("www.")
    return netloc == host and target.path.strip("/") in HOME_PATHS


def brand_names(root: HtmlElement, url: str) -> set[str]:
    """Names on the links to the site's home page (text, title, logo alt) and in its copyright
    line, normalized."""
    names: set[str] = set()
    host = urlsplit(url).netloc.lower().removeprefix("www.") if url else ""
    for link in root.iter("a"):
        href = link.get("href")
        if href is None or not host or not _is_home_link(href, host):
            continue
        names.add(" ".join(link.text_content().split()))
        names.add(link.get("title") or "")
        names.update(img.get("alt") or "" for img in link.iter("img"))
    for el in root.xpath('//*[contains(text(), "©")]')[:5]:
        line = " ".join(el.text_content().split())
        if len(line) <= 120:
            names.add(re.sub(r"©|\(c\)|\d{4}(?:\s*[-–]\s*\d{4})?|copyright", " ", line, flags=re.I))
    return {norm(n) for n in names if n and 0 < len(norm(n)) <= 60}


def strip_site_suffix(title: str, names: set[str] | frozenset[str]) -> str:
    """The title without a trailing " - X" / " | X" where X is one of the site names."""
    match = SUFFIX.match(title)
    while match and norm(match["tail"]) in names and len(match["head"]) >= 3:
        title = match["head"].rstrip()
        match = SUFFIX.match(title)
    return title
