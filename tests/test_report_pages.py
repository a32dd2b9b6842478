"""A giant report is served in pages (webui.report_pages): a generated text report of a
few thousand passages, built by our build into a temporary index, read through a real
Flask test client. Before issue 9b, /reports/<id> of a 50 MB text file produced 118 MB of
HTML; now every page and every /api/reports answer holds at most REPORT_PAGE_PASSAGES
passages and a permalink to a passage deep in the report opens the page holding it."""
from __future__ import annotations

import re
import shutil

import pytest

from indexer.index.build import build
from indexer.search.service import SearchIndex
from webui import create_app
from webui.report_pages import PAGE_PASSAGES

PARAGRAPHS = 3 * PAGE_PASSAGES + 123  # well over three pages


def code(n: int) -> str:
    """A word of its own for paragraph n (digits are not indexed): 1007 -> "refbaah"."""
    return "ref" + "".join(chr(ord("a") + int(d)) for d in str(n))


@pytest.fixture(scope="module")
def giant(tmp_path_factory, seeds_dir):
    """(test client, report id, passage ids in document order) of an index holding one
    seed report with thousands of generated paragraphs after its own text."""
    folder = tmp_path_factory.mktemp("giant_src")
    seed = sorted(seeds_dir.glob("*.txt"))[0]
    text = seed.read_text(encoding="utf-8")
    extra = "\n\n".join(f"Visit {n}: the social worker saw family number {n} at home and "
                        f"recorded the child's wishes in case note {code(n)}."
                        for n in range(PARAGRAPHS))
    (folder / "giant.txt").write_text(text + "\n\n" + extra + "\n", encoding="utf-8")
    shutil.copy(sorted(seeds_dir.glob("*.txt"))[1], folder / "normal.txt")
    index_dir = tmp_path_factory.mktemp("giant_idx")
    build([str(folder)], str(index_dir), workers=1)
    index = SearchIndex(index_dir)
    reports = {r["source"].rsplit("/", 1)[-1]: r["report_id"] for r in index.reports()}
    report = index.report(reports["giant.txt"])
    ids = [p.passage_id for _, p in report.passages()]
    by_code = {code(n): p.passage_id for _, p in report.passages()
               for n in [int(m) for m in re.findall(r"^Visit ([0-9]+):", p.text)]}
    client = create_app({"OFSTED_INDEX": str(index_dir), "TESTING": True}).test_client()
    return client, report.report_id, ids, reports["normal.txt"], by_code


def shown_passages(html: str) -> list[str]:
    return re.findall(r'<div class="passage[^"]*" id="([^"]+)"', html)


def test_every_page_holds_at_most_a_page_of_passages_and_together_all(giant):
    client, report_id, ids, _, by_code = giant
    assert len(ids) > 3 * PAGE_PASSAGES
    pages = -(-len(ids) // PAGE_PASSAGES)
    seen = []
    for number in range(1, pages + 1):
        response = client.get(f"/reports/{report_id}?page={number}")
        assert response.status_code == 200
        html = response.get_data(as_text=True)
        on_page = shown_passages(html)
        assert 0 < len(on_page) <= PAGE_PASSAGES
        assert f"Page {number} of {pages}" in html
        assert ('rel="next"' in html) == (number < pages)
        seen += on_page
    assert seen == ids  # every passage once, in order
    whole = len(client.get(f"/reports/{report_id}?page=1").get_data())
    assert whole < 2_000_000  # the page's size is bounded by the page, not the report


def test_a_permalink_deep_in_the_report_opens_the_page_holding_it(giant):
    client, report_id, ids, _, by_code = giant
    deep = by_code[code(1007)]
    assert ids.index(deep) // PAGE_PASSAGES == 2
    search = client.get(f"/export.json?q={code(1007)}").get_json()
    links = {row["passage_id"]: row["permalink"] for row in search["rows"]}
    assert deep in links and f"passage={deep}" in links[deep]
    path = links[deep].split("://", 1)[1].split("/", 1)[1].split("#")[0]
    html = client.get("/" + path).get_data(as_text=True)
    assert deep in shown_passages(html) and "Page 3 of" in html
    assert deep not in shown_passages(client.get(f"/reports/{report_id}").get_data(as_text=True))


def test_matches_on_other_pages_are_linked_to_their_page(giant):
    client, report_id, ids, _, by_code = giant
    last = code(PARAGRAPHS - 1)
    html = client.get(f"/reports/{report_id}?q={last}&mode=words").get_data(as_text=True)
    target = by_code[last]
    assert "1 passage matches" in html  # by its words (mode=hybrid adds passages by meaning)
    first = re.search(r'<a href="([^"]+)">Go to the first match</a>', html).group(1)
    assert "passage=" in first and first.endswith("#" + first.split("passage=")[1].split("&")[0])
    assert target not in shown_passages(html)
    opened = client.get(first.split("#")[0].replace("&amp;", "&")).get_data(as_text=True)
    assert target in shown_passages(opened) and f"<mark>{last}</mark>" in opened


def test_the_api_comes_in_pages_too(giant):
    client, report_id, ids, _, by_code = giant
    first = client.get(f"/api/reports/{report_id}").get_json()
    got = [p["passage_id"] for s in first["sections"] for p in s["passages"]]
    assert got == ids[:PAGE_PASSAGES]
    assert first["pagination"]["passages"] == len(ids)
    follow, collected = first["pagination"]["next"], got
    while follow:
        data = client.get(follow).get_json()
        collected += [p["passage_id"] for s in data["sections"] for p in s["passages"]]
        follow = data["pagination"]["next"]
    assert collected == ids
    assert client.get(f"/api/reports/{report_id}?page=0").status_code == 400
    assert client.get(f"/api/reports/{report_id}?page=99").status_code == 400
    assert client.get(f"/api/reports/{report_id}?passage=nope").status_code == 404


def test_a_normal_report_stays_one_page(giant):
    client, _, _, normal, _ = giant
    html = client.get(f"/reports/{normal}").get_data(as_text=True)
    assert "Pages of this report" not in html and shown_passages(html)
    assert "pagination" not in client.get(f"/api/reports/{normal}").get_json()


def test_search_result_links_open_the_page_holding_the_passage(giant):
    client, report_id, ids, _, by_code = giant
    deep = by_code[code(1500)]
    hits = client.get(f"/api/search?q={code(1500)}").get_json()["hits"]
    url = next(p["url"] for h in hits for p in h["passages"] if p["passage_id"] == deep)
    assert f"passage={deep}" in url and url.endswith("#" + deep)
    html = client.get(url.split("#")[0]).get_data(as_text=True)
    assert deep in shown_passages(html) and f"<mark>{code(1500)}</mark>" in html


@pytest.mark.parametrize("path", ["/reports/{id}", "/reports/{id}?q=social+worker&page=2",
                                  "/export.json?q=social", "/export.csv?q=social",
                                  "/export.ris?q=social"])
def test_report_pages_and_exports_stop_at_their_deadline_with_a_503(giant, path):
    client, report_id, _, _, _ = giant
    index_dir = client.application.config["OFSTED_INDEX"]
    url = path.format(id=report_id)
    assert client.get(url).status_code == 200  # the usual limit (10 s) is far away
    hurried = create_app({"OFSTED_INDEX": index_dir, "TESTING": True,
                          "OFSTED_PAGE_DEADLINE": 0.0}).test_client()
    response = hurried.get(url)
    assert response.status_code == 503 and response.headers["Retry-After"]
    assert "was stopped" in response.get_data(as_text=True)
