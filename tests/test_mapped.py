"""The memory-mapped postings (indexer/index/mapped.py) hold exactly Whoosh's postings and
length bytes, for every segment, and an incremental build links the segments it kept
instead of writing them again. Search results through them: tests/test_exactness.py."""
from __future__ import annotations

import shutil

import numpy as np
import pytest

from indexer.index import mapped, store
from indexer.index.build import build
from indexer.index.postings import leaf_blocks, leaf_length_codes
from indexer.search.service import SearchIndex


def _live(leaf, ids, weights):
    """The postings of live documents (Whoosh's matcher skips deleted ones it starts on)."""
    keep = np.array([not leaf.is_deleted(int(i)) for i in ids], dtype=bool)
    return ids[keep].astype(np.int32), weights[keep].astype(np.float32)


def _whoosh(leaf, field, btext):
    parts = list(leaf_blocks(leaf, field, btext, False))
    if not parts:
        return np.zeros(0, np.int32), np.zeros(0, np.float32)
    return _live(leaf, np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts]))


def _check_segments(index_dir) -> list[str]:
    """Compare every written term of every segment with Whoosh's; the segment ids."""
    generation = SearchIndex(index_dir).generation()
    reader = generation.searcher.reader()
    segids = []
    for leaf, _ in reader.leaf_readers():
        segid = leaf.segment().segment_id()
        arrays = generation.mapped[segid]
        assert "chunk_id" not in arrays.fields and "date" not in arrays.fields
        assert {"text", "heading", "title", "section", "report_id"} <= arrays.fields
        checked = 0
        for field, btext in leaf.all_terms():
            if field not in arrays.fields:
                assert arrays.term(field, btext, leaf.doc_frequency(field, btext)) is None
                continue
            ids, weights = _live(leaf, *arrays.term(field, btext, leaf.doc_frequency(field, btext)))
            expected_ids, expected_weights = _whoosh(leaf, field, btext)
            assert np.array_equal(ids, expected_ids)
            assert np.array_equal(weights, expected_weights)
            checked += 1
        assert checked == arrays.terms.size > 100
        for field in ("text", "heading", "title"):
            assert np.array_equal(arrays.lengths[field], leaf_length_codes(leaf, field))
        segids.append(segid)
    return segids


def test_every_term_of_the_seed_index_is_whooshs(seed_index):
    assert len(_check_segments(seed_index)) == 1


def test_a_term_count_that_disagrees_with_whoosh_is_never_used(seed_index):
    generation = SearchIndex(seed_index).generation()
    leaf, _ = generation.searcher.reader().leaf_readers()[0]
    arrays = generation.mapped[leaf.segment().segment_id()]
    frequency = leaf.doc_frequency("text", b"children")
    assert frequency > 10
    assert arrays.term("text", b"children", frequency)[0].size == frequency
    assert arrays.term("text", b"children", frequency + 1) is None
    assert arrays.term("text", b"no-such-word", 1) is None


def test_an_incremental_build_links_the_segments_it_kept(tmp_path, seeds_dir):
    docs, index_dir = tmp_path / "docs", tmp_path / "index"
    docs.mkdir()
    seeds = sorted(seeds_dir.iterdir())
    for path in seeds[:3]:
        shutil.copy(path, docs)
    build([str(docs)], str(index_dir), workers=1)
    first = store.current_generation(index_dir)
    (kept,) = _check_segments(index_dir)
    for path in seeds[3:]:
        shutil.copy(path, docs)
    (docs / seeds[0].name).unlink()  # deleted documents stay in the kept segment's arrays
    build([str(docs)], str(index_dir), workers=1)
    second = store.current_generation(index_dir)
    assert second != first
    segids = _check_segments(index_dir)
    assert kept in segids and len(segids) == 2
    old, new = first / mapped.DIR / kept, second / mapped.DIR / kept
    for path in old.iterdir():
        assert (new / path.name).stat().st_ino == path.stat().st_ino
    assert SearchIndex(index_dir).generation().searcher.reader().has_deletions()


def test_touching_reads_every_mapped_file(seed_index):
    generation = SearchIndex(seed_index).generation()
    (arrays,) = generation.mapped.values()
    assert arrays.touch() == sum(np.asarray(a).nbytes for a in arrays.files)


@pytest.mark.parametrize("field", ["text", "heading"])
def test_lengths_are_decoded_as_whoosh_reads_them(seed_index, field):
    generation = SearchIndex(seed_index).generation()
    reader = generation.searcher.reader()
    ids = np.arange(reader.doc_count_all())
    expected = [reader.doc_field_length(int(i), field, 0) for i in ids]
    assert generation.postings.lengths(field, ids).tolist() == [float(e or 0) for e in expected]

