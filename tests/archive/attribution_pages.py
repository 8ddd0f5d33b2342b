"""Pages of one small news day, as fetched: originals, an aggregator's copies, tracking and AMP
variants, a corrected original, a wire story two outlets carry, a copy whose original is unknown.

Texts written for akhbar's tests (fictional events). Each page has the time it was fetched, so a
test can add them in any order and still say when each was served. Uses only the `Article` and
`Archive.add` API that every schema version has (tests/archive/fixtures/make_v7_archive.py runs
it with an older akhbar).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from archive.models import Article

E, H, M = "https://ecoactu.example", "https://hespress.example", "https://maghress.example"
S, L, B = "https://snrtnews.example", "https://le360.example", "https://blog.example"

INTERVIEW = (
    "La pandémie a provoqué un usage accru des outils numériques dans les entreprises et les "
    "administrations du Royaume, explique le directeur général d'un équipementier télécom.\n"
    "Selon lui, l'absence de centres de données capables de stocker les données sur le sol "
    "national freine leur exploitation, et donc l'innovation des jeunes entreprises locales.\n"
    "Il plaide pour un cadre réglementaire clair et pour des partenariats entre universités, "
    "opérateurs et collectivités territoriales afin de former dix mille ingénieurs en trois ans."
)
INTERVIEW_FIXED = INTERVIEW.replace("dix mille ingénieurs", "douze mille ingénieurs")
PLATFORM = (
    "أعلنت جهة فاس مكناس، يوم الثلاثاء، عن إطلاق منصة رقمية جديدة لمواكبة حاملي المشاريع الشباب "
    "وتسهيل حصولهم على التمويل والتكوين والمواكبة الإدارية في مختلف مراحل إنجاز مشاريعهم.\n"
    "وأضاف المصدر ذاته أن هذه المبادرة تندرج في إطار تنزيل برنامج جهوي لدعم التشغيل الذاتي، "
    "مع ضمان مواكبة ميدانية للمشاريع بعد انطلاقها وتقييم دوري لنتائجها على مستوى الأقاليم."
)
WIRE = (
    "Le taux de remplissage des barrages s'établit à 28,4 % ce jeudi, contre 31,2 % à la même "
    "date l'an dernier, selon les données publiées par le département de l'Eau.\n"
    "Les réserves atteignent 4,6 milliards de mètres cubes après un automne sec, et les autorités "
    "appellent à rationaliser la consommation d'eau potable dans les grandes villes du pays."
)
OPINION = (
    "Le ministre a annoncé la création d'une instance nationale dédiée à l'intelligence "
    "artificielle, chargée de coordonner la stratégie du pays et d'encadrer ses usages.\n"
    "Cette instance réunira des chercheurs, des industriels et des représentants de la société "
    "civile, et rendra chaque année un rapport public sur les progrès accomplis et les risques."
)
BLOG = (
    "Une nouvelle école de programmation gratuite ouvrira ses portes à Tanger à la rentrée, avec "
    "une première promotion de cent vingt apprenants sélectionnés sur des tests de logique.\n"
    "Les candidats retenus suivront une piscine d'un mois avant d'entamer un cursus de deux ans "
    "fondé sur des projets, sans professeurs ni cours magistraux, ouvert aux non-bacheliers."
)
BRIEF = "Brève : la séance est levée."


@dataclass(frozen=True)
class Page:
    """One fetch: the article and when it was fetched (ISO 8601 UTC)."""

    name: str
    article: Article
    fetched_at: str


def _article(outlet: str, url: str, text: str, title: str, **fields: object) -> Article:
    values: dict[str, object] = {"canonical_url": url, "language": "fr"}
    values.update(fields)
    return Article(url=url, title=title, text=text, outlet=outlet, **values)  # type: ignore[arg-type]


def pages() -> list[Page]:
    """The day's fetches, in the order a polite crawl would never guarantee."""
    interview = _article(
        "ecoactu", f"{E}/stockage-data/", INTERVIEW, "Le stockage des données freine l'innovation",
        published="2020-12-17T09:45:00+01:00", authors=("Rédaction EcoActu",), section="Tech",
    )  # fmt: skip
    copy = replace(
        interview, outlet="maghress", url=f"{M}/fr/ecoactu/5170263",
        canonical_url=f"{M}/fr/ecoactu/5170263", published="2020-12-17T00:00:00+01:00",
        authors=(), section=None, original_outlet="EcoActu", source_url=interview.url,
    )  # fmt: skip
    platform = _article(
        "hespress", f"{H}/platform-1471217.html", PLATFORM, "إطلاق منصة رقمية",
        published="2025-03-11T15:20:00+00:00", authors=("سعيد الإدريسي",), language="ar",
    )  # fmt: skip
    wire = _article(
        "snrtnews", f"{S}/fr/article/barrages", WIRE, "Barrages : le taux recule",
        published="2025-02-07T09:30:00+01:00",
    )  # fmt: skip
    blog = _article("blog", f"{B}/2020/12/ecole-de-code.html", BLOG, "Une école de code gratuite")
    found = [
        Page("maghress copy", copy, "2020-12-17T09:00:00Z"),
        Page("ecoactu original", interview, "2020-12-17T10:00:00Z"),
        Page("ecoactu feed link", replace(
            interview, url=f"{E}/stockage-data/?utm_source=rss&utm_medium=rss"),
            "2020-12-17T10:01:00Z"),
        Page("ecoactu amp", replace(
            interview, url=f"{E}/stockage-data/amp/", published="2020-12-17T00:00:00+01:00"),
            "2020-12-17T10:02:00Z"),
        Page("ecoactu corrected", replace(interview, text=INTERVIEW_FIXED),
             "2020-12-17T14:00:00Z"),
        Page("maghress copy corrected", replace(copy, text=INTERVIEW_FIXED),
             "2020-12-17T15:00:00Z"),
        Page("maghress copy of hespress", replace(
            platform, outlet="maghress", url=f"{M}/hespress/7351102",
            canonical_url=f"{M}/hespress/7351102", text=PLATFORM + "\nالمصدر: هسبريس",
            published="2025-03-11T00:00:00+00:00", authors=(), original_outlet="هسبريس",
            source_url=platform.url), "2025-03-11T08:00:00Z"),
        Page("hespress original", platform, "2025-03-11T16:00:00Z"),
        Page("le360 wire", replace(
            wire, outlet="le360", url=f"{L}/societe/barrages",
            canonical_url=f"{L}/societe/barrages", published="2025-02-07T10:00:00+01:00"),
            "2025-02-07T11:30:00Z"),
        Page("snrtnews wire", wire, "2025-02-07T12:00:00Z"),
        Page("maghress copy of an unknown original", _article(
            "maghress", f"{M}/fr/lopinion/5921840", OPINION, "Une instance nationale pour l'IA",
            published="2023-10-24T00:00:00+01:00", original_outlet="L'opinion",
            source_url="https://www.lopinion.ma/instance-ia_a45012.html"), "2023-10-24T12:00:00Z"),
        Page("blog undated", blog, "2020-12-03T18:00:00Z"),
        Page("maghress copy of the blog", replace(
            blog, outlet="maghress", url=f"{M}/fr/blog/77", canonical_url=f"{M}/fr/blog/77",
            published="2020-12-04T00:00:00+01:00", original_outlet="Blog", source_url=blog.url),
            "2020-12-04T09:00:00Z"),
        Page("snrtnews brief", _article("snrtnews", f"{S}/fr/article/breve", BRIEF, "Brève"),
             "2025-02-07T13:00:00Z"),
        Page("maghress brief", _article(
            "maghress", f"{M}/fr/snrt/9", BRIEF, "Brève", original_outlet="SNRTnews",
            source_url=f"{S}/fr/article/breve"), "2025-02-07T12:30:00Z"),
    ]  # fmt: skip
    return found


# versions of one URL: the second cannot be fetched before the first in a crawl
SAME_URL_LATER = {
    "ecoactu corrected": "ecoactu original",
    "maghress copy corrected": "maghress copy",
}
