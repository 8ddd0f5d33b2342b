"""Sub-headings kept in the body, comment sections found by their headings, commenters never
authors, dates kept to the second, site-name suffixes in any script.

The pages in `pages/sections/` are also run by test_extraction_pages.py (metadata, snippets, F1);
here their body must be exactly the expected text, line for line, sub-headings in order.
"""

from __future__ import annotations

from typing import Any

import pytest

from archive.timeutil import more_precise, precision
from crawler.extract import extract_article
from crawler.extract.authors import read_authors
from crawler.extract.body import restore_subheadings
from crawler.extract.dates import markup_date, text_date
from crawler.extract.datetext import parse_date_text
from crawler.extract.parse import parse_html
from crawler.extract.phrases import is_boilerplate_line, is_comment_heading
from crawler.extract.prune import drop_comment_sections
from crawler.extract.sections import comment_sections, in_comments
from crawler.extract.sites import brand_names, registry_names, strip_site_suffix
from crawler.extract.textpass import clean_lines
from crawler.outlets import ExtractionHints
from tests.extract.conftest import ARTICLES, Recorded

SECTION_PAGES = [p for p in ARTICLES if p.name.startswith("sections/")]
BODY = (
    "Le gouvernement a présenté mardi à Rabat une feuille de route pour l'économie numérique, "
    "avec l'objectif de créer des dizaines de milliers d'emplois qualifiés."
)
BODY2 = (
    "Les jeunes pousses marocaines bénéficieront d'un accompagnement renforcé, avec des "
    "programmes d'incubation et un accès facilité aux marchés publics."
)


def _modes() -> list[Any]:
    params = [pytest.param(p, None, id=f"{p.name}-generic") for p in SECTION_PAGES]
    params += [
        pytest.param(p, p.expected["outlet"], id=f"{p.name}-hints")
        for p in SECTION_PAGES
        if p.expected.get("outlet")
    ]
    return params


def test_there_are_section_pages_in_four_languages() -> None:
    assert {p.expected["language"] for p in SECTION_PAGES} >= {"fr", "es", "en", "ar"}


@pytest.mark.parametrize(("page", "outlet_name"), _modes())
def test_body_is_exactly_the_true_text(
    page: Recorded, outlet_name: str | None, registry: dict[str, Any]
) -> None:
    outlet = registry[outlet_name] if outlet_name else None
    article = extract_article(page.html, page.url, outlet)
    assert article is not None
    assert article.text.split("\n") == page.expected["text"].split("\n")


# ---- sub-headings ------------------------------------------------------------------------------


def test_a_dropped_subheading_goes_back_between_its_paragraphs() -> None:
    root = parse_html(f"<div><p>{BODY}</p><header><h2>Un levier de croissance</h2></header>"
                      f"<p>{BODY2}</p></div>")  # fmt: skip
    assert root is not None
    assert restore_subheadings(root, f"{BODY}\n{BODY2}") == (
        f"{BODY}\nUn levier de croissance\n{BODY2}"
    )


@pytest.mark.parametrize(
    "heading",
    ["3 comentarios", "Articles en relations", "Lire aussi", "Leave a Reply", "التعليقات"],
)
def test_boilerplate_headings_are_not_put_back(heading: str) -> None:
    root = parse_html(f"<div><p>{BODY}</p><h2>{heading}</h2><p>{BODY2}</p></div>")
    assert root is not None
    assert restore_subheadings(root, f"{BODY}\n{BODY2}") == f"{BODY}\n{BODY2}"


def test_a_heading_whose_next_block_was_not_kept_is_not_put_back() -> None:
    root = parse_html(
        f"<div><p>{BODY}</p><h3>Sur le même thème</h3><ul><li><a href='/a'>Un autre titre "
        "d'article sur le numérique au Maroc</a></li></ul></div>"
    )
    assert root is not None
    assert restore_subheadings(root, BODY) == BODY


def test_a_heading_already_in_the_text_is_not_repeated() -> None:
    root = parse_html(f"<div><p>{BODY}</p><h2>Intertitre</h2><p>{BODY2}</p></div>")
    assert root is not None
    text = f"{BODY}\nIntertitre\n{BODY2}"
    assert restore_subheadings(root, text) == text


# ---- comment sections --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Comentarios", "3 comentarios", "Un comentario en «Tánger abre su centro»",
        "Deja una respuesta", "Deja un comentario", "Commentaires (4)", "3 réactions",
        "2 réflexions sur « Un titre »", "Laisser un commentaire", "2 Comments",
        "One thought on “A headline”", "Leave a Reply", "التعليقات", "3 تعليقات",
        "تعليق واحد على “خبر”", "أضف تعليقا", "اترك رداً", "3 Responses to \"A headline\"",
    ],
)  # fmt: skip
def test_comment_headings_in_four_languages(text: str) -> None:
    assert is_comment_heading(text)


@pytest.mark.parametrize(
    "text",
    [
        "Comentarios de los expertos sobre la ley de datos personales.",
        "Les réactions se multiplient après l'annonce",
        "Réponses du ministère",
        "Une réponse à la crise du logement",
        "One response to the crisis",
        "Un comentario sobre la ley",
        "Comments on the draft law were due on Friday.",
        "تعليقات المسؤولين على القرار كانت إيجابية.",
    ],
)
def test_body_lines_are_not_comment_headings(text: str) -> None:
    assert not is_comment_heading(text)


@pytest.mark.parametrize(
    "line",
    [
        "Tu dirección de correo electrónico no será publicada. Los campos obligatorios están "
        "marcados con *",
        "Publicar comentario", "Responder", "Répondre", "Reply", "Karim B. dice:",
        "Rachid says:", "لن يتم نشر عنوان بريدك الإلكتروني.",
        "Guarda mi nombre, correo electrónico y web en este navegador para la próxima vez.",
    ],
)  # fmt: skip
def test_comment_form_chrome_lines(line: str) -> None:
    assert is_boilerplate_line(line)


def test_a_comment_section_without_class_names_is_dropped_with_its_form() -> None:
    root = parse_html(
        f"<article><h1>Titre</h1><p>{BODY}</p><p>{BODY2}</p><section><h2>Comentarios</h2>"
        "<article><p><b>Lucía</b> 21 de mayo de 2024</p><p>Muy buena noticia.</p></article>"
        "</section><div><h3>Deja una respuesta</h3><form><textarea></textarea></form></div>"
        "</article>"
    )
    assert root is not None
    assert drop_comment_sections(root, set()) == 2
    text = root.text_content()
    assert BODY in text and "Lucía" not in text and "Deja una respuesta" not in text


def test_a_comment_heading_inside_the_article_takes_the_blocks_after_it() -> None:
    root = parse_html(
        f"<div class='x'><h1>Titre</h1><p>{BODY}</p><p>{BODY2}</p><h3>3 comentarios</h3>"
        "<ol><li>Comentario uno</li></ol><form><textarea></textarea></form></div>"
    )
    assert root is not None
    keep = set(root.xpath("//div[@class='x']"))
    drop_comment_sections(root, keep)
    assert "Comentario uno" not in root.text_content() and BODY in root.text_content()


def test_a_comment_heading_never_takes_the_headline_block() -> None:
    root = parse_html(f"<div><h3>Commentaires</h3><div><h1>Titre</h1><p>{BODY}</p></div></div>")
    assert root is not None
    drop_comment_sections(root, set())
    assert BODY in root.text_content()


def test_a_comments_link_above_the_article_opens_no_section() -> None:
    root = parse_html(
        f"<div><span>3 Comments</span><div>5 min read</div></div><div><p>{BODY}</p>"
        f"<p>{BODY2}</p></div>"
    )
    assert root is not None
    assert comment_sections(root) == []


def test_commenters_are_never_authors() -> None:
    root = parse_html(
        f"<div><span class='author'>Rédaction 24h</span><p>{BODY}</p><p>{BODY2}</p></div>"
        "<ol class='comment-list'><li><div class='comment-author'><b class='fn'>Pedro</b></div>"
        "</li></ol><div><h3>Commentaires</h3><div><span class='fn'>Ana</span></div></div>"
    )
    assert root is not None
    assert read_authors(root, [], None) == ()
    assert in_comments(root.xpath("//b")[0])
    assert in_comments(root.xpath("//span[@class='fn']")[0], comment_sections(root))


def test_a_comment_date_is_not_the_article_date() -> None:
    root = parse_html(
        f"<p>{BODY}</p><p>{BODY2}</p>"
        "<div><h3>2 Comments</h3><div><time datetime='2025-02-03T18:12:00Z'>Feb 3</time>"
        "<span class='date'>February 3, 2025 at 6:12 pm</span></div></div>"
    )
    assert root is not None
    assert markup_date(root, ExtractionHints(), ()) is None
    assert text_date(root) is None


def test_the_text_pass_cuts_a_counted_spanish_comment_heading() -> None:
    text = f"{BODY}\n{BODY2}\n3 comentarios en «Tánger abre su centro»\nKarim B. dice:\nMuy bien."
    assert clean_lines(text).text == f"{BODY}\n{BODY2}"


# ---- dates -------------------------------------------------------------------------------------


def test_seconds_are_kept() -> None:
    assert parse_date_text("19/11/2025 09:12:45") == "2025-11-19T09:12:45+01:00"
    assert parse_date_text("2025-11-19 09:12:45") == "2025-11-19T09:12:45+01:00"
    assert parse_date_text("19/11/2025 09:12") == "2025-11-19T09:12:00+01:00"


@pytest.mark.parametrize(
    ("first", "other", "want"),
    [
        ("2025-11-19T09:12:00+01:00", "2025-11-19T09:12:45+01:00", "2025-11-19T09:12:45+01:00"),
        ("2025-11-19T09:12:00+01:00", "2025-11-19T08:12:45+00:00", "2025-11-19T08:12:45+00:00"),
        ("2025-11-19T00:00:00+01:00", "2025-11-19T09:12:45+01:00", "2025-11-19T09:12:45+01:00"),
        ("2025-11-19T09:12:00+01:00", "2025-11-19T10:40:45+01:00", "2025-11-19T09:12:00+01:00"),
        ("2025-11-19T09:12:45+01:00", "2025-11-19T09:12:00+01:00", "2025-11-19T09:12:45+01:00"),
        ("2025-11-19T00:00:00+01:00", "2025-11-18T09:12:45+01:00", "2025-11-19T00:00:00+01:00"),
        ("2025-11-19T09:12:00+01:00", None, "2025-11-19T09:12:00+01:00"),
    ],
)
def test_the_more_precise_of_equivalent_dates(first: str, other: str | None, want: str) -> None:
    assert more_precise(first, other) == want


def test_precision_levels() -> None:
    assert [precision(v) for v in ("2025-01-01T00:00:00+01:00", "2025-01-01T09:12:00+01:00",
                                   "2025-01-01T09:12:45+01:00")] == [0, 1, 2]  # fmt: skip


# ---- site names --------------------------------------------------------------------------------


def test_registry_names_include_other_scripts() -> None:
    names = registry_names()
    assert {"maghress", "مغرس", "le360"} <= names
    assert "arabic" not in names and "french" not in names


@pytest.mark.parametrize(
    ("title", "want"),
    [
        ("عنوان الخبر - مغرس", "عنوان الخبر"),
        ("Un titre | Le360", "Un titre"),
        ("Un titre - Médias24", "Un titre"),
        ("Maroc - Espagne : un match nul", "Maroc - Espagne : un match nul"),
        ("Le Desk", "Le Desk"),
    ],
)
def test_registry_site_suffixes_go(title: str, want: str) -> None:
    assert strip_site_suffix(title, registry_names()) == want


def test_brand_names_from_home_links_logo_and_copyright() -> None:
    root = parse_html(
        "<div><a href='/'><img alt='صوت الشرق'></a><a href='https://www.x.ma/' title='X Info'>"
        "X</a><a href='/sport'>Sport</a></div><div>© 2025 Journal Y</div>"
    )
    assert root is not None
    names = brand_names(root, "https://x.ma/a/1")
    assert {"صوت الشرق", "x info", "journal y"} <= names and "sport" not in names
