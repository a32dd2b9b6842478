"""Ranking quality is pinned, Anserini-style: a change that hurts ranking fails here.

Two regressions, each computed the same way as its benchmark: bench/relevance.py (judged
Ofsted queries over the real corpus, built once per session by conftest) and
bench/scifact.py (BEIR SciFact test split, indexed once per module in a temporary
directory). Figures and how they were reached: docs/decisions/0009-relevance.md.
"""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

import relevance  # noqa: E402
import scifact  # noqa: E402

TOLERANCE = 0.005
# bench/relevance.py, current configuration, 48 queries (0009-relevance.md)
PINNED_OFSTED = {"overall": 0.9499, "acronym": 0.9344, "filtered": 0.9068,
                 "misspelling": 0.9607, "phrase": 0.9682, "topic": 0.9758}
PINNED_OFSTED_RECALL = 0.767
PINNED_SCIFACT = {"ndcg@10": 0.6817, "recall@100": 0.9187}


@pytest.fixture(scope="module")
def ofsted(corpus_build):
    path, _ = corpus_build
    runner = relevance.Runner(path)
    return (relevance.evaluate(runner, relevance.CURRENT),
            relevance.evaluate(runner, relevance.BASELINE))


@pytest.mark.corpus
@pytest.mark.parametrize("kind", sorted(PINNED_OFSTED))
def test_ofsted_ndcg_is_pinned(ofsted, kind):
    current, _ = ofsted
    assert current[kind]["ndcg@10"] >= PINNED_OFSTED[kind] - TOLERANCE


@pytest.mark.corpus
def test_ofsted_recall_and_baseline(ofsted):
    current, baseline = ofsted
    assert current["overall"]["recall@50"] >= PINNED_OFSTED_RECALL - TOLERANCE
    assert current["overall"]["ndcg@10"] >= baseline["overall"]["ndcg@10"] + 0.1
    assert current["overall"]["mrr"] == 1.0


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
    assert abs(result["ndcg@10"] - PINNED_SCIFACT["ndcg@10"]) <= TOLERANCE
    assert abs(result["recall@100"] - PINNED_SCIFACT["recall@100"]) <= TOLERANCE
    assert result["ndcg@10"] >= scifact.PUBLISHED["BEIR paper BM25"][0]
