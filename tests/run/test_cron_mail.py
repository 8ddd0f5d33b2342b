"""The README's crontab mails only when something is wrong, and then a few readable lines.

Its two commands, `akhbar crawl -q ... --log-file ...` and `akhbar check -q`, run for real: on a
healthy outlet both print nothing; with outlets whose host does not resolve or refuses
connections the crawl prints one line per failed outlet (the tracebacks go to the log) and the
check one line per finding.
"""

from __future__ import annotations

import socket
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.faults.faultsite import FaultSite, akhbar, crawl

from .conftest import outlets_file


@dataclass(frozen=True)
class Cron:
    folder: Path
    registry: Path
    refused_host: str

    @property
    def archive(self) -> Path:
        return self.folder / "news.db"

    @property
    def log(self) -> Path:
        return self.folder / "crawl.log"

    def crawl(self, *outlets: str) -> subprocess.CompletedProcess[str]:
        args = ("-q", *outlets, "--outlets", str(self.registry), "--log-file", str(self.log))
        return crawl(self.archive, *args)

    def check(self) -> subprocess.CompletedProcess[str]:
        return akhbar("check", "-q", "--archive", str(self.archive))


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])  # nothing listens once the socket is closed


@pytest.fixture(scope="module")
def cron(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cron]:
    site, folder = FaultSite(n_ok=3).start(), tmp_path_factory.mktemp("cron")
    refused = f"127.0.0.1:{_closed_port()}"
    registry = outlets_file(folder / "outlets.toml", {"good": site})
    unreachable = {"gone-dns": "news.gone.invalid", "gone-refused": refused}  # .invalid: RFC 2606
    with registry.open("a") as handle:
        for name, host in unreachable.items():
            handle.write(
                f'\n[[outlet]]\nname = "{name}"\ntitle = "{name}"\nhome = "http://{host}/"\n'
                f'languages = ["fr"]\nfeeds = ["http://{host}/feed.xml"]\n'
                f'sitemaps = ["http://{host}/sitemap.xml"]\n[outlet.evidence]\nall = "fixture"\n'
            )
    try:
        yield Cron(folder, registry, refused)
    finally:
        site.stop()


def test_a_healthy_crawl_and_check_print_nothing(cron: Cron) -> None:
    crawled = cron.crawl("good")
    assert (crawled.returncode, crawled.stdout, crawled.stderr) == (0, "", "")
    checked = cron.check()
    assert (checked.returncode, checked.stdout, checked.stderr) == (0, "", "")


def test_unreachable_outlets_are_one_line_each_and_their_tracebacks_are_in_the_log(
    cron: Cron,
) -> None:
    crawled = cron.crawl("good", "gone-dns", "gone-refused")
    assert (crawled.returncode, crawled.stdout) == (3, "")
    assert crawled.stderr == (
        "gone-dns: dns lookup failed for news.gone.invalid (2 requests)\n"
        f"gone-refused: connection refused by {cron.refused_host} (2 requests)\n"
    )
    log = cron.log.read_text()
    assert "Traceback" in log and "news.gone.invalid" in log
    checked = cron.check()
    assert (checked.returncode, checked.stderr) == (1, "")
    assert checked.stdout == (
        "gone-dns: unreachable: no feed, sitemap or listing page could be read (dns=2)\n"
        "gone-refused: unreachable: no feed, sitemap or listing page could be read "
        "(connection_refused=2)\n"
    )
