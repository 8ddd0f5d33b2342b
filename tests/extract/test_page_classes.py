"""Classes of pages that extraction used to get wrong (issue 15), each on a small page built to
have the structure: the rule that handles it, and the article it must give."""

from __future__ import annotations

import json

from crawler.extract import extract
from crawler.extract.refusal import next_page_of

PARAGRAPHS = [
    "The harbour authority said on Thursday that the new breakwater would be finished before "
    "the winter storms, two years later than first planned.",
    "Fishermen have asked for the work for a decade, after waves damaged boats moored inside "
    "the old harbour wall during three winters in a row.",
    "The contractor blamed the delay on a shortage of the large stone blocks that protect the "
    "outer face of the breakwater from the sea.",
    "The authority will pay part of the extra cost, and the rest will come from the regional "
    "budget, officials said at a meeting with boat owners.",
]
BODY = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
TITLE = "Harbour breakwater to be finished before winter"


def _page(body: str = BODY, head: str = "", extra: str = "", body_attrs: str = "") -> str:
    return (
        f"<html><head><title>{TITLE}</title>{head}</head><body{body_attrs}>"
        f"<article><h1>{TITLE}</h1>{body}</article>{extra}</body></html>"
    )


def test_a_single_post_with_rel_next_and_article_cards_is_an_article() -> None:
    """WordPress points rel=next at the next post; comments and related cards are <article>s."""
    cards = "".join(
        f'<article class="related"><a href="/2025/03/other-{i}/">Other story {i}</a></article>'
        for i in range(3)
    )
    head = '<link rel="next" href="https://harbour.example/2025/03/12/ferry-timetable/">'
    url = "https://harbour.example/2025/03/11/breakwater-before-winter/"
    result = extract(_page(head=head, extra=cards), url)
    assert result.refused is None
    assert result.article is not None and PARAGRAPHS[-1] in result.article.text


def test_rel_next_to_page_two_of_the_same_list_is_a_pager() -> None:
    assert next_page_of("https://x.example/news/", "https://x.example/news/page/2/")
    assert next_page_of("https://x.example/news/?page=2", "https://x.example/news/?page=3")
    assert not next_page_of("https://x.example/2025/a-post/", "https://x.example/2025/b-post/")
    assert not next_page_of("https://x.example/news/", "https://other.example/news/page/2/")


def test_a_page_with_a_stray_control_character_keeps_its_body() -> None:
    body = BODY.replace("outer face", "outer\x0c face")  # one form feed, as saved by some CMSs
    result = extract(_page(body=body), "https://harbour.example/news/breakwater")
    assert result.article is not None
    assert PARAGRAPHS[0] in result.article.text


def test_a_page_without_a_url_is_not_refused_for_its_url() -> None:
    result = extract(_page(), "")
    assert result.refused is None


def test_a_headline_in_the_site_name_field_stays_the_title() -> None:
    head = f'<meta property="og:site_name" content="{TITLE}: what the fishermen say">'
    result = extract(_page(head=head), "https://harbour.example/news/breakwater")
    assert result.article is not None and result.article.title == TITLE


def test_entities_escaped_twice_in_json_ld_are_decoded() -> None:
    ld = {"@type": "NewsArticle", "headline": "Zerst&ouml;rte Mole: &#8216;Wir warten&#8217;"}
    head = f'<script type="application/ld+json">{json.dumps(ld)}</script>'
    result = extract(_page(head=head), "https://harbour.example/news/breakwater")
    assert result.article is not None
    assert result.article.title == "Zerstörte Mole: ‘Wir warten’"


def test_a_short_h1_that_names_the_blog_is_not_the_title() -> None:
    html = (
        f'<html><head><title>{TITLE} | Harbour Notes</title><meta property="og:title" '
        f'content="{TITLE}"></head><body><h1>Our Blog</h1><h2>{TITLE}</h2>{BODY}</body></html>'
    )
    result = extract(html, "https://harbour.example/blog/breakwater")
    assert result.article is not None and result.article.title == TITLE


def test_the_body_carried_only_in_json_ld_is_read() -> None:
    ld = {"@type": "NewsArticle", "headline": TITLE, "articleBody": "\n".join(PARAGRAPHS)}
    head = f'<script type="application/ld+json">{json.dumps(ld)}</script>'
    html = _page(body="<div id='app'></div>", head=head)
    result = extract(html, "https://harbour.example/news/breakwater")
    assert result.article is not None
    assert result.article.text == "\n".join(PARAGRAPHS)


def test_a_teaser_of_the_article_gives_way_to_the_whole_body() -> None:
    """Precision mode keeps a lede in its own box; the page's paragraphs say there is more."""
    lede = '<div class="intro"><p><strong>' + PARAGRAPHS[0] + "</strong></p></div>"
    rest = "".join(f'<div class="block"><p>{p}</p></div>' for p in PARAGRAPHS[1:] * 2)
    result = extract(_page(body=lede + rest), "https://harbour.example/news/breakwater")
    assert result.article is not None
    assert all(p in result.article.text for p in PARAGRAPHS)


def test_a_time_read_from_text_yields_to_the_machine_written_one() -> None:
    """An outlet's date selector reads "3:48 Uhr"; JSON-LD says 15:48:15 UTC the same day."""
    from crawler.extract.dates import published_date
    from crawler.extract.parse import parse_html
    from crawler.outlets import ExtractionHints

    root = parse_html(
        '<html><body><span class="stamp">15.03.2025, 3:48 Uhr</span><p>x</p></body></html>'
    )
    assert root is not None
    ld = [{"@type": "NewsArticle", "datePublished": "2025-03-15T15:48:15Z"}]
    found = published_date(root, ExtractionHints(date=".stamp"), ld, None, None)
    assert found == "2025-03-15T15:48:15+00:00"


def test_numeric_dates_follow_the_page_locale() -> None:
    from crawler.extract.datetext import Reading, parse_date_text

    us = Reading(month_first=True)
    assert parse_date_text("04/03/2025", us) == "2025-04-03T00:00:00+00:00"  # Casablanca, Ramadan
    assert parse_date_text("04/03/2025") == "2025-03-04T00:00:00+00:00"
    assert parse_date_text("03/25/2025") == "2025-03-25T00:00:00+00:00"  # no 25th month anywhere


def test_the_zone_of_a_page_that_gives_none() -> None:
    from crawler.extract.dates import page_reading
    from crawler.extract.metadata import read_metadata
    from crawler.extract.parse import parse_html
    from crawler.outlets import ExtractionHints

    root = parse_html(_page())
    assert root is not None
    meta = read_metadata(root, "https://x.example.es/a", ExtractionHints())
    spanish = page_reading(root, "https://x.example.es/a", None, meta)
    assert parse_date_text_in(spanish, "21/05/2024 08:45") == "2024-05-21T08:45:00+02:00"
    unknown = page_reading(root, "https://x.example.com/a", None, meta)
    assert parse_date_text_in(unknown, "21/05/2024 08:45") == "2024-05-21T08:45:00+01:00"


def test_an_english_page_of_no_known_country_writes_the_month_first() -> None:
    """3/4/2025 on a lang="en" page of a .com blog is March 4; on a .co.uk or .com.au page, on
    a page whose dates carry +01:00, and on a French page it is 3 April."""
    from crawler.extract.dates import page_reading
    from crawler.extract.metadata import read_metadata
    from crawler.extract.parse import parse_html
    from crawler.outlets import ExtractionHints

    def day(url: str, lang: str, head: str = "") -> str | None:
        root = parse_html(_page(head=head).replace("<html>", f'<html lang="{lang}">'))
        assert root is not None
        reading = page_reading(root, url, None, read_metadata(root, url, ExtractionHints()))
        return (parse_date_text_in(reading, "3/4/2025") or "")[:10]

    assert day("https://blog.example.com/post", "en") == "2025-03-04"
    assert day("https://blog.example.com/post", "en-US") == "2025-03-04"
    assert day("https://news.example.co.uk/post", "en") == "2025-04-03"
    assert day("https://news.example.com.au/post", "en") == "2025-04-03"  # no zone of its own
    assert day("https://startup.example.io/post", "en") == "2025-03-04"
    assert day("https://blog.example.com/post", "en-GB") == "2025-04-03"
    assert day("https://blog.example.com/post", "fr") == "2025-04-03"
    europe = '<meta property="article:published_time" content="2025-04-03T09:00:00+01:00">'
    assert day("https://blog.example.com/post", "en", europe) == "2025-04-03"


def parse_date_text_in(reading: object, text: str) -> str | None:
    from crawler.extract.datetext import Reading, parse_date_text

    assert isinstance(reading, Reading)
    return parse_date_text(text, reading)


def test_a_sentence_saying_where_something_was_published_makes_no_copy() -> None:
    """Only an aggregator's standalone source line names an original outlet; the same words in
    the article's own sentences do not turn it into a copy (it would lose its text to another
    outlet's row)."""
    sentence = (
        "<p>Publié dans le Bulletin officiel le 12 mai 2024, le décret entre en vigueur dans "
        "les trente jours qui suivent sa publication, selon le ministère.</p>"
    )
    url = "https://harbour.example/news/breakwater"
    article = extract(_page(body=BODY + sentence), url).article
    assert article is not None and article.original_outlet is None
    line = "<p>Publié dans EcoActu le 17 - 12 - 2020</p>"
    copy = extract(_page(body=line + BODY), url).article
    assert copy is not None and copy.original_outlet == "EcoActu"
