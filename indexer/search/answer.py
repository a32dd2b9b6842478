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
from indexer.domain.inspection_types import label_for
from indexer.models import FacetValue, Hit, PassageHit, SearchRequest, SearchResults, dated
from indexer.search import evaluator
from indexer.search.facet_counts import Selection
from indexer.search.relax import fallback_parts, find_authority, most_words
from indexer.search.query_cost import Deadline, bound
from indexer.index.facet_table import FacetTable, combine
from indexer.search.whoosh_fallback import has_require, log_fast_path_failure, whoosh_failures
from indexer.search.generations import Generation, Reader
from indexer.search.links import paginated, report_path
from indexer.search.query_checks import nearest
from indexer.search.plan_cache import planned
from indexer.search.querying import QueryPlan

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
    match: str = "all"  # "all": passages with every word; "most": most of them (dead_ends)

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
        self.scores: np.ndarray | None = None  # "most words": every passage's score
        self.coverage: np.ndarray | None = None  # words each passage has ("most words" mode)
        self.query = request.query  # as typed (the request's may lose an authority's name)
        self._places: dict[str, dict] = {}  # report_id -> _places() of the hits' reports
        self.authority_words: dict | None = None
        self.snippets = True  # False: hits without highlighted snippets (exports)

    def matches(self) -> Matches:
        """Every passage the request matches, as a mask over index documents."""
        if self.g.empty:
            raise IndexEmpty(EMPTY_MESSAGE)
        selected = self._validated_filters()
        typed = self.request, {name: list(values) for name, values in selected.items()}
        self._read_authority_words(selected)
        found = self._match(selected)
        if self.authority_words and not found.selection.total:  # nothing: the words as typed
            (self.request, selected), self.authority_words = typed, None
            self.scores = self.coverage = None
            found = self._match(selected)
        return found

    def _match(self, selected: dict) -> Matches:
        """Matches of the request's words under the selected filters (most words if none
        has them all)."""
        plan = planned(self.g, self.request.query, self.request.expand)
        self._check_query_values(plan.query)
        query = bound(plan.query, self.searcher.reader(), self.deadline)
        plan = dataclasses.replace(plan, query=query)
        ids, scores = self._matching(plan.query)
        selection = Selection(self.g.cells, ids, selected, self._hidden(plan, selected))
        match = "all"
        if not selection.total and not isinstance(plan.query, wq.Every):
            most = self._most_words(self._filtered(self.table.live, plan, selected))
            if most is not None:
                ids = np.flatnonzero(most)
                selection = Selection(self.g.cells, ids, selected, self._hidden(plan, selected))
                scores, match = self.scores[ids], "most"
        return Matches(plan, selected, selection, scores, self.table, self.g.reports,
                       self.g.path.name, match)

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

    def _read_authority_words(self, selected: dict) -> None:
        """An authority's name among the words becomes an authority filter (dead_ends)."""
        if selected["authority"] or not self.request.query:
            return
        found = find_authority(self.request.query, self.g.authority_labels)
        if found is None:
            return
        selected["authority"] = [found.key]
        self.request = dataclasses.replace(
            self.request, query=found.rest,
            filters={**self.request.filters, "authority": [found.key]})
        self.authority_words = found.to_dict(self.g.authority_labels[found.key])

    def _most_words(self, allowed: np.ndarray) -> np.ndarray | None:
        """The passages with most of the words, when none has them all (dead_ends)."""
        found = fallback_parts(self.request.query, self._plan_alone)
        if found is None:
            return None
        parts, required = found
        for query in required:  # filters typed in the query stay filters
            allowed = allowed & self._evaluate(query)[0]
        mask, self.scores, self.coverage = most_words(self._evaluate, parts, allowed)
        return mask if mask.any() else None

    def _plan_alone(self, word: str) -> wq.Query | None:
        try:
            query = planned(self.g, word, self.request.expand).query
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
        total = selection.total
        pages = max(1, math.ceil(total / self.request.per_page))
        if self.request.page > pages:
            raise BadRequest(f"page {self.request.page} is beyond the last page ({pages})")
        facets = {name: self._facet(name, selected[name], selection) for name in selected}
        return SearchResults(
            query=self.query, total=total, reports=selection.reports(),
            page=self.request.page, per_page=self.request.per_page,
            hits=self._hits(plan, found), facets=facets,
            suggestion=self._suggestion(plan, total), expansions=list(plan.expansions),
            match=found.match, authority_in_query=self.authority_words)

    def _validated_filters(self) -> dict[str, list]:
        """Every facet's selected values, each checked against the facet's vocabulary
        (indexer.index.facet_registry); all problems in one BadRequest."""
        self.request.filters = {name: [BY_NAME[name].canonical_value(v) for v in values]
                                for name, values in self.request.filters.items()}
        errors = [problem for name, values in self.request.filters.items()
                  for value in values
                  for problem in [BY_NAME[name].problem(value, self.g.known)] if problem]
        if errors:
            raise BadRequest("; ".join(errors))
        if self.request.year_ranges:
            self.request.filters["year"] = self._years_in_ranges()
        return {f.name: self.request.selected(f.name) for f in FACETS}

    def _years_in_ranges(self) -> list[int]:
        """The selected years plus every year of the index inside a selected range (the
        range's first year when none is: a selected year that counts 0)."""
        years = self.request.selected("year")
        ranges = self.request.year_ranges
        inside = [y for y in sorted(self.table.columns["year"].values)
                  if any(lo <= y <= hi for lo, hi in ranges)]
        return list(dict.fromkeys(years + (inside or [ranges[0][0]])))

    def _check_query_values(self, q) -> None:
        """Facet values typed in the query (`authority:derbyshir`) must be in the facet's
        vocabulary, as selected filters must; the nearest known values are suggested."""
        problems = []
        for leaf in _leaves(q):
            facet = BY_NAME.get(getattr(leaf, "fieldname", None))
            if not isinstance(leaf, wq.Term) or facet is None or facet.vocabulary is None:
                continue
            if facet.problem(leaf.text, self.g.known) is None:
                continue
            near = nearest(leaf.text, [str(v) for v in facet.vocabulary(self.g.known)])
            hint = f" (did you mean {' or '.join(near)}?)" if near else ""
            problems.append(f"unknown {facet.title.lower()} {leaf.text[:60]!r}{hint}")
        if problems:
            raise BadRequest("; ".join(dict.fromkeys(problems)))

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
        r = self.request
        wanted = r.page * r.per_page
        final = found.final_ids
        if not final.size:
            return []
        if r.sort == "relevance" and self.coverage is not None:  # most words first
            key = self.scores + self.coverage * (float(self.scores.max()) + 1.0)
            return [(d, float(self.scores[d])) for d, _ in evaluator.top(key, final, wanted)]
        if r.sort == "relevance" and found.scores is not None \
                and not isinstance(plan.query, wq.Every):
            return evaluator.best(final, found.scores[found.positions], wanted)
        if r.sort == "relevance" and not isinstance(plan.query, wq.Every):
            allowed = set(final.tolist())
            with whoosh_failures(plan.query):
                results = self.searcher.search(plan.query, filter=allowed, limit=wanted,
                                               optimize=not has_require(plan.query))
                return [(hit.docnum, float(hit.score)) for hit in results]
        dates = self.g.dates[final]
        # newest (or oldest) report first; inside a report, passages in document order
        return [(d, 0.0) for d, _ in
                evaluator.best(final, -dates if r.sort == "oldest" else dates, wanted)]

    def _hits(self, plan: QueryPlan, found: Matches) -> list[Hit]:
        r = self.request
        ranked = self._ranked_docnums(plan, found)[(r.page - 1) * r.per_page:]
        return [self._hit(docnum, score, plan) for docnum, score in ranked]

    def _hit(self, docnum: int, score: float, plan: QueryPlan) -> Hit:
        fields = self.searcher.stored_fields(docnum)
        report = self.g.reports.get(fields["report_id"], {})
        if fields["report_id"] not in self._places:  # a long report: once per request
            self._places[fields["report_id"]] = _places(report)
        paged, places = paginated(report), self._places[fields["report_id"]]
        passages = [PassageHit(pid, report_path(fields["report_id"], pid, self.request.query,
                                                paged),
                               fields["text"], self._snippet(plan, fields["text"]),
                               places.get(pid, ([], None))[1])
                    for pid in fields["passage_ids"]]
        return Hit(
            report_id=fields["report_id"], title=fields["title"],
            authority=report.get("authority_name") or fields["authority_label"],
            year=fields["year"],
            inspection_type=fields["inspection_type"],
            inspection_type_label=label_for(fields["inspection_type"]) or fields["inspection_type"],
            date=dated(report).iso,
            section=fields["section"], heading=fields["heading"], score=round(score, 4),
            source=fields["source"], passages=passages,
            authority_key=report.get("authority_key", ""), region=report.get("region"),
            la_urn=report.get("la_urn"), inspection_start=report.get("inspection_start"),
            inspection_end=report.get("inspection_end"), published=report.get("published"),
            date_kind=dated(report).kind,
            original_url=report.get("original_url"),
            heading_path=places.get(fields["passage_ids"][0], ([], None))[0],
            facets={f.name: fields.get(f.field) for f in FACETS})

    def _snippet(self, plan: QueryPlan, text: str) -> str:
        return plan.highlighter.snippet(text) if self.snippets else ""

    def _suggestion(self, plan: QueryPlan, total: int) -> str | None:
        if not plan.text_query or (total >= 5 and not plan.corrected):
            return None
        return self.g.speller.suggest(plan.text_query)


def _leaves(q):
    children = list(q.children())
    if not children:
        yield q
    for child in children:
        yield from _leaves(child)


def _places(report: dict) -> dict[str, tuple[list, int | None]]:
    """passage_id -> (heading path, PDF page) of every passage of a stored report."""
    return {p["passage_id"]: (s.get("path") or [], p.get("page"))
            for s in report.get("sections") or [] for p in s["passages"]}
