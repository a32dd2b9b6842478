"""The facet registry: every facet (a filter with counts) defined once, here.

A Facet names its index field, the request parameter and CLI option that select it, the
field names the query syntax accepts, its display title, the value the build stores for a
passage, the vocabulary its values are validated against, how values are labelled and in
which order they are listed. The schema, the build, request parsing, SearchIndex, the
query parser, the CLI, the web views and the exports all read FACETS; adding a facet means
adding an entry here (and the data its value comes from), nothing else.

Validation (docs/decisions/0014-facet-registry.md): a selected value is checked against
the facet's vocabulary, the values it *can* take (taxonomy data), not the values the index
happens to hold; a known value absent from the index is a filter that matches nothing
(count 0), never a 400. Authorities' vocabulary is their records
(indexer/domain/data/authorities.csv) plus any unrecorded authority in the served index;
a filter or field query may name an authority by any alias (`canonical`).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable, Collection

from indexer.domain import authorities
from indexer.domain import inspection_types as types
from indexer.domain import taxonomy
from indexer.domain.slugs import slug
from indexer.models import Chunk, Report

YEARS = (1900, 2100)  # the years a request may ask for


@dataclass
class Known:
    """What the served index knows that labels and vocabularies may need."""

    authority_labels: dict[str, str] = field(default_factory=dict)  # key -> as printed


@dataclass(frozen=True)
class Facet:
    name: str  # key in SearchResults.facets and the JSON; also the index field
    param: str  # request parameter and CLI option (--param), repeatable
    title: str  # heading shown above the facet's values
    value: Callable[[Report, Chunk], object]  # stored for a passage (`chunk`) of `report`
    help: str  # one line for --help and the README
    aliases: tuple[str, ...] = ()  # more field names the query syntax accepts
    numeric: bool = False  # an int (year): ranges work, values parsed as numbers
    vocabulary: Callable[[Known], Collection] | None = None  # valid values; None: any number
    label: Callable[[object, Known], str] = lambda value, known: str(value)
    order: str = "count"  # "count": most passages first; "value": newest (largest) first
    chart: bool = False  # drawn as bars (the year chart)
    hidden: frozenset = frozenset()  # values left out of results unless selected
    query_joiner: str = "_"  # `type:Focused Visit` -> focused_visit in the query syntax
    list_known: bool = True  # a refusal lists the vocabulary (when it has 20 values or fewer)
    per_report: bool = True  # one value per report (False: per passage, as sections)
    canonical: Callable[[str], str | None] | None = None  # another spelling -> stored value

    @property
    def field(self) -> str:
        return self.name

    def query_value(self, text: str) -> str:
        """A value typed in the query syntax, as the index stores it."""
        return self.canonical_value(slug(text, self.query_joiner))

    def canonical_value(self, value):
        """A selected or typed value as the index stores it (an authority's alias -> key)."""
        if self.canonical is None or not isinstance(value, str):
            return value
        return self.canonical(value) or value

    def parse(self, text: str) -> tuple[object, str | None]:
        """(the value as the index stores it, or an error message)."""
        if not self.numeric:
            return text, None
        low, high = YEARS
        if not re.fullmatch(r"\s*\d{1,7}\s*", text):
            return None, f"{self.param} must be a whole number, not {text[:40]!r}"
        if not low <= int(text) <= high:
            return None, f"{self.param} must be between {low} and {high}, not {int(text)}"
        return int(text), None

    def problem(self, value, known: Known) -> str | None:
        """Why a selected value is not valid, or None."""
        if self.vocabulary is None:
            return None
        vocabulary = self.vocabulary(known)
        if value in vocabulary:
            return None
        short = self.list_known and len(vocabulary) <= 20
        listed = f" (known: {', '.join(map(str, vocabulary))})" if short else ""
        return f"unknown {self.name.replace('_', ' ')} {str(value)[:60]!r}{listed}"


def _judgement_label(value, known: Known) -> str:
    return "Not graded" if value == "none" else str(value).capitalize()


def _framework_label(value, known: Known) -> str:
    return next((f.label for f in types.FRAMEWORKS if f.key == value), str(value))


FACETS: tuple[Facet, ...] = (
    Facet("year", "year", "Year of inspection", lambda r, c: r.year,
          "year of the inspection (publication year when no inspection date is printed)",
          aliases=("years",), numeric=True, order="value", chart=True),
    Facet("authority", "authority", "Local authority", lambda r, c: r.authority_key,
          "local authority key, e.g. derbyshire", aliases=("la", "council"),
          vocabulary=lambda known: authorities.records().keys() | known.authority_labels.keys(),
          label=lambda v, known: known.authority_labels.get(v, str(v)), query_joiner="-",
          list_known=False, canonical=authorities.resolve_key),
    Facet("inspection_type", "type", "Inspection type", lambda r, c: r.inspection_type,
          "inspection type key, e.g. focused_visit", aliases=("type",),
          vocabulary=lambda known: [t.key for t in types.INSPECTION_TYPES],
          label=lambda v, known: types.label_for(str(v))),
    Facet("framework", "framework", "Inspection framework",
          lambda r, c: types.framework_of(r.inspection_type),
          "inspection framework (family of types), e.g. ilacs, sif, jtai, send",
          vocabulary=lambda known: [f.key for f in types.FRAMEWORKS], label=_framework_label),
    Facet("section", "section", "Section", lambda r, c: c.section_key,
          "canonical section key, e.g. strengths",
          vocabulary=lambda known: taxonomy.SECTION_KEYS,
          label=lambda v, known: taxonomy.SECTION_LABELS.get(v, str(v)),
          hidden=frozenset(taxonomy.HIDDEN_BY_DEFAULT), per_report=False),
    Facet("judgement", "judgement", "Overall judgement",
          lambda r, c: r.overall_judgement or "none",
          "overall judgement, e.g. inadequate (none: ungraded)",
          vocabulary=lambda known: (*types.GRADES, *(o for o, _ in types.SEND_OUTCOMES), "none"),
          label=_judgement_label, query_joiner=" "),
    Facet("part", "part", "Part of the report", lambda r, c: c.part,
          "part of a report in parts: local_authority, lscb, lscp (none: not in a part)",
          vocabulary=lambda known: taxonomy.PART_LABELS.keys(),
          label=lambda v, known: taxonomy.PART_LABELS.get(v, str(v)), per_report=False),
)
BY_NAME = {f.name: f for f in FACETS}


def by_query_name(name: str) -> Facet | None:
    """The facet a field name of the query syntax (`type`, `la`, `judgement`) refers to."""
    name = name.lower()
    return next((f for f in FACETS if name == f.name or name in f.aliases), None)
