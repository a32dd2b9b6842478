"""Trends over the real seed index: per-year reports, matching reports, share and
passages, checked against the search's own counts; by=type families; the HTML chart,
table, coverage sentence and CSV; bad parameters get a 400."""
from __future__ import annotations

import csv
import io
import re
import shutil

import pytest

from pages import SCRIPT_LETTER, SEEDS, links
from indexer.index.build import build
from webui import create_app
from indexer.answers.trends import FAMILIES, family_of
from indexer.domain.inspection_types import INSPECTION_TYPES

SEED_YEARS = [2009, 2010, 2011, 2013, 2018]
EVERY_YEAR = list(range(2009, 2019))  # first to last: the years between have no reports


def held(years: list[dict]) -> list[dict]:
    return [y for y in years if y["reports"]]


def test_drift_is_in_the_2018_focused_visit_only(client):
    data = client.get("/api/trends?q=drift").get_json()
    assert data["query"] == "drift" and data["by"] is None
    assert data["year_basis"] == "inspection" and data["unquoted_words"] is False
    assert data["phrase_query"] is None and data["match"] == "all"
    assert [y["year"] for y in data["years"]] == EVERY_YEAR
    assert [y["year"] for y in held(data["years"])] == SEED_YEARS
    assert [y["reports"] for y in held(data["years"])] == [1, 1, 1, 1, 1]
    assert [y["matching_reports"] for y in held(data["years"])] == [0, 0, 0, 0, 1]
    assert [y["share"] for y in held(data["years"])] == [0.0, 0.0, 0.0, 0.0, 100.0]
    # one report is no evidence of 100%: Wilson 95% of 1 in 1 is 20.7-100%
    assert [(y["share_low"], y["share_high"]) for y in held(data["years"])] == [
        (0.0, 79.3)] * 4 + [(20.7, 100.0)]
    assert all(y["small_sample"] for y in data["years"])
    assert data["coverage"] == {"reports": 5, "first_year": 2009, "last_year": 2018}


def test_a_year_without_reports_has_no_share_not_zero(client):
    years = {y["year"]: y for y in client.get("/api/trends?q=drift").get_json()["years"]}
    assert years[2012] == {"year": 2012, "reports": 0, "matching_reports": 0, "share": None,
                           "share_low": None, "share_high": None, "small_sample": True,
                           "passages": 0}
    html = client.get("/trends?q=drift").get_data(as_text=True)
    row = re.search(r"<th scope=\"row\">2012</th>(.*?)</tr>", html).group(1)
    assert "no reports" in row and "0.0%" not in row and "%" not in row
    assert len(re.findall(r'<circle[^>]*class="no-reports"', html)) == 2 * 5  # wide and narrow


def test_unquoted_words_say_so_and_give_the_phrase_figures(client):
    words = client.get("/api/trends?q=management+oversight").get_json()
    phrase = client.get("/api/trends", query_string={"q": '"management oversight"'}).get_json()
    assert words["unquoted_words"] is True and phrase["unquoted_words"] is False
    assert words["phrase_query"]["query"] == '"management oversight"'
    assert words["phrase_query"]["years"] == [
        {k: y[k] for k in ("year", "reports", "matching_reports", "share", "share_low",
                           "share_high", "small_sample", "passages")} for y in phrase["years"]]
    assert words["phrase_query"]["matching_reports"] == sum(
        y["matching_reports"] for y in phrase["years"]) == 2
    assert sum(y["matching_reports"] for y in words["years"]) == 4  # the words, anywhere
    html = client.get("/trends?q=management+oversight").get_data(as_text=True)
    assert "These are separate words, not a phrase." in html
    assert re.search(r'As a phrase, <a href="/trends\?q=%22management\+oversight%22">'
                     r'&#34;management oversight&#34;</a>: <strong>2 reports</strong>', html)
    for query in ('"management oversight"', "management OR oversight", "drift",
                  "authority:derbyshire drift", "manag* oversight"):
        data = client.get("/api/trends", query_string={"q": query}).get_json()
        assert data["unquoted_words"] is False and data["phrase_query"] is None, query


def test_expanded_concepts_are_listed(client):
    data = client.get("/api/trends?q=LAC").get_json()
    search = client.get("/api/search?q=LAC").get_json()
    assert data["expansions"] == search["expansions"] != []
    html = client.get("/trends?q=LAC").get_data(as_text=True)
    assert "Also searched for, as related terms:" in html


@pytest.fixture(scope="module")
def december_client(tmp_path_factory):
    """The seeds plus a focused visit of 4-5 December 2019 published on 22 January 2020."""
    root = tmp_path_factory.mktemp("december")
    shutil.copytree(SEEDS, root / "seeds")
    (root / "seeds" / "december.txt").write_text(SCRIPT_LETTER.replace(
        "22 March 2019", "22 January 2020").replace("5 and 6 March 2019", "4 and 5 December 2019"),
        encoding="utf-8")
    build([str(root / "seeds")], str(root / "index"), workers=1)
    return create_app({"OFSTED_INDEX": str(root / "index"), "TESTING": True}).test_client()


def test_year_basis_published_moves_a_december_visit_to_january(december_client):
    get = lambda url: december_client.get(url).get_json()  # noqa: E731
    inspected = {y["year"]: y for y in get("/api/trends?q=zebra")["years"]}
    published = get("/api/trends?q=zebra&year_basis=published")
    assert published["year_basis"] == "published"
    by_year = {y["year"]: y for y in published["years"]}
    assert (inspected[2019]["matching_reports"], inspected[2019]["reports"]) == (1, 1)
    assert 2020 not in inspected
    assert (by_year[2019]["reports"], by_year[2020]["matching_reports"]) == (0, 1)
    assert by_year[2019]["share"] is None and by_year[2020]["share"] == 100.0
    # the 2013 SIF report states no publication date: it stays in its inspection year
    assert by_year[2013]["reports"] == inspected[2013]["reports"] == 1
    rows = list(csv.DictReader(io.StringIO(december_client.get(
        "/trends.csv?q=zebra&year_basis=published").get_data(as_text=True))))
    assert {r["year_basis"] for r in rows} == {"published"}
    assert [r["matching_reports"] for r in rows if r["year"] == "2020"] == ["1"]
    html = december_client.get("/trends?q=zebra&year_basis=published").get_data(as_text=True)
    assert "counted in the year it was published" in html
    assert "counted in the year of its inspection (the default" in december_client.get(
        "/trends?q=zebra").get_data(as_text=True)
    response = december_client.get("/api/trends?year_basis=publication")
    assert response.status_code == 400 and "year_basis must be one of" in response.get_json()["error"]


def test_passages_and_reports_add_up_to_the_search_counts(client):
    for query in ("drift", "management oversight", "child protection", "NOT zebra"):
        search = client.get("/api/search", query_string={"q": query}).get_json()
        years = client.get("/api/trends", query_string={"q": query}).get_json()["years"]
        assert sum(y["passages"] for y in years) == search["total"], query
        assert sum(y["matching_reports"] for y in years) == search["reports"], query
        by_year = {int(f["value"]): f["count"] for f in search["facets"]["year"]}
        assert {y["year"]: y["passages"] for y in years if y["passages"]} == by_year, query
        assert all(y["share"] is None for y in years if not y["reports"]), query


def test_report_filters_narrow_the_denominator_and_section_only_the_numerator(client):
    typed = client.get("/api/trends?q=drift&type=focused_visit").get_json()
    assert typed["years"] == [{"year": 2018, "reports": 1, "matching_reports": 1,
                               "share": 100.0, "share_low": 20.7, "share_high": 100.0,
                               "small_sample": True, "passages": 4}]
    sectioned = client.get("/api/trends?q=drift&section=strengths").get_json()
    assert [y["reports"] for y in held(sectioned["years"])] == [1, 1, 1, 1, 1]
    assert [y["matching_reports"] for y in sectioned["years"]] == [0] * 10


def test_by_type_splits_each_year_into_families(client):
    data = client.get("/api/trends?q=drift&by=type").get_json()
    assert data["by"] == "type"
    assert [[g["group"] for g in y["groups"]] for y in held(data["years"])] == [
        ["safeguarding_2009"], ["safeguarding_2009"], ["safeguarding_2009"], ["sif"], ["ilacs"]]
    assert all(y["groups"] == [] for y in data["years"] if not y["reports"])
    for year in data["years"]:
        assert sum(g["reports"] for g in year["groups"]) == year["reports"]
        assert sum(g["passages"] for g in year["groups"]) == year["passages"]


def test_every_inspection_type_has_a_family():
    assert {t.key for t in INSPECTION_TYPES} <= {k for _, keys in FAMILIES.values() for k in keys}
    assert family_of("ilacs_short") == "ilacs" and family_of("something-new") == "other"


def test_the_page_draws_an_svg_chart_table_and_coverage(client):
    html = client.get("/trends?q=drift").get_data(as_text=True)
    assert html.count("<svg") == 2 and "<script" not in html.split("</head>")[1]  # wide, narrow
    assert len(re.findall(r"<rect [^>]*fill=", html)) == 2 * 5
    assert len(re.findall(r'<g class="whisker"', html)) == 2 * 5
    assert ("The index holds 5 reports from 2009 to 2018 that pass these filters; these "
            "figures describe them, not everything Ofsted has published.") in html
    assert ('<td class="num">100.0%<span class="interval"> (20.7–100.0%)</span> '
            '<span class="tag small-sample-tag">small sample</span></td>') in html
    hrefs = {a["text"]: a["href"] for a in links(html)}
    assert hrefs["CSV"] == "/trends.csv?q=drift" and hrefs["JSON"] == "/api/trends?q=drift"
    assert hrefs["Split by inspection type"] == "/trends?q=drift&by=type"
    by_type = client.get("/trends?q=drift&by=type").get_data(as_text=True)
    assert by_type.count("<svg") == 2 * 4  # all, ILACS, SIF, 2009 safeguarding


def test_csv_has_a_row_per_year_and_family(client):
    response = client.get("/trends.csv?q=drift&by=type&year_from=2009&section=findings")
    assert response.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    common = {"year_basis": "inspection", "query": "drift",
              "coverage": ("The index holds 5 reports from 2009 to 2018 that pass these "
                           "filters; these figures describe them, not everything Ofsted has "
                           "published."),
              "filters": "section=findings; year_from=2009; by=type"}
    no_phrase = {"phrase_query": "", "phrase_matching_reports": "", "phrase_share": "",
                 "phrase_share_low": "", "phrase_share_high": ""}
    assert rows[-2:] == [
        {"year": "2018", "group": "all", "reports": "1", "matching_reports": "1",
         "share": "100.0", "share_low": "20.7", "share_high": "100.0", "small_sample": "True",
         "passages": "2", **no_phrase, **common},
        {"year": "2018", "group": "ilacs", "reports": "1", "matching_reports": "1",
         "share": "100.0", "share_low": "20.7", "share_high": "100.0", "small_sample": "True",
         "passages": "2", **no_phrase, **common}]
    empty = next(r for r in rows if r["year"] == "2012")
    assert (empty["reports"], empty["share"], empty["share_low"]) == ("0", "", "")
    words = list(csv.DictReader(io.StringIO(client.get(
        "/trends.csv?q=management+oversight").get_data(as_text=True))))
    assert {r["phrase_query"] for r in words} == {'"management oversight"'}
    assert sum(int(r["phrase_matching_reports"]) for r in words) == 2


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


def test_compare_counts_by_the_same_year_basis(december_client):
    """Compare places the December visit in 2019 by inspection, in 2020 by publication."""
    url = "/api/compare?q=zebra&authority=exampleshire&authority=derbyshire"
    by_inspection = december_client.get(url).get_json()
    by_publication = december_client.get(url + "&year_basis=published").get_json()
    years = lambda data: {y["year"]: y for y in data["sides"][0]["years"]}  # noqa: E731
    assert by_inspection["year_basis"] == "inspection"
    assert (years(by_inspection)[2019]["matching_reports"], years(by_inspection)[2020]
            if 2020 in years(by_inspection) else None) == (1, None)
    assert years(by_publication)[2020]["matching_reports"] == 1
    assert years(by_publication)[2019]["share"] is None
    assert by_publication["sides"][0]["matching_reports"] == 1  # the total does not move
