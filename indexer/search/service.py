"""Answer a SearchRequest from the served index generation: ranked hits, highlighted
passages, exact facet counts and a spelling suggestion.

SearchIndex opens the index once per process and reopens it when a build has swapped
the generation, so a long-running server always serves the newest complete index.
"""
from __future__ import annotations

import math
import threading
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

import numpy as np
from whoosh import index as whoosh_index
from whoosh import query as wq

from indexer.search import ranking

from indexer.index import store
from indexer.errors import BadRequest, NotFound
from indexer.search.facets import FacetTable, combine
from indexer.index.facet_registry import BY_NAME, FACETS, Known
from indexer.ingest.inspection_types import label_for
from indexer.models import FacetValue, Hit, PassageHit, Report, SearchRequest, SearchResults
from indexer.search.querying import QueryPlan, make_weighting, plan_query
from indexer.search.similar import more_like
from indexer.search.spelling import Speller


class _Generation:
    """Everything opened for one index generation."""

    def __init__(self, path: Path):
        self.path = path
        self.ix = whoosh_index.open_dir(str(path / "whoosh"))
        self.searcher = self.ix.searcher(weighting=make_weighting())
        self.table = FacetTable(self.searcher.reader())
        self.postings = ranking.Postings.open(self.searcher)  # None: Whoosh scores alone
        self.dates = self._dates()
        self.reports: dict[str, dict] = store.read_json(path / "reports.json", {})
        self.authority_labels = {r["authority_key"]: r.get("authority_name") or r["authority"]
                                 for r in self.reports.values()}
        self.known = Known(self.authority_labels)
        self.pages = {(rid, p["passage_id"]): p.get("page") for rid, r in self.reports.items()
                      for s in r["sections"] for p in s["passages"]}
        self._speller: Speller | None = None

    @property
    def speller(self) -> Speller:
        if self._speller is None:
            self._speller = Speller(store.read_json(self.path / "vocabulary.json", {}))
        return self._speller

    def _dates(self) -> np.ndarray:
        reader = self.searcher.reader()
        column = reader.column_reader("date")
        return np.array([column[i] for i in range(reader.doc_count_all())], dtype=np.int64)

    def close(self) -> None:
        self.searcher.close()
        self.ix.close()


class SearchIndex:
    def __init__(self, index_dir: str | Path):
        self.index_dir = str(index_dir)
        self._lock = threading.RLock()
        self._generation: _Generation | None = None

    def generation(self) -> _Generation:
        path = store.current_generation(self.index_dir)
        with self._lock:
            if self._generation is None or self._generation.path != path:
                old, self._generation = self._generation, _Generation(path)
                if old is not None:
                    old.close()
            return self._generation

    def search(self, request: SearchRequest) -> SearchResults:
        generation = self.generation()
        with self._lock:
            return _Search(generation, request).run()

    def report(self, report_id: str) -> Report:
        data = self.generation().reports.get(report_id)
        if data is None:
            raise NotFound(f"no report with id {report_id!r}")
        return Report.from_dict(data)

    def similar(self, report_id: str, passage_id: str, limit: int = 5) -> list[Hit]:
        """'More like this': passages in other reports most like this one (indexer.search.similar)."""
        generation = self.generation()
        with self._lock:
            ranked, plan = more_like(generation.searcher, report_id, passage_id, limit)
            search = _Search(generation, SearchRequest())
            return [search._hit(docnum, score, plan) for docnum, score in ranked]

    def matches(self, request: SearchRequest) -> Matches:
        """The mask of every passage the request matches (no ranking, no hits)."""
        generation = self.generation()
        with self._lock:
            return _Search(generation, request).matches()

    def hits(self, request: SearchRequest, docnums: list[int]) -> list[Hit]:
        """Hits for chosen index documents, highlighted for the request's query."""
        generation = self.generation()
        with self._lock:
            search = _Search(generation, request)
            plan = plan_query(request.query, generation.ix.schema, request.expand,
                              speller=generation.speller)
            return [search._hit(int(docnum), 0.0, plan) for docnum in docnums]

    def reports(self) -> list[dict]:
        """Every report's metadata (without sections), newest first."""
        rows = [{k: v for k, v in r.items() if k != "sections"}
                for r in self.generation().reports.values()]
        return sorted(rows, key=lambda r: (r.get("inspection_start") or r.get("published") or ""),
                      reverse=True)


@dataclass
class Matches:
    """What a request matched in one generation: the final passage mask and its parts,
    for pages that aggregate matches (indexer.search.trends) rather than rank them."""

    plan: QueryPlan
    selected: dict[str, list]  # facet name -> selected values
    base: np.ndarray  # live documents matching the query (boilerplate rule applied)
    masks: dict[str, np.ndarray | None]  # facet name -> its filter mask
    final: np.ndarray  # base and every filter
    table: FacetTable
    reports: dict[str, dict]  # report_id -> stored report
    generation: str  # name of the generation directory (changes with every build)


class _Search:
    def __init__(self, generation: _Generation, request: SearchRequest):
        self.g, self.request = generation, request
        self.table = generation.table
        self.scores: np.ndarray | None = None  # Whoosh's BM25F score of every match

    def matches(self) -> Matches:
        """Every passage the request matches, as a mask over index documents."""
        selected = self._validated_filters()
        plan = plan_query(self.request.query, self.g.ix.schema, self.request.expand,
                          speller=self.g.speller)
        matched = self._matching(plan.query)
        base = self.table.live & matched
        for facet in FACETS:
            hidden = facet.hidden - set(selected[facet.name])
            if hidden and not (facet.name == "section" and plan.asks_for_boilerplate):
                base &= ~self.table.mask_for(facet.name, sorted(hidden))
        masks = {name: self.table.mask_for(name, values) for name, values in selected.items()}
        final = combine(list(masks.values()), base)
        return Matches(plan, selected, base, masks, final, self.table, self.g.reports,
                       self.g.path.name)

    def run(self) -> SearchResults:
        found = self.matches()
        plan, selected, base, masks, final = (found.plan, found.selected, found.base,
                                              found.masks, found.final)
        total = int(final.sum())
        pages = max(1, math.ceil(total / self.request.per_page))
        if self.request.page > pages:
            raise BadRequest(f"page {self.request.page} is beyond the last page ({pages})")
        facets = {name: self._facet(name, selected[name],
                                    combine([m for n, m in masks.items() if n != name], base))
                  for name in masks}
        return SearchResults(
            query=self.request.query, total=total, reports=self.table.distinct_reports(final),
            page=self.request.page, per_page=self.request.per_page,
            hits=self._hits(plan, final), facets=facets,
            suggestion=self._suggestion(plan, total), expansions=plan.expansions)

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
        return {f.name: self.request.selected(f.name) for f in FACETS}

    def _matching(self, q) -> np.ndarray:
        try:
            if self.g.postings is not None:
                mask, self.scores = ranking.Evaluator(self.g.postings,
                                                      self.table.range_mask).run(q)
                return mask
        except ranking.Unsupported:
            self.scores = None  # a query shape numpy does not reproduce: Whoosh does it all
        mask = np.zeros(self.table.size, dtype=bool)
        if isinstance(q, wq.Every):
            mask[:] = True
            return mask
        docs = np.fromiter(self.g.searcher.docs_for_query(q), dtype=np.int64)
        mask[docs] = True
        return mask

    def _facet(self, name: str, selected: list, mask: np.ndarray) -> list[FacetValue]:
        facet = BY_NAME[name]
        counts = dict(self.table.counts(name, mask))
        for value in selected:
            counts.setdefault(value, 0)
        rows = [FacetValue(str(value), facet.label(value, self.g.known), count, value in selected)
                for value, count in counts.items()]
        if facet.order == "value":
            return sorted(rows, key=lambda f: f.value, reverse=True)
        return sorted(rows, key=lambda f: (-f.count, f.label.lower()))

    def _ranked_docnums(self, plan: QueryPlan, final: np.ndarray) -> list[tuple[int, float]]:
        r = self.request
        wanted = r.page * r.per_page
        if not final.any():
            return []
        if r.sort == "relevance" and self.scores is not None \
                and not isinstance(plan.query, wq.Every):
            return ranking.top(self.scores, np.nonzero(final)[0], wanted)
        if r.sort == "relevance" and not isinstance(plan.query, wq.Every):
            allowed = set(np.nonzero(final)[0].tolist())
            results = self.g.searcher.search(plan.query, filter=allowed, limit=wanted)
            return [(hit.docnum, float(hit.score)) for hit in results]
        docnums = np.nonzero(final)[0]
        dates = self.g.dates[docnums]
        # newest (or oldest) report first; inside a report, passages in document order
        order = np.lexsort((docnums, dates if r.sort == "oldest" else -dates))
        return [(int(d), 0.0) for d in docnums[order[:wanted]]]

    def _hits(self, plan: QueryPlan, final: np.ndarray) -> list[Hit]:
        r = self.request
        ranked = self._ranked_docnums(plan, final)[(r.page - 1) * r.per_page:]
        return [self._hit(docnum, score, plan) for docnum, score in ranked]

    def _hit(self, docnum: int, score: float, plan: QueryPlan) -> Hit:
        fields = self.g.searcher.stored_fields(docnum)
        report = self.g.reports.get(fields["report_id"], {})
        passages = [PassageHit(pid, passage_url(fields["report_id"], pid, self.request.query),
                               fields["text"], plan.highlighter.snippet(fields["text"]),
                               self.g.pages.get((fields["report_id"], pid)))
                    for pid in fields["passage_ids"]]
        return Hit(
            report_id=fields["report_id"], title=fields["title"],
            authority=report.get("authority_name") or fields["authority_label"],
            year=fields["year"],
            inspection_type=fields["inspection_type"],
            inspection_type_label=label_for(fields["inspection_type"]) or fields["inspection_type"],
            date=report.get("inspection_start") or report.get("published"),
            section=fields["section"], heading=fields["heading"], score=round(score, 4),
            source=fields["source"], passages=passages,
            authority_key=report.get("authority_key", ""), region=report.get("region"),
            la_urn=report.get("la_urn"), inspection_start=report.get("inspection_start"),
            inspection_end=report.get("inspection_end"), published=report.get("published"),
            date_kind="inspection" if report.get("inspection_start")
            else "published" if report.get("published") else None,
            original_url=report.get("original_url"),
            facets={f.name: fields.get(f.field) for f in FACETS})

    def _suggestion(self, plan: QueryPlan, total: int) -> str | None:
        if not plan.text_query or (total >= 5 and not plan.corrected):
            return None
        return self.g.speller.suggest(plan.text_query)


def passage_url(report_id: str, passage_id: str, query: str = "") -> str:
    suffix = "?" + urlencode({"q": query}) if query else ""
    return f"/reports/{report_id}{suffix}#{passage_id}"
