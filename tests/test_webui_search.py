"""The search page and /api/search over real indexes (the five seeds, and a letter containing
<script>). Flask's test client; nothing of ours is mocked."""
from __future__ import annotations

import json
import re

import pytest

from pages import links, result_count
from indexer.search.request import parse_params
from indexer.search.service import SearchIndex
from webui.state import UrlState
from werkzeug.datastructures import MultiDict

FOCUSED = "derbyshire-focused-visit-2018-02-27"
DRIFT_SNIPPET = ("Management oversight and the supervision of staff does not consistently review "
                 "progress of plans to avoid <mark>drift and delay</mark> for all children.")


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


def test_an_authority_in_the_words_is_said_with_a_link_to_search_everywhere(client):
    page = client.get("/search?q=Derbyshire+systemic+practice+model").get_data(as_text=True)
    assert "Searched Derbyshire’s reports" in page
    everywhere = '/search?q=%22Derbyshire%22+systemic+practice+model'
    assert f'<a href="{everywhere}">Search all reports for these words</a>' in page
    assert f'<a class="chip" href="{everywhere}">' in page  # the chip removes the filter
    data = client.get("/api/search?q=Derbyshire+systemic+practice+model").get_json()
    assert (data["match"], data["authority_in_query"]["key"]) == ("all", "derbyshire")


@pytest.mark.parametrize("mode", ["words", "hybrid"])
def test_another_authority_beside_one_read_from_the_words_adds_what_its_count_says(
        client, mode):
    """"Derbyshire management": Durham's box counted Durham's passages with "management",
    but its link searched "Derbyshire management" in Durham's reports alone (0 in hybrid
    mode). It now searches the other words in both authorities' reports."""
    url = f"/search?q=Derbyshire+management&mode={mode}"
    data = client.get("/api" + url).get_json()
    counts = {v["value"]: v["count"] for v in data["facets"]["authority"]}
    others = [v["value"] for v in data["facets"]["authority"] if not v["selected"]]
    assert data["authority_in_query"]["key"] == "derbyshire" and others == [
        "durham", "staffordshire"]
    boxes = {a["href"]: a for a in links(client.get(url).get_data(as_text=True),
                                         "facet-link") if "authority=" in a["href"]}
    for other in others:
        href = f"/search?q=management&authority=derbyshire&authority={other}&mode={mode}"
        assert href in boxes
        after = client.get(href.replace("/search", "/api/search")).get_json()
        shown = {v["value"]: v["count"] for v in after["facets"]["authority"] if v["selected"]}
        assert shown == {"derbyshire": counts["derbyshire"], other: counts[other]}
        assert after["total"] == counts["derbyshire"] + counts[other]


def test_a_hybrid_search_of_four_words_says_its_passages_need_only_some_of_them(client):
    """Hybrid mode lists passages with 3 of the 6 words (minimum should match): 8 against
    words mode's 3, which all have every word; "Found by your words" alone hid that."""
    url = "search?q=police+sergeants+seconded+as+multi-agency+team+managers"
    notice = {"kind": "some_words", "query": None, "message": "Each passage has at least "
              "3 of the 6 words searched, or is near the query in meaning."}
    data = client.get("/api/" + url).get_json()
    assert (data["mode"], data["total"], data["notices"]) == ("hybrid", 8, [notice])
    page = client.get("/" + url).get_data(as_text=True)
    assert f'data-kind="some_words">{notice["message"]}' in page
    words = client.get(f"/api/{url}&mode=words").get_json()
    assert (words["total"], words["notices"]) == (3, [])
    assert client.get("/api/search?q=management+oversight").get_json()["notices"] == []


def test_a_hybrid_search_that_found_nothing_by_meaning_does_not_say_it_did(client):
    """"front door" is near no passage of the seeds in meaning (every cosine under the
    floor): its 16 passages all have the words, and the page said "Found by your words and
    by their meaning" (as it did for the issue's "Doncaster front door" on the corpus)."""
    data = client.get("/api/search?q=front+door").get_json()
    assert (data["mode"], data["total"]) == ("hybrid", 16)
    assert {h["matched"] for h in data["hits"]} == {"words"}
    assert [n["kind"] for n in data["notices"]] == ["no_meaning"]
    page = client.get("/search?q=front+door").get_data(as_text=True)
    mode = re.search(r'<p class="search-mode" id="search-mode">(.*?)</p>', page, re.S).group(1)
    assert " ".join(re.sub(r"<[^>]+>", "", mode).split()) == (
        "Found by your words: no other passage was near enough in meaning. "
        "Match your words only")
    assert 'data-kind="no_meaning"' not in page  # said once, in the mode line
    found = client.get("/api/search?q=management+oversight").get_json()
    assert "meaning" in {h["matched"] for h in found["hits"]} and found["notices"] == []
    page = client.get("/search?q=management+oversight").get_data(as_text=True)
    assert "Found by your words and by their meaning." in page


def test_most_words_mode_is_noticed_on_the_page_and_in_json(client):
    url = "search?q=police+sergeants+seconded+as+multi-agency+team+managers&mode=words"
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


def test_an_unclosed_quote_is_searched_as_words_and_the_page_and_json_say_so(client):
    """`"drift and delay` (no closing quote): the words are searched separately, exactly as
    the same words typed without quotes, and the JSON and the page say so and offer the
    phrase with its quote closed, which finds the one exact passage."""
    data = client.get('/api/search?q="drift and delay').get_json()
    words = client.get("/api/search?q=drift and delay&mode=words").get_json()
    assert (data["total"], data["reports"]) == (words["total"], words["reports"])
    assert [h["report_id"] for h in data["hits"]] == [h["report_id"] for h in words["hits"]]
    [notice] = data["notices"]
    assert notice == {"kind": "unclosed_quote", "query": '"drift and delay"',
                      "message": "The quote before \u201cdrift and delay\u201d is not closed, so "
                                 "these words were searched separately, not as an exact phrase."}
    page = client.get('/search?q="drift and delay').get_data(as_text=True)
    assert notice["message"] in page
    [offer] = [a["href"] for a in links(page) if "with the quote closed" in a["text"]]
    closed = client.get(offer.replace("/search", "/api/search")).get_json()
    assert closed["notices"] == [] and closed["total"] == 1
    assert client.get('/api/search?q="drift and delay"').get_json()["notices"] == []
    assert client.get('/api/search?q=drift "').get_json()["notices"][0]["query"] is None


@pytest.mark.parametrize("mode", ["words", "hybrid"])
def test_an_authority_named_keeps_scoping_when_its_reports_lack_the_words(client, mode):
    # Durham's seed report never mentions adoption; Derbyshire's do. The words are not
    # searched across England instead ("most of your words" dropped the name, not the topic)
    data = client.get(f"/api/search?q=Durham+adoption&mode={mode}").get_json()
    assert (data["total"], data["hits"], data["authority_in_query"]["key"]) == (0, [], "durham")
    assert client.get(f"/api/search?q=adoption&mode={mode}").get_json()["total"] > 0
    page = client.get(f"/search?q=Durham+adoption&mode={mode}").get_data(as_text=True)
    assert "Searched County Durham’s reports" in page
    assert (f'no passage of County Durham’s reports has “adoption”: <a href="/search?q=adoption&amp;'
            f'mode={mode}">search all reports for “adoption”</a>') in page



def test_every_link_of_a_words_search_keeps_mode_words(client):
    page = client.get("/search?q=plans&mode=words&per_page=5").get_data(as_text=True)
    hrefs = [a["href"] for a in links(page)]
    reports = [h for h in hrefs if h.startswith("/reports/")]
    pages = [h for h in hrefs if h.startswith("/search?") and "page=2" in h]
    facets = [h for h in hrefs if h.startswith("/search?") and "authority=" in h]
    assert reports and pages and facets
    assert all("mode=words" in h for h in reports + pages + facets)
    data = client.get("/api/search?q=plans&mode=words").get_json()
    assert all("mode=words" in p["url"] for h in data["hits"] for p in h["passages"])
    hybrid = client.get("/search?q=plans&per_page=5").get_data(as_text=True)
    assert all("mode=" not in h["href"] for h in links(hybrid) if h["href"].startswith("/reports/"))
    report = client.get(reports[0].split("#")[0]).get_data(as_text=True)
    back = [a["href"] for a in links(report) if a["href"].startswith("/search?")]
    assert back and all("mode=words" in h for h in back)
