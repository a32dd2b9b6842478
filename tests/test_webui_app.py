"""The whole app: error statuses, security headers, the app factory and the commands over real indexes (the five seeds, and a letter containing
<script>). Flask's test client; nothing of ours is mocked."""
from __future__ import annotations

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

from pages import SCRIPT_LETTER
from indexer.index.build import build
from webui import create_app

ROOT = Path(__file__).resolve().parent.parent
FOCUSED = "derbyshire-focused-visit-2018-02-27"
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
}


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
    app = create_app({"OFSTED_INDEX": str(seed_index)})
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


def test_create_app_reads_the_environment_then_the_test_config(monkeypatch, seed_index):
    monkeypatch.setenv("OFSTED_INDEX", str(seed_index))
    assert create_app().config["OFSTED_INDEX"] == str(seed_index)
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
    env = {**os.environ, "OFSTED_INDEX": str(seed_index)}
    server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    try:
        data = _fetch(f"http://127.0.0.1:{port}/api/search?q=%22drift+and+delay%22",
                      time.monotonic() + 30)
        assert data["total"] == 1
    finally:
        server.terminate()
        server.wait(timeout=10)
