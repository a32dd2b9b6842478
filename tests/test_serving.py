"""The production command under slow clients and forged headers (issue 23): real
gunicorn processes with gunicorn.conf.py on the seed index, raw sockets that stall, and
the admission bound of webui/admission.py on the real app."""
from __future__ import annotations

import json
import socket
import threading
from urllib.parse import quote

from serving import (closed_by_server, get, idle_socket, production, slow_socket)
from webui import create_app


def _normal_requests(base: str, count: int = 20) -> list[int]:
    """`count` concurrent searches, each once: their statuses (0: no answer)."""
    statuses = [0] * count
    queries = ["neglect", "care leavers", "early help", "drift and delay", "adoption"]

    def one(i: int) -> None:
        try:
            statuses[i] = get(f"{base}/api/search?q={quote(queries[i % 5])}")[0]
        except OSError:
            statuses[i] = 0
    threads = [threading.Thread(target=one, args=(i,)) for i in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return statuses


def test_slow_and_idle_connections_cost_a_connection_not_the_service(seed_index):
    with production(seed_index) as (base, port):
        held = [slow_socket(port) for _ in range(50)] + [idle_socket(port) for _ in range(50)]
        try:
            assert _normal_requests(base) == [200] * 20
            # each stalled connection is closed by the server (its header timer), none
            # is left holding anything
            assert [closed_by_server(sock) for sock in held] == [True] * 100
            assert _normal_requests(base) == [200] * 20
        finally:
            for sock in held:
                sock.close()


class _Answers:
    """Reads one connection's answers as they arrive, in a thread: `count` status lines."""

    def __init__(self, sock: socket.socket):
        self.sock, self.received, self.count = sock, b"", 0
        self.first = threading.Event()
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()

    def _read(self) -> None:
        while data := self.sock.recv(65536):
            self.received += data
            self.count = self.received.count(b"HTTP/1.1 ")
            if self.count:
                self.first.set()


def test_a_connection_asking_without_pause_does_not_hold_back_the_others(seed_index):
    """One gevent worker; connection A sends 200 searches in one write (pipelined, each
    answered while the next is already waiting); once A's first answer is back, B asks
    once. B is answered after a few of A's, not after all 200 (decision 0058), and A
    still gets its 200 answers."""
    line = b"GET /api/search?q=children&per_page=1 HTTP/1.1\r\nHost: localhost\r\n\r\n"
    with production(seed_index, extra=("-w", "1")) as (base, port):
        first = socket.create_connection(("127.0.0.1", port), timeout=60)
        second = socket.create_connection(("127.0.0.1", port), timeout=60)
        try:
            answers = _Answers(first)
            first.sendall(line * 200)
            assert answers.first.wait(60)
            second.sendall(line.replace(b"\r\n\r\n", b"\r\nConnection: close\r\n\r\n"))
            reply = b""
            while data := second.recv(65536):
                reply += data
            before_b = answers.count
            first.shutdown(socket.SHUT_WR)
            answers.thread.join(60)
        finally:
            first.close()
            second.close()
    assert reply.startswith(b"HTTP/1.1 200")
    assert before_b < 20, f"B waited for {before_b} of A's 200 answers"
    assert answers.received.count(b"HTTP/1.1 200") == 200


def test_a_script_name_header_from_a_client_is_ignored(seed_index):
    forged = {"SCRIPT_NAME": "/evil"}
    with production(seed_index) as (base, _):
        status, _, page = get(f"{base}/search?q=care", forged)
        assert status == 200 and b"/evil" not in page
        status, _, feed = get(f"{base}/search.atom?q=care", forged)
        assert status == 200 and b"/evil" not in feed
        # a path outside the forged prefix is not gunicorn's 500 page either
        assert get(f"{base}/api/search?q=care", {"SCRIPT_NAME": "/elsewhere"})[0] == 200


def test_a_trusted_proxy_may_set_script_name(seed_index):
    with production(seed_index, env={"OFSTED_PROXY_FIX": "1"}) as (base, _):
        status, _, feed = get(f"{base}/mounted/search.atom?q=care", {"SCRIPT_NAME": "/mounted"})
        assert status == 200 and b"/mounted/reports/" in feed


def test_no_control_socket_is_shared_between_instances(seed_index, tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    env = {"HOME": str(home), "XDG_RUNTIME_DIR": ""}
    with production(seed_index, env=env) as (base, _):
        assert get(f"{base}/api/search?q=care")[0] == 200
        assert list(home.rglob("*")) == []  # no ~/.gunicorn/gunicorn.ctl


def _call(app, path: str):
    """Start one request on the real app through its WSGI entry: (status, headers, body
    iterable not yet closed)."""
    seen = {}

    def start_response(status, headers, exc_info=None):
        seen["status"], seen["headers"] = status, dict(headers)
    environ = {"REQUEST_METHOD": "GET", "PATH_INFO": path, "QUERY_STRING": "q=care",
               "SERVER_NAME": "localhost", "SERVER_PORT": "80", "wsgi.url_scheme": "http",
               "wsgi.input": None, "wsgi.errors": None, "SERVER_PROTOCOL": "HTTP/1.1"}
    body = app.wsgi_app(environ, start_response)
    return seen["status"], seen["headers"], body


def test_a_request_beyond_the_bound_gets_503_with_retry_after_at_once(seed_index):
    app = create_app({"OFSTED_INDEX": seed_index, "OFSTED_MAX_ACTIVE": 2})
    first, second = _call(app, "/export.csv")[2], _call(app, "/api/search")[2]
    status, headers, body = _call(app, "/api/search")  # a third while two are in progress
    assert status.startswith("503") and headers["Retry-After"] == "5"
    assert json.loads(b"".join(body))["status"] == 503
    assert headers["X-Content-Type-Options"] == "nosniff"
    status, headers, body = _call(app, "/search")
    assert status.startswith("503") and headers["Content-Type"].startswith("text/plain")
    first.close()  # the export was sent: its place is free again
    status, _, body = _call(app, "/api/search")
    assert status.startswith("200") and json.loads(b"".join(body))["total"] > 0
    body.close()
    second.close()
    assert app.wsgi_app.active == 0
