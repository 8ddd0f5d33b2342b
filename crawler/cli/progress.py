"""A crawl's live progress on a terminal: one line per outlet, redrawn in place every second.

Drawn only when stderr is a terminal (never into a log or a cron mail), and wiped before the
final table. ANSI: `ESC[nF` moves to the start of the line n lines up, `ESC[2K` clears a line,
`ESC[J` clears to the end of the screen.
"""

from __future__ import annotations

import shutil
import sys
from typing import TextIO

from crawler.run.crawl import OutletSummary

COLUMNS = (
    ("fetched", "pages_fetched"),
    ("new", "articles_new"),
    ("dup", "articles_duplicate"),
    ("refused", "pages_refused"),
)


class LiveProgress:
    """Call it with the outlets' summaries; `clear()` wipes what it drew."""

    def __init__(self, stream: TextIO = sys.stderr) -> None:
        self.stream = stream
        self.drawn = 0  # lines on screen now

    def __call__(self, summaries: list[OutletSummary]) -> None:
        width, height = shutil.get_terminal_size()
        lines = self.lines(summaries, max(height - 2, 2))
        text = [f"\x1b[{self.drawn}F"] if self.drawn else []
        text += [f"\x1b[2K{line[: width - 1]}\n" for line in lines]
        if len(lines) < self.drawn:
            text.append("\x1b[J")
        self.stream.write("".join(text))
        self.stream.flush()
        self.drawn = len(lines)

    def clear(self) -> None:
        if self.drawn:
            self.stream.write(f"\x1b[{self.drawn}F\x1b[J")
            self.stream.flush()
            self.drawn = 0

    @staticmethod
    def lines(summaries: list[OutletSummary], room: int) -> list[str]:
        """One line per outlet; past `room` lines, the busiest outlets and a count of the rest."""
        shown = summaries
        if len(summaries) > room:
            busiest = sorted(summaries, key=lambda s: -s.counters.get("pages_fetched", 0))
            shown = sorted(busiest[: room - 1], key=lambda s: s.outlet)
        name_width = max([len(s.outlet) for s in shown] + [6])
        lines = []
        for summary in shown:
            cells = "".join(
                f"  {label} {summary.counters.get(key, 0):>5}" for label, key in COLUMNS
            )
            errors = sum(summary.errors.values())
            lines.append(f"{summary.outlet:<{name_width}}{cells}  errors {errors:>4}")
        if len(shown) < len(summaries):
            lines.append(f"... and {len(summaries) - len(shown)} more outlets")
        return lines
