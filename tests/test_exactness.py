"""The fast path (indexer.search.evaluator) against Whoosh's own matchers, on real indexes of
the seeds: for every query kind it claims, the same matching passages and the same scores
(relative difference under 1e-9). Wildcards are first bounded (indexer.search.query_cost)
as the service does; Whoosh expands them itself."""
from __future__ import annotations


import numpy as np
import pytest


from bench.scale.exactness import whoosh_scores  # (one Whoosh-alone scorer)
from indexer.search import query_cost, evaluator
from indexer.search.querying import plan_query
from indexer.search.service import SearchIndex

QUERIES = [
    "children", "management oversight", '"drift and delay"', '"children in need"~3',
    "assess*", "co*", "child* OR plan*", "manag* AND NOT children", "children ANDNOT care",
    "care REQUIRE leavers", "oversight ANDMAYBE supervision", "(neglect OR abuse) AND plan*",
    "section:strengths", "section:strengths children", "year:[2015 TO 2018] children",
    "year:2018", "heading:strengths", "title:derbyshire", "NOT children",
    "child^3 OR plan^0.5", "title:[a TO d]",
]


def differences(generation, text: str) -> str | None:
    q = plan_query(text, generation.schema, expand=False).query
    reader = generation.searcher.reader()
    mask, scores = evaluator.Evaluator(generation.postings, generation.table.range_mask).run(
        query_cost.bound(q, reader))
    docs, expected = whoosh_scores(generation.searcher, q)
    mine = np.nonzero(mask & generation.table.live)[0]
    if not np.array_equal(docs, mine):
        return f"matches differ: whoosh {docs.size}, fast path {mine.size}"
    worst = np.max(np.abs(scores[mine] - expected) / np.maximum(np.abs(expected), 1e-12),
                   initial=0.0)
    return None if worst < 1e-9 else f"scores differ by {worst:.1e}"


@pytest.mark.parametrize("text", QUERIES)
def test_fast_path_equals_whoosh_on_the_seeds(seed_index, text):
    assert differences(SearchIndex(seed_index).generation(), text) is None


@pytest.mark.parametrize("text", QUERIES)
def test_fast_path_equals_whoosh_on_an_incremental_index(incremental_index, text):
    generation = SearchIndex(incremental_index).generation()
    assert len(generation.searcher.reader().leaf_readers()) > 1 or \
        generation.searcher.reader().has_deletions()
    assert differences(generation, text) is None


def test_the_index_records_the_whoosh_version_it_was_built_with(seed_index):
    import whoosh
    from indexer.index import store
    fmt = store.read_format(store.current_generation(seed_index))
    assert fmt["whoosh"] == whoosh.versionstring()
