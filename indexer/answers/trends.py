"""Trends: per year, how many reports the index holds, how many have at least one passage
matching a search, their share with its Wilson 95% interval, and the matching passages
(docs/decisions/0011-trends.md, 0034-honest-numbers.md).

The denominator is every report of that year that passes the report-level filters (year,
authority, inspection type, framework, judgement: every facet with one value per report);
the section filter and the query narrow only the numerator. `by="type"` splits each year
by inspection-type family (FAMILIES), because a full inspection runs to 40 pages and a
focused visit to 6: the mix changes the share. `year_basis` places a report in the year of
its inspection (the default) or of its publication; every year from the first to the last
is listed, and a year without reports has no share (None), never 0%.
"""
from __future__ import annotations

from collections import Counter

import numpy as np

from indexer.index.facet_registry import FACETS
from indexer.domain import inspection_types as types
from indexer.search.matches import Matches
from indexer.answers.intervals import share_fields
from indexer.answers.wording import phrase_request, wording

REPORT_FILTERS = tuple(f.name for f in FACETS if f.per_report)  # not section
BY_VALUES = ("", "type")
YEAR_BASES = ("inspection", "published")  # the first is the default
# by=type splits by inspection framework: the families of inspection types defined once in
# indexer.domain.inspection_types.FRAMEWORKS (the `framework` facet reads the same table).
FAMILIES = {f.key: (f.label, f.types) for f in types.FRAMEWORKS}


def family_of(inspection_type: str) -> str:
    return types.framework_of(inspection_type)


def _row(year: int, reports: int, matching: int, passages: int) -> dict:
    return {"year": year, "reports": reports, "matching_reports": matching,
            **share_fields(matching, reports), "passages": passages}


def report_years(found: Matches, year_basis: str = "inspection") -> np.ndarray:
    """The year of each report code: its inspection year (the year column), or with
    year_basis="published" the year of its publication date when one is stated."""
    table = found.table
    column = table.columns["year"]
    values = np.array([int(v or 0) for v in column.values], dtype=np.int32)
    years = np.zeros(len(table.report.values), dtype=np.int32)
    years[table.report.codes] = values[column.codes]
    if year_basis == "published":
        published = found.reports.column("published")
        for code, report_id in enumerate(table.report.values):
            day = published.get(report_id) or ""
            if day[:4].isdigit():
                years[code] = int(day[:4])
    return years


class _Counter:
    """Counts over one Matches: reports and passages per (year, group) for a mask."""

    def __init__(self, found: Matches, by: str, year_basis: str):
        table = found.table
        self.report_codes = table.report.codes
        self.report_year = report_years(found, year_basis)  # year of each report code
        kinds = found.reports.column("inspection_type") if by == "type" else {}
        self.report_group = np.array(
            [family_of(kinds.get(rid) or "other") if by == "type" else ""
             for rid in table.report.values], dtype=object)

    def _keys(self, codes: np.ndarray) -> Counter:
        return Counter(zip(self.report_year[codes].tolist(), self.report_group[codes].tolist()))

    def reports(self, mask: np.ndarray) -> Counter:
        return self._keys(np.unique(self.report_codes[mask]))

    def passages(self, mask: np.ndarray) -> Counter:
        return self._keys(self.report_codes[np.nonzero(mask)[0]])


def in_scope(found: Matches) -> np.ndarray:
    """Live passages of reports that pass the report-level filters (the denominator)."""
    scope = found.table.live.copy()
    for name, mask in found.masks.items():
        if mask is not None and name in REPORT_FILTERS:
            scope &= mask
    return scope


def trends(found: Matches, query: str = "", by: str = "",
           year_basis: str = "inspection") -> dict:
    """{"query", "years": [{"year", "reports", "matching_reports", "share", "share_low",
    "share_high", "small_sample", "passages"}], "by", "year_basis", "coverage"}; with
    by="type" each year also has "groups" (one row per family that has reports)."""
    counter = _Counter(found, by, year_basis)
    total = counter.reports(in_scope(found))
    matching = counter.reports(found.final)
    passages = counter.passages(found.final)
    present = sorted({year for year, _ in total})
    years = list(range(present[0], present[-1] + 1)) if present else []
    rows = []
    for year in years:
        keys = [key for key in total if key[0] == year]
        row = _row(year, sum(total[k] for k in keys), sum(matching[k] for k in keys),
                   sum(passages[k] for k in keys))
        if by == "type":
            row["groups"] = [{"group": family, "label": FAMILIES[family][0],
                              **_row(year, total[(year, family)], matching[(year, family)],
                                     passages[(year, family)])}
                             for family in FAMILIES if (year, family) in total]
            for group in row["groups"]:
                del group["year"]
        rows.append(row)
    return {"query": query, "years": rows, "by": by or None, "year_basis": year_basis,
            "coverage": coverage(rows)}


def coverage(rows: list[dict]) -> dict:
    """How much the figures describe: reports in scope, first and last year."""
    held = [r for r in rows if r["reports"]]
    return {"reports": sum(r["reports"] for r in rows),
            "first_year": held[0]["year"] if held else None,
            "last_year": held[-1]["year"] if held else None}


def coverage_sentence(cover: dict) -> str:
    if not cover["reports"]:
        return "The index holds no reports that pass these filters."
    span = (str(cover["first_year"]) if cover["first_year"] == cover["last_year"]
            else f"{cover['first_year']} to {cover['last_year']}")
    noun = "report" if cover["reports"] == 1 else "reports"
    return (f"The index holds {cover['reports']:,} {noun} from {span} that pass these filters; "
            "these figures describe them, not everything Ofsted has published.")


def year_basis_sentence(year_basis: str) -> str:
    if year_basis == "published":
        return ("Each report is counted in the year it was published (its inspection year "
                "when no publication date is stated). Year filters still select by "
                "inspection year.")
    return ("Each report is counted in the year of its inspection (the default; the "
            "publication year when no inspection date is stated).")


def trend_answer(index, request, by: str = "", year_basis: str = "inspection") -> dict:
    """trends() of a request against a SearchIndex, with how its words were read: the
    expansions, `match` ("most": no passage had every word), and for unquoted words
    `unquoted_words: true` and `phrase_query`, the same figures for the exact phrase."""
    found = index.matches(request)
    data = trends(found, request.query, by, year_basis)
    data.update(wording(found, request.query), match=found.match, phrase_query=None)
    phrase = phrase_request(request)
    if phrase is not None:
        data["phrase_query"] = phrase_figures(
            trends(index.matches(phrase), phrase.query, "", year_basis))
    return data


def phrase_figures(data: dict) -> dict:
    """The phrase's totals and per-year figures (no groups)."""
    return {"query": data["query"],
            "matching_reports": sum(y["matching_reports"] for y in data["years"]),
            "passages": sum(y["passages"] for y in data["years"]),
            "years": [{k: y[k] for k in ("year", "reports", "matching_reports", "share",
                                          "share_low", "share_high", "small_sample",
                                          "passages")} for y in data["years"]]}
