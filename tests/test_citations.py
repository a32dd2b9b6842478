"""Citations and reference exports over the real seed index: the documented citation
style, the richer CSV/JSON export columns, and RIS/BibTeX parsed back with rispy and
bibtexparser (maintained libraries, not our own code)."""
from __future__ import annotations

import csv
import io
import re
from datetime import date

import bibtexparser
import rispy

from pages import links
from indexer.answers.citations import bib_text, citation, full_title, long_date
from indexer.search.service import SearchIndex

FOCUSED = "derbyshire-focused-visit-2018-02-27"
DRIFT = "p-5e0981f645"
PERMALINK = f"http://localhost/reports/{FOCUSED}#{DRIFT}"


def test_citation_in_the_documented_style(seed_index):
    record = SearchIndex(seed_index).record(FOCUSED)
    assert citation(record, PERMALINK, 3, date(2026, 11, 30)) == (
        "Ofsted (2018) Focused visit to Derbyshire County Council children's services. "
        f"Published 22 March 2018, p. 3. Available at: {PERMALINK} "
        "(Accessed: 30 November 2026).")
    assert ", p." not in citation(record, PERMALINK, None, date(2026, 11, 30))


def test_citation_names_the_authority_and_copes_with_missing_dates():
    record = {"title": "Inspection of children's social care services", "authority": "Calderdale",
              "published": None, "year": 2019, "report_id": "x"}
    assert full_title(record) == "Inspection of children's social care services: Calderdale"
    assert citation(record, "http://h/r#p", None, date(2020, 1, 2)) == (
        "Ofsted (2019) Inspection of children's social care services: Calderdale. Publication "
        "date not stated. Available at: http://h/r#p (Accessed: 2 January 2020).")
    record["original_url"] = "https://files.ofsted.gov.uk/v1/file/50000001"
    # the original leads; the permalink follows it
    assert citation(record, "http://h/r#p", 4, date(2020, 1, 2)) == (
        "Ofsted (2019) Inspection of children's social care services: Calderdale. Publication "
        "date not stated, p. 4. Available at: https://files.ofsted.gov.uk/v1/file/50000001 "
        "(Accessed: 2 January 2020). Passage: http://h/r#p.")
    assert long_date("2018-02-27") == "27 February 2018" and long_date("soon") == "soon"
    assert bib_text("50% of {cases} & more") == r"50\% of \{cases\} \& more"


def test_report_page_has_a_citation_and_copy_button_per_passage(client):
    html = client.get(f"/reports/{FOCUSED}").get_data(as_text=True)
    passages = len(re.findall(r'<div class="passage(?: match)?" id=', html))
    assert passages == 29 and html.count('<details class="cite">') == passages
    assert f'id="cite-{DRIFT}">Ofsted (2018) Focused visit to Derbyshire' in html
    assert f'data-copy-citation="cite-{DRIFT}">Copy citation</button>' in html


def test_csv_and_json_exports_carry_citation_dates_and_the_search(client):
    url = '/export.csv?q="drift and delay"&type=focused_visit&year=2018'
    [row] = list(csv.DictReader(io.StringIO(client.get(url).get_data(as_text=True))))
    assert {k: row[k] for k in ("title", "published", "inspection_start", "inspection_end",
                                "authority_key", "page", "original_url", "query", "filters",
                                "parameters")} == {
        "title": "Focused visit to Derbyshire County Council children's services",
        "published": "2018-03-22", "inspection_start": "2018-02-27",
        "inspection_end": "2018-02-28", "authority_key": "derbyshire", "page": "",
        "original_url": "", "query": '"drift and delay"',
        "filters": "year=2018; type=focused_visit",
        "parameters": 'q="drift and delay"; year=2018; type=focused_visit'}
    assert row["citation"].startswith("Ofsted (2018) Focused visit to Derbyshire County Council "
                                      "children's services. Published 22 March 2018. Available "
                                      f"at: {PERMALINK} (Accessed: ")
    data = client.get(url.replace(".csv", ".json")).get_json()
    assert data["filters"] == {"year": ["2018"], "type": ["focused_visit"]}
    assert data["rows"][0]["citation"] == row["citation"]


def test_ris_export_parses_back_with_rispy(client):
    response = client.get("/export.ris?q=management&authority=derbyshire")
    assert response.mimetype == "application/x-research-info-systems"
    entries = rispy.loads(response.get_data(as_text=True))
    search = client.get("/api/search?q=management&authority=derbyshire&per_page=100").get_json()
    assert [e["id"] for e in entries] == list(dict.fromkeys(h["report_id"] for h in search["hits"]))
    focused = next(e for e in entries if e["id"] == FOCUSED)
    assert focused["type_of_reference"] == "RPRT" and focused["authors"] == ["Ofsted"]
    assert focused["title"] == "Focused visit to Derbyshire County Council children's services"
    assert focused["year"] == "2018" and focused["date"] == "2018/03/22"
    assert focused["urls"] == [f"http://localhost/reports/{FOCUSED}"]  # no original known
    passages = sum(len(h["passages"]) for h in search["hits"] if h["report_id"] == FOCUSED)
    assert len(focused["notes"]) == passages + 1  # and how the file was made
    assert all("manag" in n.lower() for n in focused["notes"][:-1])
    assert focused["notes"][-1] == ("Found by the search q=management; authority=derbyshire "
                                    "(http://localhost/search?q=management&authority=derbyshire)")
    assert "start_page" not in focused  # the seeds are text files: no pages


def test_bibtex_export_parses_back_with_bibtexparser(client):
    response = client.get("/export.bib?q=management&authority=derbyshire")
    assert response.mimetype == "application/x-bibtex"
    library = bibtexparser.parse_string(response.get_data(as_text=True))
    assert library.failed_blocks == []
    keys = [e.key for e in library.entries]
    assert len(keys) == len(set(keys)) == 3
    entry = next(e for e in library.entries if e.key == f"ofsted-{FOCUSED}")
    assert entry.entry_type == "techreport"
    fields = {f.key: f.value for f in entry.fields}
    assert fields["author"] == "{Ofsted}" and fields["year"] == "2018"
    assert fields["title"] == "{Focused visit to Derbyshire County Council children's services}"
    assert fields["url"] == f"http://localhost/reports/{FOCUSED}"
    assert "manag" in fields["note"].lower() and "pages" not in fields
    assert fields["annote"].startswith("Found by the search q=management; authority=derbyshire")
    assert [b.comment for b in library.comments][0].startswith("Found by the search")


def test_results_page_links_every_export(client):
    html = client.get("/search?q=drift&page=1").get_data(as_text=True)
    exports = {a["data-export"]: a["href"] for a in links(html) if a.get("data-export")}
    assert exports == {"csv": "/export.csv?q=drift", "json": "/export.json?q=drift",
                       "ris": "/export.ris?q=drift", "bib": "/export.bib?q=drift"}


def test_exports_skip_snippets_but_keep_every_hit(seed_index):
    """Exports search without snippets (the costliest part of a hit): the same hits, the
    same passages and texts in the same order, only snippet_html left empty."""
    from indexer.models import SearchRequest
    index = SearchIndex(seed_index)
    full = index.search(SearchRequest(query="drift delay", per_page=500))
    bare = index.search(SearchRequest(query="drift delay", per_page=500), snippets=False)
    assert full.total == bare.total > 0
    assert [(h.report_id, h.section, [p.passage_id for p in h.passages]) for h in full.hits] \
        == [(h.report_id, h.section, [p.passage_id for p in h.passages]) for h in bare.hits]
    assert [p.text for h in full.hits for p in h.passages] \
        == [p.text for h in bare.hits for p in h.passages]
    assert any("<mark>" in p.snippet_html for h in full.hits for p in h.passages)
    assert all(p.snippet_html == "" for h in bare.hits for p in h.passages)


def test_corpus_citations_lead_with_the_original_and_carry_pages(corpus_build):
    """On the real corpus: a JTAI letter's original comes from the overview workbook; its
    citation leads with it, its RIS reference has pages and the original first; a focused
    visit (no table gives its original) cites this copy and says the original is not known."""
    from webui import create_app
    index_dir, _ = corpus_build
    corpus = create_app({"OFSTED_INDEX": str(index_dir), "TESTING": True}).test_client()
    url = "/export.json?q=neglect&authority=bristol&type=jtai"
    rows = corpus.get(url).get_json()["rows"]
    assert rows and {r["original_url"] for r in rows} == {
        "https://files.ofsted.gov.uk/v1/file/50000231"}
    row = next(r for r in rows if r["page"])
    assert row["citation"].split(" Available at: ")[1].startswith(
        "https://files.ofsted.gov.uk/v1/file/50000231 (Accessed: ")
    assert row["citation"].endswith(f"Passage: {row['permalink']}.")
    assert f", p. {row['page']}. Available at:" in row["citation"]
    [entry] = rispy.loads(corpus.get(url.replace(".json", ".ris")).get_data(as_text=True))
    pages = sorted(r["page"] for r in rows if r["page"])
    assert (entry["start_page"], entry["end_page"]) == (str(pages[0]), str(pages[-1]))
    assert entry["urls"][0] == "https://files.ofsted.gov.uk/v1/file/50000231"
    [bib] = bibtexparser.parse_string(corpus.get(url.replace(".json", ".bib")).get_data(
        as_text=True)).entries
    fields = {f.key: f.value for f in bib.fields}
    assert fields["pages"] == (f"{pages[0]}--{pages[-1]}" if pages[0] != pages[-1]
                               else str(pages[0]))
    visit = corpus.get("/api/search?q=&type=focused_visit&per_page=1").get_json()["hits"][0]
    assert visit["original_url"] is None
    html = corpus.get(f"/reports/{visit['report_id']}").get_data(as_text=True)
    assert "Not known: the folder this report came from does not give Ofsted" in html
