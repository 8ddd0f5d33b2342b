"""Bad input gets one clear line naming what was wrong, and loses nothing already archived."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from archive.db import Archive
from archive.models import Article
from crawler.cli.main import cli
from crawler.run.exits import EXIT_CANNOT_RUN, EXIT_USAGE

KEPT = Article(
    url="https://ex.ma/un-article-deja-archive/",
    title="Un article déjà archivé",
    text="Le texte d'un article déjà archivé, qui ne doit jamais être perdu.",
    outlet="ex.ma",
    language="fr",
)


@pytest.fixture
def archive_with_one_article(tmp_path: Path) -> Path:
    path = tmp_path / "archive.db"
    with Archive(path) as archive:
        archive.add(KEPT)
    return path


def rows(path: Path) -> list[str]:
    with sqlite3.connect(path) as conn:
        return [r[0] for r in conn.execute("SELECT url FROM articles")]


def test_unknown_outlet_is_a_usage_error_naming_the_nearest_ones(
    archive_with_one_article: Path,
) -> None:
    result = CliRunner().invoke(
        cli, ["crawl", "hespress-fr", "hespres-fr", "--archive", str(archive_with_one_article)]
    )
    assert result.exit_code == EXIT_USAGE
    assert result.stderr.splitlines() == [
        "Error: unknown outlet 'hespres-fr' (did you mean 'hespress-fr' or 'hespress-ar' or "
        "'hespress-en'?); `akhbar outlets` lists them all",
        "Try 'cli crawl --help' for help.",
    ]
    assert rows(archive_with_one_article) == [KEPT.url]


def test_a_file_that_is_not_an_archive_is_refused_and_left_untouched(tmp_path: Path) -> None:
    notes = tmp_path / "notes.db"
    notes.write_bytes(b"my precious notes, not SQLite at all\n" * 20)
    result = CliRunner().invoke(
        cli, ["crawl", "--feed", "http://127.0.0.1:9/feed", "--archive", str(notes)]
    )
    assert result.exit_code == EXIT_CANNOT_RUN
    assert result.stderr == f"Error: cannot open archive {notes}: not an SQLite database\n"
    assert notes.read_bytes() == b"my precious notes, not SQLite at all\n" * 20
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.db", "notes.db.lock"]


def test_an_archive_in_a_missing_directory_is_named(tmp_path: Path) -> None:
    missing = tmp_path / "no" / "such" / "dir" / "archive.db"
    result = CliRunner().invoke(
        cli, ["crawl", "--feed", "http://127.0.0.1:9/f", "--archive", str(missing)]
    )
    assert result.exit_code == EXIT_CANNOT_RUN
    assert result.stderr == (
        f"Error: cannot open archive {missing}: directory {missing.parent} does not exist\n"
    )


def test_nothing_to_crawl_says_what_to_give(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["crawl", "--archive", str(tmp_path / "a.db")])
    assert result.exit_code == EXIT_USAGE
    assert result.stderr.splitlines()[0] == (
        "Error: nothing to crawl: name outlets (see `akhbar outlets`), "
        "or give --feed, --sitemap or --start"
    )
    assert list(tmp_path.iterdir()) == []


def test_ad_hoc_url_must_be_http(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        cli, ["crawl", "--feed", "ftp://ex.ma/feed", "--archive", str(tmp_path / "a.db")]
    )
    assert result.exit_code == EXIT_USAGE
    assert result.stderr.splitlines()[0] == "Error: not an http(s) URL: 'ftp://ex.ma/feed'"


@pytest.mark.parametrize(
    "html",
    [
        "<html><head><title>Vide</title></head><body></body></html>",
        "<html><body><nav><a href='/'>Accueil</a></nav><footer>© 2025</footer></body></html>",
        "",
    ],
)
def test_extract_prints_null_for_a_page_with_no_body(tmp_path: Path, html: str) -> None:
    page = tmp_path / "page.html"
    page.write_text(html, encoding="utf-8")
    result = CliRunner().invoke(
        cli, ["extract", str(page), "--url", "https://ex.ma/un-titre-long-ici/"]
    )
    assert result.exit_code == 0
    assert json.loads(result.output) is None


def test_extract_a_non_html_file_prints_null(tmp_path: Path) -> None:
    pdf = tmp_path / "doc.pdf"
    pdf.write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj <<>> endobj\n" + bytes(range(256)) * 4)
    result = CliRunner().invoke(cli, ["extract", str(pdf), "--url", "https://ex.ma/doc.pdf"])
    assert result.exit_code == 0
    assert json.loads(result.output) is None


def test_extract_unknown_outlet_is_named(tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_text("<html><body><p>x</p></body></html>", encoding="utf-8")
    result = CliRunner().invoke(
        cli, ["extract", str(page), "--url", "https://ex.ma/x/", "--outlet", "medias"]
    )
    assert result.exit_code == EXIT_USAGE
    assert result.stderr.startswith(
        "Error: unknown outlet 'medias' (did you mean 'medias24'?); `akhbar outlets` lists them"
    )


def test_a_log_file_in_a_missing_directory_is_a_usage_error(tmp_path: Path) -> None:
    log = tmp_path / "logs" / "crawl.log"
    result = CliRunner().invoke(
        cli,
        ["crawl", "--feed", "http://127.0.0.1:9/f", "--archive", str(tmp_path / "a.db"),
         "--log-file", str(log)],
    )  # fmt: skip
    assert result.exit_code == EXIT_USAGE
    assert result.stderr.splitlines()[0] == (
        f"Error: --log-file {log}: directory {log.parent} does not exist"
    )
    assert list(tmp_path.iterdir()) == []
