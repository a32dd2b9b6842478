"""The fused scores of a hybrid search computed only where a page needs them
(indexer.search.fused): the same page, order and scores as scoring every candidate."""
from __future__ import annotations

import numpy as np
import pytest

from indexer.models import SearchRequest
from indexer.search import hybrid
from indexer.search.scored import best
from indexer.search.service import SearchIndex

QUERIES = ["children", "social workers", "care leavers", "safeguarding partnership",
           "young people leaving care get help with somewhere to live",
           "what should improve for care leavers", "management oversight of practice"]


@pytest.fixture(scope="module")
def index(seed_index):
    return SearchIndex(seed_index)


@pytest.mark.parametrize("query", QUERIES)
@pytest.mark.parametrize("limit", [1, 3, 10, 40])
def test_the_page_is_the_one_every_score_gives(index, query, limit):
    found = index.matches(SearchRequest(query=query))
    fused, at = found.fused, found.positions
    assert found.mode == "hybrid" and at.size > 12  # limits 1 and 3: bounds used
    expected = best(fused.ids[at], fused.scores[at], limit)
    assert fused.best(at, limit, exact_below=0) == expected
    assert fused.best(at, limit) == expected


def test_a_filtered_page_is_the_one_every_score_gives(index):
    request = SearchRequest(query="children", filters={"section": ["strengths"]})
    found = index.matches(request)
    fused, at = found.fused, found.positions
    assert 0 < at.size < fused.ids.size
    assert fused.best(at, 5, exact_below=0) == best(fused.ids[at], fused.scores[at], 5)


def candidates(seed: int, size: int, with_words: int):
    """A random generator and random candidates: `with_words` of `size` documents with
    BM25-like scores, and every document's cosine."""
    rng = np.random.default_rng(seed)
    lexical_ids = np.sort(rng.choice(size, with_words, replace=False))
    lexical_scores = rng.gamma(2.0, 2.0, lexical_ids.size)
    return rng, lexical_ids, lexical_scores, rng.uniform(-0.2, 0.8, size).astype(np.float32)


def test_adjacency_and_lengths_are_read_for_few_candidates_only():
    size = 20_000
    rng, lexical_ids, lexical_scores, cosines = candidates(7, size, 15_000)
    together = np.where(rng.random(size) < 0.3, 1.0, 0.0)
    lengths = rng.integers(3, 200, size).astype(np.float64)
    asked = []

    def together_of(docs):
        asked.append(docs.size)
        return together[docs]

    fused = hybrid.fuse(lexical_ids, lexical_scores, hybrid.nearest(cosines), cosines,
                        together_of, lengths=lambda docs: lengths[docs])
    every = np.arange(fused.ids.size)
    expected = best(fused.ids, fused.scores, 10)
    asked.clear()
    assert fused.best(every, 10) == expected
    assert 0 < sum(asked) < fused.ids.size // 10
    eager = hybrid.fuse(lexical_ids, lexical_scores, hybrid.nearest(cosines), cosines,
                        together, lengths=lambda docs: lengths[docs])
    assert np.array_equal(eager.scores, fused.scores)
    assert eager.best(every, 10) == expected


def test_improvement_sections_and_negative_weights_keep_the_page_exact():
    size = 10_000
    rng, lexical_ids, lexical_scores, cosines = candidates(11, size, 8_000)
    preferred = rng.random(size) < 0.1
    for fusion in (hybrid.FUSION, hybrid.Fusion(meaning=-0.5), hybrid.Fusion(scale="floor")):
        fused = hybrid.fuse(lexical_ids, lexical_scores, hybrid.nearest(cosines, fusion),
                            cosines, None, fusion, preferred)
        every = np.arange(fused.ids.size)
        assert fused.best(every, 20) == best(fused.ids, fused.scores, 20)
