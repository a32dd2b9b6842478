"""The passages nearest a query in meaning, found among many without reading every vector
(decision 0048). Over `Fusion.approximate_from` allowed passages a hybrid search
- shortlists by the Hamming distance of sign codes (indexer.index.vector_sketch): every
  allowed row at most as far as the nearest `Fusion.shortlist` are (ties included, so the
  shortlist depends on the rows alone, never on their order), 32 bytes a row;
- computes the exact cosine (int8 codes, as below) of the shortlisted rows, and takes as
  matched by meaning those at or above the `neighbours`-th best of them and the floor;
- takes the mean and deviation of every allowed cosine (the z-score of hybrid.fuse) from
  per-section sums and second moments of the rows, less the deleted rows, plus the rows of
  segments too small to have moments, computed exactly;
- computes any other passage's cosine exactly when its fused score is asked for, counted
  at most as the best cosine of the shortlist (`Cosines`): so the best meaning part any
  candidate has is known, and indexer.search.fused still scores only what can reach the
  page, with the page and scores it would have by scoring every candidate.
Below that size, or when any segment lacks its sketch or the allowed passages are not
whole sections, every cosine is computed (hybrid.Vectors.cosines) as before.
"""
from __future__ import annotations

import numpy as np
import simsimd

from indexer.index import vector_sketch, vectors
from indexer.index.vector_sketch import Sketch
from indexer.search import sign_match

SAMPLED = 16  # rows sampled per row wanted, to guess how far the nearest reach
CHUNK = 65536  # rows whose Hamming distances are summed at once
BYTE_PLANES = 3  # sign planes (64 bits each) whose bit counts add up in a byte


def dots(codes: np.ndarray, scale: np.ndarray, rows: vectors.Rows, at=None) -> np.ndarray:
    """The cosines of a query (its int8 `codes` (1, DIM) and `scale`) with the rows `at`
    (all when None), as float32; float16 rows of an older build by half-precision dots."""
    part = rows.codes if at is None else rows.codes[at]
    if rows.scales is None:
        query = (codes * scale[:, None]).astype(np.float16)
        return np.asarray(simsimd.cdist(query, part, metric="dot", threads=1),
                          dtype=np.float32).ravel()
    found = np.asarray(simsimd.cdist(codes, part, metric="dot", threads=1),
                       dtype=np.float32).ravel()
    found *= rows.scales if at is None else rows.scales[at]
    found *= scale[0]
    return found


class Cosines:
    """The cosines of a query with the allowed documents (-1 for the others), each computed
    exactly when first asked for and counted at most up to `cap`, the best cosine of the
    shortlist (a passage the shortlist missed counts its meaning as the nearest passage
    found does): read as hybrid.fuse and indexer.search.fused read a full array
    (`cosines[docs]`, `max()`, `size`), `max()` being the cap."""

    def __init__(self, parts, size: int, query: np.ndarray, allowed: np.ndarray):
        self.parts, self.size, self.allowed = parts, size, allowed
        self.codes, self.scale = vectors.quantise(query)
        self.cap = np.float32(np.inf)
        # zeroed and unset pages cost nothing until touched: a query asks for a few
        # thousand of a million cosines
        self._known, self._has = np.empty(size, np.float32), np.zeros(size, bool)

    def __getitem__(self, docs) -> np.ndarray:
        docs = np.asarray(docs)
        missing = ~self._has[docs]
        if missing.any():
            todo = docs[missing]
            if todo.size > 1 and not (todo[1:] > todo[:-1]).all():
                todo = np.unique(todo)
            self._known[todo] = self.exact(todo)
            self._has[todo] = True
        return np.minimum(self._known[docs], self.cap)

    def exact(self, docs: np.ndarray) -> np.ndarray:
        """The cosines of `docs` (ascending, unique) from their int8 rows."""
        out = np.full(docs.size, -1.0, np.float32)
        allowed = self.allowed[docs]
        for offset, rows in self.parts:
            lo, hi = np.searchsorted(docs, (offset, offset + len(rows)))
            at = lo + np.flatnonzero(allowed[lo:hi])
            if at.size:
                out[at] = dots(self.codes, self.scale, rows, docs[at] - offset)
        return out

    def max(self) -> float:
        return float(self.cap)


class Sketches:
    """A generation's sketches (one a segment, beside hybrid.Vectors' parts), with the
    moments of each set of sections summed once and remembered."""

    def __init__(self, sketches: list[Sketch]):
        self.sketches = sketches
        self.signs = sign_match.SignRows([sketch.signs for sketch in sketches])
        self._summed: dict[frozenset, tuple] = {}
        self._deleted: np.ndarray | None = None

    def summed(self, sections: frozenset) -> tuple[float, np.ndarray, np.ndarray]:
        """(rows, sum, second moments) of the rows of every segment with moments whose
        section is one of `sections`, deleted rows included."""
        if sections not in self._summed:
            rows, total, square = 0.0, 0.0, 0.0
            for sketch in self.sketches:
                if not sketch.has_moments:
                    continue
                for key, row in sketch.moments().items():
                    if key in sections:
                        dim = int(np.sqrt(row.size))  # size: 2 + dim + dim * dim
                        rows += row[0]
                        total = total + np.asarray(row[2:2 + dim])
                        square = square + np.asarray(row[2 + dim:]).reshape(dim, dim)
            if len(self._summed) >= 16:
                self._summed.clear()
            self._summed[sections] = (rows, total, square)
        return self._summed[sections]

    def deleted(self, live: np.ndarray) -> np.ndarray:
        """Docnums of the deleted documents (few: a build merges them away)."""
        if self._deleted is None:
            self._deleted = np.flatnonzero(~live)
        return self._deleted


def approximate(parts, sketches: Sketches, size: int, query: np.ndarray, allowed: np.ndarray,
                sections: list[str], table, fusion):
    """(Cosines, the docnums matched by meaning, (mean, deviation) of every allowed
    cosine) when the allowed documents are the live ones of `sections` and there are at
    least `fusion.approximate_from` of them; None: compute every cosine instead."""
    count = int(np.count_nonzero(allowed))
    if count < max(fusion.approximate_from, 1):
        return None
    cosines = Cosines(parts, size, query, allowed)
    stats = _statistics(cosines, sketches, frozenset(sections), table, count)
    if stats is None:
        return None
    chosen = _shortlist(cosines, sketches, allowed, fusion.shortlist)
    found = cosines[chosen]
    cosines.cap = found.max() if found.size else np.float32(-1.0)
    above = found >= fusion.floor
    near, values = chosen[above], found[above]
    if near.size > fusion.neighbours:
        near = np.sort(near[np.argpartition(-values, fusion.neighbours - 1)
                            [:fusion.neighbours]])
    return cosines, near, stats


def _shortlist(cosines: Cosines, sketches: Sketches, allowed: np.ndarray,
               wanted: int) -> np.ndarray:
    """Ascending docnums of every allowed row at most as far (in sign bits) as the
    `wanted` nearest allowed rows are: the rows within a sample's guess by faiss
    (indexer.search.sign_match), else every row's distance counted."""
    query = vector_sketch.signs(cosines.codes)[:, 0]
    found = sign_match.nearest(sketches.signs, [offset for offset, _ in cosines.parts],
                               cosines.size, query, allowed, wanted, 64 * query.size)
    if found is not None:
        return found
    distances = np.zeros(cosines.size, np.uint16)
    for (offset, rows), sketch in zip(cosines.parts, sketches.sketches):
        _hamming(sketch.signs, query, distances[offset:offset + len(rows)])
    return _nearest(distances, allowed, wanted, 64 * query.size)


def _hamming(planes, query: np.ndarray, out: np.ndarray) -> None:
    """Into `out` (uint16, zeros): each row's Hamming distance to the query's sign bits,
    CHUNK rows at a time (the temporaries stay in cache), the first planes' bit counts
    summed as bytes (at most 3 * 64 = 192: no overflow), the rest as uint16."""
    chunk = min(CHUNK, out.size)
    different, count, small = (np.empty(chunk, np.uint64), np.empty(chunk, np.uint8),
                               np.empty(chunk, np.uint8))
    for start in range(0, out.size, chunk):
        end = min(start + chunk, out.size)
        d, c, b, part = (different[:end - start], count[:end - start],
                         small[:end - start], out[start:end])
        for n, (plane, bits) in enumerate(zip(planes, query)):
            np.bitwise_xor(plane[start:end], bits, out=d)
            np.bitwise_count(d, out=c if n else b)
            if 0 < n < BYTE_PLANES:
                b += c
            elif n == BYTE_PLANES:  # `part` was zeros: the byte sums and this plane's
                np.add(b, c, out=part, dtype=np.uint16)
            elif n > BYTE_PLANES:
                part += c
        if query.size <= BYTE_PLANES:
            np.add(part, b, out=part, dtype=np.uint16)


def _nearest(distances: np.ndarray, allowed: np.ndarray, wanted: int,
             limit: int) -> np.ndarray:
    """Ascending docnums of the allowed rows at most `within` away, `within` being the
    least distance that `wanted` allowed rows reach (at most `limit`, the largest).
    A sample of the rows gives a distance that likely holds twice as many; the rows
    within it are counted exactly, and if they reach `wanted`, `within` lies among
    them (their counts are every allowed row's up to it); else every row is counted."""
    step = max(1, distances.size // (SAMPLED * wanted))
    sample = np.bincount(distances[::step][allowed[::step]], minlength=limit + 1)
    guess = int(np.searchsorted(np.cumsum(sample) * step, 2 * wanted))
    for cut in (min(guess, limit), limit):
        near = np.flatnonzero((distances <= cut) & allowed)
        if near.size >= wanted or cut == limit:
            reached = np.cumsum(np.bincount(distances[near], minlength=limit + 1))
            within = min(int(np.searchsorted(reached, wanted)), limit)
            return near[distances[near] <= within]
    raise AssertionError("unreachable")


def _statistics(cosines: Cosines, sketches: Sketches, sections: frozenset, table,
                count: int) -> tuple[float, float] | None:
    """(mean, deviation) of the cosines of the `count` allowed documents: sums and second
    moments of the sections' rows, less the deleted ones, plus the rows of segments
    without moments; None when those do not add up to `count` documents."""
    rows, total, square = sketches.summed(sections)
    found, mean_sum, square_sum = rows, 0.0, 0.0
    if rows:
        q = cosines.codes[0].astype(np.float64) * float(cosines.scale[0])
        mean_sum, square_sum = float(q @ total), float(q @ square @ q)
    column = table.columns["section"]
    gone = sketches.deleted(table.live)
    for (offset, segment), sketch in zip(cosines.parts, sketches.sketches):
        end = offset + len(segment)
        if sketch.has_moments:  # its deleted rows of these sections come off
            lo, hi = np.searchsorted(gone, (offset, end))
            docs = gone[lo:hi]
            docs = docs[[column.values[c] in sections for c in column.codes[docs]]]
            sign = -1.0
        else:  # its allowed rows, computed
            docs = offset + np.flatnonzero(cosines.allowed[offset:end])
            sign = 1.0
        if docs.size:
            values = dots(cosines.codes, cosines.scale, segment, docs - offset).astype(
                np.float64)
            found += sign * docs.size
            mean_sum += sign * float(values.sum())
            square_sum += sign * float((values * values).sum())
    if int(round(found)) != count or count < 2:
        return None
    mean = mean_sum / count
    return mean, max(float(np.sqrt(max(square_sum / count - mean * mean, 0.0))), 1e-6)
