"""The memory-mapped columns (indexer/index/columns.py) equal what the facet table, the
sort dates and the stored chunk ids read through Whoosh, deleted documents included, and a
generation without them is still served."""
from __future__ import annotations

import json
import shutil

import numpy as np

from indexer.index import columns, store
from indexer.index.build import build
from indexer.index.facet_table import FacetTable
from indexer.search.request import ArgParams, parse_params
from indexer.search.service import SearchIndex


def _same_as_whoosh(index_dir) -> FacetTable:
    generation = SearchIndex(index_dir).generation()
    reader = generation.searcher.reader()
    table, dates = columns.open_table(generation.path)
    expected = FacetTable(reader)
    assert table is not None and generation.table.columns.keys() == expected.columns.keys()
    for name, column in expected.columns.items():
        assert np.array_equal(table.columns[name].codes, column.codes)
        assert table.columns[name].values == column.values
    assert np.array_equal(table.report.codes, expected.report.codes)
    assert table.report.values == expected.report.values
    assert np.array_equal(table.live, expected.live)
    assert np.array_equal(dates, columns.dates_of(reader))
    assert np.array_equal(generation.dates, dates)
    stored = [reader.stored_fields(d)["chunk_id"].encode() for d in range(reader.doc_count_all())]
    ids = columns.open_passages(generation.path)
    assert list(ids) == stored
    assert ids.dtype == np.array(stored, dtype=bytes).dtype  # the longest id's width
    return table


def test_the_seed_columns_are_whooshs(seed_index):
    table = _same_as_whoosh(seed_index)
    assert table.live.all() and len(table.report.values) == 5
    assert 2018 in table.columns["year"].values


def test_after_a_deletion_the_live_mask_drops_the_deleted_documents(tmp_path, seeds_dir):
    docs, index_dir = tmp_path / "docs", tmp_path / "index"
    docs.mkdir()
    seeds = sorted(seeds_dir.iterdir())
    for path in seeds:
        shutil.copy(path, docs)
    build([str(docs)], str(index_dir), workers=1)
    (docs / seeds[0].name).unlink()
    build([str(docs)], str(index_dir), workers=1)
    table = _same_as_whoosh(index_dir)
    assert 0 < table.live.sum() < table.size


def test_a_generation_without_columns_reads_them_through_whoosh(tmp_path, seed_index):
    copy = tmp_path / "index"
    shutil.copytree(seed_index, copy, symlinks=True)
    shutil.rmtree(store.current_generation(copy) / columns.DIR)
    assert columns.open_table(store.current_generation(copy)) is None
    request = parse_params(ArgParams({"q": "oversight", "year": "2018"}))
    assert SearchIndex(copy).search(request).total == SearchIndex(seed_index).search(request).total
    assert SearchIndex(copy).search(request).total > 0
    # the tracker's keys of every match: read from stored fields without the column
    assert SearchIndex(copy).generation().passages is None
    _, with_column = SearchIndex(seed_index).matched_passages(request)
    _, without = SearchIndex(copy).matched_passages(request)
    assert with_column == without and len(without) == SearchIndex(copy).search(request).total


def test_an_update_reuses_the_columns_of_kept_segments_and_equals_whoosh(tmp_path, seeds_dir):
    """Two seeds, then all five, then one changed: each generation's columns equal Whoosh's,
    though the later ones read only their new segments (the others come from the previous
    generation's columns, re-coded: values appear and disappear between the steps)."""
    docs, index_dir = tmp_path / "docs", tmp_path / "index"
    docs.mkdir()
    seeds = sorted(seeds_dir.glob("*.txt"))
    steps = []
    for path in seeds[:2]:
        shutil.copy(path, docs)
    for step in range(3):
        if step == 1:
            for path in seeds[2:]:
                shutil.copy(path, docs)
        if step == 2:
            changed = docs / seeds[0].name
            changed.write_text(changed.read_text() + "\nA closing note about care leavers.\n")
        build([str(docs)], str(index_dir), workers=1)
        table = _same_as_whoosh(index_dir)
        path = store.current_generation(index_dir) / columns.DIR / "segments.json"
        steps.append((table, [segid for segid, _ in json.loads(path.read_text())]))
    assert [len(t.report.values) for t, _ in steps] == [2, 5, 5]
    assert set(steps[0][1]) & set(steps[1][1]) and set(steps[1][1]) & set(steps[2][1])
    assert not steps[2][0].live.all()


def test_kept_chunk_ids_narrow_to_the_longest_id_still_there():
    """A kept segment's ids come in the previous file's width, which a passage no longer in
    the index may have set: the column is as wide as its longest id, no wider."""
    kept = np.array([b"ab-1", b"ab-22"], dtype="S9")
    fresh = np.array([b"c-3"], dtype=bytes)
    ids = columns._narrowest(np.concatenate([kept, fresh]))
    assert ids.dtype == np.dtype("S5") and list(ids) == [b"ab-1", b"ab-22", b"c-3"]
    wide = np.array([b"x" * 9, b"y"], dtype="S9")
    assert columns._narrowest(wide) is wide
