"""The shortlist's Hamming pass by faiss (indexer.search.sign_match) against counting every
row in numpy (shortlist._hamming, shortlist._nearest), on the sign codes of real indexes of
the seeds (one segment; several with deleted passages) and real queries: the same
distances, and the same rows for any number wanted, under masks the sample never sees,
with the guess too near (every row counted instead) and at the farthest distance."""
from __future__ import annotations

import numpy as np
import pytest

from indexer.index import vector_sketch, vectors
from indexer.search import hybrid, shortlist, sign_match
from indexer.search.service import SearchIndex
from tests.test_vector_sketch import unpacked

QUERIES = ["children", "care leavers", "what happens when children go missing from care"]


@pytest.fixture(scope="module", params=["seeds", "incremental"])
def generation(request, seed_index, incremental_index):
    index = SearchIndex(seed_index if request.param == "seeds" else incremental_index)
    return index.generation()


def every_distance(generation, query: str) -> tuple[np.ndarray, np.ndarray]:
    """(the query's sign planes, every row's Hamming distance counted bit by bit)."""
    codes, _ = vectors.quantise(hybrid.query_vector(query))
    planes = vector_sketch.signs(codes)[:, 0]
    signs = np.concatenate([unpacked(s.signs) for s in generation.vectors.sketches.sketches])
    return planes, (signs != (codes[0] > 0)).sum(axis=1)


@pytest.mark.parametrize("query", QUERIES)
def test_distances_and_the_rows_within_a_cut_are_those_counted_bit_by_bit(generation, query):
    planes, expected = every_distance(generation, query)
    signs = generation.vectors.sketches.signs
    offsets = [offset for offset, _ in generation.vectors.parts]
    found = np.concatenate([sign_match.distances(signs.rows(i), planes.view(np.uint8))
                            for i in range(len(offsets))])
    assert np.array_equal(found, expected)
    for cut in (0, int(np.median(expected)), 256):
        near = [sign_match.within(signs.rows(i), planes.view(np.uint8), cut)
                for i in range(len(offsets))]
        docs = np.concatenate([offset + at for offset, (at, _) in zip(offsets, near)])
        assert np.array_equal(docs, np.flatnonzero(expected <= cut))
        assert np.array_equal(np.concatenate([far for _, far in near]), expected[docs])


@pytest.mark.parametrize("query", QUERIES)
def test_the_nearest_rows_are_those_counting_every_row_finds(generation, query):
    """For every number wanted: the same rows as shortlist._nearest over every distance,
    or None where it would count every row (the guess holds too few, or is the farthest)."""
    planes, distances = every_distance(generation, query)
    distances = distances.astype(np.uint16)
    table, size = generation.table, distances.size
    rows = np.arange(size)
    offsets = [offset for offset, _ in generation.vectors.parts]
    signs = generation.vectors.sketches.signs
    answered = declined = 0
    for mask in (table.live, table.live & (rows % 2 == 1), table.live & (rows % 7 == 3)):
        for wanted in (1, 2, 7, 40, 200, int(mask.sum()), size + 1):
            expected = shortlist._nearest(distances, mask, wanted, 256)
            found = sign_match.nearest(signs, offsets, size, planes, mask, wanted, 256)
            if found is None:
                declined += 1
            else:
                answered += 1
                assert np.array_equal(found, expected)
    assert answered and declined


def test_a_search_finds_the_same_shortlist_by_faiss_as_by_every_distance(seed_index):
    """shortlist._shortlist (faiss first) against the rows every distance gives."""
    generation = SearchIndex(seed_index).generation()
    allowed = generation.table.live
    for query in QUERIES:
        _, distances = every_distance(generation, query)
        cosines = shortlist.Cosines(generation.vectors.parts, distances.size,
                                    hybrid.query_vector(query), allowed)
        within = np.sort(distances[allowed])[39]
        chosen = shortlist._shortlist(cosines, generation.vectors.sketches, allowed, 40)
        assert np.array_equal(chosen, np.flatnonzero(allowed & (distances <= within)))
