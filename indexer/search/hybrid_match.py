"""What a hybrid search matches (indexer.search.hybrid): the part of one request's answer
(indexer.search.answer.Answer, which mixes this in) that finds the passages with the
words and those nearest in meaning, and leaves their fused scores to be computed where a
page needs them (indexer.search.fused): the adjacency of the query's words and the
passages' lengths are read only for the candidates that can reach the page.
"""
from __future__ import annotations

import numpy as np
from whoosh import query as wq

from indexer.errors import OfstedSearchError
from indexer.models import SearchRequest
from indexer.search import adjacency, evaluator, hybrid, restricted
from indexer.search.facet_counts import hidden_values
from indexer.search.matches import Matches
from indexer.search.normalise import selected_filters
from indexer.search.query_checks import leaves
from indexer.search.querying import QueryPlan
from indexer.search.relax import fallback_parts, most_words
from indexer.search.whoosh_fallback import log_fast_path_failure


class HybridMatching:
    """Answer's hybrid matching (mixed into indexer.search.answer.Answer, whose
    generation `g`, `table`, `postings`, `fusion`, `deadline` and helpers it uses)."""

    def _hybrid(self, request: SearchRequest, plan: QueryPlan) -> bool:
        """Words and meaning together: asked for, plain words, vectors in the index."""
        return (request.mode == "hybrid" and hybrid.applies(request.query)
                and not isinstance(plan.query, wq.Every) and self.g.vectors is not None)

    def _hybrid_match(self, request: SearchRequest, authority_words: dict | None,
                      plan: QueryPlan, ids, scores, visible: np.ndarray) -> Matches:
        """The passages with the words (most of them for 4+ words: `ids`, the `visible`
        ones, and their `scores`) and the passages nearest in meaning, fused
        (indexer.search.hybrid). Both sets are found without the selected filters, which
        Selection applies as it does to words: so a facet value's count is what selecting
        it shows."""
        selected = selected_filters(request)
        if scores is None:  # Whoosh answered (no scores): every match counts the same
            scores = np.ones(ids.size)
        parts = fallback_parts(request.query, lambda word: self._plan_alone(word, request))
        need = hybrid.minimum_match(len(parts[0])) if parts and not parts[1] else None
        if need is not None:
            mask, dense, _ = most_words(self._evaluate, parts[0], visible, need)
            mask[ids] = True
            dense[ids] = np.maximum(dense[ids], scores)
            ids = np.flatnonzero(mask)
            scores = dense[ids]
        vector = hybrid.query_vector(plan.meant or request.query)
        near = visible & self._named_sections(plan)
        if authority_words is not None:  # an authority named: its passages nearest in meaning
            near &= self.table.mask_for("authority", [authority_words["key"]])
        fusion = hybrid.for_words(len(parts[0]) if parts else 1, self.fusion)
        sections = None if authority_words is not None else self._meaning_sections(plan,
                                                                                   selected)
        cosines, nearest, statistics = self.g.vectors.meaning(vector, near, sections,
                                                              self.table, fusion)
        lengths = None if self.postings is None else self._lengths
        fused = hybrid.fuse(ids, scores, nearest, cosines, self._together(request), fusion,
                            self._improvements(request), lengths, self._statements(fusion),
                            statistics)
        selection = self._selection(fused.ids, plan, selected)
        return Matches(plan, selected, selection, None, self.table, self.g.reports,
                       self.g.path.name, "all", None, request, authority_words, "hybrid",
                       fused.how, vector, fused,
                       None if need is None else (need, len(parts[0])))

    def _lengths(self, at: np.ndarray) -> np.ndarray:
        """The passages' lengths in words (fail open: no length, no damping)."""
        try:
            return self.postings.lengths("text", at)
        except Exception:  # noqa: BLE001 - the fast path's files: Whoosh answers the rest
            log_fast_path_failure()
            return np.full(at.size, np.inf)

    def _named_sections(self, plan: QueryPlan) -> np.ndarray:
        """The sections the words name ("what needs to improve ..." searches improvement
        sections: querying), as a mask; every document when they name none."""
        named = self._named(plan)
        return self.table.mask_for("section", named) if named else self.table.live

    @staticmethod
    def _named(plan: QueryPlan) -> list[str]:
        return sorted({leaf.text for leaf in leaves(plan.query)
                       if getattr(leaf, "fieldname", None) == "section"})

    def _meaning_sections(self, plan: QueryPlan, selected: dict) -> list[str] | None:
        """The sections whose live passages are those searched by meaning (named by the
        words, else all, less the hidden ones), or None when a hidden value of another
        facet makes them not whole sections (indexer.search.shortlist)."""
        hidden = hidden_values(selected, plan.asks_for_boilerplate)
        if set(hidden) - {"section"}:
            return None
        known = [v for v in self.table.columns["section"].values if v is not None]
        wanted = set(self._named(plan)) & set(known) or set(known)
        return sorted(wanted - set(hidden.get("section", ())))

    def _statements(self, fusion: hybrid.Fusion):
        """`statements(docs)`: which of the passages lie outside the sections whose short
        passages say little (context, overview): findings, strengths and improvements,
        whose meaning counts in full however short (hybrid.fuse)."""
        column = self.table.columns["section"]
        codes = np.array([c for c in map(column.code_of, fusion.short_sections)
                          if c is not None], dtype=np.int32)
        return lambda docs: ~np.isin(column.codes[docs], codes)

    def _improvements(self, request: SearchRequest) -> np.ndarray | None:
        """Improvement sections, for words that ask what should improve (else None)."""
        if not hybrid.asks_what_to_improve(request.query):
            return None
        return self.table.mask_for("section", list(hybrid.IMPROVEMENT_SECTIONS))

    def _together(self, request: SearchRequest):
        """The share of the query's adjacent word pairs that stand together (at most one
        word apart) in chosen passages (indexer.search.adjacency), as a function of their
        docnums; None for a single word."""
        if not adjacency.counted(request.query, request.expand):
            return None
        return lambda docs: adjacency.together_at(request.query, self._within, docs,
                                                  request.expand)

    def _within(self, q, docs: np.ndarray) -> np.ndarray:
        """Which of `docs` (ascending docnums) a term or phrase matches: from the fast
        path among those documents only; any failure there: the whole query's matches."""
        try:
            if self.postings is not None and self.g.postings is not None:
                if getattr(self, "_restricted", None) is None:  # one a request, terms kept
                    self._restricted = (evaluator.Evaluator(
                        self.postings, self.table.range_mask, self.deadline.check,
                        read=self.read), {})
                ev, terms = self._restricted
                return restricted.within(ev, q, docs, terms)
        except evaluator.Unsupported:
            pass
        except OfstedSearchError:
            raise
        except Exception:  # noqa: BLE001 - fail open: the whole query answers, logged
            log_fast_path_failure()
        return self._evaluate(q)[0][docs]
