"""Who owns an article row: the original outlet, whichever of its URLs the crawl fetched first.

Every URL that served a text is a claim on its row (`article_urls`). A claim is a `copy` when its
page names another source (an aggregator's "Publié dans X", a link to the original on another
host); every claim of an outlet with a copy among them counts as a copy. The row's `outlet`,
`url`, `canonical_url`, `status`, `published` and metadata come from the best claim:

1. an outlet whose claims are not copies beats one whose claims are;
2. then the outlet that published first, compared like with like (`timeutil.order_key`: a date
   given only as a day never comes before a time on that day; undated last), then its name;
3. within that outlet, the URL that is its own canonical URL, then URLs without a canonical URL,
   then the rest (tracking and AMP variants), then alphabetical order.

The other claims of the owning outlet are `variant`s; each other outlet's best claim is its
`original` (or `copy`). The decision depends only on the set of claims, never on their order.
`published` is the owner outlet's date, made more precise by its other claims when they name the
same moment (`timeutil.more_precise`); another outlet's date is used only when it has none.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from archive.models import Article
from archive.timeutil import more_precise, order_key, precision_name

ORIGINAL, COPY, VARIANT = "original", "copy", "variant"
METADATA_COLUMNS = (
    "title",
    "language",
    "authors",
    "section",
    "tags",
    "image",
    "description",
    "extra",
    "original_outlet",
    "source_url",
)
_ROW_COLUMNS = (
    *("outlet", "url", "canonical_url", "status", "published", "published_precision"),
    *("published_month", "first_seen_at", *METADATA_COLUMNS),
)


def names_a_source(url: str, original_outlet: str | None, source_url: str | None) -> bool:
    """Does a page present itself as a copy? A source link to the page's own host does not count
    (an outlet pointing at its own print edition or at itself)."""
    if source_url:
        return _host(source_url) != _host(url)
    return bool(original_outlet)


def is_copy(article: Article) -> bool:
    return names_a_source(article.url, article.original_outlet, article.source_url)


def _host(url: str) -> str:
    return urlsplit(url).netloc.lower().removeprefix("www.")


def metadata_values(article: Article) -> dict[str, Any]:
    """The row columns that describe the page rather than the text."""
    return {
        "title": article.title,
        "language": article.language,
        "authors": json.dumps(list(article.authors), ensure_ascii=False),
        "section": article.section,
        "tags": json.dumps(list(article.tags), ensure_ascii=False),
        "image": article.image,
        "description": article.description,
        "extra": json.dumps(article.extra, ensure_ascii=False, default=str)
        if article.extra
        else None,
        "original_outlet": article.original_outlet,
        "source_url": article.source_url,
    }


@dataclass(frozen=True)
class Claim:
    """One URL that served the row's text, as `article_urls` records it."""

    url: str
    outlet: str
    canonical_url: str | None
    published: str | None
    precision: str | None
    role: str | None
    status: int | None
    last_seen_at: str

    @property
    def copied(self) -> bool:
        return self.role == COPY


def claims_of(conn: sqlite3.Connection, article_id: int) -> list[Claim]:
    return [
        Claim(*row)
        for row in conn.execute(
            "SELECT url, outlet, canonical_url, published, published_precision, role, status, "
            "last_seen_at FROM article_urls WHERE article_id = ?",
            (article_id,),
        )
    ]


def ranked(claims: list[Claim]) -> list[Claim]:
    """The claims best first: the first is the owner (rules in the module docstring)."""
    copiers = {c.outlet for c in claims if c.copied}
    best: dict[str, tuple[bool, str]] = {}
    for claim in claims:
        key = (claim.outlet in copiers, order_key(claim.published, claim.precision))
        best[claim.outlet] = min(best.get(claim.outlet, key), key)
    return sorted(claims, key=lambda c: (best[c.outlet], c.outlet, _url_rank(c), c.url))


def _url_rank(claim: Claim) -> int:
    if claim.canonical_url == claim.url:
        return 0
    return 1 if claim.canonical_url is None else 2


def roles(claims: list[Claim]) -> dict[str, str]:
    """url -> role, for ranked claims."""
    copiers = {c.outlet for c in claims if c.copied}
    seen: set[str] = set()
    found: dict[str, str] = {}
    for claim in claims:
        if claim.outlet in copiers:
            found[claim.url] = COPY
        else:
            found[claim.url] = VARIANT if claim.outlet in seen else ORIGINAL
        seen.add(claim.outlet)
    return found


def dated(claims: list[Claim]) -> str | None:
    """The row's publication date from ranked claims (module docstring)."""
    first = next((c for c in claims if c.published), None)
    if first is None or first.published is None:
        return None
    value = first.published
    for claim in claims:
        if claim.outlet == first.outlet:
            value = more_precise(value, claim.published)
    return value


@dataclass(frozen=True)
class Settlement:
    """What re-deciding a row changed: its owner before and after, and whether any column moved."""

    outlet_before: str
    url_before: str
    canonical_before: str | None
    owner: Claim
    changed: bool

    @property
    def took_over_from(self) -> str | None:
        """The outlet that lost the row to another outlet's claim."""
        return self.outlet_before if self.outlet_before != self.owner.outlet else None


def settle(
    conn: sqlite3.Connection,
    article_id: int,
    article: Article | None = None,
    seen_at: str | None = None,
) -> Settlement:
    """Re-decide a row from its claims: roles, owner columns, date. `article` is the fetch just
    recorded (if any): when it is the owner's newest look at its page, the row takes its
    metadata."""
    claims = ranked(claims_of(conn, article_id))
    _store_roles(conn, article_id, claims)
    owner = claims[0]
    cursor = conn.execute(f"SELECT {', '.join(_ROW_COLUMNS)} FROM articles WHERE id = ?",
                          (article_id,))  # fmt: skip
    row = dict(zip(_ROW_COLUMNS, cursor.fetchone(), strict=True))
    published = dated(claims)
    want: dict[str, Any] = {
        "outlet": owner.outlet,
        "url": owner.url,
        "canonical_url": owner.canonical_url,
        "status": owner.status,
        "published": published,
        "published_precision": precision_name(published),
        "published_month": (published or row["first_seen_at"])[:7],
    }
    fresh = article is not None and article.url == owner.url and owner.last_seen_at == seen_at
    if article is not None and fresh:
        want.update(metadata_values(article))
    elif row["url"] != owner.url and not owner.copied:
        want.update(original_outlet=None, source_url=None)
    changes = {name: value for name, value in want.items() if row[name] != value}
    if changes:
        assignments = ", ".join(f"{name} = ?" for name in changes)
        conn.execute(f"UPDATE articles SET {assignments} WHERE id = ?",
                     [*changes.values(), article_id])  # fmt: skip
    return Settlement(row["outlet"], row["url"], row["canonical_url"], owner, bool(changes))


def _store_roles(conn: sqlite3.Connection, article_id: int, claims: list[Claim]) -> None:
    wanted = roles(claims)
    for claim in claims:
        role = wanted[claim.url]
        if claim.role != role:
            conn.execute(
                "UPDATE article_urls SET role = ? WHERE url = ? AND article_id = ?",
                (role, claim.url, article_id),
            )
