"""API documentation: `GET /api/openapi.json` (OpenAPI 3.1) and `GET /api` (the same
document as a page). Every machine-readable endpoint is listed in ENDPOINTS with the
parameters it accepts; every parameter is described once in PARAMETERS (facet filters take
their description from the facet registry). tests/test_api_docs.py asks the running app
whether it accepts each documented parameter and rejects every other one, so the document
cannot drift from the code."""
from __future__ import annotations

import re
from dataclasses import dataclass

from flask import Blueprint, current_app, jsonify, render_template

from indexer.api import (BY_NAME, BY_VALUES, FACETS, KNOWN_PARAMS, MAX_PAGE, MAX_PER_PAGE,
                         MAX_QUERY_CHARS, MAX_SIDES, REGIONS, YEAR_BASES, Known)
from webui.reports import SIMILAR_MAX

bp = Blueprint("api_docs", __name__)

_TEXT = {"type": "string"}
_YEAR = r"(19\d\d|20\d\d|2100)"  # indexer.index.facet_registry.YEARS
# the number patterns below say MAX_PAGE, MAX_PER_PAGE and SIMILAR_MAX (test_api_docs.py)


def _number(pattern: str) -> dict:
    """A whole number written as `pattern` says (its range), or empty (the default). A
    string with a pattern, not an integer: JSON Schema's integers include 100.0."""
    return {"type": "string", "pattern": f"^({pattern})?$"}


def _facet(facet) -> dict:
    """Years as numbers or ranges; every other facet's values from its vocabulary."""
    if facet.numeric:
        return {"type": "array", "items": {"type": "string", "pattern": rf"^{_YEAR}(-{_YEAR})?$"}}
    return {"type": "array", "items": {"type": "string",
                                       "enum": sorted(map(str, facet.vocabulary(Known())))}}


PARAMETERS: dict[str, tuple[str, dict]] = {
    "q": (f"search words, \"phrases\", AND/OR/NOT, field:value (at most {MAX_QUERY_CHARS} "
          "characters, no control character)",
          {"type": "string", "maxLength": MAX_QUERY_CHARS,
           "pattern": "^[^\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f\\u007f-\\u009f"
                      "\\ufffe\\uffff]*$"}),
    **{f.param: (f.help + (" (repeatable; a range such as 2015-2018 too)" if f.numeric
                           else " (repeatable)"), _facet(f)) for f in FACETS},
    "year_from": ("first year of a year range", _number(_YEAR)),
    "year_to": ("last year of a year range", _number(_YEAR)),
    "page": (f"page of results, from 1 to {MAX_PAGE} (of a long report's passages: to its "
             "pagination.pages)", _number(r"[1-9][0-9]{0,2}|1000")),
    "passage": ("a passage id: the page of the report holding it", _TEXT),
    "per_page": (f"results per page, 1 to {MAX_PER_PAGE}", _number(r"[1-9][0-9]?|100")),
    "sort": ("relevance, newest or oldest",
             {"type": "string", "enum": ["relevance", "newest", "oldest"]}),
    "expand": ("0 searches only the words typed (no synonyms or corrections); 1 or empty: "
               "the default", {"type": "string", "enum": ["0", "1"]}),
    "mode": ("hybrid (default): passages found by their words and by their meaning, each "
             "hit saying which (matched: words, meaning or both); words: by the words alone. "
             "Quotes, AND/OR/NOT and fields are always searched exactly",
             {"type": "string", "enum": ["hybrid", "words"]}),
    "by": ("type: split each year by inspection framework",
           {"type": "string", "enum": [v for v in BY_VALUES if v]}),
    "year_basis": ("which year a report counts in: inspection (the default) or published",
                   {"type": "string", "enum": list(YEAR_BASES), "default": YEAR_BASES[0]}),
    "compare_authority": ("an authority to compare (its key; repeatable, up to "
                          f"{MAX_SIDES} sides in all, authorities and regions together)",
                          _facet(BY_NAME["authority"])),
    "region": ("a region to compare (repeatable)",
               {"type": "array", "items": {"type": "string", "enum": list(REGIONS)}}),
    "limit": (f"how many similar passages, 1 to {SIMILAR_MAX}", _number(r"[1-9]|[1-4][0-9]|50")),
}
SEARCH = tuple(KNOWN_PARAMS)
COMPARE = tuple(p for p in SEARCH if p != "authority") + ("compare_authority", "region",
                                                          "year_basis")
WHOLE = " (page and per_page are accepted and ignored: every result is returned)"
FEED_WHOLE = " (page, per_page and sort are accepted and ignored: newest first)"


@dataclass(frozen=True)
class Endpoint:
    path: str
    summary: str
    params: tuple[str, ...]
    media: str = "application/json"


ENDPOINTS = (
    Endpoint("/api/search", "Ranked, highlighted passages with facet counts", SEARCH),
    Endpoint("/api/trends", "Per year: reports, matching reports, share with its Wilson 95% "
             "interval (share_low, share_high; null without reports), passages; for unquoted "
             "words also the phrase's figures (phrase_query)", SEARCH + ("by", "year_basis")),
    Endpoint("/trends.csv", "The trend table as CSV, with intervals, the year basis, the "
             "coverage sentence and every parameter", SEARCH + ("by", "year_basis"), "text/csv"),
    Endpoint("/api/authorities", "Every authority: reports, latest inspection and judgement", ()),
    Endpoint("/api/authorities/{key}", "One authority's inspections and recommendations "
             "(each with its addressee), each followed into later inspections: `later` lists "
             "up to three passages with `status` (improved, still_a_concern, mixed) and "
             "`status_sentence`; `open` lists the recommendations whose latest follow-up is "
             "still a concern or that no later inspection mentions", ()),
    Endpoint("/api/followups", "The recommendations matching a search across every "
             "authority, with counts by the status of their latest follow-up per year and "
             "inspection type, each linked to its follow-up passages, and the coverage",
             SEARCH),
    Endpoint("/followups.csv", "The tracked recommendations as CSV", SEARCH, "text/csv"),
    Endpoint("/api/compare", "Per-year and overall shares with intervals, coverage, "
             "inspection types and best passages of authorities or regions" + WHOLE, COMPARE),
    Endpoint("/api/reports/{report_id}", "One report: metadata, sections and passages; "
             "a report of more than 500 passages comes in pages (see \"pagination\")",
             ("page", "passage")),
    Endpoint("/api/reports/{report_id}/passages/{passage_id}/similar",
             "Passages of other reports most like one passage", ("limit",)),
    Endpoint("/export.json", "Every matching passage with its citation, up to the export cap; "
             "`filters`, `parameters` and `search_url` record what shaped it" + WHOLE, SEARCH),
    Endpoint("/export.csv", "The same rows as CSV" + WHOLE, SEARCH, "text/csv"),
    Endpoint("/export.ris", "One RIS reference per report, passages as notes" + WHOLE, SEARCH,
             "application/x-research-info-systems"),
    Endpoint("/export.bib", "One BibTeX @techreport per report, passages as notes" + WHOLE,
             SEARCH, "application/x-bibtex"),
    Endpoint("/search.atom", "Atom feed of the newest matching passages; its title names "
             "every parameter that shaped it" + FEED_WHOLE, SEARCH,
             "application/atom+xml"),
)


def query_name(param: str) -> str:
    """The name in the URL (compare's sides are `authority=`, documented apart from the
    authority filter they replace)."""
    return "authority" if param == "compare_authority" else param


def _parameter(name: str) -> dict:
    description, schema = PARAMETERS[name]
    spec = {"name": query_name(name), "in": "query", "required": False,
            "description": description, "schema": schema}
    if schema.get("type") == "array":
        spec.update(style="form", explode=True)
    return spec


def _path_parameters(path: str) -> list[dict]:
    return [{"name": part[1:-1], "in": "path", "required": True, "schema": _TEXT}
            for part in path.split("/") if part.startswith("{")]


RETRY_AFTER = {"Retry-After": {"description": "seconds to wait before asking again",
                               "schema": {"type": "integer", "minimum": 1}}}
COSTLY = ("/api/search", "/export.json", "/export.csv", "/export.ris", "/export.bib")


def responses(endpoint: Endpoint) -> dict:
    """What the endpoint may answer: exports carry an ETag and answer 304 to it; costly
    requests may be refused per client (429) or for the server (503: also a missing
    index, a page or "similar passages" past its deadline, a worker with too many
    requests in progress); docs/decisions/0040-costly-requests.md."""
    export = endpoint.path.startswith("/export.")
    ok = {"description": "OK", "content": {endpoint.media: {}}}
    if export:
        ok["headers"] = {"ETag": {"description": "the same tag, the same body: send it as "
                                                 "If-None-Match to get 304",
                                  "schema": {"type": "string"}}}
    found = {
        "200": ok,
        "400": {"description": "A bad or unknown parameter (the message says which)"},
        **({"404": {"description": "Not found"}} if "{" in endpoint.path else {}),
        "503": {"description": "The server is busy or the index unavailable, or the answer "
                               "took too long (the message says which)",
                "headers": RETRY_AFTER},
    }
    if export:
        found["304"] = {"description": "Not modified: If-None-Match held this export's ETag"}
    if endpoint.path in COSTLY:
        found["429"] = {"description": "This client has used its share of costly requests "
                                       "(exports; /api/search with per_page over 50 or a "
                                       "wildcard)", "headers": RETRY_AFTER}
    return found


def document() -> dict:
    paths = {}
    for endpoint in ENDPOINTS:
        paths[endpoint.path] = {"get": {
            "summary": endpoint.summary,
            "parameters": _path_parameters(endpoint.path) + [_parameter(p)
                                                              for p in endpoint.params],
            "responses": responses(endpoint),
        }}
    return {"openapi": "3.1.0",
            "info": {"title": current_app.config["SITE_NAME"], "version": "1",
                     "description": "Search inside Ofsted children's services inspection "
                                    "reports. Unknown parameters are refused with a 400."},
            "paths": paths}


@bp.get("/api/openapi.json")
def openapi():
    return jsonify(document())


@bp.get("/api")
def api_page():
    rows = [{"path": path, "anchor": "ep" + re.sub(r"[^a-z0-9]+", "-", path.lower()),
             "summary": item["get"]["summary"], "parameters": item["get"]["parameters"],
             "media": next(iter(item["get"]["responses"]["200"]["content"]))}
            for path, item in document()["paths"].items()]
    return render_template("api.html", endpoints=rows)
