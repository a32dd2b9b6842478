"""Answer a SearchRequest from the served index generation: ranked hits, highlighted
passages, exact facet counts and a spelling suggestion.

SearchIndex opens the index once per process (indexer.search.generations) and reopens it
when a build has swapped the generation, so a long-running server always serves the
newest complete index; each search runs under a deadline (indexer.search.query_cost).
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from indexer.errors import IndexMissing, NotFound, PageTooCostly
from indexer.index import store
from indexer.models import Hit, Report, SearchRequest, SearchResults, dated
from indexer.search.answer import Answer
from indexer.search.matches import Matches
from indexer.search.query_cost import DEADLINE_SECONDS, Deadline
from indexer.search.generations import OPEN_ATTEMPTS, Generation, Reader, Served, Vanished
from indexer.search.highlight import Highlighter
from indexer.search.hits import HitMaker
from indexer.search.querying import plan_query
from indexer.search.ranking import RANKING, Ranking
from indexer.search.similar import more_like, weighted_terms

__all__ = ["SearchIndex", "Matches"]


def _similar_stopped(seconds: float) -> PageTooCostly:
    return PageTooCostly(f"Finding similar passages took longer than {seconds:g} s and was "
                         "stopped: try again later")


class SearchIndex:
    """The served index of one directory, safe to share between threads: each request
    leases the current generation (a build's swap retires it; the last request closes it)
    and checks out its own searcher, so no request waits for another's search."""

    def __init__(self, index_dir: str | Path, deadline: float | None = DEADLINE_SECONDS,
                 fast_path: bool = True, ranking: Ranking = RANKING):
        self.index_dir = str(index_dir)
        self.deadline = deadline  # seconds one search may take (None: no limit)
        self.fast_path = fast_path  # False: Whoosh's matchers answer (OFSTED_FAST_PATH=0)
        self.ranking = ranking  # every weight of ranking (indexer.search.ranking)
        self._served = Served(self.index_dir, ranking)
        self._lease = self._served.lease

    def generation(self) -> Generation:
        """The current generation (for benchmarks and tools; requests use _lease)."""
        with self._lease() as generation:
            return generation

    def stamp(self) -> tuple[str, float]:
        """(the served generation's name, its modification time): both change with every
        build that changes the index, and only then (feeds use them as validators)."""
        path = store.current_generation(self.index_dir)
        return path.name, store.reports_file(path).stat().st_mtime

    def search(self, request: SearchRequest, snippets: bool = True,
               check=None) -> SearchResults:
        """Ranked hits for the request (never changed: normalising it makes a new one).
        snippets=False leaves every passage's snippet_html empty (exports carry the plain
        text and need no highlighting, the costliest part of a hit:
        docs/decisions/0023-exports-without-snippets.md). `check` is called now and then
        while hits are made (an export's deadline: it raises to stop)."""
        for attempt in range(OPEN_ATTEMPTS):
            try:
                with self._lease() as generation, generation.checkout() as reader:
                    search = self._search(generation, reader, request)
                    search.snippets = snippets
                    search.check = check or search.check
                    return search.run()
            except Vanished:  # pruned while this request opened a searcher: ask again
                if attempt == OPEN_ATTEMPTS - 1:
                    raise IndexMissing("the index changed during the search: try again")
        raise AssertionError("unreachable")

    def _search(self, generation: Generation, reader: Reader,
                request: SearchRequest) -> "Answer":
        return Answer(generation, reader, request, Deadline(self.deadline), self.fast_path)

    def report(self, report_id: str) -> Report:
        with self._lease() as generation:
            data = generation.reports.get(report_id)
        if data is None:
            raise NotFound(f"no report with id {report_id!r}")
        return Report.from_dict(data)

    def record(self, report_id: str) -> dict:
        """One report as stored (a dict, sections included; read it, never change it)."""
        data = self.generation().reports.get(report_id)
        if data is None:
            raise NotFound(f"no report with id {report_id!r}")
        return data

    def similar(self, report_id: str, passage_id: str, limit: int = 5) -> list[Hit]:
        """'More like this': passages in other reports most like this one
        (indexer.search.similar), under the search's deadline (past it: PageTooCostly)."""
        deadline = Deadline(self.deadline, stop=_similar_stopped)
        with self._lease() as generation, generation.checkout() as reader:
            ranked, plan = more_like(reader.searcher, report_id, passage_id, limit,
                                     deadline.check)
            maker = HitMaker(generation, reader.searcher)
            hits = []
            for docnum, score in ranked:
                deadline.check()
                hits.append(maker.hit(docnum, score, plan, ""))
            return hits

    def matches(self, request: SearchRequest) -> Matches:
        """The mask of every passage the request matches (no ranking, no hits)."""
        with self._lease() as generation, generation.checkout() as reader:
            return self._search(generation, reader, request).matches()

    def matched_passages(self, request: SearchRequest) -> tuple[Matches, list[tuple[str, str]]]:
        """What the request matches, and (report_id, passage_id) of every final match
        (from the generation's chunk-id column, indexer.index.columns; no ranking, no
        highlighting)."""
        with self._lease() as generation, generation.checkout() as reader:
            found = self._search(generation, reader, request).matches()
            return found, passage_keys(generation, reader, found.final_ids)

    def generation_path(self) -> Path:
        """The directory of the served generation (answers keep files beside it)."""
        return store.current_generation(self.index_dir)

    def hits(self, request: SearchRequest, docnums: list[int]) -> list[Hit]:
        """Hits for chosen index documents, highlighted for the request's query."""
        with self._lease() as generation, generation.checkout() as reader:
            plan = plan_query(request.query, generation.schema, request.expand,
                              speller=generation.speller, ranking=self.ranking)
            maker = HitMaker(generation, reader.searcher)
            return [maker.hit(int(docnum), 0.0, plan, request.query) for docnum in docnums]

    def highlighter(self, query: str, expand: bool = True) -> Highlighter:
        """What to mark for `query` (report pages mark the words the search matched)."""
        with self._lease() as generation:
            return plan_query(query, generation.schema, expand, speller=generation.speller,
                              ranking=self.ranking).highlighter

    def records(self) -> dict[str, dict]:
        """Every stored report by id (sections included; read them, never change them)."""
        return self.generation().reports

    def weighted_terms(self, text: str) -> list[tuple[float, str]]:
        """A text's most telling index terms with their weights (indexer.search.similar)."""
        with self._lease() as generation, generation.checkout() as reader:
            return weighted_terms(reader.searcher, text)

    def passage_terms(self, report_ids: list[str], terms: set[str]) -> dict[tuple, set[str]]:
        """(report_id, passage_id) -> which of `terms` (analysed text-field terms) the
        passage holds, for the passages of the given reports, read from the postings."""
        with self._lease() as generation, generation.checkout() as pooled:
            table, reader = generation.table, pooled.searcher.reader()
            codes = [c for c in (table.report.code_of(r) for r in report_ids) if c is not None]
            wanted = np.isin(table.report.codes, codes) & table.live
            held: dict[int, set[str]] = {}
            for term in terms:
                for docnum in np.nonzero(wanted & self._docs_with(pooled, reader, term))[0]:
                    held.setdefault(int(docnum), set()).add(term)
            return self._by_passage(pooled, held, wanted)

    @staticmethod
    def _docs_with(pooled: Reader, reader, term: str) -> np.ndarray:
        """A boolean mask of the documents whose text holds the term."""
        mask = np.zeros(reader.doc_count_all(), dtype=bool)
        if pooled.postings is not None:
            docnums = pooled.postings.term("text", term.encode("utf-8"))[0]
        elif ("text", term) in reader:
            docnums = np.fromiter(reader.postings("text", term).all_ids(), dtype=np.int64)
        else:
            docnums = np.zeros(0, dtype=np.int64)
        mask[docnums] = True
        return mask

    @staticmethod
    def _by_passage(pooled: Reader, held: dict, wanted: np.ndarray) -> dict:
        found = {}
        for docnum in np.nonzero(wanted)[0].tolist():
            fields = pooled.searcher.stored_fields(docnum)
            for passage_id in fields["passage_ids"]:
                found[(fields["report_id"], passage_id)] = held.get(docnum, set())
        return found

    def reports(self) -> list[dict]:
        """Every report's metadata (without sections), newest first."""
        with self._lease() as generation:
            rows = generation.reports.metas()
        return sorted(rows, key=lambda r: dated(r).sort_key, reverse=True)


def passage_keys(generation: Generation, reader: Reader, docnums: np.ndarray) -> list[tuple]:
    """(report_id, passage_id) of each document: from the generation's chunk-id column, or
    read from its stored fields (a generation built before the column)."""
    if generation.passages is not None and len(generation.passages) == len(generation.dates):
        return [tuple(key.decode("utf-8").split("/", 1))
                for key in generation.passages[np.asarray(docnums, dtype=np.int64)]]
    stored = reader.searcher.stored_fields
    return [tuple(stored(int(doc))["chunk_id"].split("/", 1)) for doc in docnums.tolist()]
