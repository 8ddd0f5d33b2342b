"""Near-duplicate clusters: the labelled set, persistence across restarts, the cross-outlet view."""

from __future__ import annotations

from pathlib import Path

from archive_neardup_set import evaluate, labelled_set
from conftest import AI_TEXT, WATER_TEXT, article, sample_articles

from archive import neardup
from archive.db import Archive


def test_labelled_set_precision_and_recall(tmp_path: Path) -> None:
    scores = evaluate(labelled_set(), tmp_path)
    assert scores.precision == 1.0  # no two different stories ever share a cluster
    assert scores.recall >= 0.8
    for variant in ("wire_signature", "aggregator_copy", "updated", "own_lead", "excerpt",
                    "typography"):  # fmt: skip
        assert scores.per_variant_recall[variant] == 1.0, variant
    _, high = scores.similarity_by_variant["teaser"]
    assert high < neardup.THRESHOLD  # a teaser joins only through a closer member, if at all
    assert scores.max_other_story < neardup.THRESHOLD


def test_aggregator_copy_joins_original_cluster(filled: Archive) -> None:
    rows = {a.outlet: a for a in filled.articles()}
    assert rows["aggregator"].cluster_id == rows["lematin"].cluster_id == rows["lematin"].id
    assert rows["h24"].cluster_id == rows["h24"].id  # unrelated: its own cluster
    near = filled.conn.execute(
        "SELECT near_duplicate_of, similarity FROM articles WHERE outlet = 'aggregator'"
    ).fetchone()
    assert near[0] == rows["lematin"].id and near[1] >= neardup.THRESHOLD


def test_lsh_state_survives_reopening(tmp_path: Path) -> None:
    path = tmp_path / "a.db"
    with Archive(path) as archive:
        original = archive.add(article())
    with Archive(path) as archive:
        copy = archive.add(
            article(
                url="https://copy.example/1",
                outlet="copy",
                text=AI_TEXT + "\nLire aussi : la météo de demain.",
            )
        )
    with Archive(path) as archive:
        clusters = {row[0] for row in archive.conn.execute("SELECT cluster_id FROM articles")}
        assert clusters == {copy.cluster_id}
        assert original.article_id != copy.article_id
        buckets = archive.conn.execute("SELECT count(*) FROM minhash_buckets").fetchone()[0]
    assert buckets == 2 * neardup.lsh_parameters()["bands"]


def test_short_texts_are_not_clustered(archive: Archive) -> None:
    a = archive.add(
        article(url="https://x.example/1", canonical_url=None, text="Brève : séance levée.")
    )
    b = archive.add(
        article(url="https://x.example/2", canonical_url=None, text="Brève : séance levée !")
    )
    assert a.cluster_id != b.cluster_id
    assert neardup.signature("trop court") is None


def test_stories_view_names_the_first_outlet(filled: Archive) -> None:
    filled.add(
        article(
            url="https://h24.example/ia",
            outlet="h24",
            text=AI_TEXT,
            published="2025-02-07T20:00:00+00:00",
        )
    )  # same text, earlier in UTC
    filled.add(
        article(
            url="https://le360.example/eau",
            canonical_url="https://le360.example/eau",
            outlet="le360",
            text=WATER_TEXT + "\n(Avec MAP)",
            published="2025-03-02T08:00:00Z",
        )
    )
    stories = {row["title"]: row for row in filled.db.query("SELECT * FROM stories")}
    ai = stories[sample_articles()[0].title]
    assert ai["outlets"] == 3 and ai["outlet_list"].split(",") == ["h24", "lematin", "aggregator"]
    assert (ai["first_outlet"], ai["first_url"]) == ("h24", "https://h24.example/ia")
    water = stories["Barrages : le taux de remplissage recule"]
    assert (water["outlets"], water["first_outlet"]) == (2, "h24")


def test_clusters_do_not_depend_on_arrival_order(tmp_path: Path) -> None:
    """Reversed, the labelled set makes the same clusters: linked clusters merge."""
    docs = labelled_set()
    scores = []
    for name, order in (("forward", docs), ("backward", docs[::-1])):
        (tmp_path / name).mkdir()
        scores.append(evaluate(order, tmp_path / name))
    forward, backward = scores
    assert forward.pairs_predicted == backward.pairs_predicted
    missed = [{frozenset([(a, b), (c, d)]) for a, b, c, d in s.false_pairs} for s in scores]
    assert missed[0] == missed[1]
