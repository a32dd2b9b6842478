"""The follow-up tracker (/followups, /api/followups, /followups.csv) over the real seed
index: recommendations matching a search across authorities, counted by the status of
their latest follow-up, each linked to its follow-ups, with the coverage of trends."""
from __future__ import annotations

import collections
import csv
import io
import re

from indexer.api import STANDINGS as COLUMNS  # the order of the table's columns

STANDINGS = {"improved", "still_a_concern", "mixed", "not_mentioned", "not_yet_inspected"}


def test_counts_add_up_and_every_row_links_to_its_follow_ups(client):
    data = client.get("/api/followups?q=assessment").get_json()
    rows = data["recommendations"]
    assert data["total"] == len(rows) == data["shown"] == 12
    assert sum(data["counts"].values()) == data["total"]
    assert sum(sum(y["counts"].values()) for y in data["years"]) == data["total"]
    for year in data["years"]:
        for status in STANDINGS:
            assert sum(t["counts"][status] for t in year["types"]) == year["counts"][status]
    assert {r["status"] for r in rows} <= STANDINGS
    assert all("assess" in r["text"].lower() for r in rows)
    for row in rows:
        page = client.get(row["url"].split("#")[0]).get_data(as_text=True)
        assert f'id="{row["passage_id"]}"' in page
        for later in row["later"]:
            assert later["date"] > row["date"] and later["url"].startswith("/reports/")
    followed = [r for r in rows if r["later"]]
    assert followed and all(r["status"] == max(r["later"], key=lambda l: l["date"])["status"]
                            for r in followed)
    trends = client.get("/api/trends?q=assessment").get_json()
    assert data["coverage"] == trends["coverage"]


def test_the_authority_page_and_the_tracker_agree(client):
    data = client.get("/api/followups?q=assessment&authority=derbyshire").get_json()
    history = client.get("/api/authorities/derbyshire").get_json()
    statuses = {r["passage_id"]: r["status"] or "not_yet_inspected"
                for i in history["inspections"] for r in i["recommendations"]}
    assert data["recommendations"] and all(
        statuses[r["passage_id"]] == r["status"] for r in data["recommendations"])


def _badges(html: str) -> collections.Counter:
    return collections.Counter(re.findall(r'class="badge badge-(\w+)"', html))


def test_the_pages_badges_and_counts_are_the_jsons(client):
    """What the HTML shows is what the JSON says: the authority page's badges (open
    recommendations, every follow-up, "not mentioned") and the tracker's table of counts
    and its rows, status by status."""
    history = client.get("/api/authorities/derbyshire").get_json()
    expected = collections.Counter(r["status"] for r in history["open"])
    for inspection in history["inspections"]:
        for rec in inspection["recommendations"]:
            if inspection["later_inspections"]:
                expected.update([l["status"] for l in rec["later"]] or ["not_mentioned"])
    assert sum(expected.values()) > len(history["open"])
    assert _badges(client.get("/authorities/derbyshire").get_data(as_text=True)) == expected
    data = client.get("/api/followups?q=assessment").get_json()
    html = client.get("/followups?q=assessment").get_data(as_text=True)
    rows = collections.Counter(r["status"] for r in data["recommendations"])
    rows.update(l["status"] for r in data["recommendations"] for l in r["later"])
    head = collections.Counter(data["counts"].keys())  # the table's column headings
    assert _badges(html) == rows + head
    cells = re.findall(r'<tr class="total-row"><th scope="row">(\d+)</th><td>All</td>(.*?)</tr>',
                       html)
    shown = [(int(year), re.findall(r'<td class="num">([\d,]+)</td>', row)) for year, row in cells]
    assert shown == [
        (y["year"], [f"{y['counts'][s]:,}" for s in COLUMNS]) for y in data["years"]]


def test_a_section_filter_and_the_page_and_csv(client):
    only = client.get("/api/followups?q=assessment&section=areas_for_development").get_json()
    everything = client.get("/api/followups?q=assessment").get_json()
    assert 0 < only["total"] < everything["total"]
    html = client.get("/followups?q=assessment").get_data(as_text=True)
    assert everything["summary"] in html.replace("&#34;", '"')
    assert html.count('class="tracked"') == everything["total"]
    response = client.get("/followups.csv?q=assessment")
    assert response.mimetype == "text/csv"
    lines = response.get_data(as_text=True).splitlines()
    assert lines[0].startswith("# Of 12 recommendations on \"assessment\"")
    rows = list(csv.DictReader(io.StringIO("\n".join(lines[1:]))))
    assert len(rows) == 12 and rows[0]["url"].startswith("http")


def test_unquoted_words_come_with_the_phrase_figures(client):
    words = client.get("/api/followups?q=core+assessments").get_json()
    phrase = client.get('/api/followups?q="core+assessments"').get_json()
    assert words["unquoted_words"] is True and phrase["unquoted_words"] is False
    assert words["phrase_query"] == {"query": phrase["query"], "total": phrase["total"],
                                     "counts": phrase["counts"]}
    assert phrase["phrase_query"] is None and 0 < phrase["total"] <= words["total"]
    html = client.get("/followups?q=core+assessments&year=2015").get_data(as_text=True)
    note = html[html.index('id="phrase"'):html.index("</p>", html.index('id="phrase"'))]
    # the phrase is quoted once (by its own quotes) and links to its own figures, same filters
    assert "<q>" not in note and note.count("&#34;") == 2
    assert 'href="/followups?year=2015&amp;q=%22core+assessments%22"' in note


def test_bad_parameters_are_400(client):
    response = client.get("/api/followups?q=assessment&colour=red")
    assert response.status_code == 400 and "colour" in response.get_json()["error"]
    assert client.get("/followups?year=1800").status_code == 400
