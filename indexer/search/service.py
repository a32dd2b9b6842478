"""Answer a SearchRequest from the served index generation: ranked hits, highlighted
passages, exact facet counts and a spelling suggestion.

SearchIndex opens the index once per process and reopens it when a build has swapped
the generation, so a long-running server always serves the newest complete index.
"""
from __future__ import annotations

import math
import threading
from pathlib import Path
from urllib.parse import urlencode

import numpy as np
from whoosh import index as whoosh_index
from whoosh import query as wq

from indexer.search import ranking

from indexer.index import store
from indexer.errors import BadRequest, NotFound
from indexer.search.facets import FacetTable, combine
from indexer.ingest.inspection_types import INSPECTION_TYPES, label_for
from indexer.models import FacetValue, Hit, PassageHit, Report, SearchRequest, SearchResults
from indexer.search.query_checks import nearest
from indexer.search.querying import QueryPlan, make_weighting, plan_query
from indexer.search.similar import more_like
from indexer.search.spelling import Speller
from indexer.ingest.taxonomy import HIDDEN_BY_DEFAULT, SECTION_KEYS, SECTION_LABELS


TYPE_KEYS = frozenset(t.key for t in INSPECTION_TYPES)


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
        self.authority_labels = {r["authority_key"]: r["authority"] for r in self.reports.values()}
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

    def reports(self) -> list[dict]:
        """Every report's metadata (without sections), newest first."""
        rows = [{k: v for k, v in r.items() if k != "sections"}
                for r in self.generation().reports.values()]
        return sorted(rows, key=lambda r: (r.get("inspection_start") or r.get("published") or ""),
                      reverse=True)


class _Search:
    def __init__(self, generation: _Generation, request: SearchRequest):
        self.g, self.request = generation, request
        self.table = generation.table
        self.scores: np.ndarray | None = None  # Whoosh's BM25F score of every match

    def run(self) -> SearchResults:
        selected = self._validated_filters()
        plan = plan_query(self.request.query, self.g.ix.schema, self.request.expand,
                          speller=self.g.speller)
        self._check_query_values(plan.query)
        matched = self._matching(plan.query)
        base = self.table.live & matched
        if not set(selected["section"]) & HIDDEN_BY_DEFAULT and not plan.asks_for_boilerplate:
            base &= ~self.table.mask_for("section", sorted(HIDDEN_BY_DEFAULT))
        masks = {name: self.table.mask_for(name, values) for name, values in selected.items()}
        final = combine(list(masks.values()), base)
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
        r, errors = self.request, []
        known_authorities = set(self.table.columns["authority"].values)
        for value in r.authorities:
            if value not in known_authorities:
                errors.append(f"unknown authority {value[:60]!r}")
        for value in r.sections:
            if value not in SECTION_KEYS:
                errors.append(f"unknown section {value[:60]!r} (known: {', '.join(SECTION_KEYS)})")
        for value in r.types:
            if value not in TYPE_KEYS:
                errors.append(f"unknown inspection type {value[:60]!r}")
        known_judgements = set(self.table.columns["judgement"].values)
        for value in r.judgements:
            if value not in known_judgements:
                errors.append(f"unknown judgement {value[:60]!r}")
        if errors:
            raise BadRequest("; ".join(errors))
        years = list(r.years) + [y for y in sorted(self.table.columns["year"].values)
                                 if any(lo <= y <= hi for lo, hi in r.year_ranges)
                                 and y not in r.years]
        if r.year_ranges and not years:
            years = [r.year_ranges[0][0]]  # no report in the range: a selected year with 0
        return {"year": years, "authority": list(r.authorities),
                "inspection_type": list(r.types), "section": list(r.sections),
                "judgement": list(r.judgements)}

    def _check_query_values(self, q) -> None:
        """authority: and judgement: values typed in the query must be in the index."""
        problems = []
        for leaf in _leaves(q):
            if not isinstance(leaf, wq.Term) or leaf.fieldname not in ("authority", "judgement"):
                continue
            known = [str(v) for v in self.table.columns[leaf.fieldname].values]
            if leaf.text not in known:
                near = nearest(leaf.text, known)
                hint = f" (did you mean {' or '.join(near)}?)" if near else ""
                problems.append(f"no {leaf.fieldname} {leaf.text[:60]!r} in the index{hint}")
        if problems:
            raise BadRequest("; ".join(dict.fromkeys(problems)))

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
        counts = dict(self.table.counts(name, mask))
        for value in selected:
            counts.setdefault(value, 0)
        rows = [FacetValue(str(value), self._label(name, value), count, value in selected)
                for value, count in counts.items()]
        if name == "year":
            return sorted(rows, key=lambda f: f.value, reverse=True)
        return sorted(rows, key=lambda f: (-f.count, f.label.lower()))

    def _label(self, name: str, value) -> str:
        if name == "authority":
            return self.g.authority_labels.get(value, str(value))
        if name == "inspection_type":
            return label_for(value) or str(value)
        if name == "section":
            return SECTION_LABELS.get(value, str(value))
        if name == "judgement":
            return "Not graded" if value == "none" else str(value).capitalize()
        return str(value)

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
                               fields["text"], plan.highlighter.snippet(fields["text"]))
                    for pid in fields["passage_ids"]]
        return Hit(
            report_id=fields["report_id"], title=fields["title"],
            authority=fields["authority_label"], year=fields["year"],
            inspection_type=fields["inspection_type"],
            inspection_type_label=label_for(fields["inspection_type"]) or fields["inspection_type"],
            date=report.get("inspection_start") or report.get("published"),
            section=fields["section"], heading=fields["heading"], score=round(score, 4),
            source=fields["source"], passages=passages)

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


def passage_url(report_id: str, passage_id: str, query: str = "") -> str:
    suffix = "?" + urlencode({"q": query}) if query else ""
    return f"/reports/{report_id}{suffix}#{passage_id}"
