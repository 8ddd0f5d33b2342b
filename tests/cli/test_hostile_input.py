"""Issue 20, findings 5, 9, 13 and 14: input that used to end in a traceback, a hang or the wrong
file. Each gets one line naming the problem and a non-zero exit, and loses nothing."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from crawler.cli.main import cli
from crawler.outlets import OutletError, adhoc_outlet, load_file, outlet_from_table
from crawler.outlets.patterns import MAX_TIMEOUTS, user_pattern
from crawler.run.crawl import CrawlRequest, spider_arguments

CATASTROPHIC = r"^https?://ex\.ma/(a|aa)+$"  # exponential on /aaaa...ab with a backtracking engine


def akhbar(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exc_info
    return result.exit_code, result.output


OUTLET = """[[outlet]]
name = "ex"
home = "https://ex.ma/"
feeds = ["https://ex.ma/feed"]
"""


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("languages = 5", "'languages' must be a list of strings"),
        ('aggregator = "yes"', "'aggregator' must be true or false"),
        ("title = 3", "'title' must be a string, not a number"),
        ('extraction = "body"', "[extraction] must be a table, not a string"),
        ('[outlet.extraction]\ndrop = [1, 2]', "'drop' must be a list of strings"),
        ('sitemaps = ["file:///etc/x"]', "sitemaps 'file:///etc/x' is not an http(s) URL"),
        ('listings = ["ftp://ex.ma/"]', "listings 'ftp://ex.ma/' is not an http(s) URL"),
        ('article_pattern = "(unclosed"', "bad regular expression '(unclosed'"),
    ],
)  # fmt: skip
def test_a_wrong_outlet_file_is_one_line(tmp_path: Path, line: str, message: str) -> None:
    """Finding 13 (wrong types) and 5 (feeds/sitemaps/listings that are no web URLs)."""
    path = tmp_path / "mine.toml"
    path.write_text(OUTLET + line + "\n")
    with pytest.raises(OutletError, match=re.escape(message)):
        load_file(path)
    archive = tmp_path / "a.db"
    code, output = akhbar("crawl", "ex", "--outlets", str(path), "--archive", str(archive))
    assert code == 2 and output.startswith("Error: ") and "Traceback" not in output, output
    assert not archive.exists()


def test_an_outlets_folder_is_named(tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_text("<html><body><p>x</p></body></html>")
    code, output = akhbar("extract", str(page), "--url", "https://ex.ma/a-b-c", "--outlets",
                          str(tmp_path))  # fmt: skip
    assert code == 2
    assert output.splitlines()[0] == f"Error: {tmp_path} is a folder: give an outlet TOML file"


@pytest.mark.parametrize(
    ("url", "message"),
    [("http://[::1", "not a valid URL (Invalid IPv6 URL)"),
     ("http://127.0.0.1:99999/feed", "not a valid URL (Port out of range 0-65535)"),
     ("file:///etc/passwd", "not an http(s) URL")],
)  # fmt: skip
def test_an_ad_hoc_url_akhbar_cannot_fetch_is_named(tmp_path: Path, url: str, message: str) -> None:
    code, output = akhbar("crawl", "--feed", url, "--archive", str(tmp_path / "a.db"))
    assert code == 2 and output.splitlines()[0] == f"Error: {message}: {url!r}"
    code, output = akhbar("extract", __file__, "--url", url)
    assert code == 2 and output.startswith(f"Error: --url {url!r} is ")


@pytest.mark.parametrize(
    "args",
    [["search", "x", "--limit", "9" * 20], ["status", "--runs", "9" * 20],
     ["serve", "--port", "99999"]],
    ids=["search", "status", "serve"],
)  # fmt: skip
def test_huge_numbers_are_usage_errors(tmp_path: Path, args: list[str]) -> None:
    code, output = akhbar(*args, "--archive", str(tmp_path / "a.db"))
    assert code == 2 and "is not in the range" in output and "Traceback" not in output


def test_a_redis_url_that_is_none_is_named(tmp_path: Path) -> None:
    code, output = akhbar("ingest", "--redis", "notaurl", "--archive", str(tmp_path / "a.db"))
    assert code == 2 and output.startswith("Error: --redis 'notaurl': Redis URL must specify")
    code, output = akhbar("crawl", "--feed", "https://ex.ma/feed", "--redis", "notaurl",
                          "--archive", str(tmp_path / "a.db"))  # fmt: skip
    assert code == 2 and output.startswith("Error: --redis 'notaurl'")


def test_set_archive_path_is_refused_for_archive(tmp_path: Path) -> None:
    """The lock, the checks and the report all follow --archive: a second path is refused."""
    other = tmp_path / "other.db"
    code, output = akhbar("crawl", "--feed", "https://ex.ma/feed", "--archive",
                          str(tmp_path / "a.db"), "--set", f"ARCHIVE_PATH={other}")  # fmt: skip
    assert code == 2 and "choose the archive with --archive PATH" in output
    assert not other.exists()


def test_a_comma_inside_a_feed_url_stays_in_it() -> None:
    request = CrawlRequest(Path("a.db"), feeds=["https://ex.ma/feed?cats=a,b"])
    assert spider_arguments(request) == {"feed": ["https://ex.ma/feed?cats=a,b"]}


def test_an_ipv6_literal_gives_a_named_outlet_that_owns_its_urls() -> None:
    outlet = adhoc_outlet(feeds=["http://[::1]:8080/feed.xml"])
    assert outlet.name == "::1" and outlet.domains == ("[::1]:8080",)
    assert outlet.owns("http://[::1]:8080/news/a.html")
    assert not outlet.owns("http://[::1]:9090/news/a.html")
    assert not outlet.owns("file://[::1]:8080/etc/passwd")
    assert not outlet.owns("http://[::1")


def test_outlets_own_only_web_urls() -> None:
    outlet = outlet_from_table({"name": "ex", "home": "https://ex.ma/"})
    assert outlet.owns("https://www.ex.ma/a") and outlet.owns("http://ex.ma:8080/a")
    for url in ("file://ex.ma/etc/passwd", "ftp://ex.ma/a", "data:ex.ma", "s3://ex.ma/a"):
        assert not outlet.owns(url), url


def test_a_catastrophic_outlet_pattern_is_cut_short_then_ignored() -> None:
    """Finding 9: `(a|aa)+$` on 60 a's and a b would take years; each match stops at 50 ms,
    and after MAX_TIMEOUTS the pattern is taken as broken (it matches nothing)."""
    outlet = outlet_from_table({"name": "ex", "home": "https://ex.ma/",
                                "article_pattern": CATASTROPHIC})  # fmt: skip
    hostile = "https://ex.ma/" + "a" * 60 + "b"
    started = time.monotonic()
    for _ in range(MAX_TIMEOUTS + 5):
        assert not outlet.is_article_url(hostile)
    assert time.monotonic() - started < 5  # without the timeout: not in this lifetime
    assert user_pattern(CATASTROPHIC).timeouts == MAX_TIMEOUTS
    assert not outlet.is_article_url("https://ex.ma/aaaa")  # broken: matches nothing now
