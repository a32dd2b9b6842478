"""Facet counts, filters and report counts of one request in one pass over its matches.

Every document of a generation falls in a *cell*: its combination of facet values, report
and liveness (at a million passages about a hundred thousand cells, since every facet but
the section is one value a report). `Cells` numbers them once per generation when it opens
(one `np.unique`; 8 bytes a document, private to the worker). A request then gathers the
cell of each matching document and counts them (one `bincount`); everything the answer
needs is computed on the few cells that hold a match, not on per-document masks:

- the base rule (live documents, hidden values such as boilerplate left out unless
  selected) and every filter are properties of a cell;
- facet counts follow decision 0005: a value's count is the matches that pass every
  *other* facet's filter (the same counts FacetTable.counts gives over dense masks);
- the final matches are the documents whose cell passes everything, in docnum order.

So a request costs a gather and a bincount over its matches plus work on its cells,
instead of about ten passes over a million-element mask
(docs/decisions/0030-sparse-search.md).
"""
from __future__ import annotations

import numpy as np

from indexer.index.facet_registry import BY_NAME, FACETS
from indexer.index.facet_table import FacetTable
from indexer.models import FacetValue


class Cells:
    """The cell of every document of one generation's facet table, and each cell's codes."""

    def __init__(self, table: FacetTable):
        names = [f.name for f in FACETS]
        parts = [table.columns[n].codes for n in names] + [table.report.codes, table.live]
        radix = [len(table.columns[n].values) for n in names] + [len(table.report.values), 2]
        _, first, cell = np.unique(_keys(parts, radix), return_index=True, return_inverse=True)
        self.size = first.size
        self.of_doc = cell.astype(np.intp).reshape(-1)  # intp: bincount takes it as it is
        self.codes = {n: np.asarray(table.columns[n].codes)[first] for n in names}
        self.report = np.asarray(table.report.codes)[first]
        self.live = np.asarray(table.live)[first]
        self.values = {n: table.columns[n].values for n in names}
        self.reports = len(table.report.values)
        self.by_report = _by_report(self)

    def allowed(self, name: str, selected: list) -> np.ndarray:
        """Per value code of one facet: is it one of the selected values?"""
        values = self.values[name]
        allowed = np.zeros(len(values), bool)
        for value in selected:
            if value in values:
                allowed[values.index(value)] = True
        return allowed


def _by_report(cells: Cells) -> dict[str, np.ndarray]:
    """Facet name -> the value code of each report, for the facets of one value a report
    (Facet.per_report) whose live cells agree on it (a report's passages are live in one
    version only); -1 for a report without live cells. Their counts are then tallied per
    report first (Selection.counts): a few thousand reports, not every cell."""
    live = np.flatnonzero(cells.live)
    reports = cells.report[live]
    found = {}
    for facet in FACETS:
        if facet.per_report:
            codes = cells.codes[facet.name][live]
            per = np.full(cells.reports, -1, np.int64)
            per[reports] = codes
            if np.array_equal(per[reports], codes):
                found[facet.name] = per
    return found


def _keys(parts: list[np.ndarray], radix: list[int]) -> np.ndarray:
    """One int64 per document naming its combination of codes (compacted with np.unique
    whenever the next column would overflow)."""
    key, bound = np.zeros(parts[0].size, np.int64), 1
    for codes, n in zip(parts, radix):
        if bound * n >= 2**62:
            _, key = np.unique(key, return_inverse=True)
            key, bound = key.reshape(-1).astype(np.int64), int(key.max()) + 1
        key = key * n + np.asarray(codes, np.int64)
        bound *= n
    return key


class Selection:
    """One request's matches under its filters: counts and the final documents.

    `ids`: the documents the query matches (ascending docnums, live or not);
    `selected`: facet name -> selected values; `hidden`: facet name -> values left out
    unless selected (already without the selected ones and any the query asks for)."""

    def __init__(self, cells: Cells, ids: np.ndarray, selected: dict[str, list],
                 hidden: dict[str, list]):
        self.cells, self.ids, self.selected = cells, ids, selected
        of_match = cells.of_doc[ids]
        per_cell = np.bincount(of_match, minlength=cells.size)
        self.held = np.flatnonzero(per_cell)  # cells holding a match
        self.count = per_cell[self.held]  # matches in each
        base = cells.live[self.held].copy()
        for name, values in hidden.items():
            if values:
                base &= ~cells.allowed(name, values)[cells.codes[name][self.held]]
        self.base = base
        self.passes = {name: cells.allowed(name, values)[cells.codes[name][self.held]]
                       for name, values in selected.items() if values}
        final = base.copy()
        for passes in self.passes.values():
            final &= passes
        self.final = final
        self._keep = None  # per match: does it stay? (None: every match does)
        if not final.all():
            keep = np.zeros(cells.size, bool)
            keep[self.held[final]] = True
            self._keep = keep[of_match]
        self._final_cells: tuple[np.ndarray, np.ndarray] | None = None
        self._final_reports: tuple | None = None  # the final matches per report

    @property
    def total(self) -> int:
        return int(self.count[self.final].sum())

    def final_positions(self) -> np.ndarray:
        """Positions in `ids` of the documents that pass everything."""
        return np.arange(self.ids.size) if self._keep is None else np.flatnonzero(self._keep)

    def reports(self) -> int:
        """How many distinct reports the final documents come from."""
        codes = self.cells.report[self.held[self.final]]
        if codes.size == 0:
            return 0
        seen = np.zeros(self.cells.reports, bool)
        seen[codes] = True
        return int(np.count_nonzero(seen))

    def counts(self, name: str) -> list[tuple[object, int]]:
        """(value, passages) of one facet: matches passing every other facet's filter
        (values with no match, and the None value, left out), in code order."""
        per_report, per_cell = self.cells.by_report.get(name), None
        if name in self.passes:
            ok = self.base.copy()
            for other, passes in self.passes.items():
                if other != name:
                    ok &= passes
            cells, count = self.held[ok], self.count[ok]
            if per_report is not None:
                per_cell = self._per_report(cells, count)
        else:  # no filter of its own: the final matches (shared by every such facet)
            if self._final_cells is None:
                self._final_cells = self.held[self.final], self.count[self.final]
            cells, count = self._final_cells
            if per_report is not None:
                if self._final_reports is None:
                    self._final_reports = self._per_report(cells, count)
                per_cell = self._final_reports
        values = self.cells.values[name]
        if per_cell is not None:  # one value a report: counted per report first
            reports, weights = per_cell
            tally = np.bincount(per_report[reports], weights=weights, minlength=len(values))
        else:
            tally = np.bincount(self.cells.codes[name][cells], weights=count,
                                minlength=len(values))
        return [(values[i], int(tally[i])) for i in np.flatnonzero(tally)
                if values[i] is not None]

    def _per_report(self, cells: np.ndarray, count: np.ndarray
                    ) -> tuple[np.ndarray, np.ndarray]:
        """(the reports holding matches of `cells`, the matches in each: `count` summed)."""
        tally = np.bincount(self.cells.report[cells], weights=count,
                            minlength=self.cells.reports)
        reports = np.flatnonzero(tally)
        return reports, tally[reports]


def hidden_values(selected: dict, asks_for_boilerplate: bool) -> dict[str, list]:
    """Facet name -> its values left out of the results: a facet's hidden values
    (boilerplate) unless selected, or, for the section, asked for in the query."""
    hidden = {}
    for facet in FACETS:
        values = facet.hidden - set(selected[facet.name])
        if values and not (facet.name == "section" and asks_for_boilerplate):
            hidden[facet.name] = sorted(values)
    return hidden


def facet_values(name: str, selected: list, selection: "Selection", known) -> list[FacetValue]:
    """One facet's values with their counts under `selection`, the selected ones always
    shown (with 0 if nothing matches them), in the facet's order."""
    facet = BY_NAME[name]
    counts = dict(selection.counts(name))
    for value in selected:
        counts.setdefault(value, 0)
    rows = [FacetValue(str(value), facet.label(value, known), count, value in selected)
            for value, count in counts.items()]
    if facet.order == "value":
        return sorted(rows, key=lambda f: f.value, reverse=True)
    return sorted(rows, key=lambda f: (-f.count, f.label.lower()))
