"""People's names in bylines (crawler/extract/names.py) and the authors pass that reads them."""

from __future__ import annotations

import pytest

from crawler.extract import extract_article
from crawler.extract.names import is_name, is_person, names_in


@pytest.mark.parametrize(
    ("byline", "names"),
    [
        ("Von: Anna Schmidt und Peter Weber", ["Anna Schmidt", "Peter Weber"]),
        ("By Jane Doe and John Roe", ["Jane Doe", "John Roe"]),
        ("Par Nadia El Amrani et Karim Tazi", ["Nadia El Amrani", "Karim Tazi"]),
        ("Por María López y Juan Pérez", ["María López", "Juan Pérez"]),
        ("Av Ola Nordmann og Kari Nordmann", ["Ola Nordmann", "Kari Nordmann"]),
        ("سناء العلوي و يوسف الإدريسي", ["سناء العلوي", "يوسف الإدريسي"]),
        ("José Ortega y Gasset", ["José Ortega y Gasset"]),  # single words around "y": one man
        ("Streams, Kimber", ["Kimber Streams"]),  # "Last, First" is one person
        ("Aditya Mahindru, Pradeep Patil", ["Aditya Mahindru", "Pradeep Patil"]),
        ("Angela Holliday-Bell, MD", ["Angela Holliday-Bell, MD"]),
        ("Keith Barry Senior Autos Reporter", ["Keith Barry"]),
        ("Lance Ryan (Content Manager)", ["Lance Ryan"]),
        ("Nathan Lian @ Maintouch", ["Nathan Lian"]),
        ("Maima Faith Merin | GoAbroad Content Administrator", ["Maima Faith Merin"]),
        ("Texas Mattress Makers Reviewed by Youval Meicler", ["Youval Meicler"]),
        ("Written by Dieter Hogen with Uta Pippig", ["Dieter Hogen", "Uta Pippig"]),
        ("By Louis Jacobson on Monday, November 18th, 2019", ["Louis Jacobson"]),
        ("Business & tech", []),  # a section link, no byline
        ("View more posts", []),
        ("Sign In", []),
        ("By", []),
        ("@nawazdhandala", []),
    ],
)
def test_names_in_a_byline(byline: str, names: list[str]) -> None:
    assert names_in(byline) == names


def test_what_is_a_name_and_what_is_a_person() -> None:
    assert is_name("La Rédaction") and is_name("هيئة التحرير") and is_name("MAP")
    assert not is_name("Donna Currie is a food writer")
    assert is_person("Rishabh Dev")
    assert not any(is_person(n) for n in ("STERN.de", "n-tv NACHRICHTEN", "MCJ", "هسبريس"))


def _page(byline: str, head: str = "", related: str = "") -> str:
    body = "".join(
        f"<p>Paragraph {i} of the story tells what happened in the town council this week, "
        "and why the decision on the new market matters to its traders and residents.</p>"
        for i in range(6)
    )
    return (
        f"<html><head><title>A market for the old town</title>{head}</head><body><article>"
        f"<h1>A market for the old town</h1>{byline}{body}</article>{related}</body></html>"
    )


def test_the_outlet_is_not_the_author() -> None:
    html = _page(
        '<div class="author">STERN.de</div>',
        head='<meta property="og:site_name" content="STERN.de">',
    )
    article = extract_article(html, "https://www.stern.de/politik/markt-12345.html")
    assert article is not None
    assert article.authors == ()


def test_a_personal_blog_is_written_by_its_owner() -> None:
    html = _page(
        '<div class="byline">By <a href="/about">Rishabh Dev</a></div>',
        head='<meta property="og:site_name" content="Rishabh Dev">',
    )
    article = extract_article(html, "https://rishabhdev.example/market/")
    assert article is not None
    assert article.authors == ("Rishabh Dev",)


def test_bylines_of_related_articles_are_not_the_authors() -> None:
    related = (
        '<div class="related-posts"><div class="card"><h3><a href="/b">Another story</a></h3>'
        '<span class="author">Max Mustermann</span></div></div>'
    )
    html = _page("<p>Updated yesterday</p>", related=related)
    article = extract_article(html, "https://example.org/news/market-old-town")
    assert article is not None
    assert "Max Mustermann" not in article.authors


def test_a_role_beside_the_name_is_no_co_author() -> None:
    byline = (
        '<div class="author-box"><a class="author-name" href="/author/keith">Keith Barry</a>'
        '<span class="author-role">Senior Autos Reporter</span></div>'
    )
    article = extract_article(_page(byline), "https://example.org/cars/hybrids-guide")
    assert article is not None
    assert article.authors == ("Keith Barry",)
