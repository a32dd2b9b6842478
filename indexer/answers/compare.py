"""Compare authorities (or regions) on one search: for each side, the per-year share of
its reports that match (indexer.answers.trends) and its best passages, side by side.

A side is one authority (`authority=`, a key, canonical name or alias) or one region
(`region=`, every authority of the region in the index, from the authority records).
The other search filters and the query apply to every side alike.
"""
from __future__ import annotations

import dataclasses

from indexer.errors import BadRequest
from indexer.domain import authorities as records_data
from indexer.models import SearchRequest
from indexer.answers.authority_history import summaries
from indexer.answers.trends import trends

MAX_SIDES = 4
BEST = 3  # best passages shown per side


def sides(reports: dict[str, dict], authorities: list[str], regions: list[str]) -> list[dict]:
    """[{"kind", "value", "label", "keys"}] in the order asked; BadRequest for unknown ones."""
    known = {row["key"]: row for row in summaries(reports)}
    found, errors = [], []
    if len(authorities) + len(regions) > MAX_SIDES:
        raise BadRequest(f"compare at most {MAX_SIDES} authorities or regions at once")
    for value in authorities:
        key = value if value in known else records_data.resolve_key(value)
        if key not in known:
            errors.append(f"no authority {value[:60]!r} in the index")
            continue
        found.append({"kind": "authority", "value": key, "label": known[key]["name"],
                      "keys": [key]})
    for value in regions:
        keys = sorted(k for k, row in known.items() if row["region"] == value)
        if value not in records_data.REGIONS:
            errors.append(f"unknown region {value[:60]!r} (known: "
                          f"{', '.join(records_data.REGIONS)})")
        elif not keys:
            errors.append(f"no authority of the region {value!r} is in the index")
        else:
            found.append({"kind": "region", "value": value, "label": value, "keys": keys})
    if errors:
        raise BadRequest("; ".join(errors))
    return found


def compare(index, base: SearchRequest, chosen: list[dict], best: int = BEST) -> dict:
    """{"query", "sides": [{"kind", "value", "label", "authorities", "years", "matching_reports",
    "reports", "passages", "best"}], "years"}: every side over the same years."""
    out = []
    for side in chosen:
        request = dataclasses.replace(base, filters={**base.filters, "authority": side["keys"]},
                                      page=1, per_page=best)
        trend = trends(index.matches(request), base.query)
        results = index.search(request)
        out.append({
            "kind": side["kind"], "value": side["value"], "label": side["label"],
            "authorities": side["keys"], "years": trend["years"],
            "reports": sum(y["reports"] for y in trend["years"]),
            "matching_reports": sum(y["matching_reports"] for y in trend["years"]),
            "passages": results.total,
            "best": [dataclasses.asdict(hit) for hit in results.hits[:best]],
        })
    years = sorted({y["year"] for side in out for y in side["years"]})
    for side in out:  # every side over the same years: a year without reports counts 0
        have = {y["year"]: y for y in side["years"]}
        side["years"] = [have.get(year, {"year": year, "reports": 0, "matching_reports": 0,
                                         "share": 0.0, "passages": 0}) for year in years]
    return {"query": base.query, "years": years, "sides": out}
