"""Sitemap XML for the test sites (the sitemaps.org protocol: a urlset, or an index of them)."""

from __future__ import annotations

from collections.abc import Iterable

XML = '<?xml version="1.0" encoding="UTF-8"?>'
NAMESPACE = "http://www.sitemaps.org/schemas/sitemap/0.9"


def urlset(locations: Iterable[str]) -> str:
    """A sitemap listing these page URLs."""
    urls = "".join(f"<url><loc>{loc}</loc></url>" for loc in locations)
    return f'{XML}<urlset xmlns="{NAMESPACE}">{urls}</urlset>'


def sitemap_index(locations: Iterable[str | tuple[str, str]]) -> str:
    """An index of these sitemaps, each a URL or (URL, lastmod)."""
    entries = "".join(
        f"<sitemap><loc>{loc[0]}</loc><lastmod>{loc[1]}</lastmod></sitemap>"
        if isinstance(loc, tuple)
        else f"<sitemap><loc>{loc}</loc></sitemap>"
        for loc in locations
    )
    return f'{XML}<sitemapindex xmlns="{NAMESPACE}">{entries}</sitemapindex>'
