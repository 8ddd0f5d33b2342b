"""What a page says it is when it is no article: a product, a forum thread, documentation.

Read from what the page declares, never from its text: its og:type (`product`, `product.group`),
the schema.org types of its JSON-LD and microdata (`Product`, `Offer`, `QAPage`,
`DiscussionForumPosting`; a product inside an article is a review's subject, so these count only
on a page without article markup), and its address (a `/threads/` or `/forum/` path, a `docs.`
or `forum.` host). An address alone is weaker: it counts on a page without article markup, or
without a publication date (documentation generators often say og:type article, but a manual
page carries no dateline of its own); a forum's address (`/forum/`, `/threads/`, `forum.`,
`community.`) counts whatever the markup says (forum software says og:type article and dates
every post).
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from lxml.html import HtmlElement

from crawler.extract.metadata import Metadata, meta

OG_TYPES = {
    "product": "product-page", "product.item": "product-page", "product.group": "product-page",
    "og:product": "product-page",
}  # fmt: skip
SCHEMA_TYPES = {
    "product": "product-page", "productgroup": "product-page", "offer": "product-page",
    "aggregateoffer": "product-page", "qapage": "forum-page",
    "discussionforumposting": "forum-page",
}  # fmt: skip
# Forum software's addresses: conclusive whatever the markup (forums often say og:type article)
FORUM_SEGMENTS = {
    "forum", "forums", "thread", "threads", "showthread.php", "viewtopic.php", "ubbthreads.php",
}  # fmt: skip
PATH_SEGMENTS = {
    **dict.fromkeys(FORUM_SEGMENTS, "forum-page"), "questions": "forum-page",
    "discussion": "forum-page", "discussions": "forum-page", "product": "product-page",
    "products": "product-page", "shop": "product-page", "docs": "documentation-page",
    "documentation": "documentation-page", "wiki": "documentation-page",
}  # fmt: skip
FORUM_HOSTS = {"forum", "forums", "community"}
HOST_LABELS = {
    **dict.fromkeys(FORUM_HOSTS, "forum-page"),
    "shop": "product-page", "store": "product-page", "docs": "documentation-page",
    "developer": "documentation-page", "developers": "documentation-page",
    "help": "documentation-page", "support": "documentation-page",
}  # fmt: skip


@dataclass(frozen=True)
class Declared:
    """What the page declares it is: by its markup or a forum's address (conclusive), or by
    another address (counts only on a page without article markup or without a date)."""

    by_markup: str | None = None
    by_address: str | None = None
    conclusive_address: bool = False

    def refusal(self, is_article: bool, dated: bool) -> str | None:
        if self.by_markup:
            return self.by_markup
        if self.by_address and (self.conclusive_address or not (is_article and dated)):
            return self.by_address
        return None


def declared_type(root: HtmlElement, url: str, metadata: Metadata) -> Declared:
    """The kind of non-article page the markup and the address declare, if any."""
    by_markup = OG_TYPES.get((meta(root, "og:type") or "").strip().lower())
    if by_markup is None and not metadata.is_article:
        types = {t.lower() for t in metadata.page_types}
        types |= {str(t).rstrip("/").rsplit("/", 1)[-1].lower() for t in root.xpath("//@itemtype")}
        by_markup = next((SCHEMA_TYPES[t] for t in sorted(types) if t in SCHEMA_TYPES), None)
    parts = urlsplit(url)
    segments = unquote(parts.path).lower().strip("/").split("/")
    host = (parts.hostname or "").removeprefix("www.").split(".")
    label = host[0] if len(host) > 2 else ""
    by_address = next((PATH_SEGMENTS[s] for s in segments if s in PATH_SEGMENTS), None)
    by_address = by_address or HOST_LABELS.get(label)
    forum = bool(FORUM_SEGMENTS.intersection(segments)) or label in FORUM_HOSTS
    return Declared(by_markup, by_address, forum)
