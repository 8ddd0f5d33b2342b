"""How every `akhbar` command fails: one `Error:` line first, the exit code of the shared table.

Usage errors print `Error: ...` and then `Try 'akhbar CMD --help' for help.` (click prints its
usage line first, which tells a cron mail's reader nothing). An interrupt (SIGINT, or SIGTERM,
which `entry` turns into KeyboardInterrupt) exits 5 without a traceback or click's `Aborted!`.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Sequence
from typing import Any, NoReturn

import click

from crawler.run.exits import (
    EXIT_CANNOT_RUN,
    EXIT_CODES,
    EXIT_INTERRUPTED,
    EXIT_LOCKED,
    EXIT_OK,
    EXIT_USAGE,
)

# C0 and C1 control characters but tab and newline: a title or URL that carries them would
# move the cursor, recolour or retitle the user's terminal.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


class CannotRun(click.ClickException):
    """Missing or unreadable archive, unwritable output...: exit 4."""

    exit_code = EXIT_CANNOT_RUN


class Locked(click.ClickException):
    """Another crawl holds the archive: exit 75."""

    exit_code = EXIT_LOCKED


def fail(message: str, code: int = EXIT_CANNOT_RUN) -> NoReturn:
    """Print `Error: message` on stderr (one line) and exit with `code`."""
    click.echo(f"Error: {printable(message)}", err=True)
    sys.exit(code)


def printable(text: str) -> str:
    """The text with control characters shown as `\\xNN` instead of sent to the terminal."""
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def exit_codes_help() -> str:
    """The exit-code table as a `--help` epilog (`\\b` keeps click from rewrapping it)."""
    rows = "\n".join(f"  {code:>2}  {meaning}" for code, meaning in EXIT_CODES)
    return f"\b\nExit codes:\n{rows}"


class AkhbarGroup(click.Group):
    """A click group whose failures read the same in every command (see the module docstring)."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt:
            raise click.exceptions.Exit(EXIT_INTERRUPTED) from None

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, False, **extra)
        try:
            code = super().main(args, prog_name, complete_var, False, **extra)
        except click.UsageError as error:
            click.echo(f"Error: {error.format_message()}", err=True)
            if error.ctx is not None:
                click.echo(f"Try '{error.ctx.command_path} --help' for help.", err=True)
            sys.exit(EXIT_USAGE)
        except click.ClickException as error:
            error.show()
            sys.exit(error.exit_code)
        except (click.Abort, KeyboardInterrupt):
            sys.exit(EXIT_INTERRUPTED)
        except BrokenPipeError:  # `akhbar search ... | head`: the reader has what it wanted
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            sys.exit(EXIT_OK)
        sys.exit(code if isinstance(code, int) else 0)
