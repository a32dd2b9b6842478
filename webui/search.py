"""The search pages: `/` and `/search` (HTML) and `/api/search` (the contract JSON), all
answered from the same SearchRequest and SearchResults."""
from __future__ import annotations

from flask import Blueprint, current_app, jsonify, render_template, request

from indexer.errors import BadRequest
from indexer.inspection_types import INSPECTION_TYPES
from indexer.models import SearchRequest
from indexer.querying import QueryPlan, plan_query
from indexer.request import parse_params
from webui import get_index
from webui.present import search_view
from webui.state import UrlState

bp = Blueprint("search", __name__)

KNOWN_TYPES = frozenset(t.key for t in INSPECTION_TYPES)
# Whoosh's parser fails with these on some operator runs ("NOT AND ", "a ANDMAYBE ANDNOT b");
# indexer.querying converts only QueryParserError, ValueError and TypeError to BadRequest.
PARSER_FAILURES = (IndexError, AssertionError)
SORT_LABELS = {"relevance": "Most relevant", "newest": "Newest first", "oldest": "Oldest first"}


def plan(query: str) -> QueryPlan:
    """plan_query, with every parser failure reported as a BadRequest."""
    try:
        return plan_query(query, current_app.extensions["ofsted_schema"])
    except PARSER_FAILURES as exc:
        raise BadRequest("the query could not be understood: check how AND, OR, NOT and "
                         "brackets are used") from exc


def parse_request(args) -> SearchRequest:
    """parse_params, plus checks the indexer misses: parser crashes (see PARSER_FAILURES)
    and unknown type keys (inspection_types.label_for never returns None)."""
    search_request = parse_params(args)
    plan(search_request.query)
    unknown = [t for t in search_request.types if t not in KNOWN_TYPES]
    if unknown:
        raise BadRequest("; ".join(
            f"unknown inspection type {t[:60]!r} (known: {', '.join(sorted(KNOWN_TYPES))})"
            for t in unknown))
    return search_request


@bp.get("/")
@bp.get("/search")
def search():
    search_request = parse_request(request.args)
    results = get_index().search(search_request)
    state = UrlState.from_args(request.args, "/search", request.script_root)
    view = search_view(results, state, current_app.config["EXPORT_CAP"])
    return render_template("search.html", results=results, state=state,
                           sort_labels=SORT_LABELS, sort=search_request.sort, **view)


@bp.get("/api/search")
def api_search():
    results = get_index().search(parse_request(request.args))
    return jsonify(results.to_dict())
