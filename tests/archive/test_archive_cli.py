"""The archive commands through click's CliRunner, on real files."""

from __future__ import annotations

import csv
import json
import shutil
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
    assert [c.name for c in ARCHIVE_COMMANDS] == ["stats", "export", "serve", "search", "backup"]
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


def test_search_upgrades_an_older_archive_first(tmp_path: Path) -> None:
    old = tmp_path / "old.db"  # written by akhbar at schema version 7
    shutil.copy(Path(__file__).parent / "fixtures" / "v7-copies-first.db", old)
    result = CliRunner().invoke(main, ["search", "--archive", str(old), "stockage"])
    assert result.exit_code == 0, result.output
    assert "upgrading" in result.stderr and "freine l'innovation" in result.stdout
    with Archive(old, readonly=True) as archive:
        assert archive.schema_version == SCHEMA_VERSION


def test_export_with_card(archive_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "exports" / "corpus.jsonl"
    result = run("export", "--archive", str(archive_file), "--format", "jsonl",
                 "--language", "fr", "--card", "--no-progress", str(out))  # fmt: skip
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        f"exported 3 articles to {out} (jsonl)",
        "by outlet: aggregator 1, h24 1, lematin 1",
        "by language: fr 3",
        f"corpus card: {out.with_name('corpus.card.md')}",
    ]
    assert len(out.read_text().splitlines()) == 3
    assert json.loads(out.read_text().splitlines()[0])["outlet"] == "lematin"


@pytest.mark.parametrize("command", ["stats", "search x", "serve", "export --format csv o.csv"])
def test_errors_are_one_clear_line(tmp_path: Path, command: str) -> None:
    name, *rest = command.split()
    result = run(name, "--archive", str(tmp_path / "missing.db"), *rest)
    assert result.exit_code == 4
    assert result.output == f"Error: cannot open archive {tmp_path / 'missing.db'}: no such file\n"


def test_not_an_archive_and_bad_export_path(archive_file: Path, tmp_path: Path) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("not a database")
    result = run("stats", "--archive", str(notes))
    assert (result.exit_code, result.output) == (
        4, f"Error: cannot open archive {notes}: not an SQLite database\n")  # fmt: skip
    result = run("export", "--archive", str(archive_file), "--format", "jsonl", str(tmp_path))
    assert (result.exit_code, result.output) == (
        4, f"Error: jsonl export needs a file path: {tmp_path} is a directory\n")  # fmt: skip
    result = run("export", "--archive", str(archive_file), "--format", "xml", "o")
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: Invalid value for '--format': 'xml' is not one of")


@pytest.mark.parametrize(
    ("name", "fmt"),
    [("corpus.jsonl", "jsonl"), ("corpus.CSV", "csv"), ("corpus.parquet", "parquet")],
)
def test_the_format_comes_from_the_extension(
    archive_file: Path, tmp_path: Path, name: str, fmt: str
) -> None:
    out = tmp_path / name
    result = run("export", "--archive", str(archive_file), str(out))
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0] == f"exported 4 articles to {out} ({fmt})"
    assert result.stderr == ""  # no progress bar off a terminal


def test_an_existing_directory_is_a_txt_export(archive_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "texts"
    out.mkdir()
    result = run("export", "--archive", str(archive_file), str(out))
    assert result.stdout.splitlines()[0] == f"exported 4 articles to {out} (txt)"
    assert (out / "index.jsonl").exists()


def test_an_output_that_names_no_format_is_a_usage_error(
    archive_file: Path, tmp_path: Path
) -> None:
    out = tmp_path / "corpus.json"
    result = run("export", "--archive", str(archive_file), str(out))
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        f"Error: cannot tell the format of {out}: name it .jsonl, .csv or .parquet, or give "
        "--format (txt writes a directory)",
        "Try 'main export --help' for help.",
    ]
    assert not out.exists()


def test_csv_carries_every_url_of_an_article(archive_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "corpus.csv"
    assert run("export", "--archive", str(archive_file), str(out)).exit_code == 0
    with out.open(encoding="utf-8", newline="") as handle:
        rows = {row["url"]: json.loads(row["urls"]) for row in csv.DictReader(handle)}
    assert rows["https://lematin.example/ia-benguerir"] == [
        "https://lematin.example/ia-benguerir",
        "https://lematin.example/ia-benguerir?utm_source=x",
    ]
    assert all(urls for urls in rows.values())


def test_an_export_that_matches_nothing_says_so(archive_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "none.jsonl"
    result = run("export", "--archive", str(archive_file), "--outlet", "h24", "--since",
                 "2025-03-02", str(out))  # fmt: skip
    assert result.exit_code == 0
    assert result.stderr == (
        f"nothing matched --outlet h24 --since 2025-03-02: {out} holds no article "
        "(`akhbar stats` shows what the archive holds)\n"
    )
    assert result.stdout.splitlines()[0] == f"exported 0 articles to {out} (jsonl)"


@pytest.mark.parametrize(
    ("since", "until", "count"),
    [
        ("2025-03-01", None, 2),  # h24 at 2025-03-01T08:00Z, hespress-ar on the 15th
        ("2025-03-01T08:00Z", None, 2),  # inclusive
        ("2025-03-01T08:01Z", None, 1),
        ("2025-03-01T09:00+01:00", None, 2),  # the same moment as 08:00Z
        (None, "2025-02-07", 1),  # lematin: 2025-02-07T22:34+01:00, the outlet's own day
        (None, "2025-02-07T21:33", 0),  # a time without a zone is UTC: 22:34+01:00 is 21:34
        (None, "2025-02-07T21:34", 1),
        ("1000w", None, 4),
        ("2025-02-08", "2025-02-28", 1),
    ],
)
def test_dates_filter_by_day_or_by_moment(
    archive_file: Path, tmp_path: Path, since: str | None, until: str | None, count: int
) -> None:
    out = tmp_path / "out.jsonl"
    bounds = [*(["--since", since] if since else []), *(["--until", until] if until else [])]
    result = run("export", "--archive", str(archive_file), *bounds, str(out))
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0] == f"exported {count} articles to {out} (jsonl)"
