"""Every parameter is checked: unknown parameters, year ranges, and what the query string
asks for (fields, values, boosts) each get a 400 that says what is wrong, never a 500;
through the real web app over the seeds."""
from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from indexer.errors import BadRequest
from indexer.index.schema import make_schema
from indexer.search.query_checks import check_query, nearest


def error(client, **params) -> tuple[int, str]:
    response = client.get("/api/search", query_string=params)
    return response.status_code, json.loads(response.get_data(as_text=True)).get("error", "")


@pytest.mark.parametrize("query, words", [
    ("passage_ids:*", "passage_ids: is not a field"),
    ("source:x", "source: is not a field"),
    ("authority_label:derby", "authority_label: is not a field"),
    ("year:abc", "year:abc is not a year"),
    ("section:bogus", "unknown section 'bogus'"),
    ("type:ilacs", "did you mean ilacs_standard or ilacs_short?"),
    ("authority:*", "authority:* gives no value"),
    ("section:*", "section:* gives no value"),
    ("type:*", "type:* gives no value"),
    ("child^-1", "^-1 is not a boost"),
    ("child^nan", "^nan is not a boost"),
    ("child^0", "^0 is not a boost"),
    ("authority:derbyshir neglect", "unknown local authority 'derbyshir' (did you mean derbyshire"),
])
def test_bad_queries_are_400_saying_what_is_wrong(client, query, words):
    status, message = error(client, q=query)
    assert status == 400 and words in message, message


@pytest.mark.parametrize("query", ["child^2", '"drift and delay"^0.5', "title:\"a b\"",
                                   "year:2015-2018", "see http://x.org", "at 10:30 today",
                                   'section:"areas for development"', "type:focused_visit",
                                   "authority:derbyshire plans"])
def test_good_queries_pass_the_checks(client, query):
    assert error(client, q=query)[0] == 200


def test_unknown_parameters_are_named_with_the_valid_ones(client):
    status, message = error(client, q="neglect", inspection_type="focused_visit")
    assert status == 400
    assert "unknown parameter 'inspection_type'" in message and "type" in message


def test_year_ranges_select_every_year_of_the_range(client):
    def years(**params):
        data = client.get("/api/search", query_string={"q": "plans", **params}).get_json()
        return data["total"], sorted(f["value"] for f in data["facets"]["year"] if f["selected"])
    in_q = client.get("/api/search", query_string={"q": "plans year:2013-2018"}).get_json()
    total, selected = years(year="2013-2018")
    assert total == in_q["total"] > 0
    assert selected and all("2013" <= y <= "2018" for y in selected)
    assert years(year_from="2013", year_to="2018") == (total, selected)
    assert years(year_from="2019")[1] == [] or min(years(year_from="2019")[1]) >= "2019"
    assert error(client, q="plans", year_from="2020", year_to="2018")[0] == 400
    assert error(client, q="plans", year="2018-abcd")[0] == 400


@pytest.mark.parametrize("path", ["/api/search", "/search", "/trends", "/export.csv"])
def test_a_backwards_year_range_is_one_400_however_it_is_asked(client, path):
    """year:2018-2015 in the query, year=2018-2015 and year_from=2018&year_to=2015 are all
    refused the same way, each message giving the range the right way round."""
    asked = [({"q": "plans year:2018-2015"}, "write year:2015-2018"),
             ({"q": "plans year:[2018 TO 2015]"}, "write year:2015-2018"),
             ({"q": "plans", "year": "2018-2015"}, "write year=2015-2018"),
             ({"q": "plans", "year": "2018–2015"}, "write year=2015-2018"),
             ({"q": "plans", "year_from": "2018", "year_to": "2015"},
              "write year_from=2015 and year_to=2018")]
    for params, fix in asked:
        response = client.get(path, query_string=params)
        text = response.get_data(as_text=True)
        assert response.status_code == 400 and fix in text, (params, text[:300])
        assert "2018 is after 2015" in text or "(2018) is after year_to (2015)" in text
    forwards = client.get(path, query_string={"q": "plans year:2013-2018"})
    assert forwards.status_code == 200


@pytest.mark.parametrize("query", ["*", "care (*)", "care * plans"])
def test_a_bare_wildcard_is_named_as_typed_not_as_an_index_field(client, query):
    """`q=*` once said "'text:*' stands for every word of the field": an index field the
    user never typed. The page and the JSON now quote what was typed and say what to do."""
    status, message = error(client, q=query)
    assert status == 400 and message.startswith("'*' on its own stands for every word")
    assert "leave the search box empty to list every passage" in message
    page = client.get("/search", query_string={"q": query}).get_data(as_text=True)
    assert "on its own stands for every word" in page
    assert "text:" not in message and "text:*" not in page
    assert error(client, q="care*")[0] == 200


def test_nearest_values_begin_with_or_look_like_the_value():
    assert nearest("ilacs", ["sif", "ilacs_standard", "ilacs_short"]) == [
        "ilacs_standard", "ilacs_short"]
    assert nearest("strenghts", ["strengths", "findings"]) == ["strengths"]


def test_check_query_collects_every_problem_in_one_message():
    with pytest.raises(BadRequest) as caught:
        check_query("source:x year:abc child^-1")
    assert str(caught.value).count(";") == 2


# --- generated from the grammar and every field of the schema -------------------------

FIELDS = sorted(make_schema().names()) + ["type", "la", "council", "years", "nosuch"]
VALUES = ["*", "", "abc", "2018", "2015-2018", "derbyshire", "strengths", "ilacs", "x*",
          '"two words"', "[2015 TO 2018]", "none", "good", "-1"]
WORDS = ["neglect", "plans", '"drift and delay"', "multi-agency", "s47", "assess*", "^2",
         "^-1", "^nan", "~2", "AND", "OR", "NOT", "(", ")", '"', ":"]
term = st.one_of(st.sampled_from(WORDS),
                 st.tuples(st.sampled_from(FIELDS), st.sampled_from(VALUES))
                 .map(lambda fv: f"{fv[0]}:{fv[1]}"))
grammar = st.lists(term, min_size=1, max_size=6).map(" ".join)


@settings(max_examples=200, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(query=grammar)
@example(query='" authority_label:* authority:"two words"').via("found by hypothesis")
def test_no_query_of_the_grammar_is_a_500(client, query):
    for path in ("/api/search", "/search"):
        response = client.get(path, query_string={"q": query})
        assert response.status_code in (200, 400), (query, response.get_data(as_text=True)[:300])
