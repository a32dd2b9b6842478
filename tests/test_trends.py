"""Trends over the real seed index: per-year reports, matching reports, share and
passages, checked against the search's own counts; by=type families; the HTML chart,
table, coverage sentence and CSV; bad parameters get a 400."""
from __future__ import annotations

import csv
import io
import re

from pages import links
from indexer.answers.trends import FAMILIES, family_of
from indexer.domain.inspection_types import INSPECTION_TYPES

SEED_YEARS = [2009, 2010, 2011, 2013, 2018]


def test_drift_is_in_the_2018_focused_visit_only(client):
    data = client.get("/api/trends?q=drift").get_json()
    assert data["query"] == "drift" and data["by"] is None
    assert [y["year"] for y in data["years"]] == SEED_YEARS
    assert [y["reports"] for y in data["years"]] == [1, 1, 1, 1, 1]
    assert [y["matching_reports"] for y in data["years"]] == [0, 0, 0, 0, 1]
    assert [y["share"] for y in data["years"]] == [0.0, 0.0, 0.0, 0.0, 100.0]
    assert data["coverage"] == {"reports": 5, "first_year": 2009, "last_year": 2018}


def test_passages_and_reports_add_up_to_the_search_counts(client):
    for query in ("drift", "management oversight", "child protection", "NOT zebra"):
        search = client.get("/api/search", query_string={"q": query}).get_json()
        years = client.get("/api/trends", query_string={"q": query}).get_json()["years"]
        assert sum(y["passages"] for y in years) == search["total"], query
        assert sum(y["matching_reports"] for y in years) == search["reports"], query
        by_year = {int(f["value"]): f["count"] for f in search["facets"]["year"]}
        assert {y["year"]: y["passages"] for y in years if y["passages"]} == by_year, query


def test_report_filters_narrow_the_denominator_and_section_only_the_numerator(client):
    typed = client.get("/api/trends?q=drift&type=focused_visit").get_json()
    assert typed["years"] == [{"year": 2018, "reports": 1, "matching_reports": 1,
                               "share": 100.0, "passages": 4}]
    sectioned = client.get("/api/trends?q=drift&section=strengths").get_json()
    assert [y["reports"] for y in sectioned["years"]] == [1, 1, 1, 1, 1]
    assert [y["matching_reports"] for y in sectioned["years"]] == [0, 0, 0, 0, 0]


def test_by_type_splits_each_year_into_families(client):
    data = client.get("/api/trends?q=drift&by=type").get_json()
    assert data["by"] == "type"
    assert [[g["group"] for g in y["groups"]] for y in data["years"]] == [
        ["safeguarding_2009"], ["safeguarding_2009"], ["safeguarding_2009"], ["sif"], ["ilacs"]]
    for year in data["years"]:
        assert sum(g["reports"] for g in year["groups"]) == year["reports"]
        assert sum(g["passages"] for g in year["groups"]) == year["passages"]


def test_every_inspection_type_has_a_family():
    assert {t.key for t in INSPECTION_TYPES} <= {k for _, keys in FAMILIES.values() for k in keys}
    assert family_of("ilacs_short") == "ilacs" and family_of("something-new") == "other"


def test_the_page_draws_an_svg_chart_table_and_coverage(client):
    html = client.get("/trends?q=drift").get_data(as_text=True)
    assert html.count("<svg") == 1 and "<script" not in html.split("</head>")[1]
    assert len(re.findall(r"<rect [^>]*fill=", html)) == 5
    assert ("The index holds 5 reports from 2009 to 2018 that pass these filters; these "
            "figures describe them, not everything Ofsted has published.") in html
    assert "<td class=\"num\">100.0%</td>" in html
    hrefs = {a["text"]: a["href"] for a in links(html)}
    assert hrefs["CSV"] == "/trends.csv?q=drift" and hrefs["JSON"] == "/api/trends?q=drift"
    assert hrefs["Split by inspection type"] == "/trends?q=drift&by=type"
    by_type = client.get("/trends?q=drift&by=type").get_data(as_text=True)
    assert by_type.count("<svg") == 4  # all, ILACS, SIF, 2009 safeguarding


def test_csv_has_a_row_per_year_and_family(client):
    response = client.get("/trends.csv?q=drift&by=type")
    assert response.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert rows[-2:] == [
        {"year": "2018", "group": "all", "reports": "1", "matching_reports": "1",
         "share": "100.0", "passages": "4"},
        {"year": "2018", "group": "ilacs", "reports": "1", "matching_reports": "1",
         "share": "100.0", "passages": "4"}]


def test_results_page_links_to_this_search_as_a_trend(client):
    html = client.get("/search?q=drift&type=focused_visit&page=1").get_data(as_text=True)
    trend = [a["href"] for a in links(html, "trend-link")]
    assert trend == ["/trends?q=drift&type=focused_visit"]


def test_bad_parameters_get_a_clear_400(client):
    response = client.get("/api/trends?q=drift&by=region")
    assert response.status_code == 400
    assert response.get_json()["error"] == "by must be one of type, not 'region'"
    assert client.get("/api/trends?type=nonsense").status_code == 400
    assert client.get("/trends?q=drift&year=abc").status_code == 400
