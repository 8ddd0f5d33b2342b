"""`akhbar outlets record NAME --out DIR`: save real pages of an outlet, to replace its model page.

Run on a connected machine. It walks the outlet's discovery as `outlets check` does
(crawler/cli/live.py: declared feeds, sitemaps and listings, else the site's own; robots.txt
obeyed), fetches up to `--pages` recent articles and writes into DIR/NAME/ what
tests/outlets/pages/NAME/ holds (tests/outlets/pages/README.md):

- `article-YYYY-MM-DD[-k].html`: each page as fetched;
- `article-….json` beside it: what akhbar extracts, in the expected-JSON format (`"capture":
  "real"`), for a person to review against the page before it becomes the test's expectation;
- `article-….txt`: the extracted body, to read while reviewing;
- `feed.xml`, `sitemap.xml` or `listing.html`: the discovery document the URLs came from.

Exit codes: 0 at least one page recorded · 2 usage error · 3 blocked · 4 nothing recorded.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import click

from archive.models import Article
from crawler.cli.live import Document, Walker
from crawler.cli.outlets import (
    EXIT_BLOCKED,
    EXIT_OK,
    EXIT_UNREACHABLE,
    OUTLETS_OPTION,
    _one,
    extract_page,
)
from crawler.discovery.blocking import explain_block
from crawler.outlets import Outlet

DOCUMENT_FILES = {"feed": "feed.xml", "sitemap": "sitemap.xml", "listing": "listing.html"}
SNIPPET_WORDS = 12


def article_urls(walker: Walker, pages: int) -> tuple[Document | None, list[str]]:
    """The first discovery document that gives article URLs, and up to 3 x `pages` of them
    (pages refused by extraction are skipped)."""
    for document in walker.documents():
        if document.articles:
            return document, list(document.articles[: 3 * pages])
    return None, []


def snippets(text: str) -> list[str]:
    """Three phrases of the body (first, middle and last long lines) for `must_contain`."""
    lines = [line for line in text.splitlines() if len(line.split()) >= 8]
    chosen = dict.fromkeys(lines[i] for i in {0, len(lines) // 2, len(lines) - 1} if lines)
    return [" ".join(line.split()[:SNIPPET_WORDS]) for line in sorted(chosen, key=lines.index)]


def expected_json(outlet: Outlet, url: str, article: Article) -> dict[str, object]:
    """The test's expected JSON, prefilled from extraction; `must_not_contain` left to the
    reviewer, `not_articles` from the outlet's own discovery URLs."""
    today = datetime.now(UTC).date().isoformat()
    own = [outlet.home, *outlet.feeds, *outlet.sitemaps, *outlet.listings]
    return {
        "url": url,
        "capture": "real",
        "source": f"recorded with `akhbar outlets record {outlet.name}` on {today} from {url}",
        "title": article.title,
        "published": article.published,
        "language": article.language,
        "authors": list(article.authors),
        "must_contain": snippets(article.text),
        "must_not_contain": [],
        "not_articles": [u for u in dict.fromkeys(own) if not outlet.is_article_url(u)],
    }


def free_stem(folder: Path, published: str | None) -> str:
    day = (published or datetime.now(UTC).isoformat())[:10]
    stem, k = f"article-{day}", 2
    while (folder / f"{stem}.html").exists():
        stem, k = f"article-{day}-{k}", k + 1
    return stem


@click.command("record")
@click.argument("name")
@OUTLETS_OPTION
@click.option(
    "--pages", type=click.IntRange(1, 50), default=3, show_default=True, help="Pages to record."
)
@click.option(
    "--out",
    "out_dir",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Directory to write into (a NAME folder is made in it).",
)
@click.option("--base", help="Fetch from this base URL instead (a local mirror); paths are kept.")
@click.option("--timeout", type=float, default=20.0, show_default=True, help="Seconds per request.")
def record(
    name: str,
    outlet_files: tuple[Path, ...],
    pages: int,
    out_dir: Path,
    base: str | None,
    timeout: float,
) -> None:
    """Fetch recent articles of outlet NAME and save each page with the JSON akhbar extracts
    from it, for a person to review and turn into the outlet's recorded test pages."""
    outlet = _one(outlet_files, name)
    walker = Walker(outlet, base, timeout)
    click.echo(f"outlet    {outlet.name} ({outlet.title})")
    document, urls = article_urls(walker, pages)
    for step in walker.steps:
        click.echo(f"step      {step}")
    folder = out_dir / outlet.name
    saved = _record_pages(walker, urls, folder, pages) if document else 0
    if saved and document is not None:
        sample = folder / DOCUMENT_FILES[document.kind]
        sample.write_bytes(document.body)
        click.echo(f"saved     {sample}")
    raise SystemExit(_result(walker, folder, saved))


def _record_pages(walker: Walker, urls: list[str], folder: Path, pages: int) -> int:
    saved = 0
    for url in urls:
        if saved >= pages or walker.blocked:
            break
        page = extract_page(walker, url)
        if page is None:
            click.echo(f"skipped   {url}: not fetched")
            continue
        got, result = page
        if result.article is None:
            click.echo(f"refused   {url}: {result.refused}")
            continue
        folder.mkdir(parents=True, exist_ok=True)
        stem = free_stem(folder, result.article.published)
        expected = expected_json(walker.outlet, url, result.article)
        (folder / f"{stem}.html").write_bytes(got.body)
        (folder / f"{stem}.json").write_text(
            json.dumps(expected, ensure_ascii=False, indent=2) + "\n", "utf-8"
        )
        (folder / f"{stem}.txt").write_text(result.article.text + "\n", "utf-8")
        saved += 1
        article = result.article
        click.echo(
            f"saved     {folder / stem}.html, .json, .txt: {article.title} "
            f"({article.language}, {article.published or 'no date'})"
        )
        for hint in result.hints_missed:
            click.echo(f"hint      IGNORED {hint} (matched nothing, or would drop the body)")
    return saved


def _result(walker: Walker, folder: Path, saved: int) -> int:
    if walker.blocked:
        reason = explain_block(walker.blocked)
        click.echo(f"blocked   {walker.blocked}: {reason}, HTTP {walker.blocked_status}")
    if not saved:
        click.echo("result    NOTHING RECORDED")
        return EXIT_BLOCKED if walker.blocked else EXIT_UNREACHABLE
    click.echo(
        f"result    {saved} page{'s' if saved > 1 else ''} recorded in {folder}: review each .json "
        "against its page (add the boilerplate you see to must_not_contain), then copy the files "
        f'to tests/outlets/pages/{walker.outlet.name}/ and set page = "real" in the outlet file'
    )
    return EXIT_OK
