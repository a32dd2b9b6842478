"""The facet registry on a real index of the seeds: the framework facet (added by touching
only the registry and the inspection-type data) reaches search, the query syntax, the
request parameters, the CLI, the web page and the exports; values are validated against
the vocabulary, not against what the index happens to hold."""
from __future__ import annotations

import csv
import io
import json

import pytest
from werkzeug.datastructures import MultiDict

from indexer.__main__ import _parser, main
from indexer.errors import BadRequest
from indexer.index.facet_registry import BY_NAME, FACETS
from indexer.domain.inspection_types import FRAMEWORKS, INSPECTION_TYPES, framework_of
from indexer.models import SearchRequest
from indexer.search.request import parse_params
from indexer.search.service import SearchIndex

SEED_FRAMEWORKS = {"sif": (164, False), "safeguarding_2009": (54, False), "ilacs": (22, False)}


@pytest.fixture(scope="module")
def index(seed_index):
    return SearchIndex(seed_index)


def counts(results, name):
    return {f.value: (f.count, f.selected) for f in results.facets[name]}


def test_every_inspection_type_belongs_to_exactly_one_framework():
    listed = [t for f in FRAMEWORKS for t in f.types]
    assert sorted(listed) == sorted(t.key for t in INSPECTION_TYPES)
    assert framework_of("no_such_type") == "other"


def test_framework_facet_counts_and_filters(index):
    everything = index.search(SearchRequest())
    assert counts(everything, "framework") == SEED_FRAMEWORKS
    ilacs = index.search(SearchRequest(filters={"framework": ["ilacs"]}))
    assert (ilacs.total, ilacs.reports) == (22, 1)
    assert {h.inspection_type for h in ilacs.hits} == {"focused_visit"}
    assert {h.facets["framework"] for h in ilacs.hits} == {"ilacs"}
    # OR inside the facet, and the facet still counts its other values
    two = index.search(SearchRequest(filters={"framework": ["ilacs", "sif"]}))
    assert two.total == 22 + 164
    assert counts(two, "framework") == {"sif": (164, True), "safeguarding_2009": (54, False),
                                        "ilacs": (22, True)}
    labels = {f.value: f.label for f in everything.facets["framework"]}
    assert labels["sif"] == "Single inspection framework (2013-2018)"


def test_framework_in_the_query_syntax_equals_the_filter(index):
    typed = index.search(SearchRequest(query="framework:SIF"))
    filtered = index.search(SearchRequest(filters={"framework": ["sif"]}))
    assert typed.total == filtered.total == 164


def test_a_known_value_absent_from_the_index_is_an_empty_filter_not_an_error(index):
    results = index.search(SearchRequest(filters={"judgement": ["inadequate"]}))
    assert (results.total, results.hits) == (0, [])
    assert counts(results, "judgement") == {"good": (164, False), "none": (76, False),
                                            "inadequate": (0, True)}
    assert [f.label for f in results.facets["judgement"]] == ["Good", "Not graded",
                                                              "Inadequate"]


def test_unknown_values_are_refused_with_the_vocabulary(index):
    with pytest.raises(BadRequest) as caught:
        index.search(SearchRequest(filters={"framework": ["ofsted"], "judgement": ["meh"]}))
    keys = ", ".join(f.key for f in FRAMEWORKS)
    assert str(caught.value) == (f"unknown framework 'ofsted' (known: {keys}); "
                                 "unknown judgement 'meh' (known: outstanding, good, "
                                 "requires improvement to be good, requires improvement, "
                                 "adequate, inadequate, widespread and/or systemic failings, "
                                 "inconsistent experiences and outcomes, positive experiences "
                                 "and outcomes, none)")


def test_request_parameters_come_from_the_registry():
    request = parse_params(MultiDict([("framework", "ilacs"), ("type", "sif"), ("year", "2018"),
                                      ("year", "2018")]))
    assert request.filters == {"year": (2018,), "inspection_type": ("sif",),
                               "framework": ("ilacs",)}
    with pytest.raises(BadRequest, match="year must be a whole number, not 'soon'"):
        parse_params(MultiDict([("year", "soon")]))


def test_cli_has_one_option_per_facet(seed_index, capsys):
    search = _parser()._subparsers._group_actions[0].choices["search"]
    options = {o for action in search._actions for o in action.option_strings}
    assert {f"--{f.param}" for f in FACETS} <= options
    assert main(["search", "--framework", "ilacs", "--index", str(seed_index), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["total"] == 22
    assert main(["search", "--framework", "nope", "--index", str(seed_index)]) == 2
    assert capsys.readouterr().err.startswith("error: unknown framework 'nope'")


def test_web_page_and_exports_show_the_facet(client):
    page = client.get("/search?framework=ilacs").get_data(as_text=True)
    assert f'<h3 id="facet-framework">{BY_NAME["framework"].title}</h3>' in page
    assert "ILACS (2018-)" in page
    rows = list(csv.DictReader(io.StringIO(
        client.get("/export.csv?framework=ilacs").get_data(as_text=True))))
    assert len(rows) == 22 and {r["framework"] for r in rows} == {"ilacs"}
    assert {r["judgement"] for r in rows} == {"none"}
    assert client.get("/api/search?judgement=inadequate").status_code == 200
