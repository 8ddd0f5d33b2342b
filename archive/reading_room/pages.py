"""What the reading room's pages show, read from the archive through datasette's Database.

Each function returns the template variables of one page. Columns are read with `SELECT *` where
another change may add some (URL roles, date precision): the templates show them when present.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from archive.reading_room.present import DayChart, day_chart

#: Tables an akhbar archive always has; a database without them is left to datasette's own pages.
ARCHIVE_TABLES = frozenset({"articles", "article_urls", "schema_versions"})
CHART_DAYS = 60

_VERSIONS = """
WITH RECURSIVE earlier(id, previous) AS (
    SELECT id, revision_of FROM articles WHERE id = :id
    UNION SELECT a.id, a.revision_of FROM articles a JOIN earlier e ON a.id = e.previous
), later(id, next) AS (
    SELECT id, superseded_by FROM articles WHERE id = :id
    UNION SELECT a.id, a.superseded_by FROM articles a JOIN later l ON a.id = l.next
)
SELECT id, title, first_seen_at, is_latest FROM articles
WHERE id IN (SELECT id FROM earlier UNION SELECT id FROM later)
ORDER BY first_seen_at, id
"""

_SAME_STORY = """
SELECT id, title, outlet, language, published, first_seen_at, similarity
FROM articles
WHERE cluster_id = :cluster AND id != :id AND is_latest = 1
ORDER BY coalesce(published, first_seen_at), id
LIMIT 100
"""

_HOLDINGS = """
SELECT outlet, coalesce(nullif(language, ''), '?') AS language, count(*) AS articles,
       max(coalesce(published, first_seen_at)) AS latest
FROM articles WHERE is_latest = 1
GROUP BY outlet, language
"""

_PER_DAY = """
WITH dated AS (
    SELECT date(coalesce(published, first_seen_at)) AS day, outlet
    FROM articles WHERE is_latest = 1
), bounds AS (
    SELECT min(max(day), date('now')) AS last FROM dated
)
SELECT day, outlet, count(*) AS articles
FROM dated, bounds
WHERE day BETWEEN date(bounds.last, :back) AND bounds.last
GROUP BY day, outlet
"""


async def is_archive(db: Any) -> bool:
    """True when datasette's database `db` is an akhbar archive."""
    return set(await db.table_names()) >= ARCHIVE_TABLES


async def article_page(db: Any, article_id: int) -> dict[str, Any] | None:
    """The article, its URLs, its other versions and the rest of its story."""
    found = (await db.execute("SELECT * FROM articles WHERE id = ?", [article_id])).rows
    if not found:
        return None
    article = dict(found[0])
    urls = await db.execute(
        "SELECT * FROM article_urls WHERE article_id = ? ORDER BY first_seen_at, url",
        [article_id],
    )
    versions = await db.execute(_VERSIONS, {"id": article_id})
    story = []
    if article.get("cluster_id") is not None:
        story = (await db.execute(_SAME_STORY, {"cluster": article["cluster_id"],
                                                "id": article_id})).rows  # fmt: skip
    served = [dict(row) for row in urls.rows]
    canonical = article.get("canonical_url")
    return {
        "article": article,
        "urls": served,
        "canonical_elsewhere": bool(canonical) and canonical not in {u["url"] for u in served},
        "versions": [dict(row) for row in versions.rows] if len(versions.rows) > 1 else [],
        "story": [dict(row) for row in story],
    }


@dataclass
class Holdings:
    """Latest articles per outlet and language."""

    languages: list[str] = field(default_factory=list)
    outlets: list[dict[str, Any]] = field(default_factory=list)  # name, total, latest, by_language
    by_language: dict[str, int] = field(default_factory=dict)
    total: int = 0


async def front_page(db: Any) -> dict[str, Any]:
    """What the archive holds, its last run, and the articles-per-day chart."""
    holdings = _holdings([tuple(row) for row in (await db.execute(_HOLDINGS)).rows])
    runs = (await db.execute("SELECT * FROM runs ORDER BY id DESC LIMIT 1")).rows
    last_run = dict(runs[0]) if runs else None
    run_outlets: list[dict[str, Any]] = []
    if last_run:
        run_outlets = [dict(row) for row in (await db.execute(
            "SELECT * FROM run_outlets WHERE run_id = ? ORDER BY outlet", [last_run["id"]]
        )).rows]  # fmt: skip
    per_day = await db.execute(_PER_DAY, {"back": f"-{CHART_DAYS - 1} days"})
    chart: DayChart = day_chart([tuple(row) for row in per_day.rows], CHART_DAYS)
    return {"holdings": holdings, "last_run": last_run, "run_outlets": run_outlets,
            "chart": chart}  # fmt: skip


def _holdings(rows: list[tuple[Any, ...]]) -> Holdings:
    holdings = Holdings()
    outlets: dict[str, dict[str, Any]] = {}
    for outlet, language, articles, latest in rows:
        entry = outlets.setdefault(outlet, {"name": outlet, "total": 0, "latest": "",
                                            "by_language": {}})  # fmt: skip
        entry["total"] += articles
        entry["latest"] = max(entry["latest"], latest or "")
        entry["by_language"][language] = articles
        holdings.by_language[language] = holdings.by_language.get(language, 0) + articles
        holdings.total += articles
    holdings.outlets = sorted(outlets.values(), key=lambda o: (-o["total"], o["name"]))
    holdings.languages = sorted(holdings.by_language, key=lambda k: (-holdings.by_language[k], k))
    return holdings
