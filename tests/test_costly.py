"""Costly requests bounded per client and cached (issue 23): exports carry an ETag and get
304 for it, are remembered, streamed; a client over its share of costly work gets 429, the
service over its share 503, both with Retry-After, while plain searches go on; the share is
one ledger for every worker of the production server; "similar passages" stops at its
deadline; CSV cells stay under Excel's limit. The real app on the seed index, the real
gunicorn, no wall-clock limit: tiny shares make the limits deterministic."""
from __future__ import annotations

import csv
import io
import json
import multiprocessing
import os
import select
import socket
import time

from serving import get, production
from webui import create_app
from webui.exports import CELL_MAX, COLUMNS, _csv_chunks
from webui.ledger import Ledger, Limits

# a client may spend a nanosecond at once (its first costly request always starts: the
# bucket is full) and regains a microsecond a second: its second costly request is refused
STINGY = {"OFSTED_COSTLY_SHARE": 1e-6, "OFSTED_COSTLY_BURST": 1e-9,
          "OFSTED_COSTLY_TOTAL": 1e6, "OFSTED_COSTLY_AT_ONCE": 4}
EXPORTS = ("csv", "json", "ris", "bib")


def _client(seed_index, **config):
    return create_app({"OFSTED_INDEX": str(seed_index), **config}).test_client()


def _from(address: str) -> dict:
    return {"environ_base": {"REMOTE_ADDR": address}}


def test_an_export_has_an_etag_and_a_conditional_get_gets_304(seed_index):
    web = _client(seed_index)
    for kind in EXPORTS:
        first = web.get(f"/export.{kind}?q=care")
        assert first.status_code == 200 and "Content-Length" not in first.headers  # streamed
        tag = first.headers["ETag"]
        body = first.get_data()
        assert body and first.headers["X-Export-Rows"] != "0"
        again = web.get(f"/export.{kind}?q=care", headers={"If-None-Match": tag})
        assert again.status_code == 304 and again.get_data() == b""
        assert again.headers["ETag"] == tag
        # remembered: the same body and headers, sent whole this time
        remembered = web.get(f"/export.{kind}?q=care")
        assert remembered.status_code == 200
        assert remembered.headers["Content-Length"] == str(len(body))
        assert remembered.get_data() == body and remembered.headers["ETag"] == tag
        assert remembered.headers["Content-Type"] == first.headers["Content-Type"]
        assert remembered.headers["X-Export-Total"] == first.headers["X-Export-Total"]
        other = web.get(f"/export.{kind}?q=adoption", headers={"If-None-Match": tag})
        assert other.status_code == 200 and other.headers["ETag"] != tag


def test_a_streamed_json_export_is_one_json_document(seed_index):
    web = _client(seed_index, OFSTED_EXPORT_CACHE=0)
    data = json.loads(web.get("/export.json?q=care&year_from=2015").get_data())
    assert list(data)[-2:] == ["columns", "rows"]
    assert data["exported"] == len(data["rows"]) > 0
    assert all(set(row) == set(COLUMNS) for row in data["rows"])
    empty = json.loads(web.get("/export.json?q=zzzqqqxxyy").get_data())
    assert empty["rows"] == [] and empty["exported"] == 0


def test_a_client_over_its_share_gets_429_with_retry_after_and_searches_go_on(seed_index):
    web = _client(seed_index, **STINGY)
    first = web.get("/export.csv?q=care")  # spends more than it had
    assert first.status_code == 200 and first.get_data()  # sent whole: remembered
    for path in ("/export.csv?q=adoption", "/export.json?q=adoption", "/export.ris?q=neglect",
                 "/api/search?q=care&per_page=100", "/search?q=care&per_page=60",
                 "/api/search?q=assess*", "/search?q=car?"):
        refused = web.get(path)
        assert refused.status_code == 429, path
        assert int(refused.headers["Retry-After"]) >= 1
        assert refused.headers["Cache-Control"] == "no-store"
        assert refused.headers["X-Content-Type-Options"] == "nosniff"
        if "/api/" in path or ".json" in path:
            assert refused.get_json()["status"] == 429
        else:
            assert b"Too many costly requests" in refused.get_data()
    # what is not costly goes on: plain searches, pages of up to 50, the remembered export
    assert web.get("/api/search?q=care").status_code == 200
    assert web.get("/search?q=care&per_page=50").status_code == 200
    assert web.get("/export.csv?q=care").status_code == 200
    # another address has its own share
    assert web.get("/export.csv?q=adoption", **_from("192.0.2.7")).status_code == 200


def test_the_service_over_its_share_gets_503_with_retry_after(seed_index):
    web = _client(seed_index, **{**STINGY, "OFSTED_COSTLY_TOTAL": 1e-6})
    assert web.get("/export.csv?q=care", **_from("192.0.2.1")).status_code == 200
    busy = web.get("/export.json?q=care", **_from("192.0.2.2"))  # its own share is whole
    assert busy.status_code == 503 and int(busy.headers["Retry-After"]) >= 1
    assert busy.get_json()["status"] == 503
    assert web.get("/api/search?q=care", **_from("192.0.2.2")).status_code == 200


def test_the_limits_are_on_by_default(seed_index, monkeypatch):
    monkeypatch.delenv("OFSTED_COSTLY_SHARE")  # tests/conftest.py switches them off
    app = create_app({"OFSTED_INDEX": str(seed_index)})
    limits = app.extensions["costly_ledger"].limits
    assert limits.share > 0 and limits.burst > 0 and limits.total > 0 and limits.at_once >= 1
    assert app.extensions["export_bodies"].limit > 0


def test_limits_switched_off_refuse_nothing(seed_index):
    web = _client(seed_index, **{**STINGY, "OFSTED_COSTLY_SHARE": 0})
    assert [web.get(f"/export.csv?q=care&year_from={y}").status_code
            for y in range(2010, 2016)] == [200] * 6


def _hold(path: str, started, release) -> None:
    """In a child process: take a place in progress, say so, wait, then exit holding it."""
    ledger = Ledger(Limits(share=1, burst=10, total=1, total_burst=10, at_once=1), path)
    place, refusal = ledger.admit("198.51.100.1")
    started.put((place, refusal))
    release.wait()
    os._exit(0)  # killed mid-request: its place is never given back by done()


def test_the_ledger_is_shared_by_processes_and_a_dead_one_frees_its_place(tmp_path):
    path = str(tmp_path / "ledger")
    ledger = Ledger(Limits(share=1, burst=10, total=1, total_burst=10, at_once=1), path)
    context = multiprocessing.get_context("fork")
    started, release = context.Queue(), context.Event()
    child = context.Process(target=_hold, args=(path, started, release))
    child.start()
    place, refusal = started.get(timeout=60)
    assert place is not None and refusal is None
    # the same client in another process: 429; another client: 503 (one at once)
    assert ledger.admit("198.51.100.1")[1].status == 429
    other = ledger.admit("198.51.100.2")[1]
    assert other.status == 503 and other.retry_after >= 1
    release.set()
    child.join(timeout=60)
    place, refusal = ledger.admit("198.51.100.2")
    assert refusal is None
    ledger.done(place, "198.51.100.2", 0.5)
    assert ledger.admit("198.51.100.2")[1] is None


def test_the_production_server_shares_one_ledger_between_its_workers(seed_index):
    env = {**{name: str(value) for name, value in STINGY.items()}, "OFSTED_COSTLY_HOLD": "0.25"}
    with production(seed_index, env=env) as (base, _):
        assert get(f"{base}/export.csv?q=care")[0] == 200
        # the gevent worker holds a refusal before sending it (a lower bound: a sleep's)
        started = time.monotonic()
        assert get(f"{base}/export.csv?q=care&year_from=2009")[0] == 429
        assert time.monotonic() - started >= 0.25
        # fresh connections land on either worker: every one is refused
        statuses = [get(f"{base}/export.csv?q=care&year_from={year}") for year in range(2010, 2018)]
        assert [s for s, _, _ in statuses] == [429] * 8
        assert all(int(h["Retry-After"]) >= 1 for _, h, _ in statuses)
        # a forwarded address is not believed without OFSTED_PROXY_FIX
        assert get(f"{base}/export.csv?q=adoption", {"X-Forwarded-For": "203.0.113.9"})[0] == 429
        assert get(f"{base}/api/search?q=care")[0] == 200


def test_behind_a_trusted_proxy_the_client_is_the_forwarded_address(seed_index):
    env = {**{name: str(value) for name, value in STINGY.items()}, "OFSTED_PROXY_FIX": "1",
           "OFSTED_COSTLY_HOLD": "0"}
    with production(seed_index, env=env) as (base, _):
        first = {"X-Forwarded-For": "203.0.113.9"}
        assert get(f"{base}/export.csv?q=care", first)[0] == 200
        assert get(f"{base}/export.csv?q=neglect", first)[0] == 429
        assert get(f"{base}/export.csv?q=neglect", {"X-Forwarded-For": "203.0.113.10"})[0] == 200


def test_similar_passages_stop_at_their_deadline(seed_index):
    hit = _client(seed_index).get("/api/search?q=care").get_json()["hits"][0]
    path = f"/reports/{hit['report_id']}/passages/{hit['passages'][0]['passage_id']}/similar"
    assert _client(seed_index).get("/api" + path).status_code == 200
    hurried = _client(seed_index, OFSTED_SEARCH_DEADLINE=1e-9)
    for url in ("/api" + path, path):
        stopped = hurried.get(url)
        assert stopped.status_code == 503 and stopped.headers["Retry-After"]
        assert "Finding similar passages took longer than" in stopped.get_data(as_text=True)


def test_csv_cells_stay_under_excels_limit():
    row = {name: "" for name in COLUMNS}
    row.update(text="Leaders know their services well. " * 3_000, heading="=" + "x" * 40_000)
    written = "".join(_csv_chunks([row, {**row, "text": "short"}]))
    cells = list(csv.DictReader(io.StringIO(written)))
    assert len(cells) == 2
    assert len(cells[0]["text"]) == CELL_MAX < 32_767 and cells[0]["text"].endswith("…")
    assert cells[0]["heading"].startswith("'=") and len(cells[0]["heading"]) <= CELL_MAX + 1
    assert cells[1]["text"] == "short"


def test_refusals_are_made_before_flask_in_a_few_bytes(seed_index):
    """A refused costly request never reaches Flask's dispatch (no request_started, no
    view, no template): the gate in front of it answers from the environ alone."""
    from flask import request_started
    app = create_app({"OFSTED_INDEX": str(seed_index), **STINGY})
    web = app.test_client()
    assert web.get("/export.csv?q=care").status_code == 200  # spends more than it had
    dispatched = []
    record = lambda sender, **_: dispatched.append(1)  # noqa: E731
    request_started.connect(record, app)
    try:
        for path in ("/export.bib?q=adoption", "/search?q=care&per_page=100",
                     "/api/search?q=neglect&per_page=100", "/search?q=car%3F"):
            refused = web.get(path)
            assert refused.status_code == 429 and len(refused.get_data()) < 600, path
        assert dispatched == []
        page = web.get("/?q=care*").get_data(as_text=True)
        assert page.startswith("<!doctype html>") and "<title>Too many costly requests" in page
        assert web.get("/api/search?q=care").status_code == 200  # plain: dispatched
        assert dispatched == [1]
    finally:
        request_started.disconnect(record, app)


def test_what_is_costly_is_read_as_flask_reads_the_arguments(seed_index):
    web = _client(seed_index, **STINGY)
    assert web.get("/export.csv?q=care").status_code == 200
    # the first value counts, as in request.args; fifty a page and plain queries are free
    for path in ("/search?q=care&per_page=50&per_page=100", "/search?q=care&per_page=+50",
                 "/search?q=care%2B"):
        assert web.get(path).status_code == 200, path
    # a number too long to be a page size is the parameters' 400, not the limits' 429
    assert web.get("/search?per_page=999999&q=care").status_code == 400
    for path in ("/search?q=ch%2A", "/search?per_page=100&per_page=10&q=care",
                 "/api/search?q=%E2%80%9Cch*%E2%80%9D"):
        assert web.get(path).status_code == 429, path


def test_a_remembered_search_answer_is_never_refused(seed_index):
    web = _client(seed_index, **STINGY)
    costly = "/api/search?q=care&per_page=100"
    first = web.get(costly, **_from("192.0.2.30"))
    assert first.status_code == 200  # a full bucket: admitted, then charged
    assert web.get("/api/search?q=adoption&per_page=100", **_from("192.0.2.30")).status_code == 429
    again = web.get(costly, **_from("192.0.2.30"))
    assert again.status_code == 200 and again.get_data() == first.get_data()


def test_a_long_export_lets_the_other_clients_of_its_worker_be_answered(corpus_build, tmp_path):
    """One gevent worker: a plain search sent while an export of 5,000 passages computes is
    answered before the export has sent a byte (it pauses at every deadline check), and
    the export still arrives whole. The ledger, shared with the test, says when the export
    is in progress."""
    path = tmp_path / "ledger"
    env = {"OFSTED_LEDGER": str(path), "OFSTED_COSTLY_SHARE": "1", "OFSTED_COSTLY_BURST": "100",
           "OFSTED_COSTLY_TOTAL": "100", "OFSTED_COSTLY_AT_ONCE": "1", "OFSTED_EXPORT_CACHE": "0"}
    with production(corpus_build[0], env=env, extra=("-w", "1")) as (base, port):
        assert get(f"{base}/api/search?q=care")[0] == 200  # the worker has opened the index
        ledger = Ledger(Limits(share=1, burst=1, total=1, total_burst=1, at_once=1), str(path))
        export = socket.create_connection(("127.0.0.1", port), timeout=300)
        export.sendall(b"GET /export.csv?q=ch*+OR+ca*+OR+so* HTTP/1.1\r\nHost: localhost\r\n"
                       b"Connection: close\r\n\r\n")
        while not ledger.in_progress():  # until the gate has admitted it
            assert not select.select([export], [], [], 0.01)[0], "the export ended unseen"
        assert get(f"{base}/api/search?q=adoption")[0] == 200
        assert ledger.in_progress() == 1 and not select.select([export], [], [], 0)[0]
        answer = b""
        while chunk := export.recv(1 << 16):
            answer += chunk
        export.close()
        head, _, body = answer.partition(b"\r\n\r\n")
        assert head.startswith(b"HTTP/1.1 200") and b"X-Export-Rows: 5000" in head
        assert body.endswith(b"0\r\n\r\n")  # the last chunk of a whole body
