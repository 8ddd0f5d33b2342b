"""Records that cross module boundaries: what extraction produces and the archive stores."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from archive.identity import content_hash


@dataclass(frozen=True)
class Article:
    """One extracted news article, as archived.

    `url` is the URL that served the page (after redirects); `canonical_url` the page's
    `<link rel=canonical>` or the normalized URL. For an aggregator copy, `original_outlet`
    and `source_url` name the outlet and URL it was republished from.
    """

    url: str
    title: str
    text: str
    outlet: str
    language: str | None = None
    published: str | None = None  # ISO 8601 with timezone
    authors: tuple[str, ...] = ()
    canonical_url: str | None = None
    original_outlet: str | None = None
    source_url: str | None = None
    section: str | None = None
    tags: tuple[str, ...] = ()
    image: str | None = None
    description: str | None = None
    extra: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    @property
    def content_hash(self) -> str:
        return content_hash(self.text)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict, with `content_hash` included and tuples as lists."""
        data = asdict(self)
        data["authors"] = list(self.authors)
        data["tags"] = list(self.tags)
        data["content_hash"] = self.content_hash
        if not data["extra"]:
            del data["extra"]
        return data


@dataclass(frozen=True)
class WarcRef:
    """Where the raw HTTP response behind an article is kept in a WARC file."""

    filename: str
    offset: int
    length: int | None = None
    record_id: str | None = None
