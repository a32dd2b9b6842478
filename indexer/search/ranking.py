"""Ranking is a value: every weight of relevance ranking in one frozen Ranking, which a
SearchIndex is given (SearchIndex(path, ranking=...); RANKING by default) and passes to
the parser (field, expansion and proximity boosts: indexer.search.querying), to the BM25F
scorer of its searchers (make_weighting) and to the one re-scoring step after whichever
matcher ran (Ranking.final, like Whoosh's WeightingModel.final), so the fast evaluator,
Whoosh's own matchers and the "most words" fallback all rank under the same weights.
docs/decisions/0009-relevance.md records the measurements behind each weight (a
close-together bonus exists but measured no gain: off).
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
from whoosh.scoring import BM25F


@dataclass(frozen=True)
class Ranking:
    """Every weight of relevance ranking in one place; RANKING is what searches use."""

    b: float = 0.75  # BM25 length normalisation
    k1: float = 0.9  # BM25 term-frequency saturation
    idf: str = "robertson"  # "robertson" (as Lucene/Anserini) or "whoosh" (Whoosh's default)
    # the fields searched by default and their weights; the report title is not among them:
    # copied onto every passage, it would make every passage of a report match its words
    # (inflating "N passages"); `title:` still searches it
    field_boosts: dict = field(default_factory=lambda: {"text": 1.0, "heading": 0.3})
    expansions: tuple = ("vocabulary", "sections", "corrections")  # kinds used when expanding
    expansion_boost: float = 0.35  # a vocabulary alternative ("CSE" -> "child sexual exploitation")
    correction_boost: float = 1.0  # the correction of a word the index does not know
    proximity_slop: int = 5  # words within this many positions count as "close together"
    proximity_boost: float = 0.0  # weight of the close-together bonus (0 = off: 0009)
    # the final step: a passage's score times the boost of each facet value it has that is
    # named here, e.g. {"section": {"priority_action": 1.2}} (empty: BM25F's scores as they are)
    facet_boosts: dict = field(default_factory=dict)

    @property
    def rescores(self) -> bool:
        """Whether final() changes any score (else the matchers' order is the ranking)."""
        return any(boost != 1.0 for boosts in self.facet_boosts.values()
                   for boost in boosts.values())

    def final(self, ids: np.ndarray, scores: np.ndarray, table) -> np.ndarray:
        """The scores of documents `ids` (ascending docnums) after the re-scoring step;
        `table` is the generation's facet table (indexer.index.facet_table)."""
        if not self.rescores:
            return scores
        factor = np.ones(ids.size)
        for name, boosts in self.facet_boosts.items():
            for value, boost in boosts.items():
                mask = table.mask_for(name, [value])
                if mask is not None:
                    factor[mask[ids]] *= boost
        return scores * factor


RANKING = Ranking()


def idf(n: int, total: int) -> float:
    """log(1 + (N - n + 0.5) / (n + 0.5)), the idf of Lucene's and Anserini's BM25, for a
    word in n of N documents: the one idf of ranking and of "more like this"."""
    return math.log(1 + (total - n + 0.5) / (n + 0.5))


def robertson_idf(searcher, fieldname: str, text) -> float:
    """idf() as Whoosh's BM25F asks for it. Whoosh's own, log(N / (n + 1)) + 1, flattens
    the difference between rare and common words. N counts live passages, and so does n
    on a generation's searcher (indexer.index.live_stats.LiveSearcher): an updated index
    scores as a full build of the same reports."""
    parent = searcher.get_parent()
    return idf(parent.doc_frequency(fieldname, text), parent.doc_count())


def make_weighting(ranking: Ranking = RANKING) -> BM25F:
    """The scorer of a generation's searchers. A plain BM25F object, not a subclass, so
    indexer.search.evaluator reproduces its scores with numpy; the idf is set on the
    instance, and Whoosh's searcher (and so indexer.search.evaluator) calls it."""
    weighting = BM25F(B=ranking.b, K1=ranking.k1)
    if ranking.idf == "robertson":
        weighting.idf = robertson_idf
    return weighting
