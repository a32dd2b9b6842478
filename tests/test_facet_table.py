"""The facet table's masks (indexer.index.facet_table), on the real seed index: a few
values compared one by one give the mask np.isin gives."""
from __future__ import annotations

import numpy as np

from indexer.index import facet_table
from indexer.search.service import SearchIndex


def test_a_mask_for_few_or_many_values_is_that_of_np_isin(seed_index):
    table = SearchIndex(seed_index).generation().table
    for name, column in table.columns.items():
        known = [v for v in column.values if v is not None]
        for size in range(1, len(known) + 1):
            chosen = known[:size] + ["no such value"]
            codes = np.array([column.code_of(v) for v in known[:size]], dtype=np.int32)
            mask = table.mask_for(name, chosen)
            assert mask.dtype == bool and np.array_equal(mask, np.isin(column.codes, codes))
    assert table.mask_for("section", []) is None
    assert not table.mask_for("section", ["no such value"]).any()
    assert facet_table.FEW < max(len(c.values) for c in table.columns.values())  # both paths
