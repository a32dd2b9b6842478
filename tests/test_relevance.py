"""Ranking quality is pinned, Anserini-style: a change that hurts ranking fails here.

Two regressions, each computed the same way as its benchmark: bench/relevance.py (judged
Ofsted queries over the real corpus, built once per session by conftest) and
bench/scifact.py (BEIR SciFact test split, indexed once per module in a temporary
directory). Figures and how they were reached: docs/decisions/0009-relevance.md.

Pins cut both ways (Pyserini's assertAlmostEqual): a change of more than TOLERANCE up or
down fails until the figure is re-pinned on purpose, with the reason in the commit.
"""
from __future__ import annotations


import pytest


from bench import relevance, scifact

TOLERANCE = 0.01  # the rule: a difference above 0.01 either way fails
# bench/relevance.py over 102 judged queries, both modes in one run (0009-relevance.md;
# the 21 of issue 10 in 0022; the 33 of issue 19 and the hybrid figures in 0037)
# (opaque compounds, 0009 "Update (session 13)": adjacency, topic, acronym and renamed moved)
PINNED_OFSTED = {"acronym": 0.9243, "adjacency": 0.9031, "authority_topic": 0.8393,
                 "filtered": 0.8983, "misspelling": 0.9684, "overall": 0.7958, "phrase": 0.9840,
                 "phrase_stop": 0.8400, "question": 0.4001, "recommendation": 0.4062,
                 "renamed": 0.8211, "topic": 0.9748}  # mode=words
PINNED_OFSTED_HYBRID = {"acronym": 0.9694, "adjacency": 0.9694, "authority_topic": 0.8546,
                        "filtered": 0.9253, "misspelling": 0.9785, "overall": 0.9186,
                        "phrase": 0.9840, "phrase_stop": 0.8400, "question": 0.8025,
                        "recommendation": 0.9504, "renamed": 0.8651, "topic": 0.9667}
PINNED_OFSTED_RECALL = 0.685
PINNED_OFSTED_MRR = 0.915
# the baseline runs through SearchIndex too (Whoosh's default weights, no expansion, but the
# engine's authority reading and most-words fallback; mode=words)
PINNED_OFSTED_BASELINE = 0.7237
PINNED_SCIFACT = {"ndcg@10": 0.6817, "recall@100": 0.9187}
PINNED_SCIFACT_HYBRID = 0.6809  # mode=hybrid's fusion, weights from Ofsted dev + SciFact train


def pinned(value: float, pin: float) -> bool:
    return abs(value - pin) <= TOLERANCE


@pytest.fixture(scope="module")
def ofsted(corpus_build):
    path, _ = corpus_build
    runner = relevance.Runner(path)
    return (relevance.evaluate(runner, relevance.CURRENT),
            relevance.evaluate(runner, relevance.BASELINE),
            relevance.evaluate(runner, relevance.HYBRID))


@pytest.mark.corpus
@pytest.mark.parametrize("kind", sorted(PINNED_OFSTED))
def test_ofsted_ndcg_is_pinned(ofsted, kind):
    current, _, hybrid = ofsted
    assert pinned(current[kind]["ndcg@10"], PINNED_OFSTED[kind]), current[kind]
    assert pinned(hybrid[kind]["ndcg@10"], PINNED_OFSTED_HYBRID[kind]), hybrid[kind]


@pytest.mark.corpus
def test_ofsted_recall_and_baseline(ofsted):
    current, baseline, hybrid = ofsted
    assert hybrid["overall"]["ndcg@10"] >= current["overall"]["ndcg@10"] + 0.1
    assert pinned(current["overall"]["recall@50"], PINNED_OFSTED_RECALL)
    assert pinned(current["overall"]["mrr"], PINNED_OFSTED_MRR)
    assert pinned(baseline["overall"]["ndcg@10"], PINNED_OFSTED_BASELINE)
    # +0.07 over the 102 queries (issue 19's 33 are questions and recommendations, where
    # words alone gain little on the baseline; hybrid gains +0.18)
    assert current["overall"]["ndcg@10"] >= baseline["overall"]["ndcg@10"] + 0.05


@pytest.fixture(scope="module")
def scifact_index(tmp_path_factory):
    if not (scifact.SCIFACT / "corpus.jsonl").is_file():
        pytest.skip(f"SciFact is not at {scifact.SCIFACT}")
    return scifact.build_index(tmp_path_factory.mktemp("scifact"))


@pytest.mark.slow
def test_scifact_is_pinned_beside_published_bm25(scifact_index):
    """Pinned both ways: a change up or down fails until re-pinned on purpose."""
    result = scifact.evaluate(scifact_index, "test")
    assert result["queries"] == 300
    assert pinned(result["ndcg@10"], PINNED_SCIFACT["ndcg@10"])
    assert pinned(result["recall@100"], PINNED_SCIFACT["recall@100"])
    assert result["ndcg@10"] >= scifact.PUBLISHED["BEIR paper BM25"][0]
    hybrid = scifact.evaluate_hybrid(scifact_index, scifact.embed_corpus(), "test")
    assert pinned(hybrid["ndcg@10"], PINNED_SCIFACT_HYBRID)


def test_pins_fail_either_way():
    assert pinned(0.9108, 0.9108) and pinned(0.92, 0.9108) and pinned(0.901, 0.9108)
    assert not pinned(0.9209, 0.9108) and not pinned(0.9007, 0.9108)


def test_judged_query_ids_are_unique_and_every_kind_is_pinned():
    queries = relevance.load_queries()
    ids = [q["id"] for q in queries]
    assert len(ids) == len(set(ids))
    assert {q["kind"] for q in queries} | {"overall"} == set(PINNED_OFSTED)
    assert set(PINNED_OFSTED_HYBRID) == set(PINNED_OFSTED)
    assert {q["split"] for q in queries} == {"dev", "test"}
    judged = relevance.load_judgments()
    assert all(any(g > 0 for g in judged.get(i, {}).values()) for i in ids)
