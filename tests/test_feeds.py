"""The Atom feed of a search over real indexes, read back with feedparser: newest
passages by publication date, permalinks as ids and links, snippets as content, the feed
advertised on results pages, and validators that change only with the index generation."""
from __future__ import annotations

import shutil

import feedparser

from pages import SCRIPT_LETTER, SEEDS
from indexer.index.build import build
from webui import create_app


def test_feed_parses_as_atom_with_newest_passages_first(client):
    response = client.get("/search.atom?q=management")
    assert response.status_code == 200 and response.mimetype == "application/atom+xml"
    feed = feedparser.parse(response.data)
    assert feed.bozo == 0 and feed.version == "atom10"
    assert feed.feed.title == "Ofsted inspections: “management”"
    assert len(feed.entries) == 50
    published = [e.updated for e in feed.entries]
    assert published == sorted(published, reverse=True)
    assert published[0] == "2018-03-22T00:00:00Z"  # the focused visit, published last
    first = feed.entries[0]
    assert first.id == first.link
    assert first.id.startswith("http://localhost/reports/derbyshire-focused-visit-2018-02-27#p-")
    assert "management" in first.content[0].value  # feedparser's sanitiser drops <mark>
    assert b"&lt;mark&gt;manag" in response.data  # the snippet, escaped, as type="html"
    passage_id = first.id.split("#")[1]
    report = client.get(first.id.replace("http://localhost", "").split("#")[0])
    assert f'id="{passage_id}"' in report.get_data(as_text=True)


def test_filters_and_no_matches(client):
    feed = feedparser.parse(client.get("/search.atom?q=management&authority=durham").data)
    assert {e.id.split("/reports/")[1].split("-aui")[0] for e in feed.entries} == {"durham"}
    assert feed.feed.title.endswith("(authority: durham)")
    empty = feedparser.parse(client.get("/search.atom?q=zzzyqx").data)
    assert empty.bozo == 0 and empty.entries == []
    assert client.get("/search.atom?year=abc").status_code == 400


def test_results_pages_advertise_the_feed(client):
    for url in ("/search?q=drift", "/search?q=zzzyqx"):
        html = client.get(url).get_data(as_text=True)
        feed = url.replace("/search", "/search.atom")
        assert (f'<link rel="alternate" type="application/atom+xml" title="New passages '
                f'matching this search (Atom)" href="{feed}">') in html
        assert f'<a href="{feed}" class="feed-link"' in html and "Subscribe to this search" in html


def test_conditional_get_and_validators_follow_the_generation(tmp_path):
    sources = tmp_path / "sources"
    shutil.copytree(SEEDS, sources)
    index_dir = tmp_path / "index"
    build([str(sources)], str(index_dir), workers=1)
    client = create_app({"OFSTED_INDEX": str(index_dir), "TESTING": True}).test_client()
    first = client.get("/search.atom?q=management")
    again = client.get("/search.atom?q=management&page=2")
    assert first.headers["ETag"] == again.headers["ETag"]
    assert first.headers["Last-Modified"] == again.headers["Last-Modified"]
    assert client.get("/search.atom?q=drift").headers["ETag"] != first.headers["ETag"]
    not_modified = client.get("/search.atom?q=management",
                              headers={"If-None-Match": first.headers["ETag"]})
    assert not_modified.status_code == 304 and not_modified.data == b""
    since = client.get("/search.atom?q=management",
                       headers={"If-Modified-Since": first.headers["Last-Modified"]})
    assert since.status_code == 304
    (sources / "exampleshire.txt").write_text(SCRIPT_LETTER, encoding="utf-8")
    build([str(sources)], str(index_dir), workers=1)
    changed = client.get("/search.atom?q=management",
                         headers={"If-None-Match": first.headers["ETag"]})
    assert changed.status_code == 200 and changed.headers["ETag"] != first.headers["ETag"]
    entries = feedparser.parse(changed.data).entries
    assert entries[0].id.startswith("http://localhost/reports/exampleshire-focused-visit-2019")
    assert entries[0].updated == "2019-03-22T00:00:00Z"
