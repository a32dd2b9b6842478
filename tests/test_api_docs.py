"""The API documentation cannot drift: /api/openapi.json is valid OpenAPI 3.1 in shape,
lists every machine-readable route the app serves, and for every endpoint the app accepts
exactly the parameters the document describes (asked of the running app over the real
seed index, one parameter at a time)."""
from __future__ import annotations

import re

import pytest

from indexer.search.request import KNOWN_PARAMS

MACHINE_SUFFIXES = (".json", ".csv", ".ris", ".bib", ".atom")
PATH_VALUES = {"key": "derbyshire", "report_id": "derbyshire-focused-visit-2018-02-27",
               "passage_id": "p-5e0981f645"}
SAMPLES = {"q": "care", "year": "2018", "year_from": "2010", "year_to": "2020", "page": "1",
           "per_page": "5", "sort": "newest", "expand": "0", "by": "type", "limit": "3",
           "authority": "derbyshire", "region": "East Midlands", "type": "focused_visit",
           "section": "findings", "judgement": "good", "framework": "ilacs",
           "year_basis": "published"}
# every name any endpoint might take, plus names none should
PROBES = sorted({*KNOWN_PARAMS, *SAMPLES, "format", "passage", "callback", "limit", "zzz"})


def documented(client) -> dict:
    return client.get("/api/openapi.json").get_json()


def test_the_document_has_the_openapi_shape(client):
    doc = documented(client)
    assert doc["openapi"] == "3.1.0" and doc["info"]["title"]
    for path, item in doc["paths"].items():
        operation = item["get"]
        assert operation["summary"] and "200" in operation["responses"]
        names = [p["name"] for p in operation["parameters"]]
        assert len(names) == len(set(names)), path
        for parameter in operation["parameters"]:
            assert parameter["in"] in ("query", "path") and parameter["schema"]["type"]
            if parameter["in"] == "query":
                assert parameter["description"], (path, parameter["name"])
        assert {p["name"] for p in operation["parameters"] if p["in"] == "path"} == set(
            re.findall(r"{(\w+)}", path))


def test_every_machine_readable_route_is_documented(app, client):
    served = {re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule) for rule in app.url_map.iter_rules()
              if rule.rule.startswith("/api/") or rule.rule.endswith(MACHINE_SUFFIXES)}
    served.discard("/api/openapi.json")  # the document itself
    assert served == set(documented(client)["paths"])


def _accepts(client, url: str, name: str) -> bool:
    response = client.get(url, query_string={name: SAMPLES.get(name, "x")})
    return not (response.status_code == 400 and
                "unknown parameter" in response.get_data(as_text=True))


@pytest.mark.parametrize("path", [
    "/api/search", "/api/trends", "/trends.csv", "/api/authorities", "/api/authorities/{key}",
    "/api/compare", "/api/reports/{report_id}",
    "/api/reports/{report_id}/passages/{passage_id}/similar", "/export.json", "/export.csv",
    "/export.ris", "/export.bib", "/search.atom"])
def test_the_app_accepts_exactly_the_documented_parameters(client, path):
    operation = documented(client)["paths"][path]["get"]
    described = {p["name"] for p in operation["parameters"] if p["in"] == "query"}
    url = path.format(**PATH_VALUES)
    accepted = {name for name in PROBES if _accepts(client, url, name)}
    assert accepted == described


def test_the_api_page_lists_every_endpoint_and_parameter(client):
    html = client.get("/api").get_data(as_text=True)
    for path, item in documented(client)["paths"].items():
        assert f"<code>GET {path}</code>" in html
        for parameter in item["get"]["parameters"]:
            assert f"<code>{parameter['name']}</code>" in html
    assert '<a href="/api/openapi.json">/api/openapi.json</a>' in html


def test_the_search_answer_is_described_field_by_field(client):
    """/api/search's 200 has a schema naming every field a real answer carries (hits,
    facets, totals, match, authority_in_query, notices), and each hit's and passage's;
    the contract test (tests/test_contract.py) validates every answer against it."""
    schema = client.get("/api/openapi.json").get_json()["paths"]["/api/search"]["get"][
        "responses"]["200"]["content"]["application/json"]["schema"]
    answer = client.get("/api/search?q=Derbyshire plans").get_json()
    assert answer["authority_in_query"]["key"] == "derbyshire"
    assert set(schema["required"]) == set(answer) >= {"hits", "facets", "total", "reports",
                                                      "match", "authority_in_query", "notices"}
    hit = schema["properties"]["hits"]["items"]
    assert set(hit["required"]) <= set(answer["hits"][0])
    assert set(hit["properties"]["passages"]["items"]["required"]) <= set(
        answer["hits"][0]["passages"][0])
    named = schema["properties"]["authority_in_query"]["oneOf"][1]["required"]
    assert set(named) == set(answer["authority_in_query"])
