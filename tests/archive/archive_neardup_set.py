# ruff: noqa: E501  (the labelled texts are long lines on purpose: one paragraph per line)
"""A labelled near-duplicate set, and its precision/recall through a real Archive.

Base texts were written for akhbar's tests (no third-party text; MIT like the project). Each base is
a story; its variants are what syndication does to a text: an agency wire republished with a
signature line, an aggregator copy with an extra line, an updated text, a republisher's own lead,
a truncated excerpt, typographic changes. Two bases of the same topic are different stories (hard
negatives), and so is a follow-up that reuses one background paragraph of an earlier story.

Optionally (`--seeds DIR`, e.g. /work/shared/seeds) real French articles are added as further bases.

    python tests/archive/archive_neardup_set.py [--seeds /work/shared/seeds]
"""

from __future__ import annotations

import argparse
import itertools
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from archive import neardup
from archive.db import Archive
from archive.models import Article

BASES: dict[str, str] = {
    "ai-centre": """Un nouveau centre de recherche consacré à l'intelligence artificielle a ouvert ses portes lundi à Benguerir, au sein d'un campus universitaire qui accueille déjà plusieurs laboratoires d'ingénierie.
Le centre réunira une soixantaine de chercheurs marocains et étrangers autour de trois axes : la santé, l'agriculture de précision et le traitement automatique des langues, dont l'arabe et l'amazighe.
Selon son directeur, les premiers projets porteront sur la détection précoce de maladies à partir d'images médicales et sur la prévision des rendements agricoles en période de sécheresse.
Le budget de fonctionnement, financé à parts égales par l'université et des partenaires industriels, doit permettre l'achat d'un calculateur capable d'entraîner de grands modèles sans dépendre de serveurs à l'étranger.
Des bourses doctorales seront ouvertes dès la rentrée prochaine aux étudiants des universités publiques du Royaume.""",
    "ai-training": """Plus de deux mille jeunes suivront cette année une formation gratuite aux métiers du numérique et de l'intelligence artificielle, a annoncé mardi le ministère chargé de la transition numérique.
Le programme, organisé avec des écoles de code et des entreprises technologiques, se déroulera dans douze villes, de Tanger à Dakhla, sous forme de sessions intensives de six mois.
Les candidats, âgés de dix-huit à trente ans, seront sélectionnés sur des tests de logique et non sur leurs diplômes, une approche qui vise les jeunes ayant quitté l'école tôt.
À l'issue de la formation, les participants effectueront un stage dans une entreprise partenaire, et une partie d'entre eux pourra être recrutée directement.
Le ministère espère porter à dix mille le nombre de bénéficiaires d'ici trois ans, en ouvrant des parcours en cybersécurité et en analyse de données.""",
    "dams": """Le taux de remplissage des barrages du Royaume s'établit à 28,4 % ce jeudi, contre 31,2 % à la même date l'an dernier, selon les données publiées par le département de l'Eau.
Les réserves totales atteignent environ 4,6 milliards de mètres cubes, une baisse qui s'explique par le déficit de précipitations enregistré depuis le début de l'automne.
Le bassin du Sebou reste le mieux loti avec un taux proche de 45 %, tandis que ceux de l'Oum Er-Rbia et du Souss-Massa demeurent sous la barre des 10 %.
Les autorités appellent à la rationalisation de la consommation et rappellent que plusieurs communes ont déjà instauré des coupures nocturnes pour préserver les réserves.
Les services météorologiques annoncent toutefois des averses orageuses sur le nord et le Moyen Atlas à partir de la semaine prochaine.""",
    "desalination": """La station de dessalement de l'eau de mer de Casablanca a livré ses premiers mètres cubes au réseau de distribution, plusieurs mois avant la date prévue, ont indiqué ses exploitants.
À pleine capacité, l'installation produira 300 millions de mètres cubes par an, de quoi alimenter près de sept millions d'habitants du Grand Casablanca et des provinces voisines.
L'usine fonctionne en partie grâce à un parc éolien dédié, afin de limiter la facture énergétique, principal poste de coût du dessalement par osmose inverse.
Des associations de pêcheurs s'inquiètent néanmoins des rejets de saumure en mer et demandent la publication régulière des analyses de la qualité de l'eau.
Le ministère de l'Équipement assure que ces rejets sont dilués au large grâce à un émissaire de plus de deux kilomètres et contrôlés par un laboratoire indépendant.""",
    "football-win": """فاز المنتخب الوطني المغربي لكرة القدم مساء السبت على نظيره الغابوني بثلاثة أهداف مقابل هدف واحد، في المباراة التي احتضنها الملعب الكبير بمدينة طنجة ضمن التصفيات المؤهلة لكأس العالم.
وافتتح المنتخب التسجيل في الدقيقة الثانية عشرة بعد تمريرة عرضية من الجهة اليمنى، قبل أن يعادل الضيوف النتيجة بضربة جزاء مع نهاية الشوط الأول.
وفي الشوط الثاني، ضغط اللاعبون المغاربة بقوة وتمكنوا من إضافة هدفين عن طريق المهاجم البديل الذي دخل في الدقيقة الستين.
وبهذا الفوز، يعزز المنتخب صدارته للمجموعة برصيد خمس عشرة نقطة، متقدما بفارق ست نقاط عن أقرب ملاحقيه.
وأشاد المدرب بروح المجموعة، مؤكدا أن الفريق ما زال يحتاج إلى تحسين التركيز في الدقائق الأخيرة من كل شوط.""",
    "stadium": """أعلنت الشركة المكلفة بإنجاز الملعب الكبير بضواحي الدار البيضاء عن تقدم الأشغال بنسبة تفوق أربعين في المائة، وفق ما جاء في بلاغ صدر يوم الأربعاء.
ويتسع الملعب، الذي صمم على شكل خيمة تقليدية، لحوالي مائة وخمسة عشر ألف متفرج، ما سيجعله من أكبر الملاعب في العالم عند افتتاحه.
ويشمل المشروع أيضا محطة للقطار ومواقف للسيارات وفضاءات خضراء، إضافة إلى مرافق للتدريب مفتوحة أمام الأندية المحلية.
وأكدت الشركة أن آلاف العمال يشتغلون في الورش بنظام التناوب ليلا ونهارا من أجل احترام الآجال المحددة قبل المواعيد الرياضية الكبرى.
ويرتقب أن تحتضن المنشأة مباريات في نهائيات كأس العالم التي ينظمها المغرب بشراكة مع إسبانيا والبرتغال.""",
}

UPDATES: dict[str, str] = {
    "ai-centre": "Mise à jour : le ministre de l'Enseignement supérieur, présent à l'inauguration, a annoncé une seconde antenne à Rabat en 2027.",
    "ai-training": "Mise à jour : les inscriptions ouvriront le 15 du mois prochain sur une plateforme en ligne, précise le ministère.",
    "dams": "Mise à jour : de nouvelles données publiées vendredi matin font état d'un léger recul, à 28,1 %.",
    "desalination": "Mise à jour : l'exploitant précise que la deuxième tranche entrera en service à la fin de l'année.",
    "football-win": "تحديث: أعلن الجهاز الطبي أن المدافع الأيسر تعرض لإصابة طفيفة ولن يغيب عن المباراة المقبلة.",
    "stadium": "تحديث: أفادت الشركة بأن تركيب السقف سيبدأ خلال الشهر المقبل.",
}

#: A follow-up story that reuses one background paragraph of "dams": a different story.
FOLLOW_UP = (
    "dams-follow-up",
    """Le gouvernement a adopté jeudi un programme d'urgence de 2,5 milliards de dirhams pour sécuriser l'approvisionnement en eau potable des villes moyennes durant l'été.
Le plan prévoit le forage de nouveaux puits, l'interconnexion de réseaux entre bassins et l'acheminement d'eau par camions-citernes vers les douars les plus isolés.
Les réserves totales atteignent environ 4,6 milliards de mètres cubes, une baisse qui s'explique par le déficit de précipitations enregistré depuis le début de l'automne.
Le porte-parole du gouvernement a indiqué qu'un comité de suivi se réunira chaque semaine et publiera un bilan mensuel des travaux engagés.""",
)
_LEADS = {
    "fr": "Notre rédaction revient sur une information qui a retenu l'attention cette semaine au Maroc.",
    "ar": "تعود هيئة التحرير إلى خبر استأثر باهتمام المتابعين خلال هذا الأسبوع.",
}


def _paragraphs(text: str) -> list[str]:
    return [p for p in text.split("\n") if p.strip()]


def _lang(text: str) -> str:
    return "ar" if any("\u0600" <= c <= "\u06ff" for c in text[:200]) else "fr"


def wire_signature(name: str, text: str) -> str:
    return text + ("\n(و.م.ع)" if _lang(text) == "ar" else "\n(Avec MAP)")


def aggregator_copy(name: str, text: str) -> str:
    return "Source : le360.ma\n" + text + "\nLire aussi : les dernières nouvelles du jour."


def updated(name: str, text: str) -> str:
    paragraphs = _paragraphs(text)
    paragraphs[1] = paragraphs[1].replace(" ", "  ", 1).rstrip(".") + ", a-t-on appris."
    return "\n".join(
        [*paragraphs, UPDATES.get(name, "Mise à jour : des précisions ont été apportées.")]
    )


def own_lead(name: str, text: str) -> str:
    paragraphs = _paragraphs(text)
    return "\n".join([_LEADS[_lang(text)], *paragraphs[1:]])


def excerpt(name: str, text: str) -> str:
    paragraphs = _paragraphs(text)
    keep = max(2, round(len(paragraphs) * 0.75))
    return "\n".join([*paragraphs[:keep], "Lire la suite sur le site de l'éditeur."])


def teaser(name: str, text: str) -> str:
    """An aggregator's teaser: the first two paragraphs only (a hard case, often missed)."""
    return "\n".join([*_paragraphs(text)[:2], "Lire la suite sur le site de l'éditeur."])


def typography(name: str, text: str) -> str:
    return text.replace("'", "’").replace(" : ", "\u00a0: ").replace(", ", " , ")


VARIANTS: dict[str, Callable[[str, str], str]] = {
    "wire_signature": wire_signature,
    "aggregator_copy": aggregator_copy,
    "updated": updated,
    "own_lead": own_lead,
    "excerpt": excerpt,
    "typography": typography,
    "teaser": teaser,
}


@dataclass(frozen=True)
class Doc:
    story: str  # the label: documents of one story belong together
    variant: str
    text: str


def labelled_set(seeds: Path | None = None) -> list[Doc]:
    """Originals, their variants, and the follow-up, in ingest order (originals first)."""
    bases = dict(BASES)
    if seeds is not None:
        for path in sorted(seeds.glob("*.txt")):
            bases[f"seed-{path.stem}"] = path.read_text(encoding="utf-8")
    docs = [Doc(name, "original", text) for name, text in bases.items()]
    docs.append(Doc(FOLLOW_UP[0], "original", FOLLOW_UP[1]))
    for variant, make in VARIANTS.items():
        docs += [Doc(name, variant, make(name, text)) for name, text in bases.items()]
    return docs


@dataclass(frozen=True)
class Scores:
    precision: float
    recall: float
    pairs_true: int
    pairs_predicted: int
    per_variant_recall: dict[str, float]
    false_pairs: list[tuple[str, str, str, str]]
    similarity_by_variant: dict[str, tuple[float, float]]  # (min, max) against the original
    max_other_story: float  # highest similarity between documents of different stories


def evaluate(docs: list[Doc], workdir: Path) -> Scores:
    """Ingest every doc (each from its own outlet) into a new archive; score same-cluster pairs."""
    with Archive(workdir / "neardup.db") as archive:
        ids = []
        for index, doc in enumerate(docs):
            article = Article(
                url=f"https://outlet{index}.example/{doc.story}/{doc.variant}",
                title=doc.story,
                text=doc.text,
                outlet=f"outlet{index}",
            )
            ids.append(archive.add(article).article_id)
        final = dict(archive.conn.execute("SELECT id, cluster_id FROM articles"))
        clusters = [final[i] for i in ids]  # clusters merge as links are found
    tp = fp = fn = 0
    false_pairs = []
    for (a, ca), (b, cb) in itertools.combinations(zip(docs, clusters, strict=True), 2):
        same, predicted = a.story == b.story, ca == cb
        tp += same and predicted
        fp += predicted and not same
        fn += same and not predicted
        if same != predicted:
            false_pairs.append((a.story, a.variant, b.story, b.variant))
    originals = {d.story: c for d, c in zip(docs, clusters, strict=True) if d.variant == "original"}
    per_variant = {}
    for variant in VARIANTS:
        hits = [
            c == originals[d.story]
            for d, c in zip(docs, clusters, strict=True)
            if d.variant == variant
        ]
        per_variant[variant] = sum(hits) / len(hits)
    sims, max_other = _similarities(docs)
    return Scores(
        similarity_by_variant=sims,
        max_other_story=max_other,
        precision=tp / (tp + fp) if tp + fp else 1.0,
        recall=tp / (tp + fn) if tp + fn else 1.0,
        pairs_true=tp + fn,
        pairs_predicted=tp + fp,
        per_variant_recall=per_variant,
        false_pairs=false_pairs,
    )


def _similarities(docs: list[Doc]) -> tuple[dict[str, tuple[float, float]], float]:
    sigs = [neardup.signature(d.text) for d in docs]
    originals = {d.story: s for d, s in zip(docs, sigs, strict=True) if d.variant == "original"}
    by_variant: dict[str, list[float]] = {}
    for doc, sig in zip(docs, sigs, strict=True):
        if doc.variant != "original" and sig is not None:
            value = neardup.similarity(sig, originals[doc.story])
            by_variant.setdefault(doc.variant, []).append(value)
    other = max(
        neardup.similarity(sa, sb)
        for (a, sa), (b, sb) in itertools.combinations(zip(docs, sigs, strict=True), 2)
        if a.story != b.story and sa is not None and sb is not None
    )
    return {k: (min(v), max(v)) for k, v in by_variant.items()}, other


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=Path, help="a directory of extra base texts (*.txt)")
    args = parser.parse_args()
    docs = labelled_set(args.seeds)
    with tempfile.TemporaryDirectory() as tmp:
        scores = evaluate(docs, Path(tmp))
    stories = len({d.story for d in docs})
    print(f"documents: {len(docs)} in {stories} stories; same-story pairs: {scores.pairs_true}")
    print(
        f"precision: {scores.precision:.3f}  recall: {scores.recall:.3f}  "
        f"(pairs predicted together: {scores.pairs_predicted})"
    )
    for variant, recall in scores.per_variant_recall.items():
        low, high = scores.similarity_by_variant[variant]
        print(
            f"  {variant:<16} joined its original's cluster: {recall:4.0%}  "
            f"(estimated Jaccard with the original {low:.2f}-{high:.2f})"
        )
    print(f"  highest similarity between different stories: {scores.max_other_story:.2f}")
    for pair in scores.false_pairs[:20]:
        print("  wrong:", *pair)


if __name__ == "__main__":
    main()
