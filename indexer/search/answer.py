"""One search request answered against one index generation: the stage between the
SearchIndex service (indexer.search.service, which leases generations and searchers) and
the results. Its roles, in order: check the filters, read an authority's name among the
words (indexer.search.relax), plan the query (indexer.search.querying; plans are
remembered per generation by indexer.search.plan_cache), match it with
the fast evaluator (indexer.search.evaluator) or, when that fails, Whoosh's own matchers,
count the facets (indexer.index.facet_table), rank, and build hits with highlighted snippets.
"""
from __future__ import annotations

import dataclasses
import math

import numpy as np
from whoosh import query as wq

from indexer.errors import BadRequest, IndexEmpty, OfstedSearchError
from indexer.index.facet_table import combine
from indexer.models import Hit, SearchRequest, SearchResults
from indexer.search import evaluator, hybrid
from indexer.search.facet_counts import Selection, facet_values, hidden_values
from indexer.search.generations import Generation, Reader
from indexer.search.normalise import authority_read, normalised, selected_filters
from indexer.search.plan_cache import planned
from indexer.search.hits import HitMaker
from indexer.search.hybrid_match import HybridMatching
from indexer.search.matches import Matches
from indexer.search.query_checks import check_typed_values, leaves, unclosed_quote
from indexer.search.query_cost import Deadline, bound
from indexer.search.querying import QueryPlan
from indexer.search.relax import fallback_parts, most_words
from indexer.search.scored import best
from indexer.search.whoosh_fallback import (log_fast_path_failure, whoosh_failures,
                                            whoosh_ranked, whoosh_scores)

VISIBLE_KEPT = 16  # visible masks remembered per generation (one a set of hidden values)
EMPTY_MESSAGE = ("the index is empty: add reports with "
                 "`python -m indexer build PATH ...` (see the README)")


class Answer(HybridMatching):
    """One request against one generation (build one per request; not thread-safe)."""

    def __init__(self, generation: Generation, reader: Reader, request: SearchRequest,
                 deadline: Deadline | None = None, fast_path: bool = True):
        self.g, self.request, self.deadline = generation, request, deadline or Deadline(None)
        self.searcher = reader.searcher
        self.postings = reader.postings if fast_path else None  # None: Whoosh answers
        self.table = generation.table
        self.ranking = generation.ranking
        self.snippets = True  # False: hits without highlighted snippets (exports)
        self.check = lambda: None  # called as hits are made; raises past the caller's deadline
        self.fusion = hybrid.FUSION  # the hybrid weights (benchmarks try others)
        self.read: dict = {}  # the terms' postings this request's evaluators have read

    def matches(self) -> Matches:
        """Every passage the request matches, as a mask over index documents. The request
        is normalised into a new one (indexer.search.normalise); the caller's is unchanged."""
        if self.g.empty:
            raise IndexEmpty(EMPTY_MESSAGE)
        request = normalised(self.request, self.g.known, self.table.columns["year"].values)
        read = authority_read(request, self.g.authority_labels)
        if read is not None:
            found = self._match(*read)
            if found.selection.total or not self._has_every_word(request):
                return found  # an authority named keeps scoping, even when it has nothing
        return self._match(request, None)  # no authority named, or the name meant as words

    def _has_every_word(self, request: SearchRequest) -> bool:
        """Whether a visible passage has every word as typed, the name too ("Reading
        recovery" read as Reading's reports finds nothing; as words, it does)."""
        plan = planned(self.g, request.query, request.expand)
        ids, _ = self._matching(bound(plan.query, self.searcher.reader(), self.deadline))
        return bool(self._visible(plan, selected_filters(request))[ids].any())

    def _match(self, request: SearchRequest, authority_words: dict | None) -> Matches:
        """Matches of the request's words under its filters (most words if none has them
        all)."""
        selected = selected_filters(request)
        plan = planned(self.g, request.query, request.expand)
        check_typed_values(plan.query, self.g.known)
        query = bound(plan.query, self.searcher.reader(), self.deadline)
        plan = dataclasses.replace(plan, query=query)
        if self._hybrid(request, plan):  # only the visible passages' words are candidates
            visible = self._visible(plan, selected)
            ids, scores = self._matching(plan.query, visible)
            return self._hybrid_match(request, authority_words, plan, ids, scores, visible)
        ids, scores = self._matching(plan.query)
        selection = self._selection(ids, plan, selected)
        match, coverage = "all", None
        if not selection.total and not isinstance(plan.query, wq.Every):
            most = self._most_words(request, self._filtered(self.table.live, plan, selected))
            if most is not None:
                mask, every_score, every_coverage = most
                ids = np.flatnonzero(mask)
                selection = self._selection(ids, plan, selected)
                scores, coverage, match = every_score[ids], every_coverage[ids], "most"
        return Matches(plan, selected, selection, scores, self.table, self.g.reports,
                       self.g.path.name, match, coverage, request, authority_words)

    def _selection(self, ids: np.ndarray, plan: QueryPlan, selected: dict) -> Selection:
        return Selection(self.g.cells, ids, selected,
                         hidden_values(selected, plan.asks_for_boilerplate))

    def _visible(self, plan: QueryPlan, selected: dict) -> np.ndarray:
        """Live documents without the values hidden by default (boilerplate), whatever
        the selected filters: read-only, remembered per generation and hidden values
        (three passes over every document each time otherwise: ~0.7 ms at a million)."""
        hidden = hidden_values(selected, plan.asks_for_boilerplate)
        key = tuple((name, tuple(values)) for name, values in sorted(hidden.items()))
        visible = self.g.visible.get(key)
        if visible is None:
            visible = self.table.live.copy()
            for name, values in hidden.items():
                visible &= ~self.table.mask_for(name, values)
            visible.setflags(write=False)
            if len(self.g.visible) >= VISIBLE_KEPT:
                self.g.visible.clear()
            self.g.visible[key] = visible
        return visible

    def _filtered(self, matched: np.ndarray, plan: QueryPlan, selected: dict) -> np.ndarray:
        """The query's matches (a mask) without hidden values, under every filter."""
        base = self.table.live & matched
        for name, values in hidden_values(selected, plan.asks_for_boilerplate).items():
            base &= ~self.table.mask_for(name, values)
        return combine([self.table.mask_for(name, values)
                        for name, values in selected.items()], base)

    def _most_words(self, request: SearchRequest, allowed: np.ndarray):
        """(mask, every passage's score, words each has) of the passages with most of the
        words, when none has them all (indexer.search.relax); None when there are none."""
        found = fallback_parts(request.query, lambda word: self._plan_alone(word, request))
        if found is None:
            return None
        parts, required = found
        for query in required:  # filters typed in the query stay filters
            allowed = allowed & self._evaluate(query)[0]
        mask, scores, coverage = most_words(self._evaluate, parts, allowed)
        return (mask, scores, coverage) if mask.any() else None

    def _plan_alone(self, word: str, request: SearchRequest) -> wq.Query | None:
        try:
            query = planned(self.g, word, request.expand).query
        except BadRequest:  # a stop word alone
            return None
        return bound(query, self.searcher.reader(), self.deadline)

    def _evaluate(self, q) -> tuple[np.ndarray, np.ndarray]:
        """(mask, scores) of one query: the fast path's, or Whoosh's matches scored 1."""
        ids, scores = self._matching(q)
        mask = np.zeros(self.table.size, bool)
        mask[ids] = True
        if scores is None:
            return mask, mask.astype(np.float64)
        dense = np.zeros(self.table.size, np.float64)
        dense[ids] = scores
        return mask, dense

    def run(self) -> SearchResults:
        found = self.matches()
        plan, selected, selection = found.plan, found.selected, found.selection
        total, r = selection.total, found.request
        pages = max(1, math.ceil(total / r.per_page))
        if r.page > pages:
            raise BadRequest(f"page {r.page} is beyond the last page ({pages})")
        facets = {n: facet_values(n, selected[n], selection, self.g.known) for n in selected}
        return SearchResults(
            query=self.request.query, total=total, reports=selection.reports(),
            page=r.page, per_page=r.per_page, hits=self._hits(plan, found), facets=facets,
            suggestion=self._suggestion(plan, total), expansions=list(plan.expansions),
            match=found.match, authority_in_query=found.authority_words, mode=found.mode,
            notices=[n for n in (unclosed_quote(self.request.query), _some_words(found),
                                 _no_meaning(found)) if n])

    def _matching(self, q, within: np.ndarray | None = None
                  ) -> tuple[np.ndarray, np.ndarray | None]:
        """(ascending docnums of the matches, the score of each) from the fast path, only
        those `within` a mask when given; any failure inside it falls back to Whoosh's own
        matchers for this query (fail open), which give no scores (None)."""
        try:
            if self.postings is not None and self.g.postings is not None:
                return evaluator.Evaluator(self.postings, self.table.range_mask,
                                           self.deadline.check, read=self.read
                                           ).matches(q, within)
        except evaluator.Unsupported:
            pass  # a query shape numpy does not reproduce: Whoosh does it all
        except OfstedSearchError:
            raise
        except Exception:  # noqa: BLE001 - fail open: Whoosh answers, the error is logged
            log_fast_path_failure()
        if isinstance(q, wq.Every):
            every = np.arange(self.table.size) if within is None else np.flatnonzero(within)
            return every, None
        mask = np.zeros(self.table.size, dtype=bool)
        with whoosh_failures(q):
            for n, docnum in enumerate(self.searcher.docs_for_query(q)):
                mask[docnum] = True
                if n % 4096 == 0:
                    self.deadline.check()
        return np.flatnonzero(mask if within is None else mask & within), None

    def _ranked_docnums(self, plan: QueryPlan, found: Matches) -> list[tuple[int, float]]:
        """The best page * per_page final matches, best first. By relevance: the matcher's
        scores (the fast path's, the "most words" ones or Whoosh's), then the ranking's one
        re-scoring step (Ranking.final), then "most words" first when that is the match."""
        r = found.request
        wanted, final = r.page * r.per_page, found.final_ids
        if not final.size:
            return []
        if r.sort != "relevance" or isinstance(plan.query, wq.Every):
            dates = self.g.dates[final]
            # newest (or oldest) report first; inside a report, passages in document order
            return [(d, 0.0) for d, _ in
                    best(final, -dates if r.sort == "oldest" else dates, wanted)]
        if found.fused is not None and not self.ranking.rescores:
            return found.fused.best(found.positions, wanted)  # scores only what can reach it
        if found.fused is not None:
            scores = found.fused.scores_at(found.positions)
        elif found.scores is not None:
            scores = found.scores[found.positions]
        elif self.ranking.rescores:  # Whoosh's scores of every final match, to re-score
            scores = whoosh_scores(self.searcher, plan.query, final)
        else:  # Whoosh's collector ranks: its own top `wanted` are the answer
            return whoosh_ranked(self.searcher, plan.query, final, wanted)
        scores = self.ranking.final(final, scores, self.table)
        if found.coverage is None:
            return best(final, scores, wanted)
        key = scores + found.coverage[found.positions] * (float(scores.max()) + 1.0)
        return [(d, float(scores[np.searchsorted(final, d)]))
                for d, _ in best(final, key, wanted)]

    def _hits(self, plan: QueryPlan, found: Matches) -> list[Hit]:
        r = found.request
        ranked = self._ranked_docnums(plan, found)[(r.page - 1) * r.per_page:]
        maker = HitMaker(self.g, self.searcher, self.snippets, found)
        hits = []
        for n, (docnum, score) in enumerate(ranked):
            if n % 64 == 63:
                self.check()  # an export's 5,000 hits take seconds: its caller's deadline
            hits.append(maker.hit(docnum, score, plan, r.query))
        return hits

    def _suggestion(self, plan: QueryPlan, total: int) -> str | None:
        if not plan.text_query or (total >= 5 and not plan.corrected):
            return None
        return self.g.speller.suggest(plan.text_query)


def _some_words(found: Matches) -> dict | None:
    """A notice when a hybrid search of four or more words lists passages with only some
    of them (hybrid.minimum_match): the total counts them, and "Found by your words" alone
    would read as every word."""
    if found.some_words is None:
        return None
    need, searched = found.some_words
    return {"kind": "some_words", "query": None,
            "message": f"Each passage has at least {need} of the {searched} words searched, "
                       "or is near the query in meaning."}


def _no_meaning(found: Matches) -> dict | None:
    """A notice when a hybrid search lists no passage found by meaning (none near enough,
    as "front door" is to no passage of Doncaster's): every passage has the words."""
    if found.mode != "hybrid" or found.how is None or not found.selection.total:
        return None
    if ((found.how[found.positions] & hybrid.MEANING) != 0).any():
        return None
    return {"kind": "no_meaning", "query": None,
            "message": "No passage was near enough the query in meaning to be added: "
                       "each has your words."}
