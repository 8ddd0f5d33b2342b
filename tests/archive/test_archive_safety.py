"""Issue 20, findings 1, 3, 4, 11, 12 and 15: the archive's files and commands under hostile use.

Exports never overwrite an archive or an existing file without --force, and an export cut by
Ctrl-C or a full disk leaves nothing that looks complete; `akhbar backup` copies a live archive;
a damaged archive gives one line per command and `akhbar check` finds it; repeated search words
cost nothing; `akhbar serve` on a public interface runs no arbitrary SQL unless asked.
"""

from __future__ import annotations

import json
import resource
import signal
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import REPO, article, sample_articles

from archive.db import Archive
from archive.search import fts_query
from archive.serve import is_loopback, serve_command
from crawler.cli.main import cli

BIG = 4000  # articles: an export of them takes long enough to be interrupted
WORDS = "le conseil adopte mardi le budget de la commune après un long débat public"


def akhbar(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.output


@pytest.fixture
def archive_file(tmp_path: Path) -> Path:
    path = tmp_path / "news.db"
    with Archive(path) as archive:
        archive.add_many(sample_articles())
    return path


@pytest.fixture(scope="module")
def big_archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("big") / "big.db"
    words = WORDS.split()
    with Archive(path) as archive:
        archive.add_many(
            article(url=f"https://ex.ma/{n}", canonical_url=None, title=f"Dépêche {n}",
                    text=" ".join(words[(n + i) % len(words)] for i in range(400)) + f" n{n}")
            for n in range(BIG)
        )  # fmt: skip
    return path


def _count(path: Path) -> int:
    with closing(sqlite3.connect(path)) as db:
        return int(db.execute("SELECT count(*) FROM articles").fetchone()[0])


# --- finding 1: exports never replace what they should not ----------------------------------
def test_an_archive_given_as_the_output_is_refused_and_untouched(
    archive_file: Path, tmp_path: Path
) -> None:
    """`akhbar export news.db --format csv` (the user forgot --archive), and the archive given
    both as --archive and as the output."""
    other = tmp_path / "other.db"
    with Archive(other) as archive:
        archive.add(article())
    before = archive_file.read_bytes()
    code, output = akhbar("export", "--archive", str(other), "--format", "csv", str(archive_file))
    assert code == 4
    assert f"{archive_file} is an SQLite database" in output and "--archive" in output
    # without --archive at all (no ./archive.db either): still about the file named as output
    code, output = akhbar("export", "--format", "csv", str(archive_file))
    assert code == 4 and f"{archive_file} is an SQLite database" in output
    code, output = akhbar(
        "export", "--archive", str(archive_file), "--format", "jsonl", str(archive_file), "--force"
    )
    assert code == 4 and "is the archive itself" in output
    assert archive_file.read_bytes() == before
    assert _count(archive_file) == 4  # five fetches, one of them a copy


def test_an_existing_export_is_replaced_only_with_force(archive_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    out.write_text("my notes\n")
    code, output = akhbar("export", "--archive", str(archive_file), "--format", "jsonl", str(out))
    assert code == 4 and f"{out} exists; add --force to replace it" in output
    assert out.read_text() == "my notes\n"
    code, _ = akhbar("export", "--archive", str(archive_file), "--format", "jsonl", str(out),
                     "--force", "--no-progress")  # fmt: skip
    assert code == 0 and len(out.read_text().splitlines()) == 4  # latest versions
    assert not list(tmp_path.glob(".out.jsonl.*"))  # no temporary file left behind


def test_a_txt_export_never_replaces_a_folder_it_did_not_write(
    archive_file: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "documents"
    folder.mkdir()
    (folder / "thesis.odt").write_text("years of work")
    code, output = akhbar("export", "--archive", str(archive_file), "--format", "txt",
                          str(folder), "--force")  # fmt: skip
    assert code == 4 and "akhbar did not write" in output
    assert (folder / "thesis.odt").read_text() == "years of work"


# --- finding 4: an interrupted or failed export leaves nothing complete-looking -------------
def _export(big: Path, out: Path) -> subprocess.Popen[str]:
    command = [sys.executable, "-m", "crawler.cli.archive", "export", "--archive", str(big),
               "--format", "jsonl", "--no-progress", str(out)]  # fmt: skip
    return subprocess.Popen(
        command, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def test_ctrl_c_mid_export_leaves_no_file(big_archive: Path, tmp_path: Path) -> None:
    out = tmp_path / "corpus.jsonl"
    process = _export(big_archive, out)
    deadline = time.monotonic() + 60
    while not any(p.stat().st_size > 0 for p in tmp_path.glob(".corpus.jsonl.*.partial")):
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline
        time.sleep(0.01)
    process.send_signal(signal.SIGINT)
    process.communicate(timeout=30)
    assert process.returncode != 0
    assert list(tmp_path.iterdir()) == []  # neither corpus.jsonl nor the partial file


def test_a_full_disk_mid_export_leaves_no_file(big_archive: Path, tmp_path: Path) -> None:
    """RLIMIT_FSIZE stands for the full disk: the export stops at 256 KiB with one line."""
    out = tmp_path / "corpus.jsonl"
    process = _export(big_archive, out)
    resource.prlimit(process.pid, resource.RLIMIT_FSIZE, (256 * 1024, 256 * 1024))
    _, err = process.communicate(timeout=60)
    assert process.returncode == 4
    assert err.strip() == f"Error: cannot write export {out}: File too large"
    assert list(tmp_path.iterdir()) == []


# --- finding 3: a live archive copied whole --------------------------------------------------
def test_backup_copies_a_live_archive_whole(archive_file: Path, tmp_path: Path) -> None:
    """A writer holds the archive open with commits in its WAL: `akhbar backup` copies them."""
    with Archive(archive_file) as live:
        live.add(article(url="https://ex.ma/new", text="Un texte tout neuf " * 20))
        assert Path(f"{archive_file}-wal").stat().st_size > 0
        copy = tmp_path / "copy.db"
        code, output = akhbar("backup", "--archive", str(archive_file), str(copy))
        assert code == 0, output
        code, output = akhbar("backup", "--archive", str(archive_file), str(copy))
        assert code == 4 and "exists; add --force" in output
    assert _count(copy) == 5 and not Path(f"{copy}-wal").exists()


def test_an_archive_closed_by_its_writer_needs_no_wal_file(tmp_path: Path) -> None:
    path = tmp_path / "a.db"
    with Archive(path) as archive:
        archive.add_many(sample_articles())
        reader = Archive(path, readonly=True)  # a reader open meanwhile (as a crawl's lookups)
    copy = tmp_path / "copy.db"
    copy.write_bytes(path.read_bytes())  # a plain cp of the .db alone
    reader.close()
    assert _count(copy) == 4


# --- finding 12: a damaged archive --------------------------------------------------------------
def damage(source: Path, path: Path, table: str = "articles") -> Path:
    """A copy of `source` with the root pages of `table` and its indexes overwritten (opening
    still works: the schema page is sound)."""
    path.write_bytes(source.read_bytes())
    with closing(sqlite3.connect(path)) as db:
        sql = "SELECT rootpage FROM sqlite_master WHERE tbl_name = ? AND rootpage > 0"
        roots = [root for (root,) in db.execute(sql, (table,))]
        (size,) = db.execute("PRAGMA page_size").fetchone()
    with path.open("r+b") as handle:
        for root in roots:
            handle.seek((root - 1) * size)
            handle.write(b"\xde\xad" * (size // 2))
    return path


@pytest.fixture
def damaged(big_archive: Path, tmp_path: Path) -> Path:
    return damage(big_archive, tmp_path / "damaged.db")


@pytest.mark.parametrize(
    ("command", "table"),
    [(["stats"], "articles"), (["search", "budget"], "articles"),
     (["export", "--format", "csv", "OUT"], "articles"), (["status"], "run_outlets")],
    ids=["stats", "search", "export", "status"],
)  # fmt: skip
def test_a_damaged_archive_gives_one_line(
    big_archive: Path, tmp_path: Path, command: list[str], table: str
) -> None:
    damaged = damage(big_archive, tmp_path / "damaged.db", table)
    args = [a.replace("OUT", str(damaged.with_suffix(".csv"))) for a in command]
    code, output = akhbar(*args, "--archive", str(damaged))
    assert code != 0
    assert output.startswith("Error: ") and output.count("\n") == 1, output
    assert "damaged" in output or "malformed" in output
    assert not damaged.with_suffix(".csv").exists()


def test_check_finds_a_damaged_archive(damaged: Path) -> None:
    code, output = akhbar("check", "--archive", str(damaged))
    assert code == 1
    assert output.startswith("archive: damaged: ")


# --- finding 11: repeated search words -----------------------------------------------------
def test_repeated_query_words_are_searched_once(big_archive: Path) -> None:
    assert fts_query("budget " * 1600) == '"budget"'
    assert fts_query("Budget budget BUDGET débat debat") == '"Budget" AND "débat"'
    with Archive(big_archive, readonly=True) as archive:
        once = [h.id for h in archive.search("budget", 50)]
        repeated = [h.id for h in archive.search("budget " * 1600, 50)]
    assert repeated == once and len(once) == 50


# --- finding 14: what search prints ----------------------------------------------------------
def test_search_never_prints_terminal_escapes(tmp_path: Path) -> None:
    path = tmp_path / "a.db"
    with Archive(path) as archive:  # stored by an older akhbar, or another program
        archive.add(article(title="Titre \x1b]0;pwned\x07 \x1b[2J piégé"))
    code, output = akhbar("search", "intelligence", "--archive", str(path))
    assert code == 0
    assert "\x1b" not in output and "\x07" not in output
    assert "Titre \\x1b]0;pwned\\x07 \\x1b[2J piégé" in output


# --- finding 15: serve --------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("host", "allow", "expected"),
    [("127.0.0.1", None, "on"), ("localhost", None, "on"), ("::1", None, "on"),
     ("0.0.0.0", None, "off"), ("192.168.1.20", None, "off"), ("0.0.0.0", True, "on"),
     ("127.0.0.1", False, "off")],
)  # fmt: skip
def test_arbitrary_sql_is_off_beyond_loopback_unless_asked(
    host: str, allow: bool | None, expected: str
) -> None:
    sql = is_loopback(host) if allow is None else allow
    command = serve_command(Path("a.db"), 8001, host, Path("m.json"), allow_sql=sql)
    settings = dict(zip(command[1::2], command[2::2], strict=False))
    assert command[command.index("default_allow_sql") + 1] == expected
    assert "sql_time_limit_ms" in command and "max_returned_rows" in command
    assert settings  # the settings come in --setting NAME VALUE triples


def test_a_served_archive_without_sql_refuses_queries_but_serves_tables(
    archive_file: Path,
) -> None:
    import socket
    import urllib.error
    import urllib.request

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen(
        [sys.executable, "-m", "crawler.cli.archive", "serve", "--archive", str(archive_file),
         "--port", str(port), "--no-allow-sql"],
        cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}/{archive_file.stem}"
    try:
        for _ in range(200):
            try:
                with urllib.request.urlopen(f"{base}/articles.json?_size=1") as response:
                    rows = json.load(response)["rows"]
                break
            except OSError:
                time.sleep(0.1)
        else:
            pytest.fail("datasette did not start")
        assert len(rows) == 1
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(f"{base}.json?sql=select+count(*)+from+articles")
        assert refused.value.code == 403
    finally:
        process.terminate()
        process.wait(timeout=10)
