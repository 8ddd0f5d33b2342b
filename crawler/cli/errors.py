"""One-line errors and safe terminal text, shared by every `akhbar` command module."""

from __future__ import annotations

import re
import sys
from typing import NoReturn

import click

EXIT_CANNOT_RUN = 4  # the same code as crawler.run.crawl's; kept here so this module stays light

# C0 and C1 control characters but tab and newline: a title or URL that carries them would
# move the cursor, recolour or retitle the user's terminal.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def fail(message: str, code: int = EXIT_CANNOT_RUN) -> NoReturn:
    """Print `Error: message` on stderr (one line) and exit with `code`."""
    click.echo(f"Error: {printable(message)}", err=True)
    sys.exit(code)


def printable(text: str) -> str:
    """The text with control characters shown as `\\xNN` instead of sent to the terminal."""
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)
