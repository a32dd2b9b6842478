"""Hits: one ranked index document as the results show it (a Hit with its PassageHits:
links to the passages, highlighted snippets, where each passage stands in its report).
"""
from __future__ import annotations

import numpy as np

from indexer.domain.inspection_types import label_for
from indexer.index.facet_registry import FACETS
from indexer.models import Hit, PassageHit, dated
from indexer.search import hybrid
from indexer.search.highlight import snippet_of
from indexer.search.links import paginated, report_path
from indexer.search.querying import QueryPlan


class HitMaker:
    """Builds the hits of one request (not thread-safe: build one per request)."""

    def __init__(self, generation, searcher, snippets: bool = True, found=None):
        self.g, self.searcher = generation, searcher
        # hybrid: (matched ids, how each was found) and the query's vector (Matches)
        self.how = (found.selection.ids, found.how) if getattr(found, "how", None) is not None \
            else None
        self.vector = getattr(found, "query_vector", None)
        request = getattr(found, "request", None)  # links say mode=words when it was asked
        self.mode = request.mode if request is not None else ""
        self.snippets = snippets  # False: hits without highlighted snippets (exports)
        self._places: dict[str, dict] = {}  # report_id -> places_of() of the hits' reports

    def hit(self, docnum: int, score: float, plan: QueryPlan, query: str) -> Hit:
        """The hit of one index document; `query` goes into its passages' links."""
        fields = self.searcher.stored_fields(docnum)
        report = self.g.reports.get(fields["report_id"], {})
        if fields["report_id"] not in self._places:  # a long report: once per request
            self._places[fields["report_id"]] = places_of(report)
        paged, places = paginated(report), self._places[fields["report_id"]]
        how = self._matched(docnum)
        passages = [PassageHit(pid, report_path(fields["report_id"], pid, query, paged,
                                           self.mode),
                               fields["text"], self._snippet(plan, fields["text"], how),
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
            facets={f.name: fields.get(f.field) for f in FACETS}, matched=how)

    def _matched(self, docnum: int) -> str:
        """"words", "meaning" or "both": how a hybrid search found the document."""
        if self.how is None:
            return "words"
        ids, how = self.how
        at = int(np.searchsorted(ids, docnum))
        return hybrid.MATCHED[int(how[at])] if at < ids.size and ids[at] == docnum else "words"

    def _snippet(self, plan: QueryPlan, text: str, how: str = "words") -> str:
        """The highlighted passage; found by meaning alone: its closest sentence marked."""
        if not self.snippets:
            return ""
        if how == "meaning" and self.vector is not None:
            span = hybrid.closest_sentence(text, self.vector)
            return snippet_of(text, [span] if span else [])
        return plan.highlighter.snippet(text)


def places_of(report: dict) -> dict[str, tuple[list, int | None]]:
    """passage_id -> (heading path, PDF page) of every passage of a stored report."""
    return {p["passage_id"]: (s.get("path") or [], p.get("page"))
            for s in report.get("sections") or [] for p in s["passages"]}
