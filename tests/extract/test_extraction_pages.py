"""Every recorded page through `extract`: with its outlet's hints, and with none."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest

from bench.extraction_score import score_page
from crawler.extract import extract, extract_article, extract_text
from crawler.extract.language import detect_language
from tests.extract.conftest import ARTICLES, REFUSED, Recorded

# One phrase per boilerplate family in the seeds (shared seeds/*.txt) and research section 3.
SEED_BOILERPLATE = [
    "Merci d'avoir signalé",
    "Cette image sera automatiquement bloquée",
    "Cliquez ici pour lire l'article depuis sa source",
    "Lire également :",
    "Voir également :",
    "Enregistrer un commentaire",
    "Articles en relations",
    "You are currently viewing",
    "Laisser un commentaire",
    "تعليقات الزوار",
    "أضف تعليقك",
    "مقالات ذات صلة",
    "اقرأ أيضا",
    "Quoi de neuf",
    "Toute l'actualité",
    "Publié dans",
    "\u00a0\u00a0\u00a0\u00a0",  # the separator of text-run tickers
]


def _modes(pages: list[Recorded]) -> list[Any]:
    params = []
    for page in pages:
        params.append(pytest.param(page, None, id=f"{page.name}-generic"))
        if page.expected.get("outlet"):
            params.append(pytest.param(page, page.expected["outlet"], id=f"{page.name}-hints"))
    return params


def _outlet(registry: dict[str, Any], name: str | None) -> Any:
    if name is None:
        return None
    assert name in registry, f"outlet {name!r} is not in the registry"
    return registry[name]


def _same_instant(got: str | None, want: str) -> bool:
    return got is not None and datetime.fromisoformat(got) == datetime.fromisoformat(want)


@pytest.mark.parametrize(("page", "outlet_name"), _modes(ARTICLES))
def test_article_metadata(
    page: Recorded, outlet_name: str | None, registry: dict[str, Any]
) -> None:
    want = page.expected
    article = extract_article(page.html, page.url, _outlet(registry, outlet_name))
    assert article is not None, extract(page.html, page.url).refused
    assert article.title == want["title"]
    assert _same_instant(article.published, want["published"]), article.published
    assert article.published is not None and datetime.fromisoformat(article.published).tzinfo
    assert article.language == want["language"]
    for key in ("authors", "tags"):
        if key in want:
            assert list(getattr(article, key)) == want[key]
    for key in ("section", "original_outlet", "source_url"):
        if key in want:
            assert getattr(article, key) == want[key]


@pytest.mark.parametrize(("page", "outlet_name"), _modes(ARTICLES))
def test_article_body_is_clean(
    page: Recorded, outlet_name: str | None, registry: dict[str, Any]
) -> None:
    want = page.expected
    article = extract_article(page.html, page.url, _outlet(registry, outlet_name))
    assert article is not None
    for snippet in want["must_contain"]:
        assert snippet in article.text
    for snippet in [*want["must_not_contain"], *SEED_BOILERPLATE]:
        assert snippet not in article.text, snippet
    assert not article.text.startswith(article.title)


@pytest.mark.parametrize(
    ("page", "outlet_name"), _modes([p for p in ARTICLES if "text" in p.expected])
)
def test_body_f1_against_the_true_text(
    page: Recorded, outlet_name: str | None, registry: dict[str, Any]
) -> None:
    article = extract_article(page.html, page.url, _outlet(registry, outlet_name))
    assert article is not None
    score = score_page(page.expected["text"], article.text)
    f1 = 2 * score.precision * score.recall / (score.precision + score.recall)
    assert f1 >= 0.99, (score.precision, score.recall)


@pytest.mark.parametrize(("page", "outlet_name"), _modes(REFUSED))
def test_not_an_article_is_refused(
    page: Recorded, outlet_name: str | None, registry: dict[str, Any]
) -> None:
    allowed = page.expected["refused"]
    allowed = allowed if isinstance(allowed, list) else [allowed]
    result = extract(page.html, page.url, _outlet(registry, outlet_name))
    assert result.article is None
    assert result.refused in allowed


@pytest.mark.parametrize("page", ARTICLES, ids=[p.name for p in ARTICLES])
def test_extract_text_is_the_article_body(page: Recorded) -> None:
    article = extract_article(page.html, page.url)
    assert article is not None
    assert extract_text(page.html, page.url) == article.text


@pytest.mark.parametrize("page", ARTICLES, ids=[p.name for p in ARTICLES])
def test_language_sample_agrees_with_the_whole_text(page: Recorded) -> None:
    article = extract_article(page.html, page.url)
    assert article is not None
    assert detect_language(article.text) == detect_language(article.text, sample_chars=None)


def test_results_are_reproducible() -> None:
    page = ARTICLES[0]
    first = extract_article(page.html, page.url)
    assert first is not None
    assert all(extract_article(page.html, page.url) == first for _ in range(3))


def test_results_cross_process_boundaries() -> None:
    import pickle

    page = ARTICLES[0]
    result = extract(page.html, page.url)
    assert pickle.loads(pickle.dumps(result)) == result
