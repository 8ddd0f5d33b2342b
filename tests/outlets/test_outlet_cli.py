"""`akhbar outlets` and `akhbar outlets check`, offline against a server on 127.0.0.1."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import urlsplit

from click.testing import CliRunner
from conftest import PAGES, LocalSite

from crawler.cli.outlets import evidence_level, outlets
from crawler.outlets import load_registry

REGISTRY = load_registry()
HESPRESS_PAGE = PAGES / "hespress-fr" / "article-2025-11-18.html"
HESPRESS = json.loads(HESPRESS_PAGE.with_suffix(".json").read_text("utf-8"))


def run(*args: str):
    return CliRunner().invoke(outlets, list(args), catch_exceptions=False)


def test_list_shows_every_outlet_with_its_evidence() -> None:
    result = run()
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[0].split() == ["NAME", "TITLE", "LANG", "DISCOVERY", "EVIDENCE", "PAGE"]
    assert lines[-1] == f"{len(REGISTRY)} outlets; languages: ar, en, es, fr"
    for name, outlet in REGISTRY.items():
        (line,) = [li for li in lines if li.startswith(name + " ")]
        assert line.split()[-2:] == [evidence_level(outlet), outlet.page]
    (medias24,) = [li for li in lines if li.startswith("medias24 ")]
    assert medias24.endswith(" real")


def test_list_as_json_filtered_by_language() -> None:
    result = run("--language", "es", "--json")
    rows = [json.loads(line) for line in result.output.splitlines()]
    assert [r["name"] for r in rows] == ["yabiladi-es"]
    assert rows[0]["discovery"] == ["feeds"] and rows[0]["evidence"] == "unverified"
    assert rows[0]["page"] == "model"


def test_evidence_level_is_best_discovery_capped_by_the_pattern() -> None:
    assert evidence_level(REGISTRY["hespress-fr"]) == "verified"
    assert evidence_level(REGISTRY["telquel"]) == "reported"  # feed reported, pattern verified
    assert evidence_level(REGISTRY["snrtnews-ar"]) == "unverified"  # pattern guessed


def test_check_unknown_outlet_is_a_usage_error() -> None:
    result = CliRunner().invoke(outlets, ["check", "no-such-outlet"])
    assert result.exit_code == 2
    assert "unknown outlet 'no-such-outlet'" in result.output


def serve_hespress(site: LocalSite) -> None:
    site.serve("/robots.txt", "User-agent: *\nDisallow: /wp-admin/\n", Content_Type="text/plain")
    site.serve(
        "/feed",
        (PAGES / "hespress-fr" / "feed.xml").read_bytes(),
        Content_Type="application/rss+xml; charset=UTF-8",
    )
    site.serve(urlsplit(HESPRESS["url"]).path, HESPRESS_PAGE.read_bytes())


def test_check_a_shipped_outlet_against_a_local_mirror(local_site: LocalSite) -> None:
    serve_hespress(local_site)
    result = run("check", "hespress-fr", "--base", local_site.base)
    assert result.exit_code == 0, result.output
    assert f"article   {HESPRESS['url']} (HTTP 200)" in result.output
    assert f"title     ok      {HESPRESS['title']}" in result.output
    assert "date      ok      2025-11-18T10:42:00+01:00" in result.output
    assert "language  ok      fr (declared fr)" in result.output
    assert result.output.rstrip().endswith("result    OK")
    assert local_site.requests == ["/robots.txt", "/feed", urlsplit(HESPRESS["url"]).path]


def write_local_outlet(tmp_path: Path, site: LocalSite, **extra: str) -> Path:
    lines = [
        "[[outlet]]",
        'name = "local-news"',
        f'home = "{site.base}/"',
        'languages = ["fr"]',
        'domains = ["127.0.0.1"]',
        f'feeds = ["{site.base}/feed"]',
        "article_pattern = '/\\d+-[^/]+\\.html$'",
        *(f"{k} = {v}" for k, v in extra.items()),
    ]
    path = tmp_path / "local.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def local_feed(site: LocalSite, path: str) -> str:
    return (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>'
        f"<item><title>a</title><link>{site.base}/category/x/</link></item>"
        f"<item><title>b</title><link>{site.base}{path}</link></item></channel></rss>"
    )


def test_check_a_user_outlet_file(local_site: LocalSite, tmp_path: Path) -> None:
    path = "/431872-agadir.html"
    local_site.serve("/feed", local_feed(local_site, path), Content_Type="application/rss+xml")
    local_site.serve(path, HESPRESS_PAGE.read_bytes())
    outlet_file = write_local_outlet(tmp_path, local_site)
    result = run("check", "local-news", "--outlets", str(outlet_file), "--json")
    report = json.loads(result.output)
    assert result.exit_code == report["exit_code"] == 0
    assert report["url"] == f"{local_site.base}{path}"
    assert report["title"] == HESPRESS["title"] and report["language"] == "fr"
    assert report["steps"] == [f"feed {local_site.base}/feed: 2 links, 1 article URLs"]


def test_a_cloudflare_challenge_is_reported_once_not_retried(
    local_site: LocalSite, tmp_path: Path
) -> None:
    challenge = b"<html><head><title>Just a moment...</title></head></html>"
    local_site.serve(
        "/feed",
        challenge,
        403,
        Content_Type="text/html",
        cf_mitigated="challenge",
        CF_RAY="8a1b2c3d4e-CDG",
        Server="cloudflare",
    )
    outlet_file = write_local_outlet(tmp_path, local_site)
    result = run("check", "local-news", "--outlets", str(outlet_file))
    assert result.exit_code == 3
    assert (
        f"blocked   cloudflare: a Cloudflare challenge or block page, HTTP 403 at "
        f"{local_site.base}/feed" in result.output
    )
    assert local_site.requests.count("/feed") == 1


def test_robots_txt_is_obeyed(local_site: LocalSite, tmp_path: Path) -> None:
    local_site.serve("/robots.txt", "User-agent: *\nDisallow: /feed\n", Content_Type="text/plain")
    local_site.serve(
        "/feed", local_feed(local_site, "/1-a.html"), Content_Type="application/rss+xml"
    )
    outlet_file = write_local_outlet(tmp_path, local_site)
    result = run("check", "local-news", "--outlets", str(outlet_file))
    assert result.exit_code == 4
    assert f"step      robots.txt disallows {local_site.base}/feed" in result.output
    assert "/feed" not in local_site.requests


def test_a_page_that_is_not_an_article_is_incomplete(local_site: LocalSite, tmp_path: Path) -> None:
    listing = (PAGES / "akhbarona" / "listing.html").read_bytes()
    local_site.serve("/1-a.html", listing)
    outlet_file = write_local_outlet(tmp_path, local_site)
    result = run(
        "check", "local-news", "--outlets", str(outlet_file), "--url", f"{local_site.base}/1-a.html"
    )
    assert result.exit_code == 1, result.output
    assert "step      extraction refused the page: " in result.output
    assert "title     MISSING" in result.output and "result    INCOMPLETE" in result.output


def test_an_unreachable_outlet(tmp_path: Path, local_site: LocalSite) -> None:
    outlet_file = write_local_outlet(tmp_path, local_site)
    result = run("check", "local-news", "--outlets", str(outlet_file))
    assert result.exit_code == 4
    assert f"step      HTTP 404 for {local_site.base}/feed" in result.output
    assert "result    UNREACHABLE: no article URL found" in result.output
