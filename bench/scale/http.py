"""The production server for the benchmark: gunicorn with two workers on loopback, and
sequential timing of the query set over HTTP (GET /api/search)."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    """A free port: the first of BENCH_PORTS ("6900-6999", an engineer's share of a shared
    machine) that binds, or any the system gives when it is not set."""
    first, _, last = os.environ.get("BENCH_PORTS", "").partition("-")
    for port in range(int(first), int(last or first) + 1) if first else [0]:
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return sock.getsockname()[1]
    raise RuntimeError(f"no free port in BENCH_PORTS={os.environ['BENCH_PORTS']}")


def fetch(url: str, timeout: float = 30) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


@contextmanager
def gunicorn(index_dir: Path, workers: int = 2, threads: int = 1, **options):
    """Serve the index with `gunicorn -w N 'webui:create_app()'` on 127.0.0.1; yield the
    base URL once it answers; stop it (and only it) afterwards."""
    with gunicorn_process(index_dir, workers, threads, **options) as (base, _):
        yield base


@contextmanager
def gunicorn_process(index_dir: Path, workers: int = 2, threads: int = 1, config: bool = False,
                     code: Path = ROOT, env: dict | None = None):
    """As gunicorn(), yielding (base URL, the master's Popen) so its workers can be found.
    config=True reads the production settings (`-c gunicorn.conf.py`); `code` is the
    checkout whose app is served (the server runs there, and `python -m` puts it first on
    the path); `env` adds environment variables."""
    port = free_port()
    env = dict(os.environ, OFSTED_INDEX=str(index_dir), **(env or {}))
    settings = ["-c", "gunicorn.conf.py"] if config else ["--threads", str(threads),
                                                          "--timeout", "120"]
    command = [sys.executable, "-m", "gunicorn", *settings, "-w", str(workers),
               "-b", f"127.0.0.1:{port}", "--log-level", "warning", "webui:create_app()"]
    server = subprocess.Popen(command, cwd=code, env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait(base, server)
        yield base, server
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def _wait(base: str, server: subprocess.Popen, limit: float = 120) -> None:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {server.returncode}")
        try:
            fetch(base + "/api/search?q=warm&per_page=1", timeout=60)
            _every_worker(base)
            return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError("gunicorn did not answer in time")


def _every_worker(base: str, connections: int = 8) -> None:
    """Several requests at once, so every worker opens the index before a run starts (a
    kept-alive connection of the gevent worker stays with the worker that accepted it)."""
    import threading
    threads = [threading.Thread(target=fetch, args=(base + "/api/search?q=warm&per_page=1",))
               for _ in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def warm(base: str, queries, workers: int = 2) -> list[float]:
    """Open the index in every worker (the first request of each pays for it)."""
    seconds = []
    for query in list(queries)[: max(2, workers * 2)]:
        started = time.perf_counter()
        fetch(base + query.url())
        seconds.append(time.perf_counter() - started)
    return seconds


def time_query(base: str, query) -> tuple[float, int]:
    started = time.perf_counter()
    status, _ = fetch(base + query.url())
    return time.perf_counter() - started, status
