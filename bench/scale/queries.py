"""The query set of the scale benchmark: every kind of search a user makes.

Each query is the URL parameters of /api/search (so the same query runs in-process via
indexer.search.request.parse_params, over HTTP, and in the load test) plus its SQLite FTS5
MATCH expression and any filter the query text carries (``section:``, ``year:``).
Authorities are ones the generator always produces; ``per_page`` is 10 (top 10).
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from urllib.parse import urlencode

from indexer.search.request import ArgParams, parse_params


@dataclass(frozen=True)
class Query:
    name: str
    kind: str
    params: dict  # URL parameters, lists for repeatable filters
    fts: str | None  # FTS5 MATCH expression; None browses by date
    fts_filters: dict = field(default_factory=dict)  # filters written inside the query text

    def url(self, path: str = "/api/search") -> str:
        return path + "?" + urlencode({"per_page": 10, **self.params}, doseq=True)

    def request(self):
        return parse_params(ArgParams({"per_page": "10", **self.params}))


def _q(name, kind, q, fts, **params) -> Query:
    extra = params.pop("fts_filters", {})
    return Query(name, kind, {"q": q, **params} if q else params, fts, extra)


QUERIES: tuple[Query, ...] = (
    _q("children", "common word", "children", "children"),
    _q("social workers", "common words", "social workers", "social workers"),
    _q("child protection", "common words", "child protection", "child protection"),
    _q("management oversight", "common words", "management oversight", "management oversight"),
    _q("care leavers", "common words", "care leavers", "care leavers"),
    _q("quality of practice", "common words", "quality of practice", "quality practice"),
    _q("exploitation", "rare word", "exploitation", "exploitation"),
    _q("neglect", "rare word", "neglect", "neglect"),
    _q("unaccompanied", "rare word", "unaccompanied", "unaccompanied"),
    _q("adoption", "rare word", "adoption", "adoption"),
    _q("private fostering", "rare words", "private fostering", "private fostering"),
    _q("drift and delay", "phrase", '"drift and delay"', '"drift and delay"'),
    _q("management oversight phrase", "phrase", '"management oversight"',
       '"management oversight"'),
    _q("child protection plans phrase", "phrase", '"child protection plans"',
       '"child protection plans"'),
    _q("social work practice phrase", "common phrase", '"social work practice"',
       '"social work practice"'),
    _q("oversight NOT management", "boolean", "oversight NOT management",
       "oversight NOT management"),
    _q("adoption OR fostering", "boolean", "adoption OR fostering", "adoption OR fostering"),
    _q("neglect AND (drift OR delay)", "boolean", "neglect AND (drift OR delay)",
       "neglect AND (drift OR delay)"),
    _q("safeguard*", "prefix", "safeguard*", "safeguard*"),
    _q("children year 2019", "filter", "children", "children", year=["2019"]),
    _q("neglect in Leeds", "filter", "neglect", "neglect", authority=["leeds"]),
    _q("care leavers focused visits", "filter", "care leavers", "care leavers",
       type=["focused_visit"]),
    _q("children strengths", "filter", "children", "children", section=["strengths"]),
    _q("assessments 2018+2019 Kent", "filters", "assessments", "assessments",
       year=["2018", "2019"], authority=["kent"]),
    _q("section:strengths neglect", "query field", "section:strengths neglect", "neglect",
       fts_filters={"section": ["strengths"]}),
    _q("year:2015-2018 adoption", "query field", "year:2015-2018 adoption", "adoption",
       fts_filters={"year": [2015, 2016, 2017, 2018]}),
    _q("toggle: children + findings", "facet toggle", "children", "children",
       section=["findings"]),
    _q("toggle: children + findings + 2022", "facet toggle", "children", "children",
       section=["findings"], year=["2022"]),
    _q("toggle: children + findings + 2022 + ILACS", "facet toggle", "children", "children",
       section=["findings"], year=["2022"], type=["ilacs_standard"]),
    _q("children newest", "sort", "children", "children", sort="newest"),
    _q("neglect oldest", "sort", "neglect", "neglect", sort="oldest"),
    _q("children page 2", "page", "children", "children", page="2"),
    _q("social workers page 5", "page", "social workers", "social workers", page="5"),
    _q("browse everything", "browse", "", None),
    _q("browse 2021 Manchester", "browse", "", None, year=["2021"], authority=["manchester"]),
)


def in_mode(queries: tuple[Query, ...], mode: str | None) -> tuple[Query, ...]:
    """The queries with `mode=` set (None: as they are, so the default mode applies)."""
    if mode is None:
        return queries
    return tuple(dataclasses.replace(q, params={**q.params, "mode": mode}) for q in queries)
