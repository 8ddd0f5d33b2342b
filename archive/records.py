"""Records the archive returns: outcomes of an add, stored articles, statistics, run rows."""

from __future__ import annotations

import enum
import json
from dataclasses import dataclass, field
from typing import Any

from archive.models import Article


class AddOutcome(enum.Enum):
    """What `Archive.add` did with an article."""

    NEW = "new"
    DUPLICATE = "duplicate"  # same content hash already stored; the URL is recorded against it
    REVISED = "revised"  # a known URL now serves a different text: a new, linked version


@dataclass(frozen=True)
class AddResult:
    """The outcome of one add, the article's row id and its near-duplicate cluster."""

    outcome: AddOutcome
    article_id: int
    cluster_id: int | None = None
    revision_of: int | None = None


@dataclass(frozen=True)
class StoredArticle:
    """An article as stored: the Article fields plus the archive's own columns."""

    id: int
    url: str
    title: str
    text: str
    outlet: str
    language: str | None
    published: str | None
    content_hash: str
    canonical_url: str | None = None
    original_outlet: str | None = None
    source_url: str | None = None
    section: str | None = None
    authors: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    image: str | None = None
    description: str | None = None
    first_seen_at: str | None = None
    last_seen_at: str | None = None
    cluster_id: int | None = None
    revision_of: int | None = None
    superseded_by: int | None = None
    is_latest: bool = True
    word_count: int | None = None

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> StoredArticle:
        values: dict[str, Any] = {name: row.get(name) for name in cls.__dataclass_fields__}
        values["authors"] = tuple(json.loads(row["authors"] or "[]"))
        values["tags"] = tuple(json.loads(row["tags"] or "[]"))
        values["is_latest"] = bool(row["is_latest"])
        return cls(**values)

    def to_article(self) -> Article:
        return Article(
            url=self.url,
            title=self.title,
            text=self.text,
            outlet=self.outlet,
            language=self.language,
            published=self.published,
            authors=self.authors,
            canonical_url=self.canonical_url,
            original_outlet=self.original_outlet,
            source_url=self.source_url,
            section=self.section,
            tags=self.tags,
            image=self.image,
            description=self.description,
        )


@dataclass(frozen=True)
class RunRecord:
    """One `akhbar crawl` (or any command that records a run)."""

    id: int
    command: str
    outlets: tuple[str, ...]
    started_at: str
    finished_at: str | None
    status: str


@dataclass(frozen=True)
class OutletRunRecord:
    """What one run did for one outlet: counters and errors by kind."""

    run_id: int
    outlet: str
    started_at: str | None
    finished_at: str | None
    counters: dict[str, int] = field(default_factory=dict)
    errors: dict[str, int] = field(default_factory=dict)
    examples: dict[str, list[str]] = field(default_factory=dict)  # a few URLs per counter

    @property
    def errors_total(self) -> int:
        return sum(self.errors.values())


@dataclass(frozen=True)
class ArchiveStats:
    """What the archive holds."""

    articles: int  # latest versions
    versions: int  # every stored text, revisions included
    urls: int  # distinct URLs that served an article
    clusters: int  # near-duplicate clusters among latest versions
    by_outlet: dict[str, int]
    by_language: dict[str, int]
    first_seen_at: str | None
    last_seen_at: str | None
    last_run: RunRecord | None
    schema_version: int
