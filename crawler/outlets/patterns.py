"""Regular expressions from outlet files, matched in bounded time.

An outlet file is user input, and a pattern such as `(a|aa)+$` takes exponential time on some
URLs or lines with a backtracking engine: in the crawl process it would hold the reactor (and
Ctrl-C) for hours. Outlet patterns are therefore compiled with the `regex` module, which accepts
the same syntax as `re` (lookarounds included, which RE2 lacks) and stops a match after a
timeout: each match gets MATCH_TIMEOUT seconds; a pattern that runs out of time MAX_TIMEOUTS
times in a process is taken as broken and matches nothing from then on (logged once, naming it).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import lru_cache
from typing import Protocol

import regex

log = logging.getLogger(__name__)

MATCH_TIMEOUT = 0.05  # seconds; a URL or a line takes microseconds with a sane pattern
MAX_TIMEOUTS = 3


class Searcher(Protocol):
    """What extraction needs of a pattern: `re.Pattern` and `UserPattern` both fit."""

    def search(self, text: str, /) -> object: ...


@dataclass
class UserPattern:
    """One outlet pattern, compiled, with its count of matches that ran out of time."""

    source: str
    compiled: regex.Pattern[str]
    timeouts: int = 0

    def search(self, text: str, /) -> regex.Match[str] | None:
        """The first match in `text`; None when there is none, or when it took too long."""
        if self.timeouts >= MAX_TIMEOUTS:
            return None
        try:
            return self.compiled.search(text, timeout=MATCH_TIMEOUT)
        except TimeoutError:
            self.timeouts += 1
            if self.timeouts == MAX_TIMEOUTS:
                log.error("outlet pattern %r is too slow (catastrophic?): ignored", self.source)
            else:
                log.warning("outlet pattern %r timed out on %.200r", self.source, text)
            return None


@lru_cache(maxsize=1024)
def user_pattern(source: str, ignore_case: bool = False) -> UserPattern:
    """The compiled pattern (cached: one per process); `regex.error` if it does not compile."""
    flags = regex.IGNORECASE if ignore_case else 0
    return UserPattern(source, regex.compile(source, flags | regex.VERSION0))
