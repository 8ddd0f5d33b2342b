"""Titles, dates and authors on the world's pages (issue 15): the smaller rules, each on a line or
a small page built for it. Whole pages with their expected JSON are in pages/world/."""

from __future__ import annotations

import pytest

from crawler.extract import extract
from crawler.extract.authors import opening_authors
from crawler.extract.datetext import PUBLISHED, UNLABELLED, UPDATED, labelled_dates
from crawler.extract.names import is_person, names_in

BODY = "".join(
    f"<p>{text}</p>"
    for text in (
        "The ferry company said on Monday that two new boats will join the line to the islands "
        "next spring, doubling the crossings in the busiest months of the summer.",
        "Islanders have asked for more crossings for years, after queues of cars waited for "
        "hours at the harbour on most weekends of the last three summers.",
        "The boats are being built at a yard on the mainland and will be the first of the fleet "
        "to run on batteries for the short crossings between the nearest islands.",
    )
)
TITLE = "Two new ferries for the island line next spring"
URL = "https://islandpost.example/news/two-new-ferries"


def _page(head: str = "", before: str = "", after: str = "", title: str = TITLE) -> str:
    return (
        f"<html><head><title>{title}</title>{head}</head><body><article><h1>{TITLE}</h1>"
        f"{before}{BODY}</article>{after}</body></html>"
    )


@pytest.mark.parametrize(
    ("line", "want"),
    [
        ("Posted 2024-01-12 - Updated 2024-01-13", [PUBLISHED, UPDATED]),
        ("3 Sept 2024 | Originally published", [PUBLISHED]),
        ("Last updated on: November 29, 2025", [UPDATED]),
        ("Next review due: 11 Jan 2029", [UPDATED]),
        ("December 11, 2023 - Words by The Team", [UNLABELLED]),
        ("(Re)Published: May 25, 2025", [PUBLISHED]),
    ],
)
def test_a_date_says_what_it_is_by_its_label(line: str, want: list[str]) -> None:
    assert [kind for kind, _ in labelled_dates(line)] == want


def test_a_date_in_a_sentence_does_not_replace_the_pages_time() -> None:
    """An editor's note ("originally published on …") under the headline names an older date;
    the page's own <time> stays the date."""
    note = "<p><em>Editor's note: this story was originally published on October 7, 2008.</em></p>"
    stamp = '<p class="meta"><time datetime="2015-01-08T10:07:06-05:00">January 8, 2015</time></p>'
    result = extract(_page(before=stamp + note), URL)
    assert result.article is not None
    assert (result.article.published or "").startswith("2015-01-08")


def test_an_update_date_is_the_date_only_when_no_other_is_written() -> None:
    line = "<p>By Jana Novak · Updated November 18, 2025</p>"
    result = extract(_page(before=line), URL)
    assert result.article is not None
    assert (result.article.published or "").startswith("2025-11-18")
    assert result.article.authors == ("Jana Novak",)


@pytest.mark.parametrize(
    ("byline", "want"),
    [
        ("Jan Novak, jan.novak@islandpost.example", ["Jan Novak"]),
        ("Andrea Valeria - Remote Jobs", ["Andrea Valeria"]),
        ("Dr. Lina Haddad, PhD and Omar Said, MPH", ["Dr. Lina Haddad, PhD", "Omar Said, MPH"]),
        ("Angela Holliday-Bell, MD*", ["Angela Holliday-Bell, MD"]),
        ("Nicholas Azulay + Isabelle Brauer", ["Nicholas Azulay", "Isabelle Brauer"]),
        ("by Regan December 6, 2017", ["Regan"]),
        ("Written by Rachael Link, MS, RD on November 14, 2019", ["Rachael Link, MS, RD"]),
        ("Текст: Венера Ерофеева", ["Венера Ерофеева"]),
        ("Credit: Matthew Richardson", []),
        ("أخبارنا المغربية - الرباط", ["أخبارنا المغربية - الرباط"]),  # a desk and its city
    ],
)
def test_the_names_in_a_byline(byline: str, want: list[str]) -> None:
    assert names_in(byline) == want


def test_credentials_and_honorifics_do_not_make_a_name_an_outlet() -> None:
    assert is_person("Dr. Ang Xiao, PhD")
    assert not is_person("Armenian Genocide, anti-Semitism and other matters")
    assert not is_person("STERN.de")


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("By Lizzie Streit, MS, RDN, LD\nAll of us have heard…", ("Lizzie Streit, MS, RDN, LD",)),
        ("By Bianca Knauf. This guide contains affiliate links.", ("Bianca Knauf",)),
        ("This is a guest post by Annelies, a travel blogger.", ("Annelies",)),
        ("By 2030, the city will have doubled its ferries.", ()),
        ("By Christmas, the boats will be in service.", ()),
        ("By the way, the harbour is closed on Sundays.", ()),
    ],
)
def test_a_guest_byline_opening_the_body(text: str, want: tuple[str, ...]) -> None:
    assert opening_authors(text) == want


def test_a_twitter_written_by_beats_a_meta_author_that_is_the_site() -> None:
    head = (
        '<meta name="author" content="Island Post"><meta property="og:site_name" '
        'content="Island Post"><meta name="twitter:label1" content="Written by">'
        '<meta name="twitter:data1" content="marta kowalska">'
        '<meta property="article:published_time" content="2025-03-02T09:00:00+00:00">'
    )
    result = extract(_page(head=head), URL)
    assert result.article is not None
    assert result.article.authors == ("Marta Kowalska",)  # written in lower case in the tag


def test_a_user_name_in_lower_case_is_no_author() -> None:
    head = (
        '<meta name="author" content="jrobison">'
        '<meta property="article:published_time" content="2025-03-02T09:00:00+00:00">'
    )
    result = extract(_page(head=head), URL)
    assert result.article is not None and result.article.authors == ()


def test_a_menu_marked_author_is_no_byline() -> None:
    sections = "".join(
        f'<li><a href="/{w.lower()}/">{w}</a></li>'
        for w in ("Architecture", "Design", "Art", "Cities", "Travel", "Food", "Books")
    )
    menu = f'<nav class="td-header-author-menu"><ul>{sections}</ul></nav>'
    head = '<meta property="article:published_time" content="2025-03-02T09:00:00+00:00">'
    html = _page(head=head).replace("<body>", f'<body><div class="author-menu">{menu}</div>')
    result = extract(html, URL)
    assert result.article is not None and result.article.authors == ()


def test_a_brand_after_the_headline_in_the_page_title_is_not_the_title() -> None:
    """No <h1>: the <title> gives the headline, without a brand that names no known site."""
    html = (
        "<html><head><title>Lighting buying guide – West Quay Features</title></head><body>"
        f"<div class='story'>{BODY}</div></body></html>"
    )
    result = extract(html, "https://features.westquay.example/pages/lighting-buying-guide/")
    assert result.article is not None
    assert result.article.title == "Lighting buying guide"


def test_a_headline_that_goes_on_after_a_dash_keeps_it() -> None:
    title = "Star Wars Jedi review – shoots for the moon, lands among the stars"
    html = f"<html><head><title>{title}</title></head><body><div>{BODY}</div></body></html>"
    result = extract(html, "https://reviews.example/games/star-wars-jedi-review")
    assert result.article is not None and result.article.title == title


def test_product_markup_inside_an_article_is_the_reviews_subject() -> None:
    product = (
        '<div itemscope itemtype="https://schema.org/Product"><span itemprop="name">Trail 30'
        '</span><div itemprop="offers" itemscope itemtype="https://schema.org/Offer">'
        '<span itemprop="price">34.00</span></div></div>'
    )
    head = '<meta property="og:type" content="article">'
    assert extract(_page(head=head, before=product), URL).refused is None
    assert extract(_page(before=product), URL).refused == "product-page"


@pytest.mark.parametrize(
    ("url", "head", "refused"),
    [
        ("https://islandpost.example/forum/thread/ferries/", "", "forum-page"),
        ("https://community.islandpost.example/t/ferries/88", "", "forum-page"),
        ("https://islandpost.example/docs/ferries/", "", "documentation-page"),
        ("https://help.islandpost.example/ferries", "", "documentation-page"),
        ("https://islandpost.example/shop/ferry-model", "", "product-page"),
        # an address alone does not outweigh article markup and a date ...
        (
            "https://islandpost.example/docs/ferries/",
            '<meta property="og:type" content="article">'
            '<meta property="article:published_time" content="2025-03-02T09:00:00+00:00">',
            None,
        ),
        # ... but forum software says og:type article and dates every post
        (
            "https://islandpost.example/forums/ferries/",
            '<meta property="og:type" content="article">'
            '<meta property="article:published_time" content="2025-03-02T09:00:00+00:00">',
            "forum-page",
        ),
    ],
)
def test_a_page_that_declares_it_is_no_article(url: str, head: str, refused: str | None) -> None:
    assert extract(_page(head=head), url).refused == refused
