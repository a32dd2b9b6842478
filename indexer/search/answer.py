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
from dataclasses import dataclass
from functools import cached_property

import numpy as np
from whoosh import query as wq

from indexer.errors import BadRequest, IndexEmpty, OfstedSearchError
from indexer.index.facet_registry import BY_NAME, FACETS
from indexer.index.facet_table import FacetTable, combine
from indexer.models import FacetValue, Hit, SearchRequest, SearchResults
from indexer.search import evaluator
from indexer.search.facet_counts import Selection
from indexer.search.generations import Generation, Reader
from indexer.search.normalise import authority_read, normalised, selected_filters
from indexer.search.plan_cache import planned
from indexer.search.hits import HitMaker
from indexer.search.query_checks import check_typed_values
from indexer.search.query_cost import Deadline, bound
from indexer.search.querying import QueryPlan
from indexer.search.relax import fallback_parts, most_words
from indexer.search.scored import best
from indexer.search.whoosh_fallback import has_require, log_fast_path_failure, whoosh_failures

EMPTY_MESSAGE = ("the index is empty: add reports with "
                 "`python -m indexer build PATH ...` (see the README)")
@dataclass
class Matches:
    """What a request matched in one generation: the query's matches under the filters
    (indexer.search.facet_counts), also as passage masks for pages that aggregate matches
    (indexer.answers.trends, feeds) rather than rank them."""

    plan: QueryPlan
    selected: dict[str, list]  # facet name -> selected values
    selection: Selection  # the query's matches, counted under the filters
    scores: np.ndarray | None  # the score of each of selection.ids (None: Whoosh ranks)
    table: FacetTable
    reports: dict[str, dict]  # report_id -> stored report
    generation: str  # name of the generation directory (changes with every build)
    match: str = "all"  # "all": passages with every word; "most": most of them (relax)
    coverage: np.ndarray | None = None  # "most": the words each of selection.ids has
    request: SearchRequest | None = None  # the request as searched (normalised)
    authority_words: dict | None = None  # an authority's name read among the words

    @cached_property
    def positions(self) -> np.ndarray:
        """Positions in selection.ids of the final matches (every filter passed)."""
        return self.selection.final_positions()

    @property
    def final_ids(self) -> np.ndarray:
        return self.selection.ids[self.positions]

    @cached_property
    def final(self) -> np.ndarray:
        """The final matches as a mask over index documents."""
        mask = np.zeros(self.table.size, bool)
        mask[self.final_ids] = True
        return mask

    @cached_property
    def masks(self) -> dict[str, np.ndarray | None]:
        """Facet name -> its filter as a mask over index documents (None: no filter)."""
        return {name: self.table.mask_for(name, values) for name, values in self.selected.items()}


class Answer:
    """One request against one generation (build one per request; not thread-safe)."""

    def __init__(self, generation: Generation, reader: Reader, request: SearchRequest,
                 deadline: Deadline | None = None, fast_path: bool = True):
        self.g, self.request, self.deadline = generation, request, deadline or Deadline(None)
        self.searcher = reader.searcher
        self.postings = reader.postings if fast_path else None  # None: Whoosh answers
        self.table = generation.table
        self.ranking = generation.ranking
        self.snippets = True  # False: hits without highlighted snippets (exports)

    def matches(self) -> Matches:
        """Every passage the request matches, as a mask over index documents. The request
        is normalised into a new one (indexer.search.normalise); the caller's is unchanged."""
        if self.g.empty:
            raise IndexEmpty(EMPTY_MESSAGE)
        request = normalised(self.request, self.g.known, self.table.columns["year"].values)
        read = authority_read(request, self.g.authority_labels)
        if read is not None:
            found = self._match(*read)
            if found.selection.total:
                return found
        return self._match(request, None)  # no authority named, or nothing: words as typed

    def _match(self, request: SearchRequest, authority_words: dict | None) -> Matches:
        """Matches of the request's words under its filters (most words if none has them
        all)."""
        selected = selected_filters(request)
        plan = planned(self.g, request.query, request.expand)
        check_typed_values(plan.query, self.g.known)
        query = bound(plan.query, self.searcher.reader(), self.deadline)
        plan = dataclasses.replace(plan, query=query)
        ids, scores = self._matching(plan.query)
        selection = Selection(self.g.cells, ids, selected, self._hidden(plan, selected))
        match, coverage = "all", None
        if not selection.total and not isinstance(plan.query, wq.Every):
            most = self._most_words(request, self._filtered(self.table.live, plan, selected))
            if most is not None:
                mask, every_score, every_coverage = most
                ids = np.flatnonzero(mask)
                selection = Selection(self.g.cells, ids, selected, self._hidden(plan, selected))
                scores, coverage, match = every_score[ids], every_coverage[ids], "most"
        return Matches(plan, selected, selection, scores, self.table, self.g.reports,
                       self.g.path.name, match, coverage, request, authority_words)

    @staticmethod
    def _hidden(plan: QueryPlan, selected: dict) -> dict[str, list]:
        """Facet name -> its values left out of the results (boilerplate unless selected
        or asked for in the query)."""
        hidden = {}
        for facet in FACETS:
            values = facet.hidden - set(selected[facet.name])
            if values and not (facet.name == "section" and plan.asks_for_boilerplate):
                hidden[facet.name] = sorted(values)
        return hidden

    def _filtered(self, matched: np.ndarray, plan: QueryPlan, selected: dict) -> np.ndarray:
        """The query's matches (a mask) without hidden values, under every filter."""
        base = self.table.live & matched
        for name, values in self._hidden(plan, selected).items():
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
        facets = {name: self._facet(name, selected[name], selection) for name in selected}
        return SearchResults(
            query=self.request.query, total=total, reports=selection.reports(),
            page=r.page, per_page=r.per_page, hits=self._hits(plan, found), facets=facets,
            suggestion=self._suggestion(plan, total), expansions=list(plan.expansions),
            match=found.match, authority_in_query=found.authority_words)

    def _matching(self, q) -> tuple[np.ndarray, np.ndarray | None]:
        """(ascending docnums of the matches, the score of each) from the fast path; any
        failure inside it falls back to Whoosh's own matchers for this query (fail open),
        which give no scores (None)."""
        try:
            if self.postings is not None and self.g.postings is not None:
                return evaluator.Evaluator(self.postings, self.table.range_mask,
                                         self.deadline.check).matches(q)
        except evaluator.Unsupported:
            pass  # a query shape numpy does not reproduce: Whoosh does it all
        except OfstedSearchError:
            raise
        except Exception:  # noqa: BLE001 - fail open: Whoosh answers, the error is logged
            log_fast_path_failure()
        if isinstance(q, wq.Every):
            return np.arange(self.table.size), None
        mask = np.zeros(self.table.size, dtype=bool)
        with whoosh_failures(q):
            for n, docnum in enumerate(self.searcher.docs_for_query(q)):
                mask[docnum] = True
                if n % 4096 == 0:
                    self.deadline.check()
        return np.flatnonzero(mask), None

    def _facet(self, name: str, selected: list, selection: Selection) -> list[FacetValue]:
        facet = BY_NAME[name]
        counts = dict(selection.counts(name))
        for value in selected:
            counts.setdefault(value, 0)
        rows = [FacetValue(str(value), facet.label(value, self.g.known), count, value in selected)
                for value, count in counts.items()]
        if facet.order == "value":
            return sorted(rows, key=lambda f: f.value, reverse=True)
        return sorted(rows, key=lambda f: (-f.count, f.label.lower()))

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
        if found.scores is not None:
            scores = found.scores[found.positions]
        elif self.ranking.rescores:  # Whoosh's scores of every final match, to re-score
            scores = self._whoosh_scores(plan.query, final)
        else:  # Whoosh's collector ranks: its own top `wanted` are the answer
            return self._whoosh_ranked(plan.query, final, wanted)
        scores = self.ranking.final(final, scores, self.table)
        if found.coverage is None:
            return best(final, scores, wanted)
        key = scores + found.coverage[found.positions] * (float(scores.max()) + 1.0)
        return [(d, float(scores[np.searchsorted(final, d)]))
                for d, _ in best(final, key, wanted)]

    def _whoosh_ranked(self, q, final: np.ndarray, limit: int | None) -> list[tuple[int, float]]:
        """Whoosh's best `limit` (None: all) of the final matches, best first."""
        with whoosh_failures(q):
            results = self.searcher.search(q, filter=set(final.tolist()), limit=limit,
                                           optimize=not has_require(q))
            return [(hit.docnum, float(hit.score)) for hit in results]

    def _whoosh_scores(self, q, final: np.ndarray) -> np.ndarray:
        """Whoosh's score of each final match (final: ascending docnums)."""
        scores = np.zeros(final.size)
        for docnum, score in self._whoosh_ranked(q, final, None):
            scores[np.searchsorted(final, docnum)] = score
        return scores

    def _hits(self, plan: QueryPlan, found: Matches) -> list[Hit]:
        r = found.request
        ranked = self._ranked_docnums(plan, found)[(r.page - 1) * r.per_page:]
        maker = HitMaker(self.g, self.searcher, self.snippets)
        return [maker.hit(docnum, score, plan, r.query) for docnum, score in ranked]

    def _suggestion(self, plan: QueryPlan, total: int) -> str | None:
        if not plan.text_query or (total >= 5 and not plan.corrected):
            return None
        return self.g.speller.suggest(plan.text_query)
