"""A generation's per-document columns as files every search process memory-maps: the facet
value codes (indexer.index.facet_table.FacetTable), the report code of each document, the live
(not deleted) mask and the sort date (docs/decisions/0027-shared-memory.md).

Without them each worker read every document's column values through Whoosh when it opened
a generation (a Python loop over every document and facet) and kept the arrays privately.
Layout, `<generation>/columns/`: `<name>.npy` (int32 codes, one per document) for every
facet and `report`, `values.json` (name -> the value of each code, sorted), `live.npy`
(bool), `dates.npy` (int64, yyyymmdd), `passages.npy` (each document's stored chunk id,
"<report_id>/<passage_id>", UTF-8 bytes: pages that list every match, such as the
follow-up tracker, take them from here instead of reading stored fields one by one),
`segments.json` ([segment id, documents] in document order). The files are rewritten for each generation (codes number the values of
the whole index), but an incremental build reads through Whoosh only the documents of new
segments: a segment the previous generation had keeps its slice of the previous columns
(re-coded with numpy), and the live mask comes from each segment's deleted documents
(docs/decisions/0029-incremental-builds.md). Whoosh internals used:
`SegmentReader.segment()` and the segment's `deleted_docs()`.
"""
from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import numpy as np

from indexer.index.facet_registry import FACETS
from indexer.index.mapped import segment_id
from indexer.index.facet_table import Column, FacetTable

DIR = "columns"
PASSAGES = "passages.npy"
FIELDS = {**{f.name: f.field for f in FACETS}, "report": "report_id"}  # column -> field


def write(generation: Path, reader, previous: Path | None = None) -> None:
    """The columns of the committed index `reader` (nothing for an empty index), reusing
    `previous`'s columns for the segments it shares with it."""
    if not reader.doc_count_all():
        return
    leaves = [(leaf, segment_id(leaf), offset) for leaf, offset in reader.leaf_readers()]
    old = _previous(previous)
    partial = generation / (DIR + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir()
    values = {}
    for name, field in FIELDS.items():
        column = _column(reader, leaves, old, name, field)
        np.save(partial / f"{name}.npy", column.codes.astype(np.int32))
        values[name] = column.values
    (partial / "values.json").write_text(json.dumps(values, ensure_ascii=False))
    np.save(partial / "live.npy", _live(reader, leaves))
    np.save(partial / "dates.npy", _dates(reader, leaves, old))
    np.save(partial / PASSAGES, _passages(leaves, old))
    (partial / "segments.json").write_text(json.dumps(
        [[segid, leaf.doc_count_all()] for leaf, segid, _ in leaves]))
    os.replace(partial, generation / DIR)


class _Previous:
    """The previous generation's columns, and where each of its segments' documents lie."""

    def __init__(self, path: Path):
        self.path = path
        self.values = json.loads((path / "values.json").read_text(encoding="utf-8"))
        self.slices, start = {}, 0
        for segid, size in json.loads((path / "segments.json").read_text(encoding="utf-8")):
            self.slices[segid] = slice(start, start + size)
            start += size

    def array(self, name: str) -> np.ndarray:
        return np.load(self.path / f"{name}.npy", mmap_mode="r")


def _previous(previous: Path | None) -> _Previous | None:
    path = previous / DIR if previous is not None else None
    if path is None or not (path / "segments.json").is_file():
        return None
    return _Previous(path)


def _kept(old: _Previous | None, segid: str | None, leaf) -> slice | None:
    """Where the previous columns hold this segment's documents (None: read it afresh)."""
    if old is None or segid not in old.slices:
        return None
    found = old.slices[segid]
    return found if found.stop - found.start == leaf.doc_count_all() else None


def _column(reader, leaves, old: _Previous | None, name: str, field: str) -> Column:
    """One column: kept segments' codes mapped to the values of the whole index, new
    segments' values read through Whoosh; values sorted as FacetTable sorts them."""
    size = reader.doc_count_all()
    if field not in reader.schema:  # an index built before this facet was registered
        return Column(np.zeros(size, dtype=np.int32), [None])
    old_codes = old.array(name) if old is not None else None
    parts = []  # per leaf: (old codes, None) or (None, raw values)
    for leaf, segid, _ in leaves:
        kept = _kept(old, segid, leaf)
        if kept is not None and name in old.values:
            parts.append((np.asarray(old_codes[kept]), None))
        else:
            column = leaf.column_reader(field)
            parts.append((None, [column[i] for i in range(leaf.doc_count_all())]))
    used = np.unique(np.concatenate([c for c, _ in parts if c is not None] or [[]])
                     ).astype(np.int64)
    seen = [old.values[name][c] for c in used] if used.size else []
    raw = [v for _, found in parts if found is not None for v in found]
    values = list(np.unique(np.array(seen + raw, dtype=object)))
    code = {v: i for i, v in enumerate(values)}
    remap = np.zeros(len(old.values[name]) if used.size else 0, dtype=np.int32)
    remap[used] = [code[v] for v in seen]
    codes = [remap[c] if c is not None else np.array([code[v] for v in found], dtype=np.int32)
             for c, found in parts]
    return Column(np.concatenate(codes).astype(np.int32), values)


def _live(reader, leaves) -> np.ndarray:
    """True for every document not deleted, from each segment's deleted documents."""
    live = np.ones(reader.doc_count_all(), dtype=bool)
    for leaf, segid, offset in leaves:
        if segid is None:
            live[:] = False
            live[np.fromiter(reader.all_doc_ids(), dtype=np.int64)] = True
            return live
        deleted = np.fromiter(leaf.segment().deleted_docs(), dtype=np.int64)
        live[offset + deleted] = False
    return live


def _dates(reader, leaves, old: _Previous | None) -> np.ndarray:
    old_dates = old.array("dates") if old is not None else None
    parts = []
    for leaf, segid, _ in leaves:
        kept = _kept(old, segid, leaf)
        if kept is not None:
            parts.append(np.asarray(old_dates[kept]))
        else:
            column = leaf.column_reader("date")
            parts.append(np.array([column[i] for i in range(leaf.doc_count_all())],
                                  dtype=np.int64))
    return np.concatenate(parts).astype(np.int64)


def _passages(leaves, old: _Previous | None) -> np.ndarray:
    """Every document's chunk id (bytes), kept segments' from the previous columns."""
    old_ids = old.array(PASSAGES[:-4]) if old is not None and (
        old.path / PASSAGES).is_file() else None
    parts = []
    for leaf, segid, _ in leaves:
        kept = _kept(old, segid, leaf) if old_ids is not None else None
        if kept is not None:  # a kept segment's ids are copied as one array, not row by row
            parts.append(np.asarray(old_ids[kept]))
        else:
            parts.append(np.array([(leaf.stored_fields(i).get("chunk_id") or "").encode("utf-8")
                                   for i in range(leaf.doc_count_all())], dtype=bytes))
    return _narrowest(np.concatenate(parts))


def _narrowest(ids: np.ndarray) -> np.ndarray:
    """`ids` in the width of its longest id (a kept part keeps the previous file's width,
    which a deleted passage's id may have set): the array a list of every id makes."""
    width = ids.dtype.itemsize
    if not ids.size:
        return ids
    rows = ids.view(np.uint8).reshape(len(ids), width)
    if rows[:, -1].any():
        return ids
    used = np.flatnonzero(rows.any(axis=0))
    return ids.astype(f"S{used[-1] + 1 if used.size else 1}")


def open_passages(generation: Path) -> np.ndarray | None:
    """Every document's chunk id (bytes), memory-mapped; None for a generation without."""
    path = generation / DIR / PASSAGES
    return np.asarray(np.load(path, mmap_mode="r")) if path.is_file() else None


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
