"""Turn the user's query string into a Whoosh query plus what to highlight.

Plain words (all required), "phrases", AND / OR / NOT, parentheses, trailing * and the
fields authority:, section:, type:, judgement:, year: (a year or a range 2015-2018).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from whoosh import query as wq
from whoosh.qparser import FieldAliasPlugin, MultifieldParser, QueryParserError

from indexer.errors import BadRequest
from indexer.highlight import Highlighter

# The title is not searched by default: copied onto every passage, it would make every
# passage of a report match the report's title words (title: searches it on purpose).
SEARCH_FIELDS = ("text", "heading")
FIELD_BOOSTS = {"text": 1.0, "heading": 0.6}
ALIASES = {"inspection_type": ["type"], "authority": ["la", "council"], "year": ["years"]}
_KEYED = re.compile(r"\b(authority|la|council|section|type|inspection_type|judgement):"
                    r"(\"[^\"]*\"|\S+)", re.IGNORECASE)
_YEAR_RANGE = re.compile(r"\byears?:(\d{4})\s*(?:-|–|\.\.|to)\s*(\d{4})\b", re.IGNORECASE)


@dataclass
class QueryPlan:
    query: wq.Query
    text_query: str  # the words the user typed, for spelling suggestions
    highlighter: Highlighter = field(default_factory=Highlighter)
    expansions: list[str] = field(default_factory=list)
    asks_for_boilerplate: bool = False


def _slug_value(match: re.Match) -> str:
    value = match.group(2).strip('"').lower()
    if not value.strip():
        raise BadRequest(f"{match.group(1)}: needs a value, e.g. {match.group(1)}:derbyshire")
    value = re.sub(r"[^a-z0-9_]+", "-" if match.group(1).lower() in ("authority", "la", "council")
                   else "_", value).strip("-_")
    return f"{match.group(1).lower()}:{value}"


def normalise_query(text: str) -> str:
    text = _YEAR_RANGE.sub(r"year:[\1 TO \2]", text)
    return _KEYED.sub(_slug_value, text)


def make_parser(schema):
    parser = MultifieldParser(list(SEARCH_FIELDS), schema, fieldboosts=FIELD_BOOSTS)
    parser.add_plugin(FieldAliasPlugin(ALIASES))
    return parser


def plan_query(text: str, schema, expand: bool = True) -> QueryPlan:
    if not text.strip():
        return QueryPlan(wq.Every(), "")
    normalised = normalise_query(text)
    try:
        parsed = make_parser(schema).parse(normalised)
    except (QueryParserError, ValueError, TypeError, IndexError, AssertionError,
            AttributeError) as exc:  # Whoosh's parser fails in all these ways on odd input
        raise BadRequest(f"the query could not be understood: {exc}") from exc
    if parsed is wq.NullQuery or isinstance(parsed, type(wq.NullQuery)):
        raise BadRequest("the query has no searchable words")
    plan = QueryPlan(parsed, text, _highlighter(parsed))
    plan.asks_for_boilerplate = "section:boilerplate" in normalised
    return plan


def _highlighter(q: wq.Query) -> Highlighter:
    highlighter = Highlighter()
    _collect(q, highlighter)
    return highlighter


def _collect(q: wq.Query, highlighter: Highlighter) -> None:
    if isinstance(q, wq.Not):
        return
    if isinstance(q, wq.Phrase) and q.fieldname in SEARCH_FIELDS:
        words = [w for w in q.words]
        if words:
            highlighter.phrases.append(words)
        return
    if isinstance(q, wq.Prefix) and q.fieldname in SEARCH_FIELDS:
        highlighter.prefixes.add(q.text)
        return
    if isinstance(q, wq.Term) and q.fieldname in SEARCH_FIELDS:
        highlighter.terms.add(q.text)
        return
    for child in q.children():
        _collect(child, highlighter)
