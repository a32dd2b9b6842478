"""The report page and similar passages over real indexes (the five seeds, and a letter containing
<script>). Flask's test client; nothing of ours is mocked."""
from __future__ import annotations

import re

import pytest

from pages import links
from indexer.domain.inspection_types import INSPECTION_TYPES
from indexer.search.service import SearchIndex

FOCUSED = "derbyshire-focused-visit-2018-02-27"
DRIFT_SNIPPET = ("Management oversight and the supervision of staff does not consistently review "
                 "progress of plans to avoid <mark>drift and delay</mark> for all children.")


def test_report_page_has_an_id_for_every_passage(client, seed_index):
    for meta in SearchIndex(seed_index).reports():
        report = SearchIndex(seed_index).report(meta["report_id"])
        page = client.get(f"/reports/{report.report_id}").get_data(as_text=True)
        ids = re.findall(r'<div class="passage[^"]*" id="([^"]+)"', page)
        assert ids == [p.passage_id for _, p in report.passages()]
        assert page.count("<h2 id=\"section-") == len(report.sections)


def test_report_page_shows_metadata_and_collapses_boilerplate(client):
    page = client.get(f"/reports/{FOCUSED}").get_data(as_text=True)
    for text in ("<h1>Focused visit to Derbyshire County Council children&#39;s services</h1>",
                 "27 to 28 February 2018", "22 March 2018", "ILACS focused visit",
                 "Caroline Walsh", "002_53d6ee554010a50c.txt", "Not graded"):
        assert text in page
    assert page.count('<details class="boilerplate">') == 2
    assert "<mark>" not in page


def test_report_page_marks_the_query_and_links_the_matches(client):
    page = client.get(f'/reports/{FOCUSED}?q="drift and delay"').get_data(as_text=True)
    assert DRIFT_SNIPPET in page
    assert "1 passage matches" in page
    assert '<a href="#p-5e0981f645">Go to the first match</a>' in page
    several = client.get(f"/reports/{FOCUSED}?q=management oversight").get_data(as_text=True)
    api = client.get("/api/search?q=management oversight&authority=derbyshire&year=2018")
    api = api.get_json()
    ids = [p["passage_id"] for h in api["hits"] for p in h["passages"]]
    assert re.findall(r"Match (\d+) of (\d+)", several) == [
        (str(n), str(len(ids))) for n in range(1, len(ids) + 1)]
    nexts = re.findall(r'<a href="#(p-[0-9a-f]+)" rel="next">', several)
    assert set(nexts) < set(ids) and len(nexts) == len(ids) - 1


def test_report_page_counts_heading_only_hits_apart(client):
    url = "/reports/durham-aui-cra-2011-02-08?q=strengths"
    page = client.get(url).get_data(as_text=True)
    api = client.get("/api/search?q=strengths&authority=durham&per_page=100").get_json()
    with_words = [p for h in api["hits"] for p in h["passages"] if "<mark>" in p["snippet_html"]]
    assert len(with_words) == 1 and api["total"] == 2
    assert "1 passage matches" in page
    assert "The search counted 2 passages here" in page
    assert len(re.findall(r"Match \d+ of", page)) == len(with_words) < api["total"]


def test_bad_parameters_are_listed_together(client):
    data = client.get("/api/search?authority=nowhere&type=nope").get_json()
    types = ", ".join(t.key for t in INSPECTION_TYPES)
    assert data == {"error": f"unknown authority 'nowhere'; unknown inspection type 'nope' "
                             f"(known: {types})", "status": 400}


def test_every_search_hit_links_to_a_passage_that_exists(client):
    data = client.get("/api/search?q=neglect&per_page=100").get_json()
    for hit in data["hits"]:
        for passage in hit["passages"]:
            path, anchor = passage["url"].split("#")
            page = client.get(path).get_data(as_text=True)
            assert f'id="{anchor}"' in page and "<mark>" in page


def test_report_page_links_the_same_authority_inspections(client):
    page = client.get(f"/reports/{FOCUSED}?q=care").get_data(as_text=True)
    related = page.split('id="related-h"')[1]
    hrefs = re.findall(r'href="(/reports/[^"]+)"', related)
    assert hrefs == ["/reports/derbyshire-sif-2013-11-19?q=care",
                     "/reports/derbyshire-aui-cra-2009-10-27?q=care"]
    older = client.get("/reports/derbyshire-aui-cra-2009-10-27").get_data(as_text=True)
    assert "<h3>Later</h3>" in older and "<h3>Earlier</h3>" not in older


def test_report_with_a_bad_query_still_shows_with_a_notice(client):
    response = client.get(f"/reports/{FOCUSED}?q=" + "x" * 600)
    assert response.status_code == 200
    assert "too long" in response.get_data(as_text=True)


def test_api_report_is_report_to_dict(client, seed_index):
    expected = SearchIndex(seed_index).report(FOCUSED).to_dict()
    assert client.get(f"/api/reports/{FOCUSED}").get_json() == expected


def _oversight_passage(client) -> str:
    """The Derbyshire focused visit's 'Management oversight ...' passage."""
    data = client.get('/api/search?q=%22management+oversight%22').get_json()
    ids = [p["passage_id"] for h in data["hits"] if h["report_id"] == FOCUSED
           for p in h["passages"] if p["text"].startswith("Management oversight")]
    assert len(ids) == 1
    return ids[0]


def test_similar_passages_come_from_other_reports_in_html_and_json(client):
    passage_id = _oversight_passage(client)
    api = client.get(f"/api/reports/{FOCUSED}/passages/{passage_id}/similar")
    assert api.status_code == 200
    data = api.get_json()
    assert (data["report_id"], data["passage_id"]) == (FOCUSED, passage_id)
    similar = data["similar"]
    assert 1 <= len(similar) <= 10
    assert all(h["report_id"] != FOCUSED for h in similar)
    assert set(similar[0]) >= {"title", "authority", "inspection_type_label", "date", "section",
                               "heading", "score", "passages"}
    page = client.get(f"/reports/{FOCUSED}/passages/{passage_id}/similar")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    snippets = links(html, "snippet")
    assert len(snippets) == len(similar) == sum(len(h["passages"]) for h in similar)
    assert [a["href"] for a in snippets] == [p["url"] for h in similar for p in h["passages"]]
    assert all(not a["href"].startswith(f"/reports/{FOCUSED}") for a in snippets)
    assert f"{len(similar)} similar passages in other reports" in html
    back = [a["href"] for a in links(html) if a["text"] == "‹ Back to the passage in the report"]
    assert back == [f"/reports/{FOCUSED}#{passage_id}"]
    assert "<blockquote" in html and "Management oversight and the supervision of staff" in html
    assert "<mark>" in html
    assert re.findall(r"<script(?![^>]*\bsrc=)", html) == [] and " style=" not in html


def test_similar_limit_is_parsed_safely(client):
    passage_id = _oversight_passage(client)
    base = f"/reports/{FOCUSED}/passages/{passage_id}/similar"
    three = client.get(f"/api{base}?limit=3").get_json()["similar"]
    assert len(three) == 3
    assert len(links(client.get(f"{base}?limit=3").get_data(as_text=True), "snippet")) == 3
    for bad in ("0", "51", "-1", "abc", "2.5", "1e3", "99999999999999999999"):
        api = client.get(f"/api{base}", query_string={"limit": bad})
        assert api.status_code == 400
        assert "limit must be a whole number from 1 to 50" in api.get_json()["error"]
        page = client.get(base, query_string={"limit": bad})
        assert page.status_code == 400 and "limit must be a whole number" in page.get_data(
            as_text=True)


def test_similar_for_an_unknown_passage_or_report_is_404(client):
    passage_id = _oversight_passage(client)
    for path in (f"/reports/{FOCUSED}/passages/p-0000000000/similar",
                 f"/reports/no-such-report/passages/{passage_id}/similar"):
        page = client.get(path)
        assert page.status_code == 404 and "Page not found" in page.get_data(as_text=True)
        api = client.get("/api" + path)
        assert api.status_code == 404 and api.get_json()["status"] == 404
    assert "no passage 'p-0000000000'" in client.get(
        f"/api/reports/{FOCUSED}/passages/p-0000000000/similar").get_json()["error"]


def test_report_page_links_similar_passages_except_for_boilerplate(client, seed_index):
    report = SearchIndex(seed_index).report(FOCUSED)
    page = client.get(f"/reports/{FOCUSED}").get_data(as_text=True)
    hrefs = [a["href"] for a in links(page, "similar-link")]
    assert all(a["text"] == "Similar passages in other reports"
               for a in links(page, "similar-link"))
    expected = [f"/reports/{FOCUSED}/passages/{p.passage_id}/similar"
                for s, p in report.passages() if s.key != "boilerplate"]
    assert hrefs == expected and expected
    assert any(s.key == "boilerplate" for s, _ in report.passages())


def test_report_page_and_hits_name_the_authority_record_and_label_dates(client):
    page = client.get(f"/reports/{FOCUSED}").get_data(as_text=True)
    assert ("<dd>Derbyshire (printed as “Derbyshire County Council”) · East Midlands"
            " · Ofsted URN 80460</dd>") in page
    results = client.get("/search?q=%22drift+and+delay%22").get_data(as_text=True)
    assert 'Inspected <time datetime="2018-02-27">27 February 2018</time>' in results
    hit = client.get("/api/search?q=%22drift+and+delay%22").get_json()["hits"][0]
    assert (hit["authority"], hit["authority_key"], hit["la_urn"], hit["region"]) == (
        "Derbyshire", "derbyshire", "80460", "East Midlands")
    assert (hit["date"], hit["date_kind"], hit["inspection_start"], hit["published"]) == (
        "2018-02-27", "inspection", "2018-02-27", "2018-03-22")


@pytest.mark.parametrize("query, also", [
    ("safegaurding", "Also marked: safeguarding."),  # a correction
    ("CSE", "Also marked: child sexual exploitation."),  # a vocabulary expansion
    ('"drift and delay"', None),  # an exact phrase
    ("Derbyshire systemic practice model", None),  # an authority read from the words
    ("police sergeants seconded as multi-agency team managers",
     "the marked passages have most of them"),  # most of the words
])
def test_a_report_reached_from_a_result_marks_what_the_result_matched(client, query, also):
    data = client.get("/api/search", query_string={"q": query, "per_page": 100}).get_json()
    per_report: dict[str, list[str]] = {}
    for hit in data["hits"]:
        per_report.setdefault(hit["report_id"], []).extend(p["url"] for p in hit["passages"])
    assert per_report
    for report_id, urls in per_report.items():
        page = client.get(urls[0]).get_data(as_text=True)
        assert page.count('class="match-nav"') == len(urls), (report_id, query)
        assert "No passage in this report contains" not in page
        assert "match only through" not in page
        for url in urls:  # every passage the result linked to is marked on the page
            anchor = url.split("#")[1]
            passage = page[page.index(f'id="{anchor}"'):]
            assert "<mark>" in passage[:passage.index("</li>") if "</li>" in passage else 3000]
        if also:
            assert also in page
