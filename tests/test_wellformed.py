"""Every output well-formed (issue 23): characters XML 1.0 forbids (C0 controls, U+FFFE,
U+FFFF, lone surrogates) never reach a feed, an export or a page, from a query or from a
document; bidirectional controls and zero-width characters from a document are dropped
from titles, citations and exports. Real letters indexed in temporary directories, the
real app; every Atom feed is parsed as XML, for fixed and for generated input."""
from __future__ import annotations

import csv
import io
import re
import xml.etree.ElementTree as ET

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from pages import SCRIPT_LETTER
from indexer.index.build import build
from webui import create_app

FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
HOSTILE = "\x01\x1b\x7f\ufffe\uffff\u202e\u2066\u200b\u200d\ufeff"
OUTPUTS = ("/search.atom", "/export.csv", "/export.json", "/export.ris", "/export.bib",
           "/search", "/api/search")


def _letter(inserted: str) -> str:
    """The small test letter with `inserted` in its title and in one finding."""
    return (SCRIPT_LETTER
            .replace("County Council children's services\n\nThis",
                     f"County Council children's services {inserted}\n\nThis")
            .replace("Managers check plans regularly",
                     f"Managers check zebrafeed{inserted}plans regularly"))


def _web(tmp_path, text: str):
    folder = tmp_path / "letters"
    folder.mkdir(exist_ok=True)
    (folder / "exampleshire-focused-visit.txt").write_text(text, encoding="utf-8",
                                                           errors="surrogatepass")
    build([str(folder)], str(tmp_path / "ix"), workers=1)
    return create_app({"OFSTED_INDEX": str(tmp_path / "ix"), "TESTING": True}).test_client()


def _clean(body: str) -> bool:
    return not FORBIDDEN.search(body) and not INVISIBLE.search(body)


def test_a_document_s_hostile_characters_reach_no_output(tmp_path):
    web = _web(tmp_path, _letter(HOSTILE))
    for path in OUTPUTS:
        response = web.get(path, query_string={"q": "zebrafeed"})
        body = response.get_data(as_text=True)
        assert response.status_code == 200 and "zebrafeed" in body, path
        assert _clean(body), path
    feed = ET.fromstring(web.get("/search.atom?q=zebrafeed").get_data())
    titles = [e.text for e in feed.iter("{http://www.w3.org/2005/Atom}title")]
    assert any("Focused visit to Exampleshire" in t for t in titles)
    table = list(csv.DictReader(io.StringIO(web.get("/export.csv?q=zebrafeed").get_data(as_text=True))))
    assert [r["text"] for r in table] == ["Managers check zebrafeed plans regularly & record decisions."]
    assert "Focused visit to Exampleshire" in table[0]["citation"]
    assert _clean(table[0]["citation"])
    report = web.get("/api/search?q=zebrafeed").get_json()["hits"][0]["report_id"]
    page = web.get(f"/reports/{report}").get_data(as_text=True)
    assert "zebrafeed" in page and _clean(page)


@pytest.mark.parametrize("query", ["care\x01", "care\x1b", "care\ufffe", "care\uffff",
                                   "care\x7f"])
def test_a_control_character_in_a_query_is_a_400_that_does_not_echo_it(client, query):
    for path in ("/search.atom", "/api/search", "/search", "/export.csv"):
        response = client.get(path, query_string={"q": query})
        assert response.status_code == 400, path
        body = response.get_data(as_text=True)
        assert "control character" in body and _clean(body), path


def test_bidirectional_and_zero_width_characters_in_a_query_are_dropped(client):
    response = client.get("/search.atom", query_string={"q": "care\u202e lea\u200bvers"})
    assert response.status_code == 200
    feed = ET.fromstring(response.get_data())
    title = feed.find("{http://www.w3.org/2005/Atom}title").text
    assert title == "Ofsted inspections: “care leavers”"


QUERY_TEXT = st.text(st.characters(codec="utf-8", categories=("L", "N", "P", "Z", "Cc", "Cf",
                                                               "Co", "Cn")), max_size=40)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(query=QUERY_TEXT)
def test_every_feed_for_any_query_is_xml(client, query):
    response = client.get("/search.atom", query_string={"q": query})
    assert response.status_code in (200, 400), response.get_data(as_text=True)[:300]
    body = response.get_data()
    if response.status_code == 200:
        ET.fromstring(body)  # raises on anything that is not XML 1.0
    assert _clean(body.decode())


DOCUMENT_TEXT = st.text(st.characters(categories=("L", "N", "P", "S", "Zs", "Cc", "Cf", "Cs",
                                                  "Co", "Cn"),
                                     # a NUL marks a binary file: the build skips it
                                     exclude_characters="\n\r\x00"),
                        min_size=1, max_size=30)


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(inserted=DOCUMENT_TEXT)
def test_every_feed_of_any_document_is_xml(tmp_path_factory, inserted):
    web = _web(tmp_path_factory.mktemp("doc"), _letter(inserted))
    response = web.get("/search.atom?q=managers")
    assert response.status_code == 200
    feed = ET.fromstring(response.get_data())
    assert feed.findall("{http://www.w3.org/2005/Atom}entry")
    for path in OUTPUTS[1:]:
        assert _clean(web.get(path, query_string={"q": "managers"}).get_data(as_text=True)), path
