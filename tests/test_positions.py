"""Phrase positions on disk (indexer/index/positions.py) hold exactly what Whoosh's position
lists hold, for every term of every positional field and every segment, and phrases read
through them find the same passages with the same scores as phrases read from Whoosh."""
from __future__ import annotations

import pickle
import shutil

import numpy as np
import pytest

from bench.scale import add_positions
from indexer.index import mapped, positions
from indexer.index.postings import POSITION_BITS, _position_keys, leaf_blocks
from indexer.search.request import ArgParams, parse_params
from indexer.search.service import SearchIndex

PHRASES = ['"child protection"', '"social work practice"', '"drift and delay"',
           '"the local authority"', '"children and young people"', '"care leavers"',
           "social workers", "management oversight of practice", '"no such phrase at all"']


def _whoosh_keys(leaf, offset, field, btext) -> np.ndarray:
    keys = [_position_keys(ids + offset, values)
            for ids, _, values in leaf_blocks(leaf, field, btext, True)]
    return np.sort(np.concatenate(keys)) if keys else np.zeros(0, np.int64)


def _live(leaf, offset, keys: np.ndarray) -> np.ndarray:
    """The keys of live documents (Whoosh's matcher skips deleted ones it starts on)."""
    docs = (keys >> POSITION_BITS) - offset
    return keys[np.array([not leaf.is_deleted(int(d)) for d in docs], dtype=bool)]


def _generation_keys(index_dir):
    """(every positional term, its keys from the mapped files, its keys from Whoosh)."""
    generation = SearchIndex(index_dir).generation()
    for leaf, offset in generation.searcher.reader().leaf_readers():
        arrays = generation.mapped[leaf.segment().segment_id()]
        assert arrays.positions is not None
        for field, btext in leaf.all_terms():
            if field not in arrays.fields or not leaf.schema[field].format.supports("positions"):
                continue
            mapped = arrays.position_keys(field, btext, leaf.doc_frequency(field, btext),
                                          offset, None)
            yield ((field, btext), None if mapped is None else _live(leaf, offset, mapped),
                   _live(leaf, offset, _whoosh_keys(leaf, offset, field, btext)))


def _check(index_dir) -> set[str]:
    fields = set()
    for (field, _), mapped, expected in _generation_keys(index_dir):
        assert mapped is not None and np.array_equal(mapped, expected)
        fields.add(field)
    return fields


def test_every_position_of_the_seed_index_is_whooshs(seed_index):
    assert _check(seed_index) >= {"text", "heading", "title", "exact", "exact_heading"}


def test_every_position_of_an_incremental_index_is_whooshs(incremental_index):
    assert _check(incremental_index) >= {"text", "exact"}


def test_positions_are_small_on_disk(seed_index):
    generation = SearchIndex(seed_index).generation()
    for arrays in generation.mapped.values():
        assert arrays.positions.values.dtype == np.uint16
        assert arrays.positions.counts.size == arrays.docnums.size


def test_only_documents_inside_are_read(seed_index):
    generation = SearchIndex(seed_index).generation()
    postings = generation.postings
    everywhere = postings.positions("exact", b"children")
    inside = np.zeros(postings.size, bool)
    inside[everywhere[::7] >> POSITION_BITS] = True
    found = postings.positions("exact", b"children", inside)
    assert found.size and np.array_equal(found, everywhere[inside[everywhere >> POSITION_BITS]])


@pytest.mark.parametrize("q", PHRASES)
def test_phrases_through_mapped_positions_equal_whooshs(seed_index, q):
    """The same search with the mapped positions hidden (every segment read from Whoosh's
    posting blocks, as before they existed): the same hits, scores and total."""
    search_index = SearchIndex(seed_index)
    generation = search_index.generation()
    request = parse_params(ArgParams({"q": q, "per_page": "50"}))
    with_files = search_index.search(request)
    saved = {segid: arrays.positions for segid, arrays in generation.mapped.items()}
    try:
        for arrays in generation.mapped.values():
            arrays.positions = None
        generation.cache.entries.clear()
        without = search_index.search(request)
    finally:
        for segid, arrays in generation.mapped.items():
            arrays.positions = saved[segid]
    assert with_files.total == without.total
    assert _hits(with_files) == _hits(without)


def _hits(results) -> list[tuple]:
    return [(h.report_id, h.score, [(p.passage_id, p.snippet_html) for p in h.passages])
            for h in results.hits]


def test_a_block_decodes_as_whoosh_decodes_each_value():
    """One unpickling for a block gives each value's positions (large deltas, a single
    position, an empty list and a value without its final STOP among them)."""
    lists = [[0, 3, 4, 300, 70000], [5], [], [2, 2, 9]]
    values = [len(p).to_bytes(4, "big") + pickle.dumps(_deltas(p), 2) for p in lists]
    values[1] = values[1][:-1]
    counts, found = positions.decode(values)
    assert counts.tolist() == [len(p) for p in lists]
    assert found.tolist() == [x for p in lists for x in p]


def _deltas(poslist):
    return [b - a for a, b in zip([0] + poslist, poslist)]


def test_positions_added_to_an_older_generation_are_what_a_build_writes(seed_index, tmp_path):
    """bench.scale.add_positions on a copy without the files writes the same bytes."""
    generation = (seed_index / "current").resolve()
    copy = tmp_path / "index"
    shutil.copytree(generation, copy / generation.name)
    (copy / "current").symlink_to(generation.name)
    names = (positions.COUNTS, positions.STARTS, positions.POSITIONS)
    for path in (copy / generation.name / "mapped").glob("*/position*.npy"):
        path.unlink()
    assert add_positions.add((copy / "current").resolve())["mb_written"] >= 0
    segments = sorted((generation / "mapped").iterdir())
    assert segments
    for segment in segments:
        for name in names:
            assert (copy / generation.name / "mapped" / segment.name / name).read_bytes() \
                == (segment / name).read_bytes()


def test_a_few_documents_inside_read_only_their_positions(incremental_index):
    """Inside fewer than 1/8 of a term's documents, only their postings' positions are read
    (Positions.at): the same keys as masking every position, in every segment."""
    generation = SearchIndex(incremental_index).generation()
    postings = generation.postings
    assert len(generation.mapped) > 1
    for word in (b"children", b"the", b"and", b"care"):
        everywhere = postings.positions("exact", word)
        docs = np.unique(everywhere >> POSITION_BITS)
        assert docs.size > 40
        for chosen in (docs[::41], docs[:1], docs[-3:], docs[:0]):
            inside = np.zeros(postings.size, bool)
            inside[chosen] = True
            assert chosen.size * positions.FEW < docs.size
            found = postings.positions("exact", word, inside)
            assert np.array_equal(found, everywhere[inside[everywhere >> POSITION_BITS]])


def test_positions_in_ascending_docnums_are_those_inside_the_same_mask(incremental_index):
    """Documents asked for as ascending docnums (a binary search for a few of them, one
    pass over the postings for many; some without the word) give the same keys as a
    mask of them, in every segment."""
    generation = SearchIndex(incremental_index).generation()
    postings = generation.postings
    assert len(generation.mapped) > 1
    assert postings.term("exact", b"the")[0].size > 2 * positions.SEARCHED  # searched
    for word in (b"children", b"the", b"care", b"of"):
        everywhere = postings.positions("exact", word)
        holding = np.unique(everywhere >> POSITION_BITS)
        others = np.setdiff1d(np.arange(postings.size), holding)
        assert holding.size > 40 and others.size
        for chosen in (holding[::97], holding[-2:], holding[::2], holding,
                       np.union1d(holding[::5], others[::3]), others[:4], holding[:0]):
            inside = np.zeros(postings.size, bool)
            inside[chosen] = True
            expected = everywhere[inside[everywhere >> POSITION_BITS]]
            for docs in (chosen, chosen.astype(np.int32)):
                assert np.array_equal(postings.positions("exact", word, docs=docs), expected)
            assert np.array_equal(postings.positions("exact", word, inside), expected)


def test_far_apart_postings_are_placed_by_the_block_sums_as_by_summing_every_count(
        incremental_index):
    """A few postings far apart (Positions._through: the remembered block sums plus their
    own block's counts) read the same counts and positions as the running sum of every
    count would place them, in every segment, asked again (remembered sums) or not."""
    generation = SearchIndex(incremental_index).generation()
    checked = 0
    for segid, arrays in generation.mapped.items():
        kept = positions.Positions(generation.path / mapped.DIR / segid, block=4)
        for word in (b"the", b"and", b"of", b"children"):
            slot = _slot_of(arrays, "exact", word)
            if slot is None:
                continue
            first, end = int(arrays.starts[slot]), int(arrays.starts[slot + 1])
            size = end - first
            counts = np.asarray(kept.counts[first:first + size], np.int64)
            ends = np.cumsum(counts)
            start = int(kept.starts[slot])
            for at in (np.array([size - 1]), np.arange(0, size, 3 * kept.block),
                       np.array([0, kept.block - 1, kept.block, size - 1]),
                       np.arange(size - 2, size)):
                at = np.unique(at[at < size])
                if at.size * kept.block >= int(at[-1]) + 1:
                    continue  # near together: the plain running sum reads them
                expected = np.concatenate([kept.values[start + e - c:start + e]
                                           for e, c in zip(ends[at], counts[at])])
                for _ in range(2):
                    chosen, found = kept.at(slot, first, size, at)
                    assert np.array_equal(chosen, counts[at])
                    assert np.array_equal(found, expected)
                checked += 1
            assert kept.total(slot, kept.counts[first:first + size]) == int(counts.sum())
    assert checked >= 4


def _slot_of(arrays, field, btext):
    k = np.uint64(mapped.key(field, btext))
    i = int(np.searchsorted(arrays.terms, k))
    return i if i < arrays.terms.size and arrays.terms[i] == k else None
