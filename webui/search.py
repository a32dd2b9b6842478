"""The search pages: `/` and `/search` (HTML) and `/api/search` (the contract JSON), all
answered from the same SearchRequest and SearchResults; the JSON of recent answers is
remembered per generation (webui/answer_cache.py)."""
from __future__ import annotations

import dataclasses

from flask import Blueprint, current_app, jsonify, render_template, request

from indexer.api import OfstedSearchError, SearchRequest, SearchResults, parse_params
from webui import get_index
from webui.answer_cache import key_of
from webui.present import search_view
from webui.state import UrlState

bp = Blueprint("search", __name__)

SORT_LABELS = {"relevance": "Most relevant", "newest": "Newest first", "oldest": "Oldest first"}


def sort_menu(query: str, sort: str) -> tuple[str, list[tuple[str, str, bool]]]:
    """(the order the results are really in, the sort menu's (value, label, selected)).
    Without search words there is nothing to rank, so the index lists the newest first even
    for sort=relevance: the menu then offers "Newest first" (sent as the value asked for, so
    a new search typed into the form is still ranked by relevance) and "Oldest first"."""
    if query.strip():
        return sort, [(key, label, key == sort) for key, label in SORT_LABELS.items()]
    if sort == "oldest":
        return "oldest", [("relevance", SORT_LABELS["newest"], False),
                          ("oldest", SORT_LABELS["oldest"], True)]
    return "newest", [(sort, SORT_LABELS["newest"], True), ("oldest", SORT_LABELS["oldest"], False)]


def parsed(args, **changes) -> SearchRequest:
    """parse_params with `changes` applied. The query itself is parsed once, by the search
    (a query that cannot be understood is a BadRequest there)."""
    return dataclasses.replace(parse_params(args), **changes)


def run_search(args, snippets: bool = True, check=None, **changes) -> SearchResults:
    """The search with `changes` applied to the request (exports ask for page 1 of
    EXPORT_CAP, without snippets, and stop at their deadline with `check`)."""
    return get_index().search(parsed(args, **changes), snippets=snippets, check=check)


def remembered(args) -> bytes | None:
    """The remembered /api/search answer for these parameters, if any (None also when
    they cannot be parsed: the search says why)."""
    cache = current_app.extensions["answer_cache"]
    if not cache:
        return None
    try:
        return cache.get(key_of(get_index().stamp(), parsed(args)))
    except OfstedSearchError:
        return None


@bp.get("/")
@bp.get("/search")
def search():
    results = run_search(request.args)
    state = UrlState.from_args(request.args, "/search", request.script_root)
    view = search_view(results, state, current_app.config["EXPORT_CAP"])
    order, sort_options = sort_menu(results.query, state.get("sort") or "relevance")
    return render_template("search.html", results=results, state=state, sort_labels=SORT_LABELS,
                           sort=order, sort_options=sort_options, **view)


@bp.get("/api/search")
def api_search():
    """The contract JSON; remembered per generation and request (webui/answer_cache.py)."""
    cache = current_app.extensions["answer_cache"]
    if not cache:
        return jsonify(run_search(request.args).to_dict())
    searched = parsed(request.args)
    key = key_of(get_index().stamp(), searched)
    body = cache.get(key)
    if body is not None:
        return current_app.response_class(body, mimetype=current_app.json.mimetype)
    response = jsonify(get_index().search(searched).to_dict())
    cache.put(key, response.get_data())
    return response
