"""Response schemas of the OpenAPI document (webui/api_docs.py): what `/api/search`
returns, field by field, so a client can rely on it and the contract test
(tests/test_contract.py) checks every answer against it."""
from __future__ import annotations

_STR, _INT, _NUM, _BOOL = ({"type": "string"}, {"type": "integer"}, {"type": "number"},
                           {"type": "boolean"})
_NULLABLE_STR = {"type": ["string", "null"]}


def _object(properties: dict, description: str = "") -> dict:
    """An object whose every listed property is present (others may be added later)."""
    return {"type": "object", "required": list(properties), "properties": properties,
            **({"description": description} if description else {})}


PASSAGE = _object({
    "passage_id": _STR, "url": {**_STR, "description": "the report page at this passage"},
    "text": _STR, "snippet_html": {**_STR, "description": "escaped text with <mark> only"},
    "page": {"type": ["integer", "null"], "description": "PDF page where it starts"}})

HIT = _object({
    "report_id": _STR, "title": _STR,
    "authority": {**_STR, "description": "the authority's canonical name"},
    "authority_key": _STR, "year": _INT, "inspection_type": _STR,
    "inspection_type_label": _STR, "date": _NULLABLE_STR,
    "date_kind": {"type": ["string", "null"], "enum": ["inspection", "published", None]},
    "section": _STR, "heading": _STR, "score": _NUM, "source": _STR,
    "passages": {"type": "array", "minItems": 1, "items": PASSAGE},
    "matched": {"enum": ["words", "meaning", "both"],
                "description": "found by the words, by meaning alone, or both"},
    "original_url": _NULLABLE_STR, "region": _NULLABLE_STR,
    "heading_path": {"type": "array", "items": _STR},
    "facets": {"type": "object", "description": "every facet's value for this hit"}})

FACET_VALUE = _object({"value": _STR, "label": _STR, "count": _INT, "selected": _BOOL})

AUTHORITY_IN_QUERY = {
    "oneOf": [{"type": "null"}, _object({
        "key": _STR, "label": _STR, "words": {**_STR, "description": "the name as typed"},
        "searched": {**_STR, "description": "the words searched in its reports"},
        "everywhere_query": {**_STR, "description": "the same words in every authority's "
                                                    "reports (the name quoted)"}})],
    "description": "an authority's name read among the words and searched as its filter; "
                   "null when none was"}

NOTICE = _object({
    "kind": {**_STR, "description": "unclosed_quote, some_words or no_meaning"}, "message": _STR,
    "query": {**_NULLABLE_STR, "description": "a corrected query to offer, or null"}})

SEARCH = _object({
    "query": _STR,
    "total": {**_INT, "description": "matching passages"},
    "reports": {**_INT, "description": "distinct reports among them"},
    "page": _INT, "per_page": _INT,
    "hits": {"type": "array", "items": HIT},
    "facets": {"type": "object", "description": "facet name -> its values with counts",
               "additionalProperties": {"type": "array", "items": FACET_VALUE}},
    "suggestion": _NULLABLE_STR,
    "expansions": {"type": "array", "items": _STR, "description": "also searched"},
    "match": {"enum": ["all", "most"], "description": "most: no passage had every word"},
    "mode": {"enum": ["hybrid", "words"]},
    "authority_in_query": AUTHORITY_IN_QUERY,
    "notices": {"type": "array", "items": NOTICE}})

ERROR = _object({"error": _STR, "status": _INT})

RESPONSES = {"/api/search": SEARCH}  # path -> schema of its 200 answer
