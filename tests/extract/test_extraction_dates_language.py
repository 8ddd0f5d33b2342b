"""Dates written out in French, Arabic, Spanish, English; language detection."""

from __future__ import annotations

import pytest

from crawler.extract.datetext import month_number, normalize_iso, parse_date_text
from crawler.extract.language import detect_language, sample


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("17 - 12 - 2020", "2020-12-17T00:00:00+01:00"),
        ("Publié dans EcoActu le 17 - 12 - 2020", "2020-12-17T00:00:00+01:00"),
        ("07/02/2025 - 22:34", "2025-02-07T22:34:00+01:00"),
        (
            "Le 12 octobre 2023 à 15h38 | Modifié 12 octobre 2023 à 15h43",
            "2023-10-12T15:38:00+01:00",
        ),
        ("Le 07/04/2025 à 12h18", "2025-04-07T12:18:00+01:00"),
        ("23.04.2025 - 18:37", "2025-04-23T18:37:00+01:00"),
        ("16 mai 2023", "2023-05-16T00:00:00+01:00"),
        # Ramadan 2025: Morocco is on UTC+0, zoneinfo knows it
        ("الثلاثاء 11 مارس 2025 - 15:20", "2025-03-11T15:20:00+00:00"),
        ("الإثنين 5 غشت 2024", "2024-08-05T00:00:00+01:00"),
        ("٢٣ دجنبر ٢٠٢٢", "2022-12-23T00:00:00+01:00"),
        ("12 de octubre de 2023", "2023-10-12T00:00:00+01:00"),
        ("October 12, 2023 at 3:05 pm", "2023-10-12T15:05:00+01:00"),
    ],
)
def test_dates_in_text(text: str, iso: str) -> None:
    assert parse_date_text(text) == iso


@pytest.mark.parametrize(
    ("name", "month"),
    [("ماي", 5), ("يوليوز", 7), ("غشت", 8), ("شتنبر", 9), ("نونبر", 11), ("دجنبر", 12),
     ("août", 8), ("févr.", 2), ("septiembre", 9)],
)  # fmt: skip
def test_moroccan_and_other_month_names(name: str, month: int) -> None:
    assert month_number(name) == month


def test_no_date_is_none() -> None:
    assert parse_date_text("Le Maroc en 2023") is None
    assert parse_date_text("31/02/2024") is None


def test_structured_dates_keep_or_get_a_timezone() -> None:
    assert normalize_iso("2023-10-12T14:38:23+00:00") == "2023-10-12T14:38:23+00:00"
    assert normalize_iso("2023-10-12T14:38:23Z") == "2023-10-12T14:38:23+00:00"
    assert normalize_iso("2023-10-12T15:38:23+0100") == "2023-10-12T15:38:23+01:00"
    assert normalize_iso("2023-10-12") == "2023-10-12T00:00:00+01:00"


FR = "Le Maroc réaffirme sa détermination à consolider son rôle dans l'intelligence artificielle."
AR = "أعلنت الوزارة المكلفة بالانتقال الرقمي عن إطلاق برنامج وطني لتكوين الكفاءات."
EN = "Morocco has announced a national programme to train young people in artificial intelligence."
ES = "Marruecos ha anunciado un programa nacional para formar a jóvenes en inteligencia artificial."


@pytest.mark.parametrize(("text", "lang"), [(FR, "fr"), (AR, "ar"), (EN, "en"), (ES, "es")])
def test_languages(text: str, lang: str) -> None:
    assert detect_language(text) == lang


def test_tifinagh_is_amazigh() -> None:
    assert detect_language("ⴰⵎⵓⵔ ⵏ ⵍⵎⵖⵔⵉⴱ ⵉⵙⵙⵏⵜⵉ ⴰⵖⴰⵡⴰⵙ ⴰⵏⴰⵎⵓⵔ ⵏ ⵜⵎⴰⵣⵉⵖⵜ") == "zgh"


def test_short_text_follows_the_page_lang() -> None:
    assert detect_language("Rabat", "fr-FR") == "fr"
    assert detect_language("", "ar") == "ar"
    assert detect_language("") is None


def test_the_page_lang_settles_an_unsure_guess_but_not_a_clear_one() -> None:
    assert detect_language(FR * 3, "en") == "fr"


def test_detection_is_reproducible() -> None:
    mixed = "Maroc Morocco Marruecos " * 3
    assert len({detect_language(mixed) for _ in range(5)}) == 1


def test_sample_is_bounded_and_cut_at_a_boundary() -> None:
    text = (FR + "\n") * 100
    head = sample(text, 2000)
    assert len(head) <= 2000
    assert text.startswith(head)
    assert head.endswith((" ", ".", "\n")) or text[len(head)] in " \n"
