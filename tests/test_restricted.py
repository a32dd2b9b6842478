"""A term's or a phrase's matches among chosen documents (indexer.search.restricted) are
those the evaluator finds over every document, and so is the adjacency share computed
for chosen documents (indexer.search.adjacency.together_at)."""
from __future__ import annotations

import numpy as np
import pytest
from whoosh import query as wq

from indexer.index.postings import Unsupported
from indexer.models import SearchRequest
from indexer.search import adjacency, evaluator, restricted
from indexer.search.service import SearchIndex
from indexer.search.vocabulary import analyse


@pytest.fixture(scope="module")
def answer(seed_index):
    index = SearchIndex(seed_index)
    with index._lease() as generation, generation.checkout() as reader:
        yield index._search(generation, reader, SearchRequest(query="children"))


def phrase(text: str, slop: int = 2) -> wq.Phrase:
    return wq.Phrase("text", list(analyse(text)), slop=slop)


FOUND = [wq.Term("text", "children"), phrase("care leavers"), phrase("social workers"),
         phrase("safeguarding children board"), phrase("children in care", slop=1),
         phrase("leavers care")]
NOT_FOUND = [wq.Term("text", "unicorns"), phrase("care unicorns"), phrase("unicorns care")]


@pytest.mark.parametrize("q", FOUND + NOT_FOUND, ids=str)
def test_matches_among_chosen_documents_are_the_whole_evaluation_s(answer, q):
    mask = answer._evaluate(q)[0]
    assert mask.any() == (q in FOUND)
    ev = evaluator.Evaluator(answer.postings, answer.table.range_mask)
    rng = np.random.default_rng(3)
    every = np.arange(mask.size)
    for docs in (every, np.sort(rng.choice(mask.size, 40, replace=False)),
                 np.flatnonzero(mask)[:5], every[:0]):
        assert np.array_equal(restricted.within(ev, q, docs), mask[docs])


def test_other_queries_are_left_to_the_whole_evaluation(answer):
    ev = evaluator.Evaluator(answer.postings, answer.table.range_mask)
    with pytest.raises(Unsupported):
        restricted.within(ev, wq.Or([wq.Term("text", "care")]), np.arange(3))


@pytest.mark.parametrize("query, expand", [("safeguarding partnership", True),
                                           ("social workers and managers", False),
                                           ("care leavers and their accommodation", True),
                                           ("looked after children", True)])
def test_the_adjacency_share_of_chosen_documents(answer, query, expand):
    size = answer.table.size
    whole = adjacency.together(query, answer._evaluate, size, expand)
    docs = np.union1d(np.random.default_rng(5).choice(size, 60, replace=False),
                      np.flatnonzero(whole)[:10])
    assert whole is not None and whole.any()
    assert np.array_equal(adjacency.together_at(query, answer._within, docs, expand),
                          whole[docs])
    assert np.array_equal(adjacency.together_at(query, answer._within, np.arange(size),
                                                expand), whole)
    assert adjacency.counted(query, expand) and not adjacency.counted("children", expand)
