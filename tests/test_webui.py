"""The web UI over real indexes (the five seeds, and a letter containing <script>): exact
counts and <mark> HTML, URL-as-state facet links, escaping, error statuses, security
headers, exports and the report page. Flask's test client; nothing of ours is mocked."""
from __future__ import annotations

import csv
import io
import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from conftest_webui import (SCRIPT_LETTER, app, client, links, result_count,  # noqa: F401
                            script_index, seed_index)
from indexer.index.build import build
from indexer.domain.inspection_types import INSPECTION_TYPES
from indexer.search.request import parse_params
from indexer.search.service import SearchIndex
from webui import create_app
from webui.state import UrlState
from werkzeug.datastructures import MultiDict

ROOT = Path(__file__).resolve().parent.parent
FOCUSED = "derbyshire-focused-visit-2018-02-27"
DRIFT_SNIPPET = ("Management oversight and the supervision of staff does not consistently review "
                 "progress of plans to avoid <mark>drift and delay</mark> for all children.")
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
}


@pytest.fixture(scope="module")
def script_client(script_index):
    return create_app({"OFSTED_INDEX": script_index, "TESTING": True}).test_client()


@pytest.fixture(scope="module")
def missing_client(tmp_path_factory):
    empty = tmp_path_factory.mktemp("no-index")
    return create_app({"OFSTED_INDEX": str(empty), "TESTING": True}).test_client()


# --- search: exact counts and highlighting -------------------------------------------

def test_phrase_query_finds_exactly_one_passage_with_exact_mark(client):
    data = client.get('/api/search?q="drift and delay"').get_json()
    assert (data["total"], data["reports"]) == (1, 1)
    [hit] = data["hits"]
    assert hit["report_id"] == FOCUSED
    assert [p["snippet_html"] for p in hit["passages"]] == [DRIFT_SNIPPET]
    page = client.get('/search?q="drift and delay"').get_data(as_text=True)
    assert result_count(page) == "1 passage in 1 report"
    assert DRIFT_SNIPPET in page
    assert page.count("<mark>") == 1


def test_api_search_is_exactly_the_indexer_results(client, seed_index):
    args = MultiDict([("q", "management"), ("year", "2018"), ("year", "2013"), ("per_page", "7")])
    expected = SearchIndex(seed_index).search(parse_params(args)).to_dict()
    response = client.get("/api/search", query_string=args)
    assert response.mimetype == "application/json"
    assert response.get_json() == json.loads(json.dumps(expected))


def test_html_and_json_state_the_same_counts(client):
    for query in ("", "management", "children AND neglect", "section:strengths"):
        data = client.get("/api/search", query_string={"q": query}).get_json()
        page = client.get("/search", query_string={"q": query}).get_data(as_text=True)
        passages = "passage" if data["total"] == 1 else "passages"
        reports = "report" if data["reports"] == 1 else "reports"
        expected = f"{data['total']:,} {passages} in {data['reports']:,} {reports}"
        assert result_count(page) == expected


def test_home_page_is_the_search_page_over_everything(client):
    home = client.get("/").get_data(as_text=True)
    assert result_count(home) == result_count(client.get("/search").get_data(as_text=True))
    assert '<label class="search-label" for="q">' in home
    assert 'placeholder=' in home and "authority:derbyshire" in home and "year:2015-2018" in home


def test_boilerplate_is_hidden_unless_asked_for(client):
    assert client.get("/api/search?q=piccadilly").get_json()["total"] == 0
    asked = client.get("/api/search?q=piccadilly&section=boilerplate").get_json()
    assert asked["total"] > 0
    assert {h["section"] for h in asked["hits"]} == {"boilerplate"}


# --- URL is the state: facets, pagination, sort ----------------------------------------

def test_facet_toggle_links_change_the_counts_and_toggle_back(client):
    url = "/search?q=management"
    page = client.get(url).get_data(as_text=True)
    assert result_count(page) == "56 passages in 5 reports"
    facet = {a["href"]: a for a in links(page, "facet-link")}
    durham = next(a for a in facet.values() if a["text"].startswith("County Durham"))
    assert durham["href"] == "/search?q=management&authority=durham"
    assert durham["text"].endswith(" 7")
    filtered = client.get(durham["href"]).get_data(as_text=True)
    assert result_count(filtered) == "7 passages in 1 report"
    selected = [a for a in links(filtered, "facet-link") if "selected" in a["class"]]
    assert [a["href"] for a in selected] == ["/search?q=management"]
    assert "selected: follow to remove this filter" in selected[0]["text"]
    clear = [a["href"] for a in links(filtered) if a["text"] == "Clear filters"]
    assert set(clear) == {"/search?q=management"}


def test_facets_of_two_values_combine_with_or(client):
    page = client.get("/search?q=management&authority=durham&authority=staffordshire")
    assert result_count(page.get_data(as_text=True)) == "12 passages in 2 reports"


def test_year_facet_is_drawn_as_bars(client):
    page = client.get("/search?q=management").get_data(as_text=True)
    year_block = page.split('id="facet-year"')[1].split("</section>")[0]
    assert re.findall(r'class="bar (bar-\d+)"', year_block) == [
        "bar-25", "bar-100", "bar-20", "bar-15", "bar-15"]  # 8, 32, 7, 5, 4 of 32


def test_pagination_links_carry_the_state(client):
    page = client.get("/search?q=management&sort=newest&per_page=10&page=2").get_data(as_text=True)
    hrefs = {a["text"]: a["href"] for a in links(page) if "rel" in a or "Page" in a["text"]}
    assert hrefs["‹ Previous page"] == "/search?q=management&sort=newest&per_page=10"
    assert hrefs["Next page ›"] == "/search?q=management&sort=newest&per_page=10&page=3"
    assert "Page 2 of 6" in page
    assert 'aria-current="page"' in page


def test_sort_newest_and_oldest(client):
    newest = client.get("/api/search?q=management&sort=newest&per_page=100").get_json()
    dates = [h["date"] for h in newest["hits"]]
    assert dates == sorted(dates, reverse=True)
    oldest = client.get("/api/search?q=management&sort=oldest&per_page=100").get_json()
    assert [h["date"] for h in oldest["hits"]] == sorted(dates)


def test_search_form_keeps_filters_as_hidden_fields(client):
    page = client.get("/search?q=care&year=2013&section=findings").get_data(as_text=True)
    assert '<input type="hidden" name="year" value="2013">' in page
    assert '<input type="hidden" name="section" value="findings">' in page
    assert '<option value="relevance" selected>' in page


def test_url_state_toggle_adds_and_removes_values():
    state = UrlState.from_args(MultiDict([("page", "3"), ("q", "a b"), ("year", "2018")]))
    assert state.toggle("year", "2013").url() == "/search?q=a+b&year=2018&year=2013"
    assert state.toggle("year", "2018").url() == "/search?q=a+b"
    assert state.replace("page", "4").url() == "/search?q=a+b&year=2018&page=4"


def test_a_correction_shows_one_message(client):
    data = client.get("/api/search?q=childern").get_json()
    assert (data["suggestion"], data["expansions"]) == ("children", ["children"])
    page = client.get("/search?q=childern").get_data(as_text=True)
    assert "Did you mean" not in page
    assert page.count("Also searched: children.") == 1


def test_did_you_mean_links_to_the_corrected_query(client):
    data = client.get("/api/search?q=childern&expand=0").get_json()
    assert (data["suggestion"], data["expansions"]) == ("children", [])
    page = client.get("/search?q=childern&expand=0").get_data(as_text=True)
    assert 'Did you mean <a href="/search?q=children&amp;expand=0">children</a>?' in page


# --- escaping --------------------------------------------------------------------------

def test_script_in_a_report_is_escaped_in_html_and_json(script_client):
    expected = ("Inspectors found &lt;script&gt;alert(1)&lt;/script&gt; in case records about "
                "<mark>zebra</mark> crossings.")
    data = script_client.get("/api/search?q=zebra").get_json()
    assert [p["snippet_html"] for h in data["hits"] for p in h["passages"]] == [expected]
    for url in ("/search?q=zebra", "/api/search?q=zebra", "/export.json?q=zebra"):
        body = script_client.get(url).get_data(as_text=True)
        assert "<script>alert" not in body
    export = script_client.get("/export.csv?q=zebra")  # data, never rendered as a page
    assert export.mimetype == "text/csv" and export.headers["X-Content-Type-Options"] == "nosniff"
    assert export.headers["Content-Disposition"].startswith("attachment;")
    page = script_client.get("/search?q=zebra").get_data(as_text=True)
    assert expected in page
    report_id = data["hits"][0]["report_id"]
    report = script_client.get(f"/reports/{report_id}?q=zebra").get_data(as_text=True)
    assert expected in report and "<script>alert" not in report
    raw = script_client.get(f"/api/reports/{report_id}").get_data(as_text=True)
    assert "<script>" not in raw and "\\u003cscript\\u003e" in raw
    texts = [p["text"] for s in json.loads(raw)["sections"] for p in s["passages"]]
    assert ("Inspectors found <script>alert(1)</script> in case records about zebra crossings."
            in texts)


def test_query_with_script_is_escaped_everywhere(client):
    query = '"><script>alert(1)</script>'
    for url in ("/search", "/api/search", f"/reports/{FOCUSED}", "/export.json"):
        response = client.get(url, query_string={"q": query})
        assert response.status_code in (200, 400)
        assert "<script>alert" not in response.get_data(as_text=True)
    page = client.get("/search", query_string={"q": query}).get_data(as_text=True)
    assert 'value="&#34;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"' in page


# --- errors ----------------------------------------------------------------------------

@pytest.mark.parametrize("query, message", [
    ("authority=nowhere", "unknown authority 'nowhere'"),
    ("type=nope", "unknown inspection type 'nope'"),
    ("section=nope", "unknown section 'nope'"),
    ("q=management&page=99", "page 99 is beyond the last page (3)"),
    ("q=" + "x" * 501, "the query is too long (501 characters; at most 500)"),
    ("sort=sideways", "sort must be one of relevance, newest, oldest"),
    ("q=oversight+ANDMAYBE+ANDNOT+AND", "the query could not be understood"),
])
def test_bad_parameters_get_400_with_the_message(client, query, message):
    api = client.get("/api/search?" + query)
    assert api.status_code == 400
    assert api.get_json()["status"] == 400 and message in api.get_json()["error"]
    page = client.get("/search?" + query)
    assert page.status_code == 400
    assert message.replace("'", "&#39;") in page.get_data(as_text=True)


def test_unknown_report_is_404_in_html_and_json(client):
    page = client.get("/reports/no-such-report")
    assert page.status_code == 404 and "Page not found" in page.get_data(as_text=True)
    api = client.get("/api/reports/no-such-report")
    assert api.status_code == 404
    assert api.get_json() == {"error": "no report with id 'no-such-report'", "status": 404}
    assert client.get("/no/such/page").status_code == 404


def test_missing_index_is_503_in_html_and_json(missing_client):
    api = missing_client.get("/api/search?q=x")
    assert api.status_code == 503 and api.get_json()["status"] == 503
    assert "python -m indexer build" in api.get_json()["error"]
    page = missing_client.get("/")
    assert page.status_code == 503 and page.headers["Retry-After"] == "60"
    assert "<code>python -m indexer build</code>" in page.get_data(as_text=True)


def test_unexpected_errors_are_500_without_a_trace(seed_index):
    app = create_app({"OFSTED_INDEX": seed_index})
    app.add_url_rule("/api/boom", "boom", lambda: 1 / 0)
    app.add_url_rule("/boom", "boom_page", lambda: 1 / 0)
    for url in ("/api/boom", "/boom"):
        response = app.test_client().get(url)
        body = response.get_data(as_text=True)
        assert response.status_code == 500
        assert "Traceback" not in body and "ZeroDivisionError" not in body


@pytest.mark.parametrize("url", ["/", "/search?q=care", "/api/search", f"/reports/{FOCUSED}",
                                 "/reports/nope", "/api/search?page=x", "/export.csv",
                                 "/static/style.css"])
def test_security_headers_on_every_response(client, url):
    headers = client.get(url).headers
    for name, value in SECURITY_HEADERS.items():
        assert headers[name] == value
    policy = headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "script-src 'self'" in policy
    assert "unsafe-inline" not in policy


def test_pages_have_no_inline_script_or_style(client):
    for url in ("/search?q=care", f"/reports/{FOCUSED}?q=care", "/reports/nope"):
        page = client.get(url).get_data(as_text=True)
        assert re.findall(r"<script(?![^>]*\bsrc=)", page) == []
        assert " style=" not in page and "<style" not in page


# --- exports ---------------------------------------------------------------------------

def test_csv_export_has_one_row_per_passage_and_states_the_cap(client):
    response = client.get("/export.csv?q=management&page=2&per_page=5")
    assert response.mimetype == "text/csv"
    assert response.headers["X-Export-Cap"] == "5000"
    assert (response.headers["X-Export-Total"], response.headers["X-Export-Rows"]) == ("56", "56")
    assert response.headers["X-Export-Truncated"] == "false"
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert len(rows) == 56
    assert len({(r["report_id"], r["passage_id"]) for r in rows}) == 56
    first = rows[0]
    permalink = f"http://localhost/reports/{first['report_id']}#{first['passage_id']}"
    assert first["permalink"] == permalink
    report = client.get(f"/reports/{first['report_id']}").get_data(as_text=True)
    assert f'id="{first["passage_id"]}"' in report


def test_json_export_matches_csv_and_states_the_cap(client):
    data = client.get('/export.json?q="drift and delay"').get_json()
    assert {k: data[k] for k in ("total", "exported", "cap", "truncated")} == {
        "total": 1, "exported": 1, "cap": 5000, "truncated": False}
    [row] = data["rows"]
    assert row["text"].endswith("to avoid drift and delay for all children.")
    assert row["section"] == "areas_for_improvement" and row["date"] == "2018-02-27"


def test_export_is_cut_at_the_cap(seed_index):
    small = create_app({"OFSTED_INDEX": seed_index, "EXPORT_CAP": 3}).test_client()
    response = small.get("/export.csv?q=management")
    assert response.headers["X-Export-Truncated"] == "true"
    assert len(list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))) == 3
    page = small.get("/search?q=management").get_data(as_text=True)
    assert "up to 3 passages" in page and "only the first 3 of 56 are exported" in page


# --- report page -----------------------------------------------------------------------

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


# --- the app factory and the commands --------------------------------------------------

def test_create_app_reads_the_environment_then_the_test_config(monkeypatch, seed_index):
    monkeypatch.setenv("OFSTED_INDEX", seed_index)
    assert create_app().config["OFSTED_INDEX"] == seed_index
    assert create_app({"OFSTED_INDEX": "/elsewhere"}).config["OFSTED_INDEX"] == "/elsewhere"
    monkeypatch.delenv("OFSTED_INDEX")
    assert create_app().config["OFSTED_INDEX"] == "index"


def test_a_rebuilt_index_is_served_without_a_restart(tmp_path):
    letters, index_dir = tmp_path / "letters", tmp_path / "index"
    letters.mkdir()
    (letters / "a.txt").write_text(SCRIPT_LETTER, encoding="utf-8")
    build([str(letters)], str(index_dir), workers=1)
    web = create_app({"OFSTED_INDEX": str(index_dir)}).test_client()
    assert web.get("/api/search?q=zebra").get_json()["total"] == 1
    (letters / "b.txt").write_text(SCRIPT_LETTER.replace("Exampleshire", "Otherton"),
                                   encoding="utf-8")
    build([str(letters)], str(index_dir), workers=1)
    data = web.get("/api/search?q=zebra").get_json()
    assert (data["total"], data["reports"]) == (2, 2)


def test_webui_help_prints_the_production_command():
    out = subprocess.run([sys.executable, "-m", "webui", "--help"], cwd=ROOT,
                         capture_output=True, text=True, check=True).stdout
    assert "gunicorn -w 2 -b 127.0.0.1:8000 'webui:create_app()'" in out
    assert "--index" in out and "OFSTED_INDEX" in out


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _fetch(url: str, deadline: float) -> dict:
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                return json.load(response)
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def test_the_production_command_serves(seed_index):
    port = _free_port()
    gunicorn = Path(sys.executable).with_name("gunicorn")
    command = [str(gunicorn), "-w", "2", "-b", f"127.0.0.1:{port}", "webui:create_app()"]
    env = {**os.environ, "OFSTED_INDEX": seed_index}
    server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    try:
        data = _fetch(f"http://127.0.0.1:{port}/api/search?q=%22drift+and+delay%22",
                      time.monotonic() + 30)
        assert data["total"] == 1
    finally:
        server.terminate()
        server.wait(timeout=10)


# --- similar passages ("more like this") -------------------------------------------------

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


def test_empty_query_sort_menu_says_newest_first(client):
    page = client.get("/search").get_data(as_text=True)
    assert '<option value="relevance" selected>Newest first</option>' in page
    assert "Most relevant" not in page and ", newest first." in page
    data = client.get("/api/search").get_json()
    dates = [h["date"] for h in data["hits"]]
    assert dates == sorted(dates, reverse=True)
    oldest = client.get("/search?sort=oldest").get_data(as_text=True)
    assert '<option value="oldest" selected>Oldest first</option>' in oldest
    ranked = client.get("/search?q=care").get_data(as_text=True)
    assert '<option value="relevance" selected>Most relevant</option>' in ranked


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


# --- no dead ends, and what was asked shown -----------------------------------------------

def test_an_authority_in_the_words_is_said_with_a_link_to_search_everywhere(client):
    page = client.get("/search?q=Derbyshire+systemic+practice+model").get_data(as_text=True)
    assert "Searched Derbyshire’s reports" in page
    everywhere = '/search?q=%22Derbyshire%22+systemic+practice+model'
    assert f'<a href="{everywhere}">Search all reports for these words</a>' in page
    assert f'<a class="chip" href="{everywhere}">' in page  # the chip removes the filter
    data = client.get("/api/search?q=Derbyshire+systemic+practice+model").get_json()
    assert (data["match"], data["authority_in_query"]["key"]) == ("all", "derbyshire")


def test_most_words_mode_is_noticed_on_the_page_and_in_json(client):
    url = "search?q=police+sergeants+seconded+as+multi-agency+team+managers"
    page = client.get("/" + url).get_data(as_text=True)
    assert "No passage has all your words; these have most of them." in page
    assert client.get("/api/" + url).get_json()["match"] == "most"
    assert "No passage has all" not in client.get("/search?q=police").get_data(as_text=True)


def test_filters_typed_in_the_query_are_removable_chips(client):
    page = client.get("/search?q=plans+year:2013-2018+section:findings").get_data(as_text=True)
    assert '<a class="chip" href="/search?q=plans+section%3Afindings">' in page
    assert '<a class="chip" href="/search?q=plans+year%3A2013-2018">' in page
    assert "Year of inspection: 2013-2018" in page and "Section: Findings" in page


def test_a_year_range_is_two_inputs_that_work_without_javascript(client):
    page = client.get("/search?q=plans&sort=newest").get_data(as_text=True)
    form = page[page.index('<form class="year-range"'):]
    form = form[:form.index("</form>")]
    assert 'name="year_from"' in form and 'name="year_to"' in form
    assert '<input type="hidden" name="q" value="plans">' in form
    assert '<input type="hidden" name="sort" value="newest">' in form
    ranged = client.get("/search?q=plans&sort=newest&year_from=2013&year_to=2016")
    text = ranged.get_data(as_text=True)
    assert ranged.status_code == 200 and "Years: 2013–2016" in text
    assert 'name="year_from" inputmode="numeric" min="1900" max="2100" value="2013"' in text


# --- highlights follow what was searched -------------------------------------------------

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
