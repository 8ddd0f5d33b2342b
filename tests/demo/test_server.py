"""The demo server itself: real HTTP on 127.0.0.1, templated files, validators, request log."""

from __future__ import annotations

import email.utils
import signal
import socket
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator
from http.client import HTTPResponse
from pathlib import Path

import pytest

from crawler.demo import DemoSite, start_demo_site
from crawler.demo.server import SITE_DIR, UNTUNED_DIR, outlet_names, render
from crawler.outlets import load_registry


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


OPENER = urllib.request.build_opener(_NoRedirect)


def fetch(url: str, method: str = "GET", headers: dict[str, str] | None = None) -> HTTPResponse:
    """The response, whatever its status (urllib raises on >= 300; the error is a response too)."""
    request = urllib.request.Request(url, method=method, headers=headers or {})
    try:
        response: HTTPResponse = OPENER.open(request, timeout=10)
    except urllib.error.HTTPError as error:
        return error  # type: ignore[return-value]
    return response


@pytest.fixture(scope="module")
def site() -> Iterator[DemoSite]:
    with start_demo_site() as running:
        yield running


def test_each_outlet_has_its_own_port(site: DemoSite) -> None:
    assert sorted(site.base_urls) == outlet_names(SITE_DIR)
    ports = {url.rsplit(":", 1)[1] for url in site.base_urls.values()}
    assert len(ports) == len(site.base_urls) == 5
    assert all(url.startswith("http://127.0.0.1:") for url in site.base_urls.values())


def test_templates_are_served_with_real_ports(site: DemoSite) -> None:
    response = fetch(site.url("maghress-demo", "/fr/ecoactu/5170263"))
    page = response.read().decode("utf-8")
    assert response.status == 200
    assert response.headers["Content-Type"] == "text/html; charset=utf-8"
    assert "{base" not in page and "{host" not in page
    # the aggregator's source link points at the original on another outlet
    assert f'href="{site.base_urls["ecoactu-demo"]}/chakib-achour-huawei' in page
    assert f'href="{site.base_urls["maghress-demo"]}/fr"' in page


@pytest.mark.parametrize(
    ("outlet", "path", "media_type"),
    [
        ("ecoactu-demo", "/feed/", "application/rss+xml"),
        ("blogger-demo", "/feeds/posts/default", "application/atom+xml"),
        ("hespress-demo", "/sitemap.xml", "application/xml"),
        ("blogger-demo", "/sitemap.xml?page=1", "application/xml"),
        ("snrtnews-demo", "/robots.txt", "text/plain"),
    ],
)
def test_content_types_carry_a_charset(
    site: DemoSite, outlet: str, path: str, media_type: str
) -> None:
    response = fetch(site.url(outlet, path))
    assert response.status == 200
    assert response.headers["Content-Type"] == f"{media_type}; charset=utf-8"


def test_unknown_paths_are_404(site: DemoSite) -> None:
    response = fetch(site.url("snrtnews-demo", "/fr/article/no-such-article"))
    assert response.status == 404
    assert fetch(site.url("ecoactu-demo", "/wp-login.php")).status == 404


def test_query_files_and_tracking_parameters(site: DemoSite) -> None:
    page2 = fetch(site.url("maghress-demo", "/fr?page=2")).read().decode()
    page1 = fetch(site.url("maghress-demo", "/fr")).read().decode()
    card = f'<a class="title" href="{site.base_urls["maghress-demo"]}/fr/ecoactu/5170263"'
    assert card in page2 and card not in page1
    # the parameters of a query file match in any order, encoded or not
    older = fetch(
        site.url("blogger-demo", "/search?max-results=2&updated-max=2020-12-03T18:30:00%2B01:00")
    )
    assert "marrakech-ateliers-robotique" in older.read().decode()
    # tracking parameters are ignored, as a real server does
    path = "/intelligence-artificielle-centre-de-recherche-maroc-toit-africain/"
    tagged = fetch(site.url("ecoactu-demo", path + "?utm_source=rss&utm_medium=rss"))
    assert tagged.read() == fetch(site.url("ecoactu-demo", path)).read()


def test_directory_without_slash_redirects(site: DemoSite) -> None:
    response = fetch(site.url("ecoactu-demo", "/feed"))
    assert response.status == 301
    assert response.headers["Location"] == "/feed/"


def test_head_sends_headers_only(site: DemoSite) -> None:
    get = fetch(site.url("hespress-demo", "/feed/"))
    head = fetch(site.url("hespress-demo", "/feed/"), method="HEAD")
    assert head.status == 200
    assert head.read() == b""
    assert head.headers["Content-Length"] == str(len(get.read()))
    assert head.headers["ETag"] == get.headers["ETag"]


def test_conditional_requests_get_304(site: DemoSite) -> None:
    url = site.url("snrtnews-demo", "/fr/rss_fr.xml")
    first = fetch(url)
    etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
    assert etag and modified
    assert fetch(url, headers={"If-None-Match": etag}).status == 304
    assert fetch(url, headers={"If-Modified-Since": modified}).status == 304
    assert fetch(url, headers={"If-None-Match": '"stale"'}).status == 200
    earlier = email.utils.parsedate_to_datetime(modified).timestamp() - 3600
    old = email.utils.formatdate(earlier, usegmt=True)
    assert fetch(url, headers={"If-Modified-Since": old}).status == 200


def test_put_changes_a_feed_and_its_validators(tmp_path: Path) -> None:
    with start_demo_site(workdir=tmp_path) as site:
        url = site.url("hespress-demo", "/feed/")
        before = fetch(url)
        etag = before.headers["ETag"]
        text = before.read().decode().replace("<channel>", "<channel><!-- moved -->")
        site.put("hespress-demo", "/feed/index.xml", text)
        after = fetch(url, headers={"If-None-Match": etag})
        assert after.status == 200
        assert after.headers["ETag"] != etag
        assert "<!-- moved -->" in after.read().decode()


def test_requests_are_logged_in_order(tmp_path: Path) -> None:
    with start_demo_site(workdir=tmp_path) as site:
        fetch(site.url("blogger-demo", "/robots.txt"))
        fetch(site.url("hespress-demo", "/nope?x=1"))
        fetch(site.url("blogger-demo", "/"), method="HEAD")
        assert site.requests() == [
            ("blogger-demo", "/robots.txt"),
            ("hespress-demo", "/nope?x=1"),
            ("blogger-demo", "/"),
        ]
        site.reset_requests()
        assert site.requests() == []


def test_robots_txt_allows_all_but_admin(site: DemoSite) -> None:
    for outlet in site.base_urls:
        robots = fetch(site.url(outlet, "/robots.txt")).read().decode()
        assert "User-agent: *" in robots
        assert f"Sitemap: {site.base_urls[outlet]}/" in robots
    assert "Disallow: /admin/" in fetch(site.url("hespress-demo", "/robots.txt")).read().decode()


def test_outlets_file_declares_every_outlet(site: DemoSite) -> None:
    registry = load_registry([site.outlets_file], shipped=False)
    assert sorted(registry) == sorted(site.base_urls)
    for name, outlet in registry.items():
        host = site.base_urls[name].removeprefix("http://")
        assert outlet.domains == (host,)
        assert outlet.languages and outlet.feeds and outlet.sitemaps and outlet.listings
        assert outlet.article_pattern
        assert outlet.evidence == {"all": "fixture"}
        assert outlet.owns(outlet.home)
        others = [u for n, u in site.base_urls.items() if n != name]
        assert not any(outlet.owns(u + "/") for u in others)


def test_stop_frees_the_ports(tmp_path: Path) -> None:
    site = start_demo_site(workdir=tmp_path)
    ports = [int(url.rsplit(":", 1)[1]) for url in site.base_urls.values()]
    assert fetch(site.url("maghress-demo", "/")).status == 200
    site.stop()
    for port in ports:
        with socket.socket() as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as a restarted server
            probe.bind(("127.0.0.1", port))  # raises if the port were still held
    with pytest.raises(urllib.error.URLError):
        urllib.request.urlopen(site.url("maghress-demo", "/"), timeout=5)


def test_temporary_workdir_is_removed_on_stop() -> None:
    site = start_demo_site()
    outlets_file = site.outlets_file
    assert outlets_file.exists()
    site.stop()
    assert not outlets_file.exists()


def test_unknown_outlet_in_a_template_names_the_file(tmp_path: Path) -> None:
    site_dir = tmp_path / "site"
    (site_dir / "one").mkdir(parents=True)
    (site_dir / "one" / "index.html").write_text("<a href='{base:two}/'>x</a>", "utf-8")
    with pytest.raises(ValueError, match=r"index\.html.*unknown outlet 'two'"):
        start_demo_site(site_dir, tmp_path / "work")


def test_render_replaces_only_placeholders() -> None:
    bases = {"a": "http://127.0.0.1:1", "b": "http://127.0.0.1:2"}
    text = '{base}/x {base:b}/y {host:b} {"@context": 1} {basement}'
    assert render(text, bases, own="a") == (
        'http://127.0.0.1:1/x http://127.0.0.1:2/y 127.0.0.1:2 {"@context": 1} {basement}'
    )


def test_untuned_site_starts_too(tmp_path: Path) -> None:
    with start_demo_site(UNTUNED_DIR, tmp_path) as site:
        assert len(site.base_urls) == 1
        (outlet,) = site.base_urls
        assert fetch(site.url(outlet, "/sitemap.xml")).status == 200
        assert (tmp_path / "outlets.toml").exists()


def test_module_serves_until_terminated(tmp_path: Path) -> None:
    """`python -m crawler.demo.server` prints each outlet's URL, serves, and stops on SIGTERM."""
    process = subprocess.Popen(
        [sys.executable, "-m", "crawler.demo.server", "--workdir", str(tmp_path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        lines = [process.stdout.readline() for _ in range(7)]
        bases = dict(line.split() for line in lines[:5])
        assert sorted(bases) == outlet_names(SITE_DIR)
        assert lines[5] == f"outlets file: {tmp_path / 'outlets.toml'}\n"
        assert fetch(bases["hespress-demo"] + "feed/").status == 200
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=20)
    finally:
        process.kill()
    assert process.returncode == 0, err
    assert out == "stopped\n"
    assert "Warning" not in err
