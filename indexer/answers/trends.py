"""Trends: per year, how many reports the index holds, how many have at least one passage
matching a search, their share, and the matching passages (docs/decisions/0011-trends.md).

The denominator is every report of that year that passes the report-level filters (year,
authority, inspection type, framework, judgement: every facet with one value per report);
the section filter and the query narrow only the numerator. `by="type"` splits each year
by inspection-type family (FAMILIES), because a full inspection runs to 40 pages and a
focused visit to 6: the mix changes the share.
"""
from __future__ import annotations

import numpy as np

from indexer.index.facet_registry import FACETS
from indexer.domain import inspection_types as types
from indexer.search.answer import Matches

REPORT_FILTERS = tuple(f.name for f in FACETS if f.per_report)  # not section
BY_VALUES = ("", "type")
# by=type splits by inspection framework: the families of inspection types defined once in
# indexer.domain.inspection_types.FRAMEWORKS (the `framework` facet reads the same table).
FAMILIES = {f.key: (f.label, f.types) for f in types.FRAMEWORKS}


def family_of(inspection_type: str) -> str:
    return types.framework_of(inspection_type)


def _share(matching: int, reports: int) -> float:
    return round(100.0 * matching / reports, 1) if reports else 0.0


def _row(year: int, reports: int, matching: int, passages: int) -> dict:
    return {"year": year, "reports": reports, "matching_reports": matching,
            "share": _share(matching, reports), "passages": passages}


class _Counter:
    """Counts over one Matches: reports and passages per (year, group) for a mask."""

    def __init__(self, found: Matches, by: str):
        table = found.table
        self.found = found
        self.year_values = table.columns["year"].values
        self.report_codes = table.report.codes
        report_year = np.zeros(len(table.report.values), dtype=np.int32)
        report_year[self.report_codes] = table.columns["year"].codes
        self.report_year = report_year  # year code of each report code
        types = found.reports.column("inspection_type") if by == "type" else {}
        self.report_group = np.array(
            [family_of(types.get(rid) or "other") if by == "type" else ""
             for rid in table.report.values], dtype=object)

    def reports(self, mask: np.ndarray) -> dict[tuple[int, str], int]:
        codes = np.unique(self.report_codes[mask])
        counts: dict[tuple[int, str], int] = {}
        for code in codes.tolist():
            key = (int(self.year_values[self.report_year[code]]), self.report_group[code])
            counts[key] = counts.get(key, 0) + 1
        return counts

    def passages(self, mask: np.ndarray) -> dict[tuple[int, str], int]:
        docs = np.nonzero(mask)[0]
        counts: dict[tuple[int, str], int] = {}
        years = self.found.table.columns["year"].codes[docs]
        groups = self.report_group[self.report_codes[docs]]
        for year_code, group in zip(years.tolist(), groups.tolist()):
            key = (int(self.year_values[year_code]), group)
            counts[key] = counts.get(key, 0) + 1
        return counts


def trends(found: Matches, query: str = "", by: str = "") -> dict:
    """{"query", "years": [{"year", "reports", "matching_reports", "share", "passages"}],
    "by", "coverage"}; with by="type" each year also has "groups" (one row per family)."""
    counter = _Counter(found, by)
    in_scope = found.table.live.copy()
    for name, mask in found.masks.items():
        if mask is not None and name in REPORT_FILTERS:
            in_scope &= mask
    total = counter.reports(in_scope)
    matching = counter.reports(found.final)
    passages = counter.passages(found.final)
    years = sorted({year for year, _ in total})
    rows = []
    for year in years:
        keys = [key for key in total if key[0] == year]
        row = _row(year, sum(total[k] for k in keys), sum(matching.get(k, 0) for k in keys),
                   sum(passages.get(k, 0) for k in keys))
        if by == "type":
            row["groups"] = [{"group": family, "label": FAMILIES[family][0],
                              **_row(year, total.get((year, family), 0),
                                     matching.get((year, family), 0),
                                     passages.get((year, family), 0))}
                             for family in FAMILIES if (year, family) in total]
            for group in row["groups"]:
                del group["year"]
        rows.append(row)
    return {"query": query, "years": rows, "by": by or None,
            "coverage": coverage(rows)}


def coverage(rows: list[dict]) -> dict:
    """How much the figures describe: reports in scope, first and last year."""
    return {"reports": sum(r["reports"] for r in rows),
            "first_year": rows[0]["year"] if rows else None,
            "last_year": rows[-1]["year"] if rows else None}


def coverage_sentence(cover: dict) -> str:
    if not cover["reports"]:
        return "The index holds no reports that pass these filters."
    span = (str(cover["first_year"]) if cover["first_year"] == cover["last_year"]
            else f"{cover['first_year']} to {cover['last_year']}")
    noun = "report" if cover["reports"] == 1 else "reports"
    return (f"The index holds {cover['reports']:,} {noun} from {span} that pass these filters; "
            "these figures describe them, not everything Ofsted has published.")
