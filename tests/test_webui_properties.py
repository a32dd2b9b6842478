"""Property tests: arbitrary text and parameters (control characters, huge numbers,
repeated and unknown parameters) thrown at the search, export and report routes never
produce a 500, and every JSON answer parses."""
from __future__ import annotations

import json
from urllib.parse import quote

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st


ALLOWED = {200, 400, 404}
PARAMS = ["q", "year", "authority", "type", "section", "judgement", "page", "per_page", "sort",
          "expand", "format", "passage", "zzz"]
KNOWN_VALUES = ["derbyshire", "durham", "2018", "2013", "focused_visit", "sif", "findings",
                "boilerplate", "strengths", "newest", "oldest", "relevance", "none", "good",
                "0", "1", "2", "-1", "99999999999999999999", "1e9", " 3 ", ""]
QUERY_BITS = ['"', "(", ")", "AND", "OR", "NOT", "*", ":", "authority:", "year:2015-2018",
              "section:strengths", "type:focused_visit", "year:", "\x00", "\x1b", "<script>",
              "management", "oversight", "\u202e", "\ud7ff", "’", "-", "^", "~", "[", "]", "{"]

text = st.text(alphabet=st.characters(codec="utf-8"), max_size=120)
values = st.one_of(text, st.sampled_from(KNOWN_VALUES),
                   st.integers(min_value=-10**30, max_value=10**30).map(str))
queries = st.one_of(text, st.lists(st.sampled_from(QUERY_BITS + KNOWN_VALUES), max_size=8)
                    .map(" ".join), st.text(min_size=490, max_size=520))
params = st.lists(st.tuples(st.sampled_from(PARAMS), values), max_size=12)
FAST = settings(max_examples=150, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow])


def _check(response, allowed=ALLOWED) -> None:
    assert response.status_code in allowed, response.get_data(as_text=True)[:500]
    body = response.get_data(as_text=True)
    assert "Traceback" not in body
    if response.mimetype == "application/json":
        data = json.loads(body)
        if response.status_code != 200:
            assert data["status"] == response.status_code and data["error"]


PARSER_CRASHES = ["NOT AND ", "( NOT NOT \" } ’", "oversight 2018 ANDMAYBE ANDNOT AND",
                  "/ ANDNOT ANDMAYBE ~2"]  # made Whoosh's parser raise IndexError/AssertionError


@FAST
@given(query=queries, extra=params)
@example(query=PARSER_CRASHES[0], extra=[]).via("found by hypothesis")
@example(query=PARSER_CRASHES[1], extra=[])
@example(query=PARSER_CRASHES[2], extra=[])
@example(query=PARSER_CRASHES[3], extra=[])
def test_api_search_never_fails(client, query, extra):
    _check(client.get("/api/search", query_string=[("q", query), *extra]))


@FAST
@given(query=queries, extra=params)
def test_search_page_never_fails(client, query, extra):
    response = client.get("/search", query_string=[("q", query), *extra])
    _check(response)
    assert response.mimetype == "text/html"


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(extra=params)
def test_exports_never_fail(client, extra):
    _check(client.get("/export.json", query_string=extra))
    _check(client.get("/export.csv", query_string=extra))


@FAST
@given(report_id=text, query=queries)
def test_report_pages_never_fail(client, report_id, query):
    path = quote(report_id, safe="")  # an encoded "/" can make "//": 308 to the merged path
    for prefix in ("/reports/", "/api/reports/"):
        _check(client.get(prefix + path, query_string={"q": query}), ALLOWED | {308})


@FAST
@given(query=queries)
@example(query=PARSER_CRASHES[0]).via("found by hypothesis")
@example(query=PARSER_CRASHES[2])
def test_real_report_with_any_query_is_200(client, query):
    response = client.get("/reports/derbyshire-focused-visit-2018-02-27",
                          query_string={"q": query})
    assert response.status_code == 200
    assert 'id="p-5e0981f645"' in response.get_data(as_text=True)


@FAST
@given(pairs=st.lists(st.tuples(st.sampled_from(PARAMS), values), max_size=12))
def test_state_urls_are_urlencoded_pairs(pairs):
    """UrlState.url encodes each pair once and remembers it (webui/state.py): the same URL
    urllib's urlencode gives, for any text."""
    from urllib.parse import urlencode

    from webui.state import UrlState

    for _ in range(2):
        assert UrlState(pairs, "/search").url() == "/search" + (
            "?" + urlencode(pairs) if pairs else "")
