"""A request as the engine searches it. Normalising never changes the caller's request (a
SearchRequest is a value): each step returns a new one.

- normalised(): every selected filter value in its facet's canonical form, checked against
  the facet's vocabulary (indexer.index.facet_registry; all problems in one BadRequest),
  and each year range (`year=2015-2018`) turned into the years of the index inside it.
- authority_read(): an authority's name typed among the words (`Derbyshire systemic
  practice model`) becomes an authority filter (indexer.search.relax.find_authority).
"""
from __future__ import annotations

import dataclasses

from indexer.errors import BadRequest
from indexer.index.facet_registry import BY_NAME, FACETS
from indexer.models import SearchRequest
from indexer.search.relax import find_authority


def normalised(request: SearchRequest, known, index_years) -> SearchRequest:
    """The request with canonical filter values and its year ranges read as years of the
    index (`known`: the generation's Known values; `index_years`: its years)."""
    filters = {name: [BY_NAME[name].canonical_value(v) for v in values]
               for name, values in request.filters.items()}
    errors = [problem for name, values in filters.items() for value in values
              for problem in [BY_NAME[name].problem(value, known)] if problem]
    if errors:
        raise BadRequest("; ".join(errors))
    if request.year_ranges:
        filters["year"] = years_in_ranges(filters.get("year", []), request.year_ranges,
                                          index_years)
    return dataclasses.replace(request, filters=filters)


def years_in_ranges(years: list[int], ranges, index_years) -> list[int]:
    """The selected years plus every year of the index inside a selected range (the
    range's first year when none is: a selected year that counts 0)."""
    inside = [y for y in sorted(index_years) if any(lo <= y <= hi for lo, hi in ranges)]
    return list(dict.fromkeys(list(years) + (inside or [ranges[0][0]])))


def selected_filters(request: SearchRequest) -> dict[str, list]:
    """Every facet's selected values (empty list: no filter)."""
    return {f.name: request.selected(f.name) for f in FACETS}


def authority_read(request: SearchRequest, labels: dict[str, str]) \
        -> tuple[SearchRequest, dict] | None:
    """(the request with the authority's name read as its filter, what the page says about
    it), or None when an authority is selected already or none is named among the words."""
    if request.selected("authority") or not request.query:
        return None
    found = find_authority(request.query, labels)
    if found is None:
        return None
    read = dataclasses.replace(request, query=found.rest,
                               filters={**request.filters, "authority": [found.key]})
    return read, found.to_dict(labels[found.key])
