"""Pure URL helpers: the canonical form of an article URL.

Two URLs that serve the same article should map to one canonical URL before any download:
tracking parameters, fragments, default ports, AMP variants and letter case of scheme and
host are removed or normalized. The archive still dedups by content, so a variant this
misses costs one download, never a duplicate row.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit, urlunsplit

from w3lib.url import canonicalize_url, url_query_cleaner

from crawler.outlets import Outlet
from crawler.outlets.patterns import user_pattern

# Query parameters that only track where a reader came from; never part of an article's identity.
TRACKING_PARAMS = frozenset(
    {
        "fbclid",
        "gclid",
        "dclid",
        "msclkid",
        "yclid",
        "igshid",
        "mc_cid",
        "mc_eid",
        "_ga",
        "_gl",
        "ref",
        "ref_src",
        "ref_url",
        "cmpid",
        "xtor",
        "at_medium",
        "at_campaign",
        "ocid",
        "smid",
        "amp",
        "outputType",
        "share",
        "s_cid",
    }
)
TRACKING_PREFIXES = ("utm_", "at_", "pk_", "mtm_", "hsa_")
_AMP_PATH = re.compile(r"(/amp(?=/|$))|(\.amp(?=\.html?$))", re.IGNORECASE)
_DEFAULT_PORTS = {"http": ":80", "https": ":443"}


def _is_tracking(name: str) -> bool:
    lowered = name.lower()
    return lowered in TRACKING_PARAMS or lowered.startswith(TRACKING_PREFIXES)


def strip_amp(url: str) -> str:
    """The non-AMP URL of an AMP variant (`/amp/` path segment, `.amp.html`, `amp.` host)."""
    parts = urlsplit(url)
    path = _AMP_PATH.sub("", parts.path) or "/"
    if re.search(r"\.html?/$", path):
        path = path[:-1]
    host = parts.netloc
    if host.lower().startswith("amp."):
        host = host[4:]
    return urlunsplit((parts.scheme, host, path, parts.query, parts.fragment))


def canonical_url(url: str) -> str:
    """The URL an article is archived and deduplicated under."""
    parts = urlsplit(url.strip())
    kept = [
        name
        for name in (p.split("=", 1)[0] for p in parts.query.split("&") if p)
        if not _is_tracking(name)
    ]
    cleaned = url_query_cleaner(url.strip(), kept, keep_fragments=False) if parts.query else url
    cleaned = strip_amp(cleaned)
    scheme = urlsplit(cleaned).scheme.lower()
    canonical = canonicalize_url(cleaned, keep_fragments=False)
    default_port = _DEFAULT_PORTS.get(scheme, "")
    head, sep, tail = canonical.partition("://")
    host, slash, rest = tail.partition("/")
    if default_port and host.endswith(default_port):
        host = host[: -len(default_port)]
    return f"{head}{sep}{host}{slash}{rest}"


def host_of(url: str) -> str:
    """The URL's host, lower-cased, without port and leading www."""
    return (urlsplit(url).hostname or "").removeprefix("www.")


_ID_SEGMENT = re.compile(r"\d{4,}")
_DATE_PATH = re.compile(r"/(19|20)\d{2}/\d{1,2}/")
_NOT_ARTICLE = re.compile(
    r"/(tag|tags|category|categorie|categories|section|rubrique|author|auteur|page|search|"
    r"recherche|login|register|feed|rss|contact|about|a-propos|privacy|cgu|archives?)(/|$)",
    re.IGNORECASE,
)
_NOT_ARTICLE_FILE = re.compile(r"\.(jpe?g|png|gif|webp|svg|pdf|zip|mp[34]|css|js|xml)$", re.I)


def looks_like_article(url: str) -> bool:
    """A URL heuristic for outlets with no declared pattern (ad-hoc crawls of listing pages).

    An article URL has a long slug (three or more words), a numeric id, or a date path;
    section, tag, author, search and pagination URLs and static files are not articles.
    """
    path = urlsplit(url).path
    if path in ("", "/") or _NOT_ARTICLE.search(path) or _NOT_ARTICLE_FILE.search(path):
        return False
    last = [s for s in path.split("/") if s]
    slug = last[-1] if last else ""
    words = [w for w in re.split(r"[-_]+", slug.rsplit(".", 1)[0]) if w]
    return len(words) >= 3 or bool(_ID_SEGMENT.search(path)) or bool(_DATE_PATH.search(path))


# What to do with a link an outlet's document gives: fetch it (the pattern matched, or the outlet
# declares none), fetch it although it misses the pattern, or skip it (None).
MATCHED, MISSED = "matched", "missed"


def link_verdict(outlet: Outlet, url: str, *, trusted: bool) -> str | None:
    """MATCHED, MISSED or None. A `trusted` link comes from the outlet's own feed or sitemap:
    there the pattern is a hint (a link with an article's shape is fetched and the extractor
    decides); a listing page's links must match it. Off-site and excluded links are skipped."""
    if not outlet.owns(url):
        return None
    if outlet.exclude_pattern and user_pattern(outlet.exclude_pattern).search(url):
        return None
    if outlet.article_pattern:
        if user_pattern(outlet.article_pattern).search(url):
            return MATCHED
        return MISSED if trusted and looks_like_article(url) else None
    return MATCHED if trusted or looks_like_article(url) else None
