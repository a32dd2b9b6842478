"""Parse search parameters (from a URL query string or the command line) into a
SearchRequest, collecting every problem into one BadRequest message.

Sizes a user can ask for are capped here: query length, page size, number of filters.
"""
from __future__ import annotations

import re

from indexer.errors import BadRequest
from indexer.index.facet_registry import FACETS
from indexer.index.schema import SORTS
from indexer.models import SearchRequest

MAX_QUERY_CHARS = 500
MAX_PER_PAGE = 100
DEFAULT_PER_PAGE = 20
MAX_PAGE = 1000
MAX_FILTER_VALUES = 50
MAX_VALUE_CHARS = 100
KNOWN_PARAMS = {"q", *(f.param for f in FACETS), "page", "per_page", "sort", "expand", "format",
                "passage"}


def _int(value: str, name: str, errors: list[str], low: int, high: int) -> int | None:
    if not re.fullmatch(r"\s*\d{1,7}\s*", value or ""):
        errors.append(f"{name} must be a whole number, not {value[:40]!r}")
        return None
    number = int(value)
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


def _selected(params, facet, errors: list[str]) -> list:
    """The facet's values, parsed (years as numbers); their vocabulary is checked later,
    against the index being searched (SearchIndex)."""
    selected = []
    for text in _values(params, facet.param, errors):
        value, problem = facet.parse(text)
        if problem:
            errors.append(problem)
        elif value not in selected:
            selected.append(value)
    return selected


def parse_params(params) -> SearchRequest:
    """`params` is anything with get(name) and getlist(name), e.g. werkzeug's MultiDict."""
    errors: list[str] = []
    query = params.get("q") or ""
    if len(query) > MAX_QUERY_CHARS:
        errors.append(f"the query is too long ({len(query)} characters; at most {MAX_QUERY_CHARS})")
        query = ""
    if "\x00" in query:
        errors.append("the query contains a NUL character")
    request = SearchRequest(query=query.strip())
    for facet in FACETS:
        values = _selected(params, facet, errors)
        if values:
            request.filters[facet.name] = values
    page, per_page = params.get("page"), params.get("per_page")
    if page not in (None, ""):
        request.page = _int(page, "page", errors, 1, MAX_PAGE) or 1
    if per_page not in (None, ""):
        request.per_page = _int(per_page, "per_page", errors, 1, MAX_PER_PAGE) or DEFAULT_PER_PAGE
    sort = params.get("sort") or "relevance"
    if sort not in SORTS:
        errors.append(f"sort must be one of {', '.join(SORTS)}, not {sort[:40]!r}")
    request.sort = sort if sort in SORTS else "relevance"
    request.expand = (params.get("expand") or "1").lower() not in ("0", "false", "off", "no")
    if errors:
        raise BadRequest("; ".join(errors))
    return request


class ArgParams:
    """Adapts argparse results to the get/getlist interface of parse_params."""

    def __init__(self, mapping: dict[str, list[str] | str | None]):
        self.mapping = mapping

    def get(self, name):
        value = self.mapping.get(name)
        if isinstance(value, list):
            return value[0] if value else None
        return None if value is None else str(value)

    def getlist(self, name):
        value = self.mapping.get(name)
        if value is None:
            return []
        return [str(v) for v in value] if isinstance(value, list) else [str(value)]
