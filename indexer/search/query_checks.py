"""Check what a query string asks for before it is parsed, and say what is wrong.

Whoosh's parser accepts almost anything and turns mistakes into silence (`section:bogus`
gives 0, `authority:*` searches the word "authority", `child^-1` scores nothing) or into
crashes (`source:x` names a stored-only field). Every problem found here is collected
into one BadRequest: fields that cannot be searched, values a field cannot hold (with the
nearest valid ones, from the facet registry's vocabularies), `field:*`, and boosts that are
not positive numbers. Authorities (records plus the served index) are checked by the service.
"""
from __future__ import annotations

import difflib
import math
import re

from whoosh import query as wq

from indexer.errors import BadRequest
from indexer.index.facet_registry import BY_NAME, FACETS, Known, by_query_name

TEXT_FIELDS = ("text", "heading", "title")
# Field names a user may type -> the index field (facet aliases included).
FIELDS = {**{f: f for f in TEXT_FIELDS},
          **{name: f.field for f in FACETS for name in (f.name, *f.aliases)}}
SHOWN_FIELDS = sorted({*TEXT_FIELDS, *(f.param for f in FACETS)})
# `name:` at the start of a word, then a value (quoted or not); "10:30" is not a field.
_FIELD = re.compile(r'(?<![\w"\'’:.-])([A-Za-z_][A-Za-z_0-9]*):("[^"]*"|\[[^\]]*\]?|[^\s()]*)')
_BOOST = re.compile(r'\^([^\s()"]*)')
_QUOTED = re.compile(r'"[^"]*"')
_YEAR_VALUE = re.compile(r"\d{4}|\[\d{4} TO \d{4}\]|\d{4}\s*(?:-|–|\.\.)\s*\d{4}")
_YEARS = re.compile(r"\d{4}")
# what `*` alone means (indexer.search.query_cost), said without the index's field names
EVERY_WORD = ("on its own stands for every word: leave the search box empty to list every "
              "passage, or type at least 2 letters before the first * or ? (e.g. assess*)")


def backwards(name: str, joiner: str, first: int, last: int) -> str:
    """The one message for a year range whose first year is after its last, in a parameter
    (`year=2018-2015`) or in the query (`year:2018-2015`): every way of asking refuses it
    (docs/decisions/0041-backwards-year-ranges.md)."""
    return (f"{name}{joiner}{first}-{last} runs backwards ({first} is after {last}): "
            f"write {name}{joiner}{last}-{first}")


def nearest(value: str, known) -> list[str]:
    """Up to three known values close to `value`: those it begins, then look-alikes."""
    known = list(known)
    starts = [k for k in known if value and k.startswith(value)]
    close = difflib.get_close_matches(value, known, n=3, cutoff=0.5)
    return list(dict.fromkeys(starts + close))[:3]


def _suggest(value: str, known) -> str:
    near = nearest(value, known)
    return f" (did you mean {' or '.join(near)}?)" if near else \
        f" (known: {', '.join(known)})"


def field_problems(name: str, value: str) -> list[str]:
    """What is wrong with one `name:value` of the query, if anything."""
    field = FIELDS.get(name.lower())
    if field is None:
        return [f"{name}: is not a field that can be searched (fields: "
                f"{', '.join(SHOWN_FIELDS)})"]
    bare = value.strip('"').strip()
    if bare in ("*", "") or bare.strip("*?") == "":
        return [f"{name}:{value} gives no value: name one (e.g. {name}:{_example(field)}) "
                f"or leave the field out"]
    if field == "year" and not _YEAR_VALUE.fullmatch(bare):
        return [f"{name}:{value} is not a year or a range of years (e.g. year:2018 or "
                f"year:2015-2018)"]
    if field == "year" and len(years := [int(y) for y in _YEARS.findall(bare)]) == 2 \
            and years[0] > years[1]:
        return [backwards(name, ":", *years)]
    facet = by_query_name(name)
    if facet is None or facet.vocabulary is None or facet.name == "authority" \
            or bare.endswith("*"):
        return []  # authorities are checked against the index (SearchIndex)
    value, known = facet.query_value(bare), [str(v) for v in facet.vocabulary(Known())]
    if value in known:
        return []
    return [f"unknown {facet.title.lower()} {bare!r}{_suggest(value, known)}"]


def _example(field: str) -> str:
    return {"year": "2018", "section": "strengths", "inspection_type": "focused_visit",
            "authority": "derbyshire", "judgement": "good"}.get(field, "word")


def boost_problems(text: str) -> list[str]:
    problems = []
    for m in _BOOST.finditer(_QUOTED.sub(lambda q: "_" * len(q.group()), text)):
        try:
            boost = float(m.group(1))
        except ValueError:
            boost = math.nan
        if not math.isfinite(boost) or boost <= 0:
            problems.append(f"^{m.group(1)} is not a boost: write a positive number, e.g. "
                            f"word^2")
    return problems


def typed_filters(text: str) -> list[tuple[str, str, int, int]]:
    """(field name, value, start, end) of every facet filter typed into the query."""
    hidden = _QUOTED.sub(lambda q: '"' + "x" * (len(q.group()) - 2) + '"', text)
    found = []
    for m in _FIELD.finditer(hidden):
        if m.group(1).lower() in FIELDS and m.group(1).lower() not in TEXT_FIELDS:
            found.append((m.group(1), text[m.start(2):m.end(2)], m.start(), m.end()))
    return found


def check_query(text: str) -> None:
    """Raise BadRequest naming every problem in the query string, or return None."""
    # quoted words are not fields: keep the quotes, hide what is inside them
    unquoted = _QUOTED.sub(lambda q: '"' + "x" * (len(q.group()) - 2) + '"', text)
    problems = []
    for m in _FIELD.finditer(unquoted):
        if m.group(2).startswith("//"):  # a web address, not a field
            continue
        value = text[m.start(2):m.end(2)]  # a quoted value, read from the original text
        problems += field_problems(m.group(1), value)
    problems += boost_problems(text)
    if problems:
        raise BadRequest("; ".join(dict.fromkeys(problems)))


def unclosed_quote(text: str) -> dict | None:
    """A notice when the query opens a quote it never closes (`"drift and delay`): the
    parser drops the lone quote and searches the words after it separately. The notice
    says so and offers the phrase closed at the end of the query; None when quotes pair."""
    if text.count('"') % 2 == 0:
        return None
    opened = text.rindex('"')  # quotes pair from the left: the last one is alone
    words = " ".join(text[opened + 1:].split())
    if not words:
        return {"kind": "unclosed_quote", "query": None,
                "message": "A quote mark at the end of your query was ignored."}
    return {"kind": "unclosed_quote", "query": text.rstrip() + '"',
            "message": f"The quote before \u201c{words[:80]}\u201d is not closed, so these "
                       "words were searched separately, not as an exact phrase."}


def check_typed_values(q, known) -> None:
    """Facet values typed in the query (`authority:derbyshir`) must be in the facet's
    vocabulary, as selected filters must; the nearest known values are suggested."""
    problems = []
    for leaf in leaves(q):
        facet = BY_NAME.get(getattr(leaf, "fieldname", None))
        if not isinstance(leaf, wq.Term) or facet is None or facet.vocabulary is None:
            continue
        if facet.problem(leaf.text, known) is None:
            continue
        near = nearest(leaf.text, [str(v) for v in facet.vocabulary(known)])
        hint = f" (did you mean {' or '.join(near)}?)" if near else ""
        problems.append(f"unknown {facet.title.lower()} {leaf.text[:60]!r}{hint}")
    if problems:
        raise BadRequest("; ".join(dict.fromkeys(problems)))


def leaves(q):
    """Every leaf of a Whoosh query tree, depth first."""
    children = list(q.children())
    if not children:
        yield q
    for child in children:
        yield from leaves(child)
