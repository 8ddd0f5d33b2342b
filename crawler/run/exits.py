"""The exit codes of every `akhbar` command: one table, printed by `--help` and in the README."""

from __future__ import annotations

EXIT_OK = 0
EXIT_PROBLEM = 1  # `akhbar check` found a problem
EXIT_USAGE = 2  # bad option, value, date, outlet name: fix the command line
EXIT_PARTIAL = 3  # the run finished, but some outlets failed (blocked, unreachable)
EXIT_CANNOT_RUN = 4  # missing or unreadable archive, crawl crashed
EXIT_INTERRUPTED = 5  # SIGINT or SIGTERM; the next run picks up where this one stopped
EXIT_LOCKED = 75  # EX_TEMPFAIL: another crawl holds the archive; cron tries again later

EXIT_CODES: tuple[tuple[int, str], ...] = (
    (EXIT_OK, "ok"),
    (EXIT_PROBLEM, "`akhbar check` found a problem (one line per finding)"),
    (EXIT_USAGE, "usage error: bad option, date, outlet name (the message names it)"),
    (EXIT_PARTIAL, "the crawl finished but some outlets failed (one line per outlet)"),
    (EXIT_CANNOT_RUN, "could not run: missing or unreadable archive, crash (see the log)"),
    (EXIT_INTERRUPTED, "interrupted (SIGINT, SIGTERM): the next run picks up"),
    (EXIT_LOCKED, "another crawl holds the archive: try again later"),
)
