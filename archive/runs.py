"""Run records: one row per crawl run (`runs`) and one per run and outlet (`run_outlets`)."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Mapping, Sequence

from archive.records import OutletRunRecord, RunRecord
from archive.schema import RUN_COUNTERS
from archive.timeutil import utc_now


def start_run(
    conn: sqlite3.Connection, command: str, outlets: Sequence[str], started_at: str | None = None
) -> int:
    cursor = conn.execute(
        "INSERT INTO runs (command, outlets, started_at, status) VALUES (?, ?, ?, 'running')",
        (command, json.dumps(list(outlets), ensure_ascii=False), started_at or utc_now()),
    )
    return int(cursor.lastrowid or 0)


def record_outlet_run(
    conn: sqlite3.Connection,
    run_id: int,
    outlet: str,
    *,
    started_at: str | None,
    finished_at: str | None,
    counters: Mapping[str, int],
    errors: Mapping[str, int],
    examples: Mapping[str, Sequence[str]] | None = None,
) -> None:
    """Insert or replace the row for (run_id, outlet); unknown counters are kept in JSON, and
    `examples` (a few URLs or selectors per counter) too."""
    known = {name: int(counters.get(name, 0)) for name in RUN_COUNTERS}
    columns = [
        "run_id",
        "outlet",
        "started_at",
        "finished_at",
        *known,
        "errors_total",
        "counters",
        "errors",
        "examples",
    ]
    values = [
        run_id,
        outlet,
        started_at,
        finished_at,
        *known.values(),
        sum(int(v) for v in errors.values()),
        json.dumps(dict(sorted(counters.items())), ensure_ascii=False),
        json.dumps(dict(sorted(errors.items())), ensure_ascii=False),
        json.dumps({k: list(v) for k, v in sorted((examples or {}).items())}, ensure_ascii=False),
    ]
    conn.execute(
        f"INSERT OR REPLACE INTO run_outlets ({', '.join(columns)}) "
        f"VALUES ({', '.join('?' * len(values))})",
        values,
    )


def finish_run(
    conn: sqlite3.Connection, run_id: int, status: str, finished_at: str | None = None
) -> None:
    conn.execute(
        "UPDATE runs SET status = ?, finished_at = ? WHERE id = ?",
        (status, finished_at or utc_now(), run_id),
    )


def _run(row: sqlite3.Row) -> RunRecord:
    return RunRecord(
        id=row["id"],
        command=row["command"],
        outlets=tuple(json.loads(row["outlets"] or "[]")),
        started_at=row["started_at"],
        finished_at=row["finished_at"],
        status=row["status"],
    )


def runs(conn: sqlite3.Connection, limit: int = 20) -> list[RunRecord]:
    """The latest runs, newest first."""
    cursor = conn.cursor()
    cursor.row_factory = sqlite3.Row
    rows = cursor.execute("SELECT * FROM runs ORDER BY id DESC LIMIT ?", (limit,)).fetchall()
    return [_run(row) for row in rows]


def outlet_runs(
    conn: sqlite3.Connection, outlet: str | None = None, limit: int = 50
) -> list[OutletRunRecord]:
    """Per-outlet run rows, newest run first (optionally for one outlet)."""
    cursor = conn.cursor()
    cursor.row_factory = sqlite3.Row
    where, params = ("WHERE outlet = ?", [outlet]) if outlet else ("", [])
    rows = cursor.execute(
        f"SELECT * FROM run_outlets {where} ORDER BY run_id DESC, outlet LIMIT ?",
        [*params, limit],
    ).fetchall()
    return [
        OutletRunRecord(
            run_id=row["run_id"],
            outlet=row["outlet"],
            started_at=row["started_at"],
            finished_at=row["finished_at"],
            counters=json.loads(row["counters"] or "{}"),
            errors=json.loads(row["errors"] or "{}"),
            examples=json.loads(row["examples"] or "{}"),
        )
        for row in rows
    ]
