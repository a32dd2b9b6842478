"""A generation's per-document columns as files every search process memory-maps: the facet
value codes (indexer.search.facets.FacetTable), the report code of each document, the live
(not deleted) mask and the sort date (docs/decisions/0027-shared-memory.md).

Without them each worker read every document's column values through Whoosh when it opened
a generation (a Python loop over every document and facet) and kept the arrays privately.
Layout, `<generation>/columns/`: `<name>.npy` (int32 codes, one per document) for every
facet and `report`, `values.json` (name -> the value of each code), `live.npy` (bool),
`dates.npy` (int64, yyyymmdd). Written whole for each generation: deletions change `live`,
and codes number the values of the whole index.
"""
from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import numpy as np

from indexer.search.facets import Column, FacetTable

DIR = "columns"


def write(generation: Path, reader) -> None:
    """The columns of the committed index `reader` (nothing for an empty index)."""
    if not reader.doc_count_all():
        return
    table = FacetTable(reader)
    partial = generation / (DIR + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir()
    columns = dict(table.columns, report=table.report)
    for name, column in columns.items():
        np.save(partial / f"{name}.npy", column.codes.astype(np.int32))
    (partial / "values.json").write_text(json.dumps(
        {name: column.values for name, column in columns.items()}, ensure_ascii=False))
    np.save(partial / "live.npy", table.live)
    np.save(partial / "dates.npy", dates_of(reader))
    os.replace(partial, generation / DIR)


def dates_of(reader) -> np.ndarray:
    column = reader.column_reader("date")
    return np.array([column[i] for i in range(reader.doc_count_all())], dtype=np.int64)


def open_table(generation: Path) -> tuple[FacetTable, np.ndarray] | None:
    """(the facet table, the dates) memory-mapped, or None if the generation lacks them."""
    path = generation / DIR
    if not (path / "values.json").is_file():
        return None
    values = json.loads((path / "values.json").read_text(encoding="utf-8"))
    load = lambda name: np.load(path / f"{name}.npy", mmap_mode="r")  # noqa: E731
    columns = {name: Column(np.asarray(load(name)), vals) for name, vals in values.items()}
    report = columns.pop("report")
    live = np.asarray(load("live"))
    return FacetTable.from_columns(columns, report, live), np.asarray(load("dates"))
