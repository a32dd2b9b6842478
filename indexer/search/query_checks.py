"""Check what a query string asks for before it is parsed, and say what is wrong.

Whoosh's parser accepts almost anything and turns mistakes into silence (`section:bogus`
gives 0, `authority:*` searches the word "authority", `child^-1` scores nothing) or into
crashes (`source:x` names a stored-only field). Every problem found here is collected
into one BadRequest: fields that cannot be searched, values a field cannot hold (with the
nearest valid ones), `field:*`, and boosts that are not positive numbers. Values that only
the index knows (authority keys) are checked by the service.
"""
from __future__ import annotations

import difflib
import math
import re

from indexer.errors import BadRequest
from indexer.ingest.inspection_types import INSPECTION_TYPES
from indexer.ingest.taxonomy import SECTION_KEYS

# Field names a user may type -> the index field (aliases included).
FIELDS = {
    "text": "text", "heading": "heading", "title": "title",
    "authority": "authority", "la": "authority", "council": "authority",
    "section": "section", "type": "inspection_type", "inspection_type": "inspection_type",
    "judgement": "judgement", "year": "year", "years": "year",
}
TYPE_KEYS = tuple(t.key for t in INSPECTION_TYPES)
# `name:` at the start of a word, then a value (quoted or not); "10:30" is not a field.
_FIELD = re.compile(r'(?<![\w"\'’:.-])([A-Za-z_][A-Za-z_0-9]*):("[^"]*"|\[[^\]]*\]?|[^\s()]*)')
_BOOST = re.compile(r'\^([^\s()"]*)')
_QUOTED = re.compile(r'"[^"]*"')
_YEAR_VALUE = re.compile(r"\d{4}|\[\d{4} TO \d{4}\]|\d{4}\s*(?:-|–|\.\.)\s*\d{4}")


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
                f"{', '.join(sorted(set(FIELDS) - {'la', 'council', 'years'}))})"]
    bare = value.strip('"').strip()
    if bare in ("*", "") or bare.strip("*?") == "":
        return [f"{name}:{value} gives no value: name one (e.g. {name}:{_example(field)}) "
                f"or leave the field out"]
    if field == "year" and not _YEAR_VALUE.fullmatch(bare):
        return [f"{name}:{value} is not a year or a range of years (e.g. year:2018 or "
                f"year:2015-2018)"]
    slug = re.sub(r"[^a-z0-9_]+", "_", bare.lower()).strip("_")
    if field == "section" and slug not in SECTION_KEYS and not slug.endswith("*"):
        return [f"unknown section {bare!r}{_suggest(slug, SECTION_KEYS)}"]
    if field == "inspection_type" and slug not in TYPE_KEYS and not bare.endswith("*"):
        return [f"unknown inspection type {bare!r}{_suggest(slug, TYPE_KEYS)}"]
    return []


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
