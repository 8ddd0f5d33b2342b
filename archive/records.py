"""Records the archive returns: outcomes of an add, stored articles, statistics, run rows."""

from __future__ import annotations

import enum
import json
from dataclasses import dataclass, field
from typing import Any

from archive.models import Article


class AddOutcome(enum.Enum):
    """What `Archive.add` did with an article, for the outlet that fetched it."""

    NEW = "new"  # a new article; or one this outlet's original took over from a copy
    DUPLICATE = "duplicate"  # same content hash already stored; the URL is recorded against it
    REVISED = "revised"  # a known URL now serves a different text: a new, linked version


@dataclass(frozen=True)
class AddResult:
    """The outcome of one add, the article's row id and its near-duplicate cluster.

    `took_over_from` names the outlet that owned the row before this fetch's outlet took it (an
    aggregator whose copy arrived first): a counter that counted that outlet's fetch as NEW
    should count it as DUPLICATE, so that per-outlet counts do not depend on arrival order.
    """

    outcome: AddOutcome
    article_id: int
    cluster_id: int | None = None
    revision_of: int | None = None
    took_over_from: str | None = None


class OutcomeTally:
    """Per-outlet outcome counts that do not depend on arrival order: when an original outlet
    takes over a row whose copy this tally counted as NEW (or REVISED), that count moves to
    DUPLICATE for the copy's outlet. Remembers the rows it counted as new, for one run."""

    def __init__(self) -> None:
        self._counted: dict[int, tuple[str, AddOutcome]] = {}

    def count(self, outlet: str, result: AddResult) -> list[tuple[str, AddOutcome, int]]:
        """The (outlet, outcome, +1 or -1) changes this result makes to the counts."""
        changes = [(outlet, result.outcome, 1)]
        before = self._counted.pop(result.article_id, None)
        if result.took_over_from is not None and before and before[0] == result.took_over_from:
            changes += [(before[0], before[1], -1), (before[0], AddOutcome.DUPLICATE, 1)]
        if result.outcome is not AddOutcome.DUPLICATE:
            self._counted[result.article_id] = (outlet, result.outcome)
        elif before is not None:
            self._counted[result.article_id] = before
        return changes


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
    published_precision: str | None = None
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
