"""indexer.search.evaluator: the sparse evaluation (terms, ANDs, phrases, ANDNOTs and small
ORs as docnums and scores) gives exactly the matches and the floating-point scores of the
dense one (every node over per-document arrays, sparse_share=0), on real indexes: the
seeds, an index with several segments and deleted documents, and the 235 real PDFs;
and on both sides of the point where an OR turns dense."""
from __future__ import annotations


import numpy as np
import pytest
from whoosh import query as wq


from indexer.search import query_cost, evaluator
from indexer.search.querying import plan_query
from indexer.search.service import SearchIndex
from tests.test_exactness import QUERIES

MORE = ["social workers", '"social work practice"', "neglect AND (drift OR delay)",
        "oversight NOT management", "adoption OR fostering", "child protection plans",
        '"child protection plans"', "care leavers", "(children OR plan*) AND NOT neglect",
        "children ANDMAYBE \"care leavers\"", "nothingatall", "children AND nothingatall",
        "zzqx*", "zzqx* OR children",
        # ANDs whose ORs of terms are summed at the leading part's documents only
        # (indexer.search.conjunction): several ORs, with a phrase, a NOT, a prefix
        "social workers management oversight", "child protection NOT neglect",
        '"care leavers" social workers', "children young people plan*",
        "(text:children OR heading:children) AND (text:plan OR title:plan)"]


def _query(generation, text):
    q = plan_query(text, generation.schema, expand=True).query
    return query_cost.bound(q, generation.searcher.reader())


def _evaluate(generation, q, share=evaluator.SPARSE_SHARE, limit=None):
    fast = evaluator.Evaluator(generation.postings, generation.table.range_mask,
                               sparse_share=share)
    if limit is not None:
        fast.sparse_limit = limit
    return fast.matches(q)


def _same_everywhere(generation, text):
    q = _query(generation, text)
    ids, scores = _evaluate(generation, q, share=0)  # all dense: the reference
    for share in (1, 4, evaluator.SPARSE_SHARE, 10**9):
        other_ids, other_scores = _evaluate(generation, q, share=share)
        assert np.array_equal(other_ids, ids), (text, share)
        assert np.array_equal(other_scores, scores), (text, share)  # exact, not close
    dense_mask, dense_scores = evaluator.Evaluator(generation.postings,
                                                   generation.table.range_mask).run(q)
    assert np.array_equal(np.flatnonzero(dense_mask), ids)
    assert np.array_equal(dense_scores[ids], scores)


@pytest.mark.parametrize("text", QUERIES + MORE)
def test_sparse_equals_dense_on_the_seeds(seed_index, text):
    _same_everywhere(SearchIndex(seed_index).generation(), text)


@pytest.mark.parametrize("text", QUERIES + MORE)
def test_sparse_equals_dense_on_an_incremental_index(incremental_index, text):  # noqa: F811
    _same_everywhere(SearchIndex(incremental_index).generation(), text)


@pytest.mark.parametrize("text", QUERIES + MORE)
def test_sparse_equals_dense_on_the_corpus(corpus_build, text):
    _same_everywhere(SearchIndex(corpus_build[0]).generation(), text)


@pytest.mark.parametrize("text", ["children", "adoption OR fostering", "care leavers",
                                  "neglect OR drift OR delay OR exploitation",
                                  "neglect OR drift OR delay OR exploitation OR adoption"])
def test_an_or_turns_dense_past_its_limit_with_the_same_answer(corpus_build, text):
    """An OR of up to FOLDED_PARTS sparse parts is merged part by part while all but its
    largest part hold at most sparse_limit postings; a longer one is joined while all its
    parts do; past that it is dense. One posting either side gives the same answer."""
    generation = SearchIndex(corpus_build[0]).generation()
    q = _query(generation, text)
    q = q if isinstance(q, wq.Or) else next(s for s in q.subqueries if isinstance(s, wq.Or))
    probe = evaluator.Evaluator(generation.postings, sparse_share=1)
    sizes = [probe.node(sub).ids.size for sub in q.subqueries]
    assert max(sizes) > 0
    limit = (sum(sizes) - max(sizes) if len(sizes) <= evaluator.FOLDED_PARTS else sum(sizes))
    at, past = (evaluator.Evaluator(generation.postings, sparse_share=1) for _ in range(2))
    at.sparse_limit, past.sparse_limit = limit, limit - 1
    assert at.node(q).sparse and not past.node(q).sparse
    assert all(np.array_equal(a, b) for a, b in zip(at.matches(q), past.matches(q)))
    reference = _evaluate(generation, q, share=0)
    assert all(np.array_equal(a, b) for a, b in zip(at.matches(q), reference))


def test_a_prefix_that_expands_to_nothing_matches_nothing(seed_index):
    generation = SearchIndex(seed_index).generation()
    for share in (0, 1, evaluator.SPARSE_SHARE):
        ids, scores = _evaluate(generation, wq.Prefix("text", "zzqx"), share=share)
        assert ids.tolist() == [] and scores.tolist() == []


@pytest.mark.parametrize("text", QUERIES + MORE)
def test_ands_looked_up_through_positions_per_document_answer_the_same(seed_index, text,
                                                                        monkeypatch):
    """The direct lookup an AND uses for many ids in a long part (DIRECT_LOOKUPS), forced
    on for every AND of the seeds."""
    monkeypatch.setattr(evaluator, "DIRECT_LOOKUPS", 1)
    _same_everywhere(SearchIndex(seed_index).generation(), text)


def test_opening_a_generation_computes_the_length_parts_queries_use(seed_index):
    """No cold first query (issue 12): BM25's length part of every field a query searches is
    computed when a generation opens, equals the formula over each document's length, and
    is the array the evaluator then uses."""
    from indexer.index import store
    from indexer.search.generations import Generation

    generation = Generation(store.current_generation(seed_index))
    try:
        postings, weighting = generation.postings, generation.searcher.weighting
        computed = {key[0]: part for key, part in postings._lengths.items()
                    if isinstance(key, tuple) and key[1] == "bm25 norm"}
        assert set(computed) == {"text", "heading", "title", "exact", "exact_heading"}
        everyone = np.arange(postings.size)
        for field, part in computed.items():
            b, k1 = weighting._field_B.get(field, weighting.B), weighting.K1
            avgfl = postings.searcher.avg_field_length(field) or 1
            lengths = postings.lengths(field, everyone)
            assert np.array_equal(part, k1 * ((1 - b) + b * lengths / avgfl))
            assert evaluator.length_part(postings, weighting, field) is part
    finally:
        generation.close()


@pytest.mark.parametrize("text", ["children", "social workers", "care leavers",
                                  "oversight NOT management", "adoption OR fostering",
                                  '"child protection plans"', "nothingatall"])
def test_matches_within_a_mask_are_the_matches_inside_it(incremental_index, text):
    """Evaluator.matches(q, within): what hybrid search asks for (the visible passages'
    matches only) is the matches inside the mask with their scores, dense or sparse."""
    generation = SearchIndex(incremental_index).generation()
    q = _query(generation, text)
    within = np.random.default_rng(7).random(generation.postings.size) < 0.6
    for share in (0, evaluator.SPARSE_SHARE):
        fast = evaluator.Evaluator(generation.postings, generation.table.range_mask,
                                   sparse_share=share)
        ids, scores = fast.matches(q)
        inside_ids, inside_scores = evaluator.Evaluator(
            generation.postings, generation.table.range_mask, sparse_share=share
        ).matches(q, within)
        assert np.array_equal(inside_ids, ids[within[ids]]), (text, share)
        assert np.array_equal(inside_scores, scores[within[ids]]), (text, share)
