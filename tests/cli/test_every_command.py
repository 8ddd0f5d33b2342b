"""Every command against every kind of bad input: the exit code of the shared table and the same
first line, `Error: ...`, naming what was wrong (crawler/run/exits.py, README "Exit codes")."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from archive.db import Archive
from archive.models import Article
from crawler.cli.main import cli
from crawler.run.exits import EXIT_CANNOT_RUN, EXIT_CODES, EXIT_USAGE


@dataclass(frozen=True)
class Command:
    name: str
    args: Callable[[Path], list[str]]  # the command line, given a scratch directory
    reads: bool  # needs an existing archive (a missing one is an error)


COMMANDS = [
    Command("crawl", lambda d: ["crawl", "hespress-fr"], reads=False),
    Command("demo", lambda d: ["demo"], reads=False),
    Command("status", lambda d: ["status"], reads=True),
    Command("check", lambda d: ["check"], reads=True),
    Command("stats", lambda d: ["stats"], reads=True),
    Command("export", lambda d: ["export", str(d / "out.jsonl")], reads=True),
    Command("search", lambda d: ["search", "barrages"], reads=True),
    Command("serve", lambda d: ["serve", "--port", "9"], reads=True),
    Command("backup", lambda d: ["backup", str(d / "copy.db")], reads=True),
    Command("reextract", lambda d: ["reextract", "--warc", str(d)], reads=False),
    Command("ingest-warc", lambda d: ["ingest-warc", str(d / "x.warc.gz")], reads=False),
    Command("ingest", lambda d: ["ingest", "--redis", "redis://127.0.0.1:9/0"], reads=False),
]
BY_NAME = {command.name: command for command in COMMANDS}


def invoke(command: Command, archive: Path, *extra: str) -> Result:
    scratch = archive.parent / "scratch"
    if not archive.parent.exists():  # the missing-directory case
        scratch = archive.parent.parent / "scratch"
    scratch.mkdir(exist_ok=True)
    (scratch / "x.warc.gz").write_bytes(b"")
    return CliRunner().invoke(cli, [*command.args(scratch), "--archive", str(archive), *extra])


def first_line(result: Result) -> str:
    assert result.stdout == "", result.stdout
    return result.stderr.splitlines()[0]


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    path = tmp_path / "archive.db"
    with Archive(path) as opened:
        opened.add(
            Article(
                url="https://ex.ma/2025/02/03/barrages/",
                title="Barrages",
                text="Le taux de remplissage des barrages recule encore cette semaine.",
                outlet="ex.ma",
                language="fr",
                published="2025-02-03T10:00:00+01:00",
            )
        )
    return path


def test_the_command_table_covers_every_command_with_an_archive() -> None:
    with_archive = {
        name
        for name, command in cli.commands.items()
        if any(param.name == "archive_path" for param in command.params)
    }
    assert with_archive == set(BY_NAME)


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: c.name)
def test_a_directory_as_archive(command: Command, tmp_path: Path) -> None:
    folder = tmp_path / "archive.db"
    folder.mkdir()
    result = invoke(command, folder)
    assert result.exit_code == EXIT_CANNOT_RUN
    assert first_line(result) == f"Error: cannot open archive {folder}: it is a directory"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["archive.db", "scratch"]


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: c.name)
def test_a_file_that_is_not_sqlite(command: Command, tmp_path: Path) -> None:
    notes = tmp_path / "notes.db"
    notes.write_text("my notes, not a database\n" * 40)
    result = invoke(command, notes)
    assert result.exit_code == EXIT_CANNOT_RUN
    assert first_line(result) == f"Error: cannot open archive {notes}: not an SQLite database"
    assert notes.read_text() == "my notes, not a database\n" * 40


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: c.name)
def test_a_missing_archive(command: Command, tmp_path: Path) -> None:
    """Commands that read say the file is missing; those that write (and would create it) say
    which directory is missing."""
    missing = tmp_path / "archive.db" if command.reads else tmp_path / "gone" / "archive.db"
    reason = "no such file" if command.reads else f"directory {missing.parent} does not exist"
    result = invoke(command, missing)
    assert result.exit_code == EXIT_CANNOT_RUN
    assert first_line(result) == f"Error: cannot open archive {missing}: {reason}"
    assert not missing.exists()


def test_the_archive_comes_from_akhbar_archive(tmp_path: Path) -> None:
    missing = tmp_path / "from-env.db"
    result = CliRunner().invoke(cli, ["stats"], env={"AKHBAR_ARCHIVE": str(missing)})
    assert result.exit_code == EXIT_CANNOT_RUN
    assert first_line(result) == f"Error: cannot open archive {missing}: no such file"


REGISTRY_HINT = "; `akhbar outlets` lists them all"
ARCHIVE_HINT = "; not in the registry (`akhbar outlets`) nor in the archive"
OUTLET_ARGS = {
    "crawl": ["crawl", "{name}"],
    "status": ["status", "{name}"],
    "check": ["check", "{name}"],
    "export": ["export", "--outlet", "{name}", "out.jsonl"],
}


def with_outlet(name: str, outlet: str, archive: Path) -> Result:
    args = [arg.format(name=outlet) for arg in OUTLET_ARGS[name]]
    return CliRunner().invoke(cli, [*args, "--archive", str(archive)])


@pytest.mark.parametrize("name", sorted(OUTLET_ARGS))
def test_an_unknown_outlet_names_the_nearest_ones(name: str, archive: Path) -> None:
    result = with_outlet(name, "hespres-fr", archive)
    assert result.exit_code == EXIT_USAGE
    hint = REGISTRY_HINT if name == "crawl" else ARCHIVE_HINT
    assert first_line(result) == (
        "Error: unknown outlet 'hespres-fr' (did you mean 'hespress-fr' or 'hespress-ar' or "
        f"'hespress-en'?){hint}"
    )
    assert result.stderr.splitlines()[1] == f"Try 'cli {name} --help' for help."


@pytest.mark.parametrize("name", ["status", "check", "export"])
def test_an_outlet_only_the_archive_knows_is_suggested_too(name: str, archive: Path) -> None:
    result = with_outlet(name, "ex.mx", archive)
    assert result.exit_code == EXIT_USAGE
    assert (
        first_line(result) == f"Error: unknown outlet 'ex.mx' (did you mean 'ex.ma'?){ARCHIVE_HINT}"
    )


def test_an_outlet_the_archive_holds_is_no_usage_error(archive: Path) -> None:
    result = with_outlet("status", "ex.ma", archive)
    assert (result.exit_code, result.stdout) == (
        0,
        f"No runs of ex.ma recorded in {archive} yet.\n",
    )


BAD_DATES = ["01/02/2025", "2025/01/01", "yesterday", "2025-02-30", "20250201", "7 days", "2025"]


@pytest.mark.parametrize("option", ["--since", "--until"])
@pytest.mark.parametrize("value", BAD_DATES)
def test_a_bad_date_names_the_value_and_the_forms(option: str, value: str, archive: Path) -> None:
    out = archive.parent / "out.jsonl"
    result = CliRunner().invoke(cli, ["export", option, value, str(out), "--archive", str(archive)])
    assert result.exit_code == EXIT_USAGE
    assert first_line(result) == (
        f"Error: Invalid value for '{option}': {value!r} is not a date or time: use ISO 8601 "
        "(2025-02-01, 2025-02-01T10:00, 2025-02-01T10:00+01:00) or a span back from now "
        "(7d, 24h, 2w)"
    )
    assert not out.exists()


@pytest.mark.parametrize("value", ["arabic", "Français", "a", "ar_MA"])
def test_a_language_that_is_no_code_is_a_usage_error(value: str, archive: Path) -> None:
    out = archive.parent / "out.jsonl"
    args = ["export", "--language", value, str(out), "--archive", str(archive)]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == EXIT_USAGE
    assert first_line(result) == (
        f"Error: Invalid value for '--language': {value!r} is not a language code: use one like "
        "fr, ar, en, es"
    )
    assert not out.exists()


def test_a_language_in_capitals_is_the_archive_code(archive: Path) -> None:
    out = archive.parent / "out.jsonl"
    args = ["export", "--language", "FR", str(out), "--archive", str(archive)]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0 and "by language: fr 1" in result.stdout


@pytest.mark.parametrize(
    ("since", "until"),
    [("2025-03-01", "2025-02-01"), ("2025-02-01T12:00", "2025-02-01T10:00")],
)
def test_bounds_that_hold_nothing_are_a_usage_error(since: str, until: str, archive: Path) -> None:
    out = archive.parent / "out.jsonl"
    args = ["export", "--since", since, "--until", until, str(out), "--archive", str(archive)]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == EXIT_USAGE
    assert "is after --until" in first_line(result) and not out.exists()


def test_a_missing_default_archive_says_how_to_name_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("AKHBAR_ARCHIVE", raising=False)
    result = CliRunner().invoke(cli, ["stats"])
    assert result.exit_code == EXIT_CANNOT_RUN
    assert first_line(result) == (
        "Error: cannot open archive archive.db: no such file (no --archive given and "
        "$AKHBAR_ARCHIVE not set: name the archive, --archive PATH)"
    )
    named = CliRunner().invoke(cli, ["stats", "--archive", "elsewhere.db"])
    assert first_line(named) == "Error: cannot open archive elsewhere.db: no such file"


@pytest.mark.parametrize("name", [*sorted(BY_NAME), "extract", "outlets", "bench"])
def test_every_help_shows_the_exit_codes(name: str) -> None:
    result = CliRunner().invoke(cli, [name, "--help"])
    assert result.exit_code == 0
    for code, meaning in EXIT_CODES:
        assert f"{code:>2}  {meaning}" in result.stdout


def test_usage_errors_of_click_itself_read_the_same(archive: Path) -> None:
    result = invoke(BY_NAME["stats"], archive, "--no-such-option")
    assert result.exit_code == EXIT_USAGE
    assert result.stderr.splitlines() == [
        "Error: No such option '--no-such-option'.",
        "Try 'cli stats --help' for help.",
    ]
