"""Compare authorities (or regions) on one search: for each side, the per-year share of
its reports that match (indexer.answers.trends) with Wilson 95% intervals, its overall
share, how many of its authorities the index covers, its mix of inspection types and its
best passages, side by side (docs/decisions/0034-honest-numbers.md).

A side is one authority (`authority=`, a key, canonical name or alias) or one region
(`region=`, every authority of the region in the index, from the authority records); both
are repeatable, in any mix, up to MAX_SIDES. The other search filters, the query and the
year basis apply to every side alike.
"""
from __future__ import annotations

import dataclasses
from collections import Counter

import numpy as np

from indexer.errors import BadRequest
from indexer.answers.authority_history import summaries
from indexer.answers.intervals import share_fields
from indexer.answers.trends import in_scope, phrase_figures, trends
from indexer.answers.wording import phrase_request, wording
from indexer.domain import authorities as records_data
from indexer.domain import inspection_types as types
from indexer.models import SearchRequest

MAX_SIDES = 12  # each side is a search of its own
BEST = 3  # best passages shown per side


def region_total(region: str, held: set[str]) -> int:
    """Authorities of a region by the records (current ones), plus any former one the
    index holds reports of."""
    current = {k for k, a in records_data.records().items()
               if a.region == region and not a.until}
    return len(current | held)


def sides(reports: dict[str, dict], authorities: list[str], regions: list[str]) -> list[dict]:
    """[{"kind", "value", "label", "keys", "covered", "total"}] in the order asked (a side
    asked twice counts once); BadRequest naming every unknown one."""
    known = {row["key"]: row for row in summaries(reports)}
    found, errors = [], []
    asked = list(dict.fromkeys(("authority", v) for v in authorities)) + list(
        dict.fromkeys(("region", v) for v in regions))
    if len(asked) > MAX_SIDES:
        raise BadRequest(f"compare at most {MAX_SIDES} authorities or regions at once")
    for kind, value in asked:
        if kind == "authority":
            key = value if value in known else records_data.resolve_key(value)
            if key not in known:
                errors.append(f"no authority {value[:60]!r} in the index")
            elif key not in [s["value"] for s in found if s["kind"] == "authority"]:
                found.append({"kind": "authority", "value": key, "label": known[key]["name"],
                              "keys": [key], "covered": 1, "total": 1})
            continue
        keys = sorted(k for k, row in known.items() if row["region"] == value)
        if value not in records_data.REGIONS:
            errors.append(f"unknown region {value[:60]!r} (known: "
                          f"{', '.join(records_data.REGIONS)})")
        elif not keys:
            errors.append(f"no authority of the region {value!r} is in the index")
        else:
            found.append({"kind": "region", "value": value, "label": value, "keys": keys,
                          "covered": len(keys), "total": region_total(value, set(keys))})
    if errors:
        raise BadRequest("; ".join(errors))
    return found


def type_mix(found) -> list[dict]:
    """Reports in scope per inspection type, with those that match: most reports first."""
    table, reports = found.table, found.reports
    kinds = reports.column("inspection_type")
    codes = lambda mask: np.unique(table.report.codes[mask]).tolist()  # noqa: E731
    held = Counter(kinds.get(table.report.values[c]) for c in codes(in_scope(found)))
    matching = Counter(kinds.get(table.report.values[c]) for c in codes(found.final))
    return [{"inspection_type": kind, "label": types.label_for(kind or "other"),
             "reports": count, "matching_reports": matching[kind]}
            for kind, count in sorted(held.items(), key=lambda kv: (-kv[1], str(kv[0])))]


def _side(index, base: SearchRequest, side: dict, year_basis: str, best: int) -> dict:
    request = dataclasses.replace(base, filters={**base.filters, "authority": side["keys"]},
                                  page=1, per_page=best)
    found = index.matches(request)
    trend = trends(found, base.query, "", year_basis)
    results = index.search(request)
    reports = sum(y["reports"] for y in trend["years"])
    matching = sum(y["matching_reports"] for y in trend["years"])
    out = {"kind": side["kind"], "value": side["value"], "label": side["label"],
           "authorities": side["keys"],
           "coverage": {"authorities": side["covered"], "of": side["total"]},
           "years": trend["years"], "reports": reports, "matching_reports": matching,
           **share_fields(matching, reports), "passages": results.total,
           "inspection_types": type_mix(found), "phrase": None,
           "best": [dataclasses.asdict(hit) for hit in results.hits[:best]]}
    phrase = phrase_request(request)
    if phrase is not None:
        figures = phrase_figures(trends(index.matches(phrase), phrase.query, "", year_basis))
        out["phrase"] = {"matching_reports": figures["matching_reports"],
                         **share_fields(figures["matching_reports"], reports),
                         "passages": figures["passages"]}
    return out, found


def compare(index, base: SearchRequest, chosen: list[dict], best: int = BEST,
            year_basis: str = "inspection") -> dict:
    """{"query", "year_basis", "unquoted_words", "phrase_query", "expansions", "years",
    "sides": [...]}: every side over the same years, first to last; a year in which a side
    has no reports has no share (None)."""
    out, found = [], None
    for side in chosen:
        row, found = _side(index, base, side, year_basis, best)
        out.append(row)
    present = sorted({y["year"] for side in out for y in side["years"] if y["reports"]})
    years = list(range(present[0], present[-1] + 1)) if present else []
    for side in out:
        have = {y["year"]: y for y in side["years"]}
        side["years"] = [have.get(year) or {"year": year, "reports": 0, "matching_reports": 0,
                                            **share_fields(0, 0), "passages": 0}
                         for year in years]
    said = wording(found, base.query) if found is not None else {
        "unquoted_words": False, "expansions": []}
    phrase = phrase_request(base)
    return {"query": base.query, "year_basis": year_basis, **said,
            "phrase_query": ({"query": phrase.query,
                              "matching_reports": sum(s["phrase"]["matching_reports"] for s in out),
                              "passages": sum(s["phrase"]["passages"] for s in out)}
                             if phrase is not None and out else None),
            "years": years, "sides": out}
