"""An outlet's extraction hints help when they match and never cost an article when they are
stale: a selector matching nothing is ignored (and named), a drop selector never takes the body."""

from __future__ import annotations

from crawler.extract.article import extract
from crawler.outlets import ExtractionHints, Outlet

PARAGRAPHS = (
    "Le conseil régional a adopté lundi un programme de rénovation des routes rurales de la "
    "province, après plusieurs mois de concertation avec les communes concernées.",
    "Le budget prévu couvre trois années de travaux et la création de deux centres "
    "d'entretien, selon le communiqué publié à l'issue de la session.",
    "Les élus de l'opposition ont salué le projet tout en demandant un calendrier précis "
    "et un suivi public de l'avancement des chantiers dans chaque commune.",
)
TITLE = "Le conseil régional adopte un programme pour les routes rurales"
PAGE = f"""<!DOCTYPE html><html lang="fr"><head><title>{TITLE}</title>
<meta property="article:published_time" content="2026-11-30T09:00:00+01:00"></head>
<body class="single"><header><a href="/">Accueil</a></header>
<article class="article-body-wrapper"><h1>{TITLE}</h1>
{"".join(f'<p class="body-paragraph">{p}</p>' for p in PARAGRAPHS)}
<div class="share-box">Partager sur Facebook</div></article>
<footer>© La rédaction</footer></body></html>"""
URL = "https://journal.ma/2026/11/30/routes-rurales/"


def outlet(**hints: object) -> Outlet:
    return Outlet(
        name="journal",
        title="Journal",
        home="https://journal.ma/",
        languages=("fr",),
        domains=("journal.ma",),
        hints=ExtractionHints(**hints),  # type: ignore[arg-type]
    )


def body_of(**hints: object) -> tuple[str, tuple[str, ...]]:
    result = extract(PAGE, URL, outlet(**hints))
    assert result.article is not None, result.refused
    return result.article.text, result.hints_missed


def test_hints_that_match_are_used_and_not_reported() -> None:
    text, missed = body_of(body="article.article-body-wrapper", drop=(".share-box",))
    assert all(p in text for p in PARAGRAPHS) and "Partager" not in text
    assert missed == ()


def test_a_body_selector_matching_nothing_gives_way_to_generic_extraction() -> None:
    text, missed = body_of(body="div.corps-article")
    assert all(p in text for p in PARAGRAPHS)
    assert missed == ("body div.corps-article",)


def test_a_body_selector_matching_only_empty_elements_gives_way_too() -> None:
    page = PAGE.replace("<footer>", '<div class="entry"></div><footer>')
    result = extract(page, URL, outlet(body="div.entry"))
    assert result.article is not None and PARAGRAPHS[1] in result.article.text
    assert result.hints_missed == ("body div.entry",)


def test_a_drop_selector_never_removes_the_body() -> None:
    for stale in ("p.body-paragraph", "p"):
        text, missed = body_of(drop=(stale, ".share-box"))
        assert all(p in text for p in PARAGRAPHS), stale
        assert "Partager" not in text  # the other drop selector still applies
        assert missed == (f"drop {stale}",)


def test_a_selector_list_matching_the_body_and_its_paragraphs_gives_each_text_once() -> None:
    text, missed = body_of(body="article.article-body-wrapper, p.body-paragraph")
    assert text.count(PARAGRAPHS[0]) == 1 and missed == ()
    text, _ = body_of(body="p.body-paragraph")  # the paragraphs alone: one per line
    assert text.splitlines()[:3] == list(PARAGRAPHS)


def test_title_and_date_selectors_matching_nothing_are_named_and_generic_rules_take_over() -> None:
    result = extract(PAGE, URL, outlet(title="h1.headline-container", date=".subheadline-date"))
    assert result.article is not None
    assert result.article.title == TITLE and result.article.published is not None
    assert result.hints_missed == ("title h1.headline-container", "date .subheadline-date")
