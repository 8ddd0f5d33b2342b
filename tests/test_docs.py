"""The README tells the truth about every command and akhbar setting."""

from __future__ import annotations

import re
from pathlib import Path

from crawler import settings
from crawler.cli.main import cli

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
