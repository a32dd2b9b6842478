"""Sets of matching documents and their scores, in the two forms the evaluator
(indexer.search.evaluator) uses, and picking the best of them.

A node's matches are sparse (ascending docnums and the score of each) or dense (a mask
and a score over every document, 0 outside the mask); `Found` holds either. `folded()` and
`union()` are the sparse ORs; both add each document's scores in the order of the parts,
as the dense loop adds them, so the sums are the same floating-point numbers
(docs/decisions/0030-sparse-search.md). `top()` and `best()` pick the best-scored
documents in the order Whoosh's collector gives them.
"""
from __future__ import annotations

import numpy as np

SAMPLE_FROM = 50_000  # best(): candidates past which a sample narrows them first
SAMPLED_PER_WANTED = 16  # ... a sample of about 16 values per place wanted


class Found:
    """One node's matches. Sparse: `ids` (ascending, unique docnums) and the `scores` of
    those documents. Dense: `mask` over every document and `scores` over every document
    (0 outside the mask). A term's scores may be left to compute: `score(at)` gives the
    scores of the postings at positions `at`, so an AND scores only what it keeps."""

    __slots__ = ("ids", "mask", "_scores", "_score")

    def __init__(self, scores: np.ndarray | None, ids: np.ndarray | None = None,
                 mask: np.ndarray | None = None, score=None):
        self._scores, self.ids, self.mask, self._score = scores, ids, mask, score

    @property
    def scores(self) -> np.ndarray:
        if self._scores is None:
            self._scores = self._score(slice(None))
        return self._scores

    @scores.setter
    def scores(self, value: np.ndarray) -> None:
        self._scores = value

    @property
    def sparse(self) -> bool:
        return self.ids is not None

    def locate(self, ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(which of `ids` (ascending) match, where: positions in `self.ids` when sparse,
        the docnums when dense; garbage where they do not match)."""
        if not self.sparse:
            return self.mask[ids], ids
        if self.ids.size == 0:
            return np.zeros(ids.size, bool), np.zeros(ids.size, np.intp)
        # ids cast to the postings' type: a wider one would copy every posting, each call
        at = np.minimum(np.searchsorted(self.ids, ids.astype(self.ids.dtype, copy=False)),
                        self.ids.size - 1)
        return self.ids[at] == ids, at

    def scores_at(self, at) -> np.ndarray:
        """The scores at positions (sparse) or docnums (dense) `at`, from locate()."""
        if self._scores is None:
            return self._score(at)
        return self._scores[at]

    def lookup(self, ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(which of `ids` (ascending) match, their scores; garbage where they do not)."""
        present, at = self.locate(ids)
        if self.sparse and self.ids.size == 0:
            return present, np.zeros(ids.size)
        return present, self.scores_at(at)


def folded(parts: list[Found]) -> Found:
    """The sparse OR of a few parts, each merged into the sum of those before it (its
    scores added to the documents already there, its other documents inserted): each
    document's scores are summed in part order."""
    ids, scores = parts[0].ids, parts[0].scores
    for part in parts[1:]:
        if part.ids.size == 0:
            continue
        if ids.size == 0:
            ids, scores = part.ids, part.scores
            continue
        where = np.searchsorted(ids, part.ids)
        at = np.minimum(where, ids.size - 1)
        present = ids[at] == part.ids
        scores = scores.copy()
        scores[at[present]] += part.scores[present]
        new = ~present
        ids = np.insert(ids, where[new], part.ids[new])
        scores = np.insert(scores, where[new], part.scores[new])
    return Found(scores, ids)


def union(ids: np.ndarray, weights: np.ndarray) -> Found:
    """The sparse OR of parts laid end to end (each part's ids ascending): each document
    once, its scores summed in part order (a stable sort keeps that order)."""
    if ids.size == 0:
        return Found(np.zeros(0), ids)
    order = np.argsort(ids, kind="stable")
    ids = ids[order]
    first = np.empty(ids.size, bool)
    first[0] = True
    np.not_equal(ids[1:], ids[:-1], out=first[1:])
    group = np.cumsum(first) - 1
    return Found(np.bincount(group, weights[order]), ids[first])


def top(scores: np.ndarray, candidates: np.ndarray, limit: int) -> list[tuple[int, float]]:
    """The `limit` best (docnum, score) among candidate docnums (ascending), ordered as
    Whoosh's collector orders them: higher score first, then lower docnum."""
    if limit <= 0 or candidates.size == 0:
        return []
    return best(candidates, scores[candidates], limit)


def best(candidates: np.ndarray, values: np.ndarray, limit: int) -> list[tuple[int, float]]:
    """top() of candidate docnums (ascending) whose scores are `values`, in that order."""
    if limit <= 0 or candidates.size == 0:
        return []
    if candidates.size > limit:
        keep = values >= _threshold(values, limit)
        candidates, values = candidates[keep], values[keep]
    order = np.lexsort((candidates, -values))[:limit]
    return [(int(candidates[i]), float(values[i])) for i in order]


def _threshold(values: np.ndarray, limit: int) -> float:
    """A value that at least `limit` of `values` reach, and every one of the `limit`
    largest (ties included) reaches: the limit-th largest of a sample of them (each sampled
    value is one of them), then, if many still reach it, of those."""
    sample = values[::max(1, values.size // (SAMPLED_PER_WANTED * limit))]
    if sample.size > limit and values.size > SAMPLE_FROM:
        cut = np.partition(sample, sample.size - limit)[sample.size - limit]
        values = values[values >= cut]
    if values.size <= limit:
        return float(values.min())
    return float(np.partition(values, values.size - limit)[values.size - limit])
