"""Hostile input against real indexes of the seeds: wildcard floods, expired deadlines,
a broken fast path, generation swaps under concurrent searches, an empty index. Each test
failed before the defect it names was fixed (issue 9)."""
from __future__ import annotations

import logging
import shutil
import threading
from pathlib import Path

import pytest
from whoosh import query as wq

from indexer.errors import IndexEmpty, QueryTooCostly
from indexer.index import store
from indexer.index.build import build
from indexer.models import SearchRequest
from indexer.search import query_cost
from indexer.search.querying import plan_query
from indexer.search.service import SearchIndex
from webui import create_app


@pytest.fixture(scope="module")
def index(seed_index):
    return SearchIndex(seed_index)


def search(index, query, **kwargs):
    return index.search(SearchRequest(query=query, **kwargs))


@pytest.mark.parametrize("query", ["?*", "*a*", "*" * 100, "?* OR ??*",
                                   "?* OR ??* OR ???* OR ????*", "a*", "*ment",
                                   "ab?*?*?*?*"])
def test_wildcards_without_enough_letters_are_refused_with_the_reason(index, query):
    with pytest.raises(QueryTooCostly) as caught:
        search(index, query)
    message = str(caught.value)
    assert "at least 2 letters before the first" in message or "more than 4 wildcards" in message


def test_a_bounded_prefix_matches_what_whoosh_matches(index):
    generation = index.generation()
    q = plan_query("assess*", generation.ix.schema, expand=False).query
    expected = set(generation.searcher.docs_for_query(q))
    results = search(index, "assess*", expand=False, per_page=100)
    assert results.total == len(expected) > 0
    assert {h.passages[0].passage_id for h in results.hits}  # hits come back highlighted
    assert any("<mark>assess" in h.passages[0].snippet_html.lower() for h in results.hits)


def test_expansion_becomes_the_words_themselves(index):
    reader = index.generation().searcher.reader()
    rewritten = query_cost.bound(wq.Prefix("text", "child", boost=0.5), reader)
    words = ("child", "childcar", "childfocus", "childhood", "children")
    # five words in a small index: Whoosh scores every match 1 (test_exactness.py checks it)
    assert rewritten == wq.ConstantScoreQuery(wq.Or([wq.Term("text", w) for w in words],
                                                    boost=0.5), score=1.0)
    assert query_cost.bound(wq.Prefix("text", "assess", boost=0.5), reader) == \
        wq.Term("text", "assess")  # one word: the Term alone, unboosted, as Whoosh scores it
    assert query_cost.bound(wq.Prefix("text", "zzzzqq"), reader) is wq.NullQuery


def test_the_whole_query_has_an_expansion_budget(index):
    reader = index.generation().searcher.reader()
    q = wq.Or([wq.Prefix("text", "child"), wq.Prefix("text", "man")])
    assert len(query_cost.bound(q, reader, total=9).subqueries) == 2
    with pytest.raises(QueryTooCostly, match="different words in all"):
        query_cost.bound(q, reader, total=8)


def test_an_expired_deadline_stops_the_search_with_a_400(seed_index):
    slow = SearchIndex(seed_index, deadline=0.0)
    with pytest.raises(QueryTooCostly, match="took longer than 0 s"):
        slow.search(SearchRequest(query="children"))


def test_the_web_answers_a_costly_query_with_400_json(seed_index):
    client = create_app({"OFSTED_INDEX": str(seed_index), "TESTING": True}).test_client()
    response = client.get("/api/search", query_string={"q": "?* OR ??*"})
    assert response.status_code == 400
    assert "letters before the first" in response.get_json()["error"]


def test_a_failing_fast_path_falls_back_to_whoosh_and_logs_once(seed_index, caplog):
    fresh = SearchIndex(seed_index)
    expected = search(fresh, "neglect").total
    generation = fresh.generation()
    # damaged field lengths make the evaluator fail (term postings come from the mapped
    # files, which the cache does not hold: decision 0027)
    generation.cache.lengths.clear()
    generation.cache.lengths["text"] = "damaged"
    caplog.set_level(logging.ERROR, logger="indexer.search.whoosh_fallback")
    from indexer.search import whoosh_fallback as fallback
    fallback._failures_logged.clear()
    assert search(fresh, "neglect").total == expected > 0
    assert search(fresh, "children").total > 0
    logged = [r for r in caplog.records if "evaluator failed" in r.getMessage()]
    assert len(logged) == 1


def _swap(index_dir: Path) -> None:
    """Publish a copy of the served generation as a new one (what a build does last)."""
    building = store.new_generation(index_dir)
    building.rmdir()
    shutil.copytree(store.current_generation(index_dir), building)
    store.publish(index_dir, building)


def test_six_threads_searching_through_twenty_swaps_see_no_error(tmp_path, seed_index):
    index_dir = tmp_path / "index"
    shutil.copytree(seed_index, index_dir, symlinks=True)
    shared = SearchIndex(index_dir)
    errors, answers, stop = [], [], threading.Event()

    def client(query):
        while not stop.is_set():
            try:
                answers.append(search(shared, query).total)
            except Exception as exc:  # noqa: BLE001 - every failure is what we count
                import traceback; errors.append(traceback.format_exc())

    threads = [threading.Thread(target=client, args=(q,)) for q in
               ("children", "neglect", "\"drift and delay\"", "assess*", "care leavers",
                "management oversight")]
    for t in threads:
        t.start()
    for _ in range(20):
        _swap(index_dir)
    stop.set()
    for t in threads:
        t.join()
    assert errors == [], errors[0]
    assert len(answers) >= 6


def test_an_empty_index_says_so_and_how_to_fill_it(tmp_path, seeds_dir):
    folder = tmp_path / "docs"
    folder.mkdir()
    shutil.copy(sorted(seeds_dir.iterdir())[0], folder)
    index_dir = tmp_path / "index"
    build([str(folder)], str(index_dir), workers=1)
    for path in folder.iterdir():
        path.unlink()
    summary = build([str(folder)], str(index_dir), workers=1)
    assert (summary.removed, summary.reports) == (1, 0)
    with pytest.raises(IndexEmpty, match="python -m indexer build"):
        search(SearchIndex(index_dir), "children")
    client = create_app({"OFSTED_INDEX": str(index_dir), "TESTING": True}).test_client()
    page = client.get("/search", query_string={"q": "children"})
    assert page.status_code == 200
    assert b"the index is empty" in page.data
    api = client.get("/api/search", query_string={"q": "children"})
    assert api.status_code == 200 and "the index is empty" in api.get_json()["error"]


def test_the_missing_index_page_shows_no_filesystem_path(tmp_path):
    missing = tmp_path / "nowhere-index"
    client = create_app({"OFSTED_INDEX": str(missing), "TESTING": True}).test_client()
    for url in ("/search?q=children", "/api/search?q=children"):
        response = client.get(url)
        assert response.status_code == 503
        assert str(tmp_path).encode() not in response.data
        assert b"nowhere-index" not in response.data


def test_bound_leaves_plain_queries_alone(index):
    reader = index.generation().searcher.reader()
    q = plan_query("children neglect", reader.schema, expand=False).query
    assert query_cost.bound(q, reader) == q


def _export_links(client, **headers) -> set[str]:
    rows = client.get('/export.json?q="drift and delay"', headers=headers).get_json()
    rows = rows["rows"] if isinstance(rows, dict) else rows
    return {row["permalink"].split("/reports/")[0] for row in rows}


def test_a_forged_host_header_never_reaches_permalinks(seed_index):
    client = create_app({"OFSTED_INDEX": str(seed_index), "TESTING": True}).test_client()
    assert _export_links(client, Host="evil.example") == {"http://localhost"}  # the server's
    assert _export_links(client, **{"X-Forwarded-Host": "evil.example"}) == {"http://localhost"}


def test_permalinks_use_the_configured_base_url(seed_index):
    client = create_app({"OFSTED_INDEX": str(seed_index), "TESTING": True,
                         "OFSTED_BASE_URL": "https://search.example.org/"}).test_client()
    assert _export_links(client, Host="evil.example") == {"https://search.example.org"}


def test_behind_a_trusted_proxy_permalinks_use_the_forwarded_host(seed_index):
    client = create_app({"OFSTED_INDEX": str(seed_index), "TESTING": True,
                         "OFSTED_PROXY_FIX": 1}).test_client()
    forwarded = {"X-Forwarded-Host": "search.example.org", "X-Forwarded-Proto": "https"}
    assert _export_links(client, **forwarded) == {"https://search.example.org"}


def test_a_request_in_progress_does_not_block_another(seed_index):
    shared = SearchIndex(seed_index)
    expected = search(shared, "children").total
    with shared._lease() as generation, generation.checkout():  # a long request, mid-way
        done: list[int] = []
        other = threading.Thread(target=lambda: done.append(search(shared, "children").total))
        other.start()
        other.join(60)  # a bound on waiting, not a performance figure
        assert done == [expected]
