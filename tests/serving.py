"""Helpers for the tests of serving (imported explicitly by test_serving.py and
test_deploy.py): the production command, `gunicorn -c gunicorn.conf.py
'webui:create_app()'`, started for real on a free loopback port, and raw sockets."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get(url: str, headers: dict | None = None, timeout: float = 30) -> tuple[int, dict, bytes]:
    """(status, headers, body) of one GET; HTTP errors are answers too."""
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()


def wait_until_up(base: str, process: subprocess.Popen) -> None:
    for _ in range(300):
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with {process.returncode}")
        try:
            get(base + "/api", timeout=5)
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("the server did not answer")


@contextmanager
def production(index_dir, env: dict | None = None, extra: tuple[str, ...] = ()):
    """The README's production command on 127.0.0.1:<free port>; yields (base URL, port)."""
    port = free_port()
    gunicorn = Path(sys.executable).with_name("gunicorn")
    command = [str(gunicorn), "-c", "gunicorn.conf.py", "-b", f"127.0.0.1:{port}",
               "--log-level", "warning", *extra, "webui:create_app()"]
    environment = {**os.environ, "OFSTED_INDEX": str(index_dir), **(env or {})}
    server = subprocess.Popen(command, cwd=ROOT, env=environment,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(base, server)
        yield base, port
    finally:
        server.terminate()
        server.wait(timeout=60)


def slow_socket(port: int) -> socket.socket:
    """A connection that sent a request line and one header, and will send no more."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=60)
    sock.sendall(b"GET /api/search?q=care HTTP/1.1\r\nHost: localhost\r\n")
    return sock


def idle_socket(port: int) -> socket.socket:
    """A connection that sends nothing at all."""
    return socket.create_connection(("127.0.0.1", port), timeout=60)


def closed_by_server(sock: socket.socket) -> bool:
    """Whether the server closes this connection (it waits at most the socket's timeout)."""
    try:
        while data := sock.recv(65536):
            if b"HTTP/1." in data:  # an answer (e.g. 408), then the close
                continue
        return True
    except (TimeoutError, socket.timeout):
        return False
    except ConnectionResetError:
        return True
