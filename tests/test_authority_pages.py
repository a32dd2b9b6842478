"""Authority pages and compare over the real seed index (Derbyshire has three
inspections: 2009, 2013, 2018): summaries, the history with recommendations followed into
later inspections, the grade chart, JSON twins, links from results and reports, and
400/404 for what does not exist."""
from __future__ import annotations

import re

from pages import links
from indexer.answers.authority_history import GRADES, chart_grade
from indexer.answers.followups import MIN_PROBABILITY
from indexer.answers.wording import key_label
from webui.charts import grade_chart

FOCUSED = "derbyshire-focused-visit-2018-02-27"
SIF = "derbyshire-sif-2013-11-19"
AUI = "derbyshire-aui-cra-2009-10-27"


def test_authorities_list_every_authority_with_latest_inspection_and_judgement(client):
    rows = client.get("/api/authorities").get_json()["authorities"]
    assert [(r["key"], r["reports"]) for r in rows] == [
        ("durham", 1), ("derbyshire", 3), ("staffordshire", 1)]
    derbyshire = rows[1]
    assert derbyshire["name"] == "Derbyshire" and derbyshire["region"] == "East Midlands"
    assert derbyshire["latest_inspection"]["report_id"] == FOCUSED
    assert derbyshire["latest_judgement"] == {"judgement": "good", "report_id": SIF,
                                              "date": "2013-11-19"}
    assert rows[0]["latest_judgement"] is None
    html = client.get("/authorities").get_data(as_text=True)
    assert [a["href"] for a in links(html) if a["href"].startswith("/authorities/")] == [
        "/authorities/durham", "/authorities/derbyshire", "/authorities/staffordshire"]


def test_history_follows_recommendations_into_later_inspections(client):
    data = client.get("/api/authorities/derbyshire").get_json()
    assert data["name"] == "Derbyshire" and data["reports"] == 3
    inspections = data["inspections"]
    assert [i["report_id"] for i in inspections] == [AUI, SIF, FOCUSED]
    assert [len(i["recommendations"]) for i in inspections] == [7, 16, 3]
    assert [i["later_inspections"] for i in inspections] == [2, 1, 0]
    performance = inspections[0]["recommendations"][5]
    assert performance["text"].startswith("Whilst satisfactory performance information")
    best = performance["later"][0]
    assert (best["report_id"], best["passage_id"], best["status"]) == (
        SIF, "p-08676ee886", "improved")
    assert best["status_sentence"].startswith("Performance management and quality assurance "
                                              "arrangements are well established")
    assert f"<mark>{best['status_sentence']}</mark>" in best["snippet_html"]
    exploitation = inspections[1]["recommendations"][12]
    assert exploitation["addressee"] == "lscb" and exploitation["status"] == "mixed"
    assert [(l["report_id"], l["passage_id"], l["status"]) for l in exploitation["later"]] == [
        (FOCUSED, "p-aeb7221a4b", "mixed")]
    thresholds = inspections[0]["recommendations"][0]
    assert thresholds["later"] == [] and thresholds["status"] == "not_mentioned"
    assert all(r["later"] == [] and r["status"] is None
               for r in inspections[2]["recommendations"])
    for inspection in inspections:  # a follow-up always comes from a later inspection
        for rec in inspection["recommendations"]:
            scores = [l["score"] for l in rec["later"]]
            assert scores == sorted(scores, reverse=True)
            assert all(s >= MIN_PROBABILITY for s in scores) and len(scores) <= 3
            assert all(l["date"] > inspection["date"] for l in rec["later"])
    assert [r["passage_id"] for r in data["open"]].count(thresholds["passage_id"]) == 1
    assert {r["status"] for r in data["open"]} <= {"still_a_concern", "not_mentioned"}
    assert performance["passage_id"] not in [r["passage_id"] for r in data["open"]]


def test_history_page_shows_follow_ups_or_says_none_were_found(client):
    html = client.get("/authorities/derbyshire").get_data(as_text=True)
    data = client.get("/api/authorities/derbyshire").get_json()
    followed = [r for i in data["inspections"][:2] for r in i["recommendations"]]
    assert html.count('class="recommendation"') == 26
    assert html.count("What later inspections said") == 23  # none for the last inspection
    missing = sum(1 for r in followed if not r["later"])
    assert 0 < missing < 23
    assert html.count("Not mentioned in a later inspection in this index.") == missing
    shown = sum(len(r["later"]) for r in followed)
    assert html.count('class="badge badge-') == shown + missing + len(data["open"])
    assert html.count('class="open-recommendation"') == len(data["open"]) > 0
    assert html.count("For: LSCB") == 7 and "For: Local authority" in html
    assert html.count("<svg") == 2 and html.count('class="graded"') == 2  # wide and narrow: only 2013 is graded
    assert re.search(r'<text [^>]*>Good</text>', html)


def test_grades_on_the_chart_scale():
    assert chart_grade("requires improvement") == "requires improvement to be good"
    assert chart_grade("adequate") == "requires improvement to be good"
    assert chart_grade("positive experiences and outcomes") is None and chart_grade(None) is None


def test_unknown_authority_is_404(client):
    assert client.get("/authorities/atlantis").status_code == 404
    response = client.get("/api/authorities/atlantis")
    assert response.status_code == 404
    assert response.get_json()["error"] == "no authority 'atlantis' in the index"


def test_results_and_reports_link_to_the_authority_page(client):
    html = client.get("/search?q=drift").get_data(as_text=True)
    assert "/authorities/derbyshire" in [a["href"] for a in links(html, "authority-link")]
    report = client.get(f"/reports/{FOCUSED}").get_data(as_text=True)
    assert "/authorities/derbyshire" in [a["href"] for a in links(report, "authority-link")]


def test_compare_two_authorities_over_the_same_years(client):
    data = client.get("/api/compare?authority=derbyshire&authority=Durham County Council"
                      "&q=management").get_json()
    assert data["years"] == list(range(2009, 2019))  # first to last, gaps included
    derbyshire, durham = data["sides"]
    assert (durham["kind"], durham["value"], durham["label"]) == (
        "authority", "durham", "County Durham")
    at = lambda side, years: [y for y in side["years"] if y["year"] in years]  # noqa: E731
    assert [y["reports"] for y in at(durham, (2009, 2011, 2013, 2018))] == [0, 1, 0, 0]
    assert [y["matching_reports"] for y in at(derbyshire, (2009, 2011, 2013, 2018))] == [
        1, 0, 1, 1]
    assert [y["share"] for y in at(durham, (2009, 2011))] == [None, 100.0]  # none: no reports
    assert (derbyshire["reports"], derbyshire["matching_reports"], derbyshire["share"],
            derbyshire["share_low"], derbyshire["share_high"], derbyshire["small_sample"]) == (
        3, 3, 100.0, 43.9, 100.0, True)
    assert derbyshire["coverage"] == {"authorities": 1, "of": 1}
    assert [(t["inspection_type"], t["reports"], t["matching_reports"])
            for t in derbyshire["inspection_types"]] == [
        ("aui_cra", 1, 1), ("focused_visit", 1, 1), ("sif", 1, 1)]
    assert data["unquoted_words"] is False and data["phrase_query"] is None
    search = client.get("/api/search?q=management&authority=durham").get_json()
    assert durham["passages"] == search["total"]
    assert [h["report_id"] for h in durham["best"]] == [h["report_id"] for h in search["hits"][:3]]


def test_compare_regions_from_the_authority_records(client):
    data = client.get("/api/compare?region=East Midlands&region=North East&q=management")
    sides = data.get_json()["sides"]
    assert [(s["label"], s["authorities"]) for s in sides] == [
        ("East Midlands", ["derbyshire"]), ("North East", ["durham"])]
    # the records: 10 East Midlands (Northamptonshire split in 2021) and 12 North East authorities
    assert [s["coverage"] for s in sides] == [{"authorities": 1, "of": 10},
                                              {"authorities": 1, "of": 12}]


def test_compare_any_number_of_sides_in_any_mix(client):
    data = client.get("/api/compare?q=management+oversight&authority=derbyshire"
                      "&authority=durham&authority=staffordshire&region=North East"
                      "&region=West Midlands&authority=derbyshire").get_json()
    assert [(s["kind"], s["value"]) for s in data["sides"]] == [
        ("authority", "derbyshire"), ("authority", "durham"), ("authority", "staffordshire"),
        ("region", "North East"), ("region", "West Midlands")]
    assert data["unquoted_words"] is True
    phrase = client.get("/api/compare", query_string={
        "q": '"management oversight"', "authority": "derbyshire"}).get_json()["sides"][0]
    assert data["sides"][0]["phrase"]["matching_reports"] == phrase["matching_reports"] == 2
    assert data["sides"][0]["matching_reports"] == 2  # the words, anywhere: same here
    html = client.get("/compare?q=management+oversight&authority=derbyshire&authority=durham"
                      "&region=North+East&region=West+Midlands").get_data(as_text=True)
    assert html.count('class="compare-side"') == 4
    assert html.count('name="authority"') == 3 and html.count('name="region"') == 3
    assert "Authorities: 1 of the region's 12 have reports in the index" in html
    assert "<li>Single inspection framework (SIF) inspection: 1 (1 with a match)</li>" in html
    assert "As a phrase: 2 reports" in html and "These are separate words" in html


def test_compare_by_year_of_publication(client):
    data = client.get("/api/compare?authority=derbyshire&year_basis=published").get_json()
    assert data["year_basis"] == "published"
    assert "counted in the year it was published" in client.get(
        "/compare?authority=derbyshire&year_basis=published").get_data(as_text=True)
    assert client.get("/api/compare?authority=derbyshire&year_basis=x").status_code == 400


def test_compare_page_and_its_errors(client):
    html = client.get("/compare?authority=derbyshire&authority=durham&q=drift").get_data(
        as_text=True)
    assert html.count('class="compare-side"') == 2 and html.count("<svg") == 2  # compact
    assert "Choose two or more authorities" in client.get("/compare").get_data(as_text=True)
    response = client.get("/api/compare?authority=atlantis&region=Mars")
    assert response.status_code == 400
    assert response.get_json()["error"].startswith(
        "no authority 'atlantis' in the index; unknown region 'Mars' (known: North East,")
    assert client.get("/api/compare?region=London").status_code == 400  # none in the index
    too_many = "&".join(f"authority=a{n}" for n in range(13))
    assert client.get(f"/api/compare?{too_many}").status_code == 400


def test_the_grade_chart_is_a_time_line_that_shows_gaps_and_ungraded_inspections():
    """Doncaster's history as the index holds it: SIF 2015 inadequate, a focused visit
    (no grade) in December 2018, ILACS 2025 good. No line may join 2015 to 2025 (the
    inspection of 2022 is not in the index); the visit is an open mark between them."""
    inspections = [{"grade": "inadequate", "when": "2015-09-14", "label": "SIF, 2015-09-14"},
                   {"grade": None, "when": "2018-12-04", "label": "Focused visit, 2018-12-04"},
                   {"grade": "good", "when": "2025-03-18", "label": "ILACS, 2025-03-18"}]
    chart = grade_chart("Doncaster", inspections, list(GRADES))
    first, last = chart.points
    [visit] = chart.ungraded
    assert chart.segments == [] and chart.gaps == 1
    assert first.x < visit.x < last.x and visit.title == "Focused visit, 2018-12-04: not graded"
    fraction = (visit.x - first.x) / (last.x - first.x)
    assert 0.3 < fraction < 0.4  # 3.2 of 9.5 years: placed by date, not evenly
    close = grade_chart("Two", [inspections[0], {**inspections[2], "when": "2018-06-01"}],
                        list(GRADES))
    assert [(a.label, b.label) for a, b in close.segments] == [("2015", "2018")]
    assert close.gaps == 0


def test_the_authority_page_draws_the_time_line_and_spells_acronyms(client):
    html = client.get("/authorities/derbyshire").get_data(as_text=True)
    # 2009 and 2018 have no overall grade; 2013 is good: one point, two open marks, per layout
    assert html.count('class="graded"') == 2 and html.count('class="ungraded"') == 4
    assert "Open circles on the axis: inspections without an overall grade" in html
    assert "LSCB: <strong>requires improvement</strong>" in html and "Lscb" not in html
    report = client.get("/reports/derbyshire-sif-2013-11-19").get_data(as_text=True)
    assert "LSCB: <strong>requires improvement</strong>" in report and "Lscb" not in report
    assert "Help and protection: <strong>good</strong>" in report


def test_labels_made_from_keys_keep_acronyms_in_capitals():
    assert [key_label(k) for k in ("lscb", "help_and_protection", "area_send", "mash_and_front_door")] \
        == ["LSCB", "Help and protection", "Area SEND", "MASH and front door"]


def test_a_region_names_the_council_of_each_best_passage(client):
    """A region's best passages come from several councils: each names its own, linked to
    its page, as the JSON's hits do; an authority's side needs no name on each."""
    url = "/compare?region=East Midlands&region=North East&authority=derbyshire&q=plans"
    data = client.get("/api" + url).get_json()
    html = client.get(url).get_data(as_text=True)
    named = re.findall(r'<a class="best-authority" href="/authorities/([\w-]+)">([^<]+)</a>', html)
    expected = [(h["authority_key"], h["authority"]) for side in data["sides"]
                if side["kind"] == "region" for h in side["best"]]
    assert named == expected and {k for k, _ in named} == {"derbyshire", "durham"}
