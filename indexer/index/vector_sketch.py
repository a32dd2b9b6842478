"""What a search needs to find the passages nearest in meaning without reading every vector
(indexer.search.shortlist; decision 0048), written beside each segment's vectors
(indexer.index.vectors) when the build writes them, and hard-linked with them:

- `vector_signs.npy`: uint64 (DIM / 64, rows), the signs of each row's int8 codes (a bit
  set where the code is above 0, numpy.packbits order, 64 bits a word) stored plane by
  plane: 32 bytes a passage, an eighth of the codes. The Hamming distance of two rows'
  signs estimates their angle; over planes it is four XORs and bit counts of contiguous
  arrays (numpy: 2x faster than SimSIMD's row-by-row `hamming` here).
- `vector_moments.npy` (float64, one row a section key: count, the largest norm, the sum
  of the rows, then their second-moment matrix, DIM x DIM) and `vector_moment_keys.npy`
  (the section keys, str): the rows as stored, `codes * scale`, summed per section, so
  the mean and deviation of a query's cosines over many sections come from two products
  (mean = q.s / n, mean square = q'Mq / n) instead of a cosine with every row. Written for
  segments of MOMENTS_FROM rows or more (a smaller one's rows are cheaper to read).
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

SIGNS = "vector_signs.npy"
MOMENTS = "vector_moments.npy"
MOMENT_KEYS = "vector_moment_keys.npy"
FILES = (SIGNS, MOMENTS, MOMENT_KEYS)
MOMENTS_FROM = 16384  # rows: a smaller segment's cosines are computed when needed
CHUNK = 8192  # rows a product of the second moments takes at once


def signs(codes: np.ndarray) -> np.ndarray:
    """The sign bits (above 0) of int8 code rows as planes, (DIM / 64, rows) uint64."""
    packed = np.packbits(np.atleast_2d(np.asarray(codes)) > 0, axis=-1)
    return np.ascontiguousarray(packed.view(np.uint64).T)


def moments(codes: np.ndarray, scales: np.ndarray, sections: list[str]
            ) -> tuple[np.ndarray, np.ndarray]:
    """(section keys, float64 rows of count, largest norm, sum, second moments) of the
    rows `codes * scales` grouped by their section key."""
    keys = np.array(sections, dtype=str) if sections else np.zeros(0, dtype="<U1")
    found, group = np.unique(keys, return_inverse=True)
    dim = codes.shape[1]
    out = np.zeros((found.size, 2 + dim + dim * dim), np.float64)
    for k in range(found.size):
        at = np.flatnonzero(group == k)
        square = np.zeros((dim, dim), np.float64)
        for start in range(0, at.size, CHUNK):
            part = at[start:start + CHUNK]
            rows = np.asarray(codes[part], np.float64) * np.asarray(scales[part],
                                                                     np.float64)[:, None]
            out[k, 2:2 + dim] += rows.sum(axis=0)
            square += rows.T @ rows
            out[k, 1] = max(out[k, 1], float(np.sqrt((rows * rows).sum(axis=1)).max()))
        out[k, 0] = at.size
        out[k, 2 + dim:] = square.ravel()
    return found, out


def write(target: Path, codes: np.ndarray, scales: np.ndarray, sections: list[str],
          moments_from: int = MOMENTS_FROM) -> None:
    """The sign codes of one segment's rows, and their moments if it has `moments_from`
    rows or more."""
    np.save(target / SIGNS, signs(codes))
    if len(codes) >= moments_from:
        keys, table = moments(codes, scales, sections)
        np.save(target / MOMENT_KEYS, keys)
        np.save(target / MOMENTS, table)


class Sketch:
    """One segment's sign codes (memory-mapped) and, if written, its moments by section
    key (read when first asked: only searches over many passages use them)."""

    def __init__(self, folder: Path, signs: np.ndarray):
        self.folder, self.signs = folder, signs

    @property
    def has_moments(self) -> bool:
        return (self.folder / MOMENTS).is_file() and (self.folder / MOMENT_KEYS).is_file()

    def moments(self) -> dict[str, np.ndarray]:
        """Section key -> its float64 row (count, largest norm, sum, second moments)."""
        keys = np.load(self.folder / MOMENT_KEYS)
        table = np.load(self.folder / MOMENTS, mmap_mode="r")
        if table.shape[0] != keys.size:
            raise ValueError(f"{self.folder / MOMENTS}: {table.shape[0]} rows for "
                             f"{keys.size} keys")
        return {str(key): table[i] for i, key in enumerate(keys)}


def open_sketch(folder: Path, rows: int) -> Sketch | None:
    """One segment's sketch (None: written before decision 0048, or not one row a
    passage)."""
    path = folder / SIGNS
    if not path.is_file():
        return None
    found = np.asarray(np.load(path, mmap_mode="r"))
    if found.ndim != 2 or found.shape[1] != rows or found.dtype != np.uint64:
        return None
    return Sketch(folder, found)
