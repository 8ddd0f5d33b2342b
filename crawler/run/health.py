"""Is an outlet's crawl healthy? Rules over the archive's per-run, per-outlet records.

Each rule is a pure function over one outlet's recent runs (newest first) and names what
looks broken, so `akhbar check` can exit non-zero and say which outlet and why.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from archive.records import OutletRunRecord

STALL_RUNS = 3  # runs in a row that fetched new pages but archived nothing new
MIN_PAGES = 4  # fewer article pages than this in a run: too few to judge rates
HINT_KINDS = ("body", "title", "date", "drop")  # extraction hints counted when they miss
SHOWN = 3  # example URLs shown in a finding


@dataclass(frozen=True)
class Finding:
    outlet: str
    problem: str  # a short slug: blocked, unreachable, stalled, refusals, no-dates, no-titles,
    # sources, pattern, hints, not-stored, damaged, failed-run
    detail: str


def _c(run: OutletRunRecord, name: str) -> int:
    return int(run.counters.get(name, 0))


def new_pages(run: OutletRunRecord) -> int:
    """Article pages this run downloaded because the archive did not hold them yet."""
    return (
        _c(run, "articles_new")
        + _c(run, "articles_duplicate")
        + _c(run, "articles_revised")
        + _c(run, "pages_refused")
    )


def archived(run: OutletRunRecord) -> int:
    return _c(run, "articles_new") + _c(run, "articles_revised")


def refusal_rate(run: OutletRunRecord) -> float:
    pages = new_pages(run)
    return _c(run, "pages_refused") / pages if pages else 0.0


def rule_blocked(runs: Sequence[OutletRunRecord]) -> str | None:
    kinds = sorted(k for k in runs[0].errors if k.startswith("blocked"))
    return f"the outlet blocks our requests ({', '.join(kinds)})" if kinds else None


def rule_not_stored(runs: Sequence[OutletRunRecord]) -> str | None:
    lost = int(runs[0].errors.get("archive_write_failed", 0))
    if not lost:
        return None
    return (
        f"{lost} articles of the last run could not be written to the archive (disk full? "
        "locked or damaged file?); they are fetched again next run"
    )


def rule_unreachable(runs: Sequence[OutletRunRecord]) -> str | None:
    last = runs[0]
    if _c(last, "discovery_ok") or not last.errors or rule_blocked(runs):
        return None  # read fine, nothing went wrong, or blocked (said more precisely)
    errors = ", ".join(f"{k}={v}" for k, v in sorted(last.errors.items()))
    return f"no feed, sitemap or listing page could be read ({errors})"


def rule_stalled(runs: Sequence[OutletRunRecord]) -> str | None:
    recent = runs[:STALL_RUNS]
    if len(recent) < STALL_RUNS or any(archived(r) for r in recent):
        return None
    if all(new_pages(r) for r in recent):
        return f"no new article in {STALL_RUNS} runs although its feeds list new pages"
    return None


def rule_refusals(runs: Sequence[OutletRunRecord]) -> str | None:
    last, earlier = runs[0], [r for r in runs[1:] if new_pages(r) >= MIN_PAGES]
    if new_pages(last) < MIN_PAGES or not earlier:
        return None
    before = sum(refusal_rate(r) for r in earlier) / len(earlier)
    now = refusal_rate(last)
    if now >= 0.5 and now >= 2 * before + 0.2:
        return f"refusal rate jumped from {before:.0%} to {now:.0%}: a layout change?"
    return None


def _lost(field: str, label: str) -> Callable[[Sequence[OutletRunRecord]], str | None]:
    def rule(runs: Sequence[OutletRunRecord]) -> str | None:
        last, earlier = runs[0], runs[1:]
        count = archived(last)
        if count < MIN_PAGES - 1 or _c(last, field) < count:
            return None
        if earlier and all(_c(r, field) >= archived(r) for r in earlier if archived(r)):
            return None  # never had it: not a change
        return f"every article of the last run lost its {label}: a layout change?"

    return rule


def rule_sources(runs: Sequence[OutletRunRecord]) -> str | None:
    """A declared feed or sitemap failed in the last run (or waits after failing)."""
    last = runs[0]
    failing = last.examples.get("sources_failed", [])
    if not failing:
        return None
    found = sorted(last.examples.get("sources_found", []))
    instead = f"found on the site: {', '.join(found)}" if found else "nothing found on the site"
    return f"declared {'; declared '.join(sorted(failing))}; {instead}"


def _last_with_articles(runs: Sequence[OutletRunRecord]) -> OutletRunRecord | None:
    """The latest run that extracted articles (a run with nothing new says nothing of them)."""
    return next((r for r in runs if archived(r) + _c(r, "articles_duplicate")), None)


def rule_pattern(runs: Sequence[OutletRunRecord]) -> str | None:
    """Articles came from the outlet's feeds or sitemaps although its pattern refuses them."""
    last = _last_with_articles(runs)
    if last is None:
        return None
    missed = _c(last, "pattern_missed")
    if not missed:
        return None
    pattern = (last.examples.get("article_pattern") or ["?"])[0]
    urls = ", ".join(sorted(last.examples.get("pattern_missed", []))[:SHOWN])
    return f"{missed} archived articles missed article_pattern '{pattern}'; fix it: e.g. {urls}"


def rule_hints(runs: Sequence[OutletRunRecord]) -> str | None:
    """An extraction hint did not help on most articles of the last run (it was ignored)."""
    last = _last_with_articles(runs)
    if last is None:
        return None
    articles = archived(last) + _c(last, "articles_duplicate")
    stale = []
    for kind in HINT_KINDS:
        count = _c(last, f"hint_missed:{kind}")
        if count >= 2 and 2 * count > articles:
            selectors = [e for e in last.examples.get("hint_missed", []) if e.startswith(kind)]
            stale.append(f"{', '.join(selectors) or kind} on {count} of {articles} articles")
    if not stale:
        return None
    return f"extraction hints ignored (matched nothing, or would drop the body): {'; '.join(stale)}"


RULES: dict[str, Callable[[Sequence[OutletRunRecord]], str | None]] = {
    "not-stored": rule_not_stored,
    "blocked": rule_blocked,
    "unreachable": rule_unreachable,
    "stalled": rule_stalled,
    "refusals": rule_refusals,
    "no-dates": _lost("articles_missing_date", "date"),
    "no-titles": _lost("articles_missing_title", "title"),
    "sources": rule_sources,
    "pattern": rule_pattern,
    "hints": rule_hints,
}


def by_outlet(records: Iterable[OutletRunRecord]) -> dict[str, list[OutletRunRecord]]:
    """Records grouped per outlet, newest run first."""
    grouped: dict[str, list[OutletRunRecord]] = defaultdict(list)
    for record in records:
        grouped[record.outlet].append(record)
    return {
        o: sorted(rs, key=lambda r: r.run_id, reverse=True) for o, rs in sorted(grouped.items())
    }


# Findings that a site that cannot be reached at all explains: said once, as `unreachable` or
# `blocked`, not again as failing sources.
EXPLAINED_BY_ACCESS = {"blocked", "unreachable"}
ACCESS_CONSEQUENCES = {"sources"}


def check(records: Iterable[OutletRunRecord]) -> list[Finding]:
    """Every finding for every outlet; an empty list means all looks healthy."""
    findings = []
    for outlet, runs in by_outlet(records).items():
        found = {problem: rule(runs) for problem, rule in RULES.items()}
        if EXPLAINED_BY_ACCESS & {problem for problem, detail in found.items() if detail}:
            for problem in ACCESS_CONSEQUENCES:
                found[problem] = None
        findings += [Finding(outlet, p, detail) for p, detail in found.items() if detail]
    return findings
