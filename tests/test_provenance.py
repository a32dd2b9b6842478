"""Provenance: every export (CSV, JSON, RIS, BibTeX), the trends CSV and the Atom feed's
title record every parameter that shaped them. The parameters come from the facet registry
and from the OpenAPI document (so a parameter added to the search is checked here without
a change to this file); each gets a value that keeps the first hit of a real search in the
result, all at once, and each output must name every one."""
from __future__ import annotations

import csv
import io

import bibtexparser
import feedparser
import rispy

from indexer.index.facet_registry import FACETS

OUTPUTS = ("/export.csv", "/export.json", "/export.ris", "/export.bib", "/search.atom",
           "/trends.csv")
IGNORED = {"page", "per_page"}  # every export returns every result (documented so)
FEED_IGNORED = IGNORED | {"sort"}  # a feed is always newest first (documented so)


def documented(client, path: str) -> list[str]:
    doc = client.get("/api/openapi.json").get_json()
    return [p["name"] for p in doc["paths"][path]["get"]["parameters"]]


def sample_values(client, names: list[str]) -> dict[str, str]:
    """A value for every parameter that keeps the first hit for "drift" in the result."""
    hit = client.get("/api/search?q=drift&per_page=1").get_json()["hits"][0]
    schemas = {p["name"]: p["schema"] for path in OUTPUTS for p in client.get(
        "/api/openapi.json").get_json()["paths"][path]["get"]["parameters"]}
    values = {"q": "drift", "year_from": str(hit["year"]), "year_to": str(hit["year"])}
    values |= {f.param: str(hit["facets"][f.name]) for f in FACETS}
    for name in names:
        if name not in values:
            enum = schemas[name].get("enum") or schemas[name].get("items", {}).get("enum")
            assert enum, f"no value to try for the parameter {name!r}: give it an enum"
            values[name] = str(next((v for v in reversed(enum) if v != "relevance"), enum[-1]))
    return values


def test_every_registry_facet_is_documented_for_every_output(client):
    for path in OUTPUTS:
        assert {f.param for f in FACETS} | {"q", "year_from", "year_to"} <= set(
            documented(client, path)), path


def test_every_export_records_every_parameter(client):
    names = sorted(set().union(*(documented(client, p) for p in OUTPUTS)) - IGNORED)
    values = sample_values(client, names)
    for path in OUTPUTS:
        given = {n: values[n] for n in documented(client, path) if n in values}
        response = client.get(path, query_string=given)
        assert response.status_code == 200, (path, response.get_data(as_text=True)[:300])
        text = response.get_data(as_text=True)
        recorded = RECORDED[path](text)
        expected = FEED_IGNORED if path == "/search.atom" else IGNORED
        missing = [f"{n}={v}" for n, v in given.items()
                   if n not in expected and f"{n}={v}" not in recorded]
        assert missing == [], f"{path} does not record {missing}: {recorded[:400]}"


def _csv(text: str) -> str:
    rows = list(csv.DictReader(io.StringIO(text)))
    assert rows, "no rows"
    row = rows[0]
    if "parameters" in row:  # the search export: every parameter, q first
        assert row["filters"] and row["filters"] in row["parameters"]
        return row["parameters"]
    return f"q={row['query']}; " + row["filters"]  # the trends CSV: the query apart


def _json(text: str) -> str:
    import json
    data = json.loads(text)
    assert data["rows"] and data["filters"]
    return "; ".join(f"{n}={v}" for n, values in data["parameters"].items() for v in values)


def _ris(text: str) -> str:
    entries = rispy.loads(text)
    assert entries
    found = [n for n in entries[0]["notes"] if n.startswith("Found by the search ")]
    assert len(found) == 1
    return found[0]


def _bib(text: str) -> str:
    library = bibtexparser.parse_string(text)
    assert library.failed_blocks == [] and library.entries
    annote = {f.key: f.value for f in library.entries[0].fields}["annote"]
    return annote.replace("\\_", "_")


def _atom(text: str) -> str:
    feed = feedparser.parse(text)
    assert feed.entries, "no entries"
    title = feed.feed.title
    query, _, rest = title.partition("” (")
    return f"q={query.split('“')[1]}; " + rest.rstrip(")").replace(": ", "=").replace(", ", "; ")


RECORDED = {"/export.csv": _csv, "/export.json": _json, "/export.ris": _ris,
            "/export.bib": _bib, "/search.atom": _atom, "/trends.csv": _csv}


def test_the_years_are_recorded_the_way_the_issue_found_them_missing(client):
    url = "/export.json?q=drift&year_from=2009&year_to=2023&section=areas_for_improvement"
    data = client.get(url).get_json()
    assert data["filters"] == {"section": ["areas_for_improvement"], "year_from": ["2009"],
                               "year_to": ["2023"]}
    assert data["parameters"] == {"q": ["drift"], **data["filters"]}
    assert data["search_url"] == ("http://localhost/search?q=drift&section=areas_for_improvement"
                                  "&year_from=2009&year_to=2023")
    [row, *_] = csv.DictReader(io.StringIO(client.get(url.replace(".json", ".csv")).get_data(
        as_text=True)))
    assert row["filters"] == "section=areas_for_improvement; year_from=2009; year_to=2023"
    feed = feedparser.parse(client.get(url.replace("/export.json", "/search.atom")).get_data())
    assert feed.feed.title == ("Ofsted inspections: “drift” (section: areas_for_improvement, "
                               "year_from: 2009, year_to: 2023)")
