"""The fused scores of a hybrid search's candidates (indexer.search.hybrid.fuse), computed
only where a page needs them.

A common word has most of the index as candidates (763,610 passages for "children" at a
million), but a page shows ten. Each candidate's score is
`words * w * (1 + adjacency * together) + meaning * z * damped`, times `1 + improvements`
in an improvement section, where every factor but `w` (its BM25F score over the best) and
`z` (its cosine's z-score part) lies between known bounds: `together` and `damped` in
[0, 1]. `best()` scores exactly a few seed candidates (the best by their words, and those
found by meaning), takes the page's last score among them as a threshold, and scores
exactly only the candidates whose upper bound reaches it: the same page, in the same order,
with the same scores as scoring every candidate (IEEE rounding is monotone, so a bound
computed with a factor at its largest is never below the exact score), without looking
for adjacent words or lengths in the rest (docs/decisions/0037-hybrid-ranking.md).
"""
from __future__ import annotations

from functools import cached_property
from typing import Callable

import numpy as np

from indexer.search.scored import best as best_of

MARGIN = 1e-9  # relative slack of a threshold inverted onto the words' raw scores
EXACT_BELOW = 2048  # fewer final candidates than this: score them all


class Fused:
    """Every candidate of a hybrid search (`ids`, ascending docnums, and `how` each was
    found) with what its fused score needs: its raw words score (`raw`, 0 when found by
    meaning alone), every document's cosine, and the weights and statistics of the query.
    `together(docs)` and `lengths(docs)` give the adjacency share and the length in words
    of chosen documents (ascending); `preferred` is a mask of improvement sections;
    `statements(docs)` says which of them are never damped for length (hybrid.fuse)."""

    def __init__(self, ids: np.ndarray, how: np.ndarray, raw: np.ndarray, best: float,
                 cosines: np.ndarray, meaning_part: Callable, fusion,
                 together: Callable | None, preferred: np.ndarray | None,
                 lengths: Callable | None, statements: Callable | None = None):
        self.ids, self.how, self.raw, self.top = ids, how, raw, best
        self.cosines, self.meaning_part, self.fusion = cosines, meaning_part, fusion
        self.together, self.preferred, self.lengths = together, preferred, lengths
        self.statements = statements

    @cached_property
    def meaning_at(self) -> np.ndarray:
        """Positions (ascending) of the candidates found by meaning."""
        return np.flatnonzero(self.how & 2)

    @cached_property
    def scores(self) -> np.ndarray:
        """The fused score of every candidate."""
        return self.scores_at(np.arange(self.ids.size))

    def scores_at(self, at: np.ndarray) -> np.ndarray:
        """The exact fused scores of the candidates at positions `at` (ascending)."""
        f, docs = self.fusion, self.ids[at]
        words = self.raw[at]
        words = words / self.top if self.top > 0 else words
        if self.together is not None:
            words = words * (1.0 + f.adjacency * self.together(docs))
        meaning = self.meaning_part(self.cosines[docs].astype(np.float64))
        if self.lengths is not None and f.short > 0 and docs.size:
            damped = np.minimum(1.0, self.lengths(docs) / f.short)
            if self.preferred is not None:  # a one-line recommendation is what was asked for
                damped[self.preferred[docs]] = 1.0
            if self.statements is not None:  # a one-line finding or improvement says it all
                damped[self.statements(docs)] = 1.0
            meaning = meaning * damped
        scores = f.words * words + f.meaning * meaning
        if self.preferred is not None:
            scores = scores * (1.0 + f.improvements * self.preferred[docs])
        return scores

    def _bound_at(self, at: np.ndarray) -> np.ndarray:
        """An upper bound of each fused score at positions `at`: the words together and
        no length damping, every other factor exact."""
        f, docs = self.fusion, self.ids[at]
        words = self.raw[at]
        words = words / self.top if self.top > 0 else words
        if self.together is not None:
            words = words * (1.0 + f.adjacency * 1.0)
        scores = f.words * words + f.meaning * self.meaning_part(
            self.cosines[docs].astype(np.float64))
        if self.preferred is not None:
            scores = scores * (1.0 + f.improvements * self.preferred[docs])
        return scores

    def best(self, at: np.ndarray, limit: int, exact_below: int = EXACT_BELOW
             ) -> list[tuple[int, float]]:
        """scored.best() of the candidates at positions `at` (ascending) by their fused
        scores: the `limit` best (docnum, score), higher score first, then lower docnum.
        Fewer than `exact_below` candidates (or four times `limit`): all scored."""
        if limit <= 0 or at.size == 0:
            return []
        if at.size <= max(exact_below, 4 * limit) or not self._bounded():
            return best_of(self.ids[at], self.scores_at(at), limit)
        every = at.size == self.ids.size  # every candidate (ascending): at[i] == i
        raw = self.raw if every else self.raw[at]
        seeds = self._seeds(at, raw, limit, every)
        exact = self.scores_at(seeds)
        threshold = float(np.partition(exact, exact.size - limit)[exact.size - limit])
        reach = at[raw >= self._raw_floor(threshold)]
        reach = reach[self._bound_at(reach) >= threshold]
        rest = np.setdiff1d(reach, seeds, assume_unique=True)
        at = np.concatenate([seeds, rest])
        scores = np.concatenate([exact, self.scores_at(rest)])
        order = np.argsort(at, kind="stable")
        return best_of(self.ids[at[order]], scores[order], limit)

    def _bounded(self) -> bool:
        """Whether the bounds hold: no weight below 0."""
        f = self.fusion
        return min(f.words, f.meaning, f.adjacency, f.improvements) >= 0

    def _seeds(self, at: np.ndarray, raw: np.ndarray, limit: int,
               every: bool = False) -> np.ndarray:
        """Positions (ascending) of the `limit` best candidates by their words (`raw`
        scores of those at `at`), and of every candidate found by meaning (at most
        Fusion.neighbours). `every`: `at` holds every candidate."""
        by_words = [p for p, _ in best_of(at, raw, limit)]
        by_meaning = self.meaning_at if every else at[(self.how[at] & 2) != 0]
        return np.union1d(np.array(by_words, dtype=at.dtype), by_meaning)

    def _raw_floor(self, threshold: float) -> float:
        """The least raw words score whose bound can reach `threshold`, assuming the best
        meaning part any candidate has (a little lower, for rounding)."""
        f = self.fusion
        most_meaning = f.meaning * float(self.meaning_part(
            np.array([float(self.cosines.max())]))[0]) if self.cosines.size else 0.0
        gain = 1.0 + f.improvements if self.preferred is not None else 1.0
        per_raw = f.words * (1.0 + f.adjacency if self.together is not None else 1.0)
        if per_raw <= 0 or self.top <= 0:
            return -np.inf
        floor = (threshold / gain - most_meaning) / per_raw * self.top
        return floor - MARGIN * (abs(floor) + self.top)
