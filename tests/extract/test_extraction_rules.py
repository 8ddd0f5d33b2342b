"""Each extraction rule on its own: text-level pass, DOM rules, metadata, refusal, hints."""

from __future__ import annotations

import pytest

from crawler.extract import extract, extract_article
from crawler.extract.authors import split_authors
from crawler.extract.dom import element_text
from crawler.extract.metadata import clean_title
from crawler.extract.parse import parse_html
from crawler.extract.phrases import is_boilerplate_line
from crawler.extract.prune import (
    drop_boilerplate,
    drop_link_lists,
    protected,
    strip_ticker_runs,
    unwrap_layout_tables,
)
from crawler.extract.refusal import url_refusal
from crawler.extract.textpass import (
    clean_lines,
    cut_sections,
    drop_leading,
    strip_ticker,
    take_signature,
)
from crawler.outlets import ExtractionHints, Outlet

NB4 = "\u00a0" * 4
HEADLINES = [f"Titre numéro {i} de la journée au Maroc" for i in range(12)]
PARAGRAPH = (
    "Le Maroc réaffirme sa détermination à consolider son rôle dans le domaine de "
    "l'intelligence artificielle, une volonté mise en lumière lors d'un colloque national. "
)


# ---- text-level pass -------------------------------------------------------------------------


def test_text_run_ticker_is_stripped_and_the_text_after_it_kept() -> None:
    line = NB4.join(HEADLINES) + NB4
    assert strip_ticker(line) == ""
    assert strip_ticker("Maroc\u00a0: une phrase «\u00a0normale\u00a0».") == (
        "Maroc\u00a0: une phrase «\u00a0normale\u00a0»."
    )
    long_tail = NB4.join(HEADLINES) + NB4 + PARAGRAPH * 3
    assert strip_ticker(long_tail).startswith("Le Maroc réaffirme")


@pytest.mark.parametrize(
    "line",
    [
        "Lire également : SOUVERAINETE NUMERIQUE : LE MAROC HORS COURSE ?",
        "Voir également : AITEX 2019 : Chakib Achour, Head of marketing",
        "Lire aussi: Le Maroc et l'IA",
        "À lire aussi : la réforme du code pénal",
        "Read also: Morocco's AI strategy",
        "Lee también: Marruecos y la IA",
        "اقرأ أيضا: المغرب يحتضن أول مركز إفريقي",
        "Cliquez ici pour lire l'article depuis sa source.",
        "Merci d'avoir signalé!",
        "Cette image sera automatiquement bloquée après qu'elle soit signalée par plusieurs.",
        "You are currently viewing Intelligence artificielle : voici le centre",
        "Nous utilisons des cookies pour vous garantir la meilleure expérience.",
        "Inscrivez-vous à notre newsletter",
        "Partager :",
        "Partager sur Facebook",
        "Facebook Twitter WhatsApp",
        "Publié dans EcoActu le 17 - 12 - 2020",
        "© 2025 Maghress — Tous droits réservés.",
        "جميع الحقوق محفوظة © أخبار اليوم المغربية 2025",
    ],
)
def test_boilerplate_lines(line: str) -> None:
    assert is_boilerplate_line(line)


@pytest.mark.parametrize(
    "line",
    [
        PARAGRAPH,
        "Le partage des données est au cœur du projet.",
        "Voir le rapport de la Cour des comptes, publié lundi, pour les détails.",
        "La ministre a lu également le rapport.",
    ],
)
def test_body_lines_are_not_boilerplate(line: str) -> None:
    assert not is_boilerplate_line(line)


@pytest.mark.parametrize(
    "heading",
    [
        "Commentaires",
        "Enregistrer un commentaire",
        "Laisser un commentaire",
        "2 réflexions sur « Intelligence artificielle »",
        "Leave a Reply",
        "Deja un comentario",
        "تعليقات الزوار",
        "أضف تعليقك",
        "Articles en relations",
        "Quoi de neuf",
        "مقالات ذات صلة",
        "Related articles",
        "Artículos relacionados",
    ],
)
def test_comment_and_related_headings_end_the_body(heading: str) -> None:
    lines = [PARAGRAPH, PARAGRAPH, heading, "Un commentaire ou un titre lié."]
    assert cut_sections(lines) == [PARAGRAPH, PARAGRAPH]


def test_a_heading_before_the_body_is_dropped_not_cut() -> None:
    assert cut_sections(["Quoi de neuf", PARAGRAPH]) == ["", PARAGRAPH]


def test_outlet_cut_after_regex_cuts_anywhere() -> None:
    import re

    cut = (re.compile(r"^Fin de l'article$"),)
    assert cut_sections(["Court.", "Fin de l'article", PARAGRAPH], cut) == ["Court."]


def test_title_section_date_and_byline_repeated_at_the_top_are_dropped() -> None:
    lines = [
        "Technologie",
        "Course à l'intelligence artificielle: une opportunité à saisir",
        "07/02/2025 - 22:34",
        "Mohammed Fizazi | Mohammed Chafi",
        PARAGRAPH,
    ]
    out, byline = drop_leading(
        lines, ["Course à l'intelligence artificielle: une opportunité à saisir"]
    )
    assert out == [PARAGRAPH]
    assert byline == "Mohammed Fizazi | Mohammed Chafi"


def test_a_short_first_paragraph_that_is_not_metadata_is_kept() -> None:
    out, _ = drop_leading(["Le Maroc, un potentiel à exploiter", PARAGRAPH], ["Un autre titre"])
    assert out == ["Le Maroc, un potentiel à exploiter", PARAGRAPH]


def test_trailing_credit_line_is_taken_off() -> None:
    lines, signature = take_signature([PARAGRAPH, "La Rédaction (avec France 24 et HEM)"])
    assert lines == [PARAGRAPH]
    assert signature == "La Rédaction (avec France 24 et HEM)"


def test_glued_aggregator_footer_is_removed_inside_a_line() -> None:
    text = PARAGRAPH + "Cliquez ici pour lire l'article depuis sa source."
    assert clean_lines(text).text == PARAGRAPH.strip()


# ---- DOM rules -------------------------------------------------------------------------------


def _page(body: str) -> str:
    return f"<html><body><h1>Un titre d'article assez long</h1>{body}</body></html>"


def test_inline_ticker_of_links_separated_by_nbsp_is_removed() -> None:
    links = "".join(f'<a href="/{i}">{h}</a>{NB4}' for i, h in enumerate(HEADLINES))
    root = parse_html(_page(f"<div>{links}</div><p>{PARAGRAPH}</p>"))
    assert root is not None
    strip_ticker_runs(root)
    assert HEADLINES[0] not in root.text_content()
    assert "Le Maroc réaffirme" in root.text_content()


@pytest.mark.parametrize(
    "container",
    [
        "<marquee>{}</marquee>",
        '<div class="news-ticker">{}</div>',
        '<div class="modal fade">{}</div>',
        '<div role="dialog">{}</div>',
        '<div id="cookie-notice">{}</div>',
        '<div class="sharedaddy">{}</div>',
        '<section id="comments">{}</section>',
        '<div class="related-posts">{}</div>',
        '<span class="screen-reader-text">{}</span>',
        "<form><textarea></textarea>{}</form>",
    ],
)
def test_boilerplate_containers_are_dropped(container: str) -> None:
    root = parse_html(_page(container.format("BOILERPLATE") + f"<p>{PARAGRAPH}</p>"))
    assert root is not None
    drop_boilerplate(root, protected(root))
    assert "BOILERPLATE" not in root.text_content()
    assert "Le Maroc réaffirme" in root.text_content()


def test_the_article_container_is_never_dropped_even_with_a_boilerplate_class() -> None:
    root = parse_html(_page(f'<div class="post comments-open"><p>{PARAGRAPH * 3}</p></div>'))
    assert root is not None
    drop_boilerplate(root, protected(root))
    assert "Le Maroc réaffirme" in root.text_content()


def test_link_lists_are_dropped() -> None:
    items = "".join(f'<li><a href="/{i}">{h}</a></li>' for i, h in enumerate(HEADLINES[:5]))
    root = parse_html(_page(f"<ul>{items}</ul><p>{PARAGRAPH}</p>"))
    assert root is not None
    drop_link_lists(root, protected(root))
    assert HEADLINES[0] not in root.text_content()


def test_layout_tables_become_blocks() -> None:
    root = parse_html(_page(f"<table><tr><td><span>{PARAGRAPH * 6}</span><br/>x</td></tr></table>"))
    assert root is not None
    assert unwrap_layout_tables(root) == 1
    assert not list(root.iter("table", "td"))


def test_element_text_breaks_lines_at_blocks() -> None:
    root = parse_html("<div><p>Un</p>deux<br/>trois<ul><li>quatre</li></ul></div>")
    assert root is not None
    assert element_text(root) == "Un\ndeux\ntrois\nquatre"


# ---- metadata ----------------------------------------------------------------------------------


def test_authors_are_split_on_bars_and_la_redaction_is_kept() -> None:
    assert split_authors(["Mohammed Fizazi | Mohammed Chafi"]) == (
        "Mohammed Fizazi",
        "Mohammed Chafi",
    )
    assert split_authors(["Par La Rédaction"]) == ("La Rédaction",)
    assert split_authors(["https://example.com/author/x"]) == ()


@pytest.mark.parametrize(
    ("raw", "title"),
    [
        ("Un titre - Maghress", "Un titre"),
        ("Maghress : Un titre", "Un titre"),
        ("Un titre | SNRTnews", "Un titre"),
        ("Maghress", None),
        (
            "Intelligence artificielle : voici le centre",
            "Intelligence artificielle : voici le centre",
        ),
    ],
)
def test_title_without_the_site_name(raw: str, title: str | None) -> None:
    assert clean_title(raw, {"maghress", "snrtnews"}) == title


def test_title_is_never_the_site_name() -> None:
    html = (
        '<html><head><title>Maroc Tech Actu</title><meta property="og:site_name" '
        'content="Maroc Tech Actu"></head><body><h1>Maroc Tech Actu</h1>'
        f'<h3 class="post-title">La résilience numérique du Maroc</h3><p>{PARAGRAPH * 3}</p>'
        "</body></html>"
    )
    article = extract_article(html, "https://maroctechactu.blogspot.com/2020/12/x.html")
    assert article is not None
    assert article.title == "La résilience numérique du Maroc"


# ---- refusal -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("https://medias24.com/", "home-page"),
        ("https://www.maghress.com/fr", "home-page"),
        ("https://www.lematinal.ma/tag/ia/", "listing-page"),
        ("https://www.lematinal.ma/category/economie/page/3/", "listing-page"),
        ("https://maroctechactu.blogspot.com/search/label/Huawei", "listing-page"),
        ("https://www.lematinal.ma/?s=maroc", "search-page"),
        ("https://medias24.com/2023/10/12/economie-agricole-responsable/", None),
        ("https://www.maghress.com/fr/ecoactu/2187645", None),
        ("https://www.lematinal.ma/category/politique/un-article-sur-la-reforme/", None),
    ],
)
def test_url_refusal(url: str, reason: str | None) -> None:
    assert url_refusal(url) == reason


def test_not_html_is_refused() -> None:
    assert extract("", "https://example.ma/x").refused == "not-html"
    assert extract("%PDF-1.4 binary", "https://example.ma/x").refused == "not-html"


def test_too_short_is_refused() -> None:
    html = _page("<p>Une phrase courte.</p>")
    assert extract(html, "https://example.ma/2025/01/01/court/").refused == "too-short"


# ---- outlet hints ------------------------------------------------------------------------------


def _outlet(**hints: object) -> Outlet:
    return Outlet(
        name="test-outlet",
        title="Test Outlet",
        home="https://test.ma/",
        languages=("fr",),
        domains=("test.ma",),
        hints=ExtractionHints(**hints),  # type: ignore[arg-type]
    )


HINTED_PAGE = f"""<html lang="fr"><head><title>Site</title></head><body>
<div class="x-head">Le vrai titre de l'article</div>
<div class="x-when">Publié le 16 mai 2023</div>
<div class="x-body"><p>{PARAGRAPH}</p><p>PUB: achetez maintenant</p><p>{PARAGRAPH}</p>
<p>FIN</p><p>Après la fin.</p></div>
<div class="x-noise">{PARAGRAPH * 4}</div>
<div class="x-src">Publié dans Le Journal le 15 - 05 - 2023</div>
<a class="x-link" href="https://journal.ma/original">lien</a>
</body></html>"""


def test_hints_select_title_body_date_and_drop_what_they_name() -> None:
    outlet = _outlet(
        title=".x-head",
        body=".x-body",
        date=".x-when",
        drop=(".x-noise",),
        boilerplate=("^PUB:",),
        cut_after=("^FIN$",),
    )
    article = extract_article(HINTED_PAGE, "https://test.ma/a/1", outlet)
    assert article is not None
    assert article.title == "Le vrai titre de l'article"
    assert article.text == f"{PARAGRAPH.strip()}\n{PARAGRAPH.strip()}"
    assert article.published == "2023-05-16T00:00:00+01:00"
    assert article.outlet == "test-outlet"


def test_aggregator_hints_give_the_original_outlet_date_and_url() -> None:
    outlet = _outlet(title=".x-head", body=".x-body", source_line=".x-src", source_link=".x-link")
    article = extract_article(HINTED_PAGE, "https://test.ma/a/1", outlet)
    assert article is not None
    assert article.original_outlet == "Le Journal"
    assert article.source_url == "https://journal.ma/original"
    assert article.published == "2023-05-15T00:00:00+01:00"


def test_a_bad_selector_in_hints_is_ignored() -> None:
    article = extract_article(
        HINTED_PAGE, "https://test.ma/a/1", _outlet(body="div[[[", title=".x-head")
    )
    assert article is not None
    assert "Le Maroc réaffirme" in article.text


@pytest.mark.parametrize(
    "line",
    [
        "Publié par Nadia El Amrani à 10:15",
        "Libellés : Huawei, Covid-19",
        "Inscription à : Publier les commentaires (Atom)",
        "Article plus récent Article plus ancien Accueil",
        "Envoyer par e-mail BlogThis! Partager sur Twitter",
        "Suivez-nous sur :",
        "Signaler cette image",
        "Votre adresse e-mail ne sera pas publiée. Les champs obligatoires sont indiqués avec *",
    ],
)
def test_blog_and_cms_chrome_lines(line: str) -> None:
    assert is_boilerplate_line(line)


def test_a_sentence_starting_like_chrome_is_kept() -> None:
    assert not is_boilerplate_line("Publié par l'OCDE, le rapport souligne le retard du Maroc.")


def test_author_names_end_where_the_date_begins() -> None:
    assert split_authors(["By Louis Jacobson on Monday, November 18th, 2019"]) == (
        "Louis Jacobson",
    )
    assert split_authors(["Analysis by Chris Cillizza"]) == ("Chris Cillizza",)
    assert split_authors(["Par Nadia El Amrani le 17 décembre 2020"]) == ("Nadia El Amrani",)


def test_wordpress_body_class_says_listing_or_error() -> None:
    from crawler.extract.refusal import body_class_kind

    def kind(classes: str) -> str | None:
        root = parse_html(f'<html><body class="{classes}"><p>x</p></body></html>')
        assert root is not None
        return body_class_kind(root)

    assert kind("archive category category-tech") == "listing-page"
    assert kind("archive tag tag-ia") == "listing-page"
    assert kind("search search-results") == "listing-page"
    assert kind("error404") == "error-page"
    assert kind("post-template-default single single-post postid-1822") == "single-page"
    assert kind("page-template-default page page-id-2") is None  # a static page may list
    assert kind("home blog") == "listing-page"
    assert kind("custom-theme") is None
    assert kind("page-template is-head-left-logo") is None  # Ghost says so on its lists too


def test_a_page_of_excerpts_is_a_listing() -> None:
    from crawler.extract.refusal import teaser_share

    text = f"{PARAGRAPH[:120]} [&hellip;]\n{PARAGRAPH[:140]} […]\nUne ligne de texte normale ici."
    root = parse_html("<html><body><p>x</p></body></html>")
    assert root is not None
    assert teaser_share(root, text) > 0.8


@pytest.mark.parametrize(
    ("opening", "authors", "text_start"),
    [
        ("<strong>Mohammed Fizazi | Mohammed Chafi</strong>Dans cet entretien,",
         ("Mohammed Fizazi", "Mohammed Chafi"), "Dans cet entretien"),
        # one name glued to the next word, no space between: a byline by its layout
        ("<strong>Salma Bennani</strong>Une cinquantaine d'étudiants,",
         ("Salma Bennani",), "Une cinquantaine"),
        # the same words set in bold as the sentence's subject, a space after them: the text's
        ("<strong>Nadia Alami</strong> a présenté mardi le programme,",
         (), "Nadia Alami a présenté mardi"),
    ],
)  # fmt: skip
def test_a_byline_glued_to_the_first_paragraph_becomes_the_authors(
    opening: str, authors: tuple[str, ...], text_start: str
) -> None:
    html = _page(f"<p>{opening} {PARAGRAPH}</p><p>{PARAGRAPH}</p>")
    article = extract_article(html, "https://snrtnews.com/fr/article/x")
    assert article is not None
    assert article.authors == authors
    assert article.text.startswith(text_start)


def test_an_xml_declaration_and_bom_do_not_stop_parsing() -> None:
    html = '\ufeff<?xml version="1.0" encoding="utf-8"?>' + _page(f"<p>{PARAGRAPH * 3}</p>")
    article = extract_article(html, "https://example.ma/2025/01/01/x/")
    assert article is not None
    assert article.title == "Un titre d'article assez long"


def test_arabic_aggregator_line_and_footer() -> None:
    html = (
        "<html lang='ar'><body><h1>عنوان المقال المنشور في المصدر</h1>"
        "<div>نشر في هسبريس يوم 05 - 08 - 2024</div>"
        + "<p>"
        + "أعلنت الوزارة عن إطلاق برنامج وطني لتكوين الكفاءات في مجال الذكاء الاصطناعي. " * 4
        + "</p><a href='https://www.hespress.com/x-1.html'>اضغط هنا لقراءة الخبر من مصدره</a>"
        "</body></html>"
    )
    article = extract_article(html, "https://www.maghress.com/hespress/1234567")
    assert article is not None
    assert article.original_outlet == "هسبريس"
    assert article.published == "2024-08-05T00:00:00+01:00"
    assert article.source_url == "https://www.hespress.com/x-1.html"
    assert "اضغط هنا" not in article.text
    assert "نشر في" not in article.text


def test_headline_and_excerpt_cards_are_a_listing() -> None:
    cards = "".join(
        f'<div class="c"><h2><a href="/a{i}">{h}</a></h2><p>Un court résumé de cet article, '
        f"avec quelques mots de plus pour le résumé numéro {i} de la page.</p></div>"
        for i, h in enumerate(HEADLINES[:8])
    )
    html = f"<html><head><title>Économie</title></head><body><h1>Économie</h1>{cards}</body></html>"
    assert extract(html, "https://example.ma/economie").refused == "listing-page"


def test_percent_encoded_arabic_tag_url_is_a_listing() -> None:
    assert url_refusal("https://www.hespress.com/%D9%88%D8%B3%D9%85/x") == "listing-page"
