"""indexer.search.facet_counts: facet counts, filters, totals and report counts from the cells of
a request's matches equal the same things counted over dense per-document masks
(FacetTable.mask_for and FacetTable.counts, decision 0005), on real indexes of the seeds
and of the 235 real PDFs, for every filter combination tried (and deleted documents)."""
from __future__ import annotations

import itertools

import numpy as np
import pytest

from indexer.index.facet_registry import FACETS
from indexer.search.facet_counts import Cells, Selection
from indexer.index.facet_table import combine
from indexer.search.service import SearchIndex


def _dense_reference(table, ids, selected, hidden):
    """(total, reports, counts by facet, final docnums) counted the way search did before."""
    matched = np.zeros(table.size, bool)
    matched[ids] = True
    base = table.live & matched
    for name, values in hidden.items():
        base &= ~table.mask_for(name, values)
    masks = {name: table.mask_for(name, values) for name, values in selected.items()}
    final = combine(list(masks.values()), base)
    counts = {name: table.counts(name, combine([m for n, m in masks.items() if n != name], base))
              for name in masks}
    return int(final.sum()), table.distinct_reports(final), counts, np.flatnonzero(final)


def _selections(table):
    """Filter combinations over the index's own values: none, one facet, several facets,
    several values of one facet, a value the index lacks, boilerplate shown or hidden."""
    def values(name, n):
        return [v for v in table.columns[name].values if v is not None][:n]
    empty = {f.name: [] for f in FACETS}
    yield empty, {"section": ["boilerplate"]}
    yield empty, {}
    for name in ("year", "section", "inspection_type", "authority"):
        yield {**empty, name: values(name, 1)}, {"section": ["boilerplate"]}
        yield {**empty, name: values(name, 3)}, {"section": ["boilerplate"]}
    for a, b in itertools.combinations(("year", "section", "authority", "inspection_type"), 2):
        yield {**empty, a: values(a, 2), b: values(b, 2)}, {"section": ["boilerplate"]}
    yield {**empty, "year": [1900]}, {"section": ["boilerplate"]}


def _check(generation, ids):
    table, cells = generation.table, Cells(generation.table)
    for selected, hidden in _selections(table):
        selection = Selection(cells, ids, selected, hidden)
        total, reports, counts, final = _dense_reference(table, ids, selected, hidden)
        assert selection.total == total
        assert selection.reports() == reports
        assert np.array_equal(ids[selection.final_positions()], final)
        assert {name: selection.counts(name) for name in selected} == counts


@pytest.mark.parametrize("share", [1.0, 0.3, 0.01, 0.0])
def test_cells_count_as_dense_masks_on_the_seeds(seed_index, share):
    generation = SearchIndex(seed_index).generation()
    rng = np.random.default_rng(7)
    size = generation.table.size
    ids = np.flatnonzero(rng.random(size) < share)
    _check(generation, ids)


def test_cells_count_as_dense_masks_with_deleted_documents(tmp_path, seeds_dir):
    import shutil
    from indexer.index.build import build
    docs = tmp_path / "docs"
    docs.mkdir()
    for path in sorted(seeds_dir.iterdir()):
        shutil.copy(path, docs)
    build([str(docs)], str(tmp_path / "ix"), workers=1)
    first = sorted(docs.iterdir())[0]
    first.write_text(first.read_text() + "\nA closing note about care leavers.\n")
    build([str(docs)], str(tmp_path / "ix"), workers=1)
    generation = SearchIndex(tmp_path / "ix").generation()
    assert not generation.table.live.all()  # the changed report's old passages
    _check(generation, np.arange(generation.table.size))


@pytest.mark.parametrize("share", [1.0, 0.05, 0.001])
def test_cells_count_as_dense_masks_on_the_corpus(corpus_build, share):
    generation = SearchIndex(corpus_build[0]).generation()
    rng = np.random.default_rng(11)
    ids = np.flatnonzero(rng.random(generation.table.size) < share)
    _check(generation, ids)


def test_a_generation_numbers_fewer_cells_than_documents_on_the_corpus(corpus_build):
    generation = SearchIndex(corpus_build[0]).generation()
    cells = generation.cells
    assert 0 < cells.size < generation.table.size
    # every document's cell holds its own codes
    docs = np.arange(0, generation.table.size, 97)
    for facet in FACETS:
        assert np.array_equal(cells.codes[facet.name][cells.of_doc[docs]],
                              generation.table.columns[facet.name].codes[docs])
    assert np.array_equal(cells.report[cells.of_doc[docs]], generation.table.report.codes[docs])
