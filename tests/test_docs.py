"""The README tells the truth about every command and akhbar setting."""

from __future__ import annotations

import re
from pathlib import Path

from crawler import settings
from crawler.cli.main import cli
from crawler.run.exits import EXIT_CODES

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
OUR_PREFIXES = (
    "ARCHIVE_",
    "EXTRACT_",
    "OUTLET",
    "LISTING_",
    "SITEMAP_",
    "WARC_",
    "REDIS_",
    "RETRY_AFTER",
    "DISCOVERY_",
)


def test_every_akhbar_setting_is_in_the_readme() -> None:
    ours = [name for name in vars(settings) if name.isupper() and name.startswith(OUR_PREFIXES)]
    assert ours
    missing = [name for name in ours if f"`{name}`" not in README]
    assert not missing, f"settings missing from README's table: {missing}"


def test_every_command_is_in_the_readme() -> None:
    missing = [
        name for name in cli.commands if not re.search(rf"akhbar {re.escape(name)}\b", README)
    ]
    assert not missing, f"commands missing from README: {missing}"


def test_the_readme_shows_the_two_setup_commands() -> None:
    assert "make demo" in README and "make test" in README


def test_the_readme_exit_codes_are_the_table_every_help_prints() -> None:
    table = re.findall(r"^\| (\d+) \| (.+) \|$", README.split("### Exit codes", 1)[1], re.M)
    assert [(int(code), meaning) for code, meaning in table[: len(EXIT_CODES)]] == list(EXIT_CODES)


def test_the_readme_runs_akhbar_one_way() -> None:
    """Examples type `akhbar` (the venv active); `.venv/bin/akhbar` only where no shell is
    (cron) or in output akhbar printed itself."""
    typed = re.findall(r"^\$ (\S*akhbar)\b", README, re.M)
    assert typed and set(typed) == {"akhbar"}
    assert "source .venv/bin/activate" in README
