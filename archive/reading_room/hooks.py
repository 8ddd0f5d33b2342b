"""The reading room's datasette hooks (loaded by `akhbar serve` through plugins/akhbar.py).

- SQL: `akhbar_fts_query(q)` turns a search box query into a safe FTS5 expression with Arabic
  folding (archive/search.py); datasette's own `escape_fts()`, which its table search box calls,
  is replaced by the same function, so every search box in the app searches the same way.
- Jinja: filters for text direction, paragraphs, decoded URLs, highlighted snippets.
- Template variables: the article page, the front page, which table pages are article lists.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from datasette import hookimpl

from archive.reading_room import STATIC_MOUNT, pages, present
from archive.search import fts_query

#: Table and view pages shown as lists of articles (the raw table is one click away).
ARTICLE_LISTS = {"articles": "articles", "latest_articles": "articles", "stories": "stories"}


def search_expression(query: str | None) -> str:
    """`fts_query`, with a phrase that matches nothing for an empty query (FTS5 rejects '')."""
    return fts_query(query or "") or '""'


@hookimpl(trylast=True)  # after datasette's own, so that its escape_fts is the one replaced
def prepare_connection(conn: sqlite3.Connection) -> None:
    conn.create_function("akhbar_fts_query", 1, search_expression, deterministic=True)
    conn.create_function("escape_fts", 1, search_expression, deterministic=True)


@hookimpl
def prepare_jinja2_environment(env: Any) -> None:
    env.filters.update(
        akhbar_dir=present.direction,
        akhbar_text_attrs=present.text_attributes,
        akhbar_paragraphs=present.paragraphs,
        akhbar_excerpt=present.excerpt,
        akhbar_url=present.display_url,
        akhbar_marked=present.marked,
        akhbar_names=present.names,
        akhbar_day=present.day,
        akhbar_minute=present.minute,
        akhbar_row=lambda cells: {cell["column"]: cell["raw"] for cell in cells},
    )


@hookimpl
def extra_css_urls(datasette: Any) -> list[str]:
    return [datasette.urls.path(f"/{STATIC_MOUNT}/reading-room.css")]


@hookimpl
def extra_template_vars(view_name: str, database: str | None, table: str | None, request: Any,
                        datasette: Any) -> Any:  # fmt: skip
    async def variables() -> dict[str, Any]:
        if view_name == "index":
            return await _front_page(datasette)
        if not database or not await pages.is_archive(datasette.get_database(database)):
            return {}
        found: dict[str, Any] = {"akhbar_archive": True}
        if view_name == "row" and table == "articles" and request is not None:
            pk = request.url_vars.get("pks", "")
            if pk.isdigit():
                db = datasette.get_database(database)
                found["akhbar_article"] = await pages.article_page(db, int(pk))
        elif view_name == "table" and table in ARTICLE_LISTS and not _wants_table(request):
            found["akhbar_list"] = ARTICLE_LISTS[table]
        return found

    return variables


def _wants_table(request: Any) -> bool:
    return request is None or bool(request.args.get("_table"))


async def _front_page(datasette: Any) -> dict[str, Any]:
    for name, db in datasette.databases.items():
        if not db.is_memory and await pages.is_archive(db):
            return {"akhbar_front": {"database": name, **await pages.front_page(db)}}
    return {}
