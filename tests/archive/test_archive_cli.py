"""The archive commands through click's CliRunner, on real files."""

from __future__ import annotations

import json
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from conftest import sample_articles

from archive.db import Archive
from archive.schema import SCHEMA_VERSION
from crawler.cli.archive import ARCHIVE_COMMANDS, main


@pytest.fixture
def archive_file(tmp_path: Path) -> Path:
    path = tmp_path / "archive.db"
    with Archive(path) as archive:
        archive.add_many(sample_articles())
        run = archive.start_run("crawl", ["lematin"])
        archive.finish_run(run, status="ok", finished_at="2025-03-16T00:00:00Z")
    return path


def run(*args: str) -> click.testing.Result:
    return CliRunner().invoke(main, list(args))


def test_commands_are_exposed_for_the_akhbar_cli() -> None:
    assert [c.name for c in ARCHIVE_COMMANDS] == ["stats", "export", "serve", "search"]
    for command in ARCHIVE_COMMANDS:
        assert any(p.name == "archive_path" for p in command.params)


def test_stats(archive_file: Path) -> None:
    result = run("stats", "--archive", str(archive_file))
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[1] == "articles: 4 latest, 4 versions, 5 URLs, 3 near-duplicate clusters"
    assert lines[2] == "by outlet: aggregator 1, h24 1, hespress-ar 1, lematin 1"
    assert lines[3] == "by language: fr 3, ar 1"
    assert lines[5].startswith("last run: #1 crawl ") and lines[5].endswith(" ok")


def test_search(archive_file: Path) -> None:
    result = run("search", "--archive", str(archive_file), "barrages")
    assert result.exit_code == 0
    assert "h24\t2025-03-01\tBarrages : le taux de remplissage recule" in result.output
    assert result.output.endswith("1 result(s)\n")


def test_search_help_documents_the_query_language() -> None:
    result = run("search", "--help")
    for operator in (" OR ", '"conseil de gouvernement"', "électri*", "-football", "اطلاق"):
        assert operator in result.output


def test_search_upgrades_an_older_archive_first(archive_file: Path) -> None:
    with Archive(archive_file) as archive:
        archive.conn.execute("DELETE FROM schema_versions WHERE version = (SELECT max(version) "
                             "FROM schema_versions)")  # fmt: skip
    result = CliRunner().invoke(main, ["search", "--archive", str(archive_file), "المنتخب"])
    assert result.exit_code == 0, result.output
    assert "upgrading" in result.stderr and "hespress-ar" in result.stdout
    with Archive(archive_file, readonly=True) as archive:
        assert archive.schema_version == SCHEMA_VERSION


def test_export_with_card(archive_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "exports" / "corpus.jsonl"
    result = run("export", "--archive", str(archive_file), "--format", "jsonl",
                 "--language", "fr", "--card", "--no-progress", str(out))  # fmt: skip
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        f"exported 3 articles to {out} (jsonl)",
        "by outlet: lematin 1, aggregator 1, h24 1",
        "by language: fr 3",
        f"corpus card: {out.with_name('corpus.card.md')}",
    ]
    assert len(out.read_text().splitlines()) == 3
    assert json.loads(out.read_text().splitlines()[0])["outlet"] == "lematin"


@pytest.mark.parametrize("command", ["stats", "search x", "serve", "export --format csv o.csv"])
def test_errors_are_one_clear_line(tmp_path: Path, command: str) -> None:
    name, *rest = command.split()
    result = run(name, "--archive", str(tmp_path / "missing.db"), *rest)
    assert result.exit_code == 1
    assert result.output == f"Error: cannot open archive {tmp_path / 'missing.db'}: no such file\n"


def test_not_an_archive_and_bad_export_path(archive_file: Path, tmp_path: Path) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("not a database")
    result = run("stats", "--archive", str(notes))
    assert (result.exit_code, result.output) == (
        1, f"Error: cannot open archive {notes}: not an SQLite database\n")  # fmt: skip
    result = run("export", "--archive", str(archive_file), "--format", "jsonl", "--no-progress",
                 str(tmp_path))  # fmt: skip
    assert (result.exit_code, result.output) == (
        1, f"Error: jsonl export needs a file path: {tmp_path} is a directory\n")  # fmt: skip
    result = run("export", "--archive", str(archive_file), "--format", "xml", "o")
    assert result.exit_code == 2 and "'xml' is not one of" in result.output
