"""Parse search parameters (from a URL query string or the command line) into a
SearchRequest, collecting every problem into one BadRequest message.

Sizes a user can ask for are capped here: query length, page size, number of filters.
"""
from __future__ import annotations

import re

from indexer.ingest.clean import CONTROL_RE, INVISIBLE_RE
from indexer.errors import BadRequest
from indexer.index.facet_registry import FACETS, YEARS
from indexer.index.schema import SORTS
from indexer.models import SearchRequest
from indexer.search.hybrid import MODES
from indexer.search.query_checks import backwards

MAX_QUERY_CHARS = 500
MAX_PER_PAGE = 100
DEFAULT_PER_PAGE = 20
MAX_PAGE = 1000
MAX_FILTER_VALUES = 50
MAX_VALUE_CHARS = 100
KNOWN_PARAMS = ("q", *(f.param for f in FACETS), "year_from", "year_to", "page", "per_page",
                "sort", "expand", "mode")
_YEAR_RANGE = re.compile(r"\s*(\d{4})\s*(?:-|–|\.\.|to)\s*(\d{4})\s*")


def _int(value: str, name: str, errors: list[str], low: int, high: int) -> int | None:
    if not re.fullmatch(r"\s*\d{1,7}\s*", value or ""):
        errors.append(f"{name} must be a whole number, not {value[:40]!r}")
        return None
    number = int(value.strip())  # \s also matches \x1c-\x1f, which int() refuses
    if not low <= number <= high:
        errors.append(f"{name} must be between {low} and {high}, not {number}")
        return None
    return number


def _values(params, name: str, errors: list[str]) -> list[str]:
    values = [v.strip() for v in params.getlist(name) if v.strip()]
    if len(values) > MAX_FILTER_VALUES:
        errors.append(f"at most {MAX_FILTER_VALUES} values of {name!r} are allowed")
        return []
    for value in values:
        if len(value) > MAX_VALUE_CHARS:
            errors.append(f"the {name!r} value is too long (at most {MAX_VALUE_CHARS} characters)")
            return []
    return list(dict.fromkeys(values))


def _selected(params, facet, errors: list[str], ranges: list) -> list:
    """The facet's values, parsed (years as numbers); their vocabulary is checked later,
    against the index being searched (SearchIndex). A numeric range ("2015-2018") goes
    to `ranges` as (first, last)."""
    selected = []
    for text in _values(params, facet.param, errors):
        span = _YEAR_RANGE.fullmatch(text) if facet.numeric else None
        if span:
            first, last = (_int(v, facet.param, errors, *YEARS) for v in span.groups())
            if first is not None and last is not None and first > last:
                errors.append(backwards(facet.param, "=", first, last))
            elif first is not None and last is not None:
                ranges.append((first, last))
            continue
        value, problem = facet.parse(text)
        if problem:
            errors.append(problem)
        elif value not in selected:
            selected.append(value)
    return selected


def _year_bounds(params, errors: list[str]) -> tuple[int, int] | None:
    """year_from and year_to as one range (either may be missing), or None."""
    first, last = (params.get("year_from") or "").strip(), (params.get("year_to") or "").strip()
    if not first and not last:
        return None
    low = _int(first, "year_from", errors, *YEARS) if first else YEARS[0]
    high = _int(last, "year_to", errors, *YEARS) if last else YEARS[1]
    if low is None or high is None:
        return None
    if low > high:
        errors.append(f"year_from ({low}) is after year_to ({high}): write "
                      f"year_from={high} and year_to={low}")
        return None
    return low, high


def _unknown(params, allowed) -> list[str]:
    """A message naming the parameters that are not in `allowed`, with the valid ones."""
    names = params.keys() if hasattr(params, "keys") else []
    unknown = sorted({n for n in names if n not in allowed})
    if not unknown:
        return []
    shown = ", ".join(repr(n[:40]) for n in unknown[:5])
    return [f"unknown parameter{'s' if len(unknown) > 1 else ''} {shown} "
            f"(valid: {', '.join(allowed)})"]


def parse_params(params, extra=()) -> SearchRequest:
    """`params` is anything with get(name) and getlist(name), e.g. werkzeug's MultiDict;
    a parameter not in KNOWN_PARAMS or `extra` (a page's own parameters) is an error."""
    errors: list[str] = _unknown(params, (*KNOWN_PARAMS, *extra))
    query = params.get("q") or ""
    if len(query) > MAX_QUERY_CHARS:
        errors.append(f"the query is too long ({len(query)} characters; at most {MAX_QUERY_CHARS})")
        query = ""
    control = CONTROL_RE.search(query)
    if control:
        errors.append("the query contains a NUL character" if control.group() == "\x00" else
                      f"the query contains a control character (U+{ord(control.group()):04X})")
    query = INVISIBLE_RE.sub("", query)  # bidirectional controls, zero-width characters
    filters, ranges = {}, []
    for facet in FACETS:
        values = _selected(params, facet, errors, ranges)
        if values:
            filters[facet.name] = values
    bounds = _year_bounds(params, errors)
    if bounds:
        ranges.append(bounds)
    page, per_page = params.get("page"), params.get("per_page")
    page = 1 if page in (None, "") else _int(page, "page", errors, 1, MAX_PAGE) or 1
    per_page = DEFAULT_PER_PAGE if per_page in (None, "") else (
        _int(per_page, "per_page", errors, 1, MAX_PER_PAGE) or DEFAULT_PER_PAGE)
    sort = params.get("sort") or "relevance"
    if sort not in SORTS:
        errors.append(f"sort must be one of {', '.join(SORTS)}, not {sort[:40]!r}")
    expand_text = (params.get("expand") or "1").strip() or "1"
    if expand_text not in ("0", "1"):
        errors.append(f"expand must be 0 or 1, not {expand_text[:40]!r}")
    expand = expand_text != "0"
    mode = (params.get("mode") or "hybrid").strip().lower()
    if mode not in MODES:
        errors.append(f"mode must be one of {', '.join(MODES)}, not {mode[:40]!r}")
    if errors:
        raise BadRequest("; ".join(errors))
    return SearchRequest(query=query.strip(), filters=filters, year_ranges=ranges, page=page,
                         per_page=per_page, sort=sort if sort in SORTS else "relevance",
                         expand=expand, mode=mode)


class ArgParams:
    """Adapts argparse results to the get/getlist interface of parse_params."""

    def __init__(self, mapping: dict[str, list[str] | str | None]):
        self.mapping = mapping

    def get(self, name):
        value = self.mapping.get(name)
        if isinstance(value, list):
            return value[0] if value else None
        return None if value is None else str(value)

    def keys(self):
        return [name for name, value in self.mapping.items() if value not in (None, [])]

    def getlist(self, name):
        value = self.mapping.get(name)
        if value is None:
            return []
        return [str(v) for v in value] if isinstance(value, list) else [str(value)]
