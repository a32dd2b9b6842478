"""`python -m indexer update` against a local HTTP server: the first run fetches and indexes
an authority's report; when its provider page lists a new one, the next run fetches only
that, the build parses only that, and the Atom feed of a search leads with its passages;
each report links to its original at the URL the manifest recorded."""
from __future__ import annotations

import json
import subprocess
import sys

import feedparser
from bs4 import BeautifulSoup

from test_fetch import BODIES, ROOT, pages_for
from webui import create_app


def update(*args) -> tuple[int, dict]:
    done = subprocess.run([sys.executable, "-m", "indexer", "update", *map(str, args), "--json",
                           "--workers", "1"], cwd=ROOT, capture_output=True, text=True)
    assert "Traceback" not in done.stderr, done.stderr
    return done.returncode, json.loads(done.stdout)


def serve(server, corpus_dir, page: str) -> None:
    server.clear()
    server.expect_request("/provider/44/80431").respond_with_data(page, content_type="text/html")
    for file_id, path in BODIES.items():
        server.expect_request(f"/v1/file/{file_id}").respond_with_data(
            (corpus_dir / path).read_bytes(), content_type="application/pdf")


def without_newest(page: str) -> str:
    """The provider page as it was before its newest report was published."""
    soup = BeautifulSoup(page, "html.parser")
    soup.select("li.timeline__day")[0].decompose()
    return str(soup)


def feed_reports(index) -> list[str]:
    client = create_app({"OFSTED_INDEX": str(index), "TESTING": True}).test_client()
    feed = feedparser.parse(client.get("/search.atom?q=children").data)
    assert feed.bozo == 0
    return [e.id.split("/reports/")[1].split("#")[0] for e in feed.entries]


def test_update_fetches_what_is_new_and_the_feed_carries_it(tmp_path, corpus_dir, httpserver):
    page = pages_for(httpserver)["provider-80431"]
    out, index = tmp_path / "reports", tmp_path / "index"
    args = ("--authority", "blackpool", "--out", out, "--index", index, "--rate", 100,
            "--base-url", httpserver.url_for("").rstrip("/"))
    serve(httpserver, corpus_dir, without_newest(page))
    code, first = update(*args)
    assert (code, len(first["fetch"]["fetched"]), first["build"]["added"]) == (0, 1, 1)
    before = feed_reports(index)
    assert len(set(before)) == 1

    serve(httpserver, corpus_dir, page)
    code, second = update(*args)
    assert code == 0
    assert [f["file"] for f in second["fetch"]["fetched"]] == [
        "80431_blackpool/joint area child protection inspection - 31 january 2025.pdf"]
    assert (second["fetch"]["held"], second["build"]["added"], second["build"]["unchanged"],
            second["build"]["not_reports"], second["build"]["skipped"]) == (1, 1, 1, [], [])
    after = feed_reports(index)
    new = set(after) - set(before)
    assert len(new) == 1 and after[0] in new  # the new report's passages lead the feed
    client = create_app({"OFSTED_INDEX": str(index), "TESTING": True}).test_client()
    report = client.get(f"/api/reports/{after[0]}").get_json()
    assert report["original_url"] == httpserver.url_for("/v1/file/50270093")
