"""The shortlist's Hamming pass (indexer.search.shortlist) by faiss's compiled loops over
row-major sign codes (decision 0055): the same rows, found without numpy's dozen passes
over a million distances.

`SignRows` keeps, per generation, each segment's sign codes row by row (32 bytes a row,
transposed from the mapped planes when a search first needs them: private memory, 32 MB
a worker at a million passages) and every `step`-th row's codes (a sample, as _nearest
samples, to guess how far the nearest reach). `nearest` returns exactly what
shortlist._nearest returns from every row's distance: the allowed rows within the
sample's guess are read by `faiss.match_hamming_thres` (rows at most `cut` away, with
their distances), and when they reach `wanted` the least distance that `wanted` of them
reach is found among them, as _nearest finds it; else (the guess too near, or the
farthest distance) None: the caller counts every row as before.
"""
from __future__ import annotations

import faiss
import numpy as np

SAMPLED = 4  # rows sampled per row wanted: a guess near 2 * wanted rows from ~550 sampled
# (at 8,192 wanted), a few percent off; the rows found never depend on it


def _ptr(array: np.ndarray):
    return faiss.swig_ptr(array)


def distances(rows: np.ndarray, query: np.ndarray) -> np.ndarray:
    """int32 Hamming distance of each row (uint8, row-major) to `query` (one row's bytes)."""
    out = np.empty(len(rows), np.int32)
    if len(rows):
        faiss.hammings(_ptr(query), _ptr(rows), 1, len(rows), rows.shape[1], _ptr(out))
    return out


def within(rows: np.ndarray, query: np.ndarray, cut: int) -> tuple[np.ndarray, np.ndarray]:
    """(ascending row numbers, their int32 distances) of the rows at most `cut` from
    `query`."""
    size = len(rows)
    pairs = np.empty(2 * max(size, 1), np.int64)  # (query, row) pairs: pages never written
    found = np.empty(max(size, 1), np.int32)  # cost nothing
    count = faiss.match_hamming_thres(_ptr(query), _ptr(rows), 1, size, int(cut),
                                      rows.shape[1], _ptr(pairs), _ptr(found)) if size else 0
    return pairs[1:2 * count:2], found[:count]


class SignRows:
    """Each segment's sign codes row by row, and samples of them, made when first asked."""

    def __init__(self, planes: list[np.ndarray]):
        self.planes = planes  # each segment's (DIM / 64, rows) uint64 planes, mapped
        self._rows: list[np.ndarray | None] = [None] * len(planes)
        self._samples: dict[tuple[int, int], tuple[np.ndarray, np.ndarray]] = {}

    def rows(self, i: int) -> np.ndarray:
        """Segment i's codes, (rows, DIM / 8) uint8, contiguous."""
        found = self._rows[i]
        if found is None:
            found = np.ascontiguousarray(np.asarray(self.planes[i]).T).view(np.uint8)
            self._rows[i] = found
        return found

    def sample(self, offsets: list[int], step: int) -> tuple[np.ndarray, np.ndarray]:
        """(docnums 0, step, 2 * step, ... of the generation, their codes row by row)."""
        key = (step, len(offsets))
        if key not in self._samples:
            docs, rows = [], []
            for i, offset in enumerate(offsets):
                local = np.arange((-offset) % step, self.planes[i].shape[1], step)
                docs.append(offset + local)
                rows.append(self.rows(i)[local])
            self._samples.clear()
            self._samples[key] = (np.concatenate(docs),
                                  np.ascontiguousarray(np.concatenate(rows)))
        return self._samples[key]


def nearest(signs: SignRows, offsets: list[int], size: int, query: np.ndarray,
            allowed: np.ndarray, wanted: int, limit: int) -> np.ndarray | None:
    """Ascending docnums of the allowed rows at most as far from `query` (uint64 planes of
    one row) as the `wanted` nearest allowed rows are, at most `limit`; None when the
    sample's guess holds fewer than `wanted` allowed rows (count every row instead)."""
    query = np.ascontiguousarray(query).view(np.uint8)
    step = max(1, size // (SAMPLED * wanted))
    docs, rows = signs.sample(offsets, step)
    found = distances(rows, query)
    sample = np.bincount(found[allowed[docs]], minlength=limit + 1)
    cut = int(np.searchsorted(np.cumsum(sample) * step, 2 * wanted))
    if cut >= limit:
        return None
    near, far = [], []
    for i, offset in enumerate(offsets):
        at, how_far = within(signs.rows(i), query, cut)
        near.append(offset + at)
        far.append(how_far)
    near, far = np.concatenate(near), np.concatenate(far)
    keep = allowed[near]
    near, far = near[keep], far[keep]
    if near.size < wanted:
        return None
    reached = np.cumsum(np.bincount(far, minlength=limit + 1))
    return near[far <= int(np.searchsorted(reached, wanted))]
