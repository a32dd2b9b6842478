"""The reverse proxy shipped in deploy/ (Debian's nginx), started for real in front of the
real production gunicorn: slow clients stop at nginx, forged forwarding headers never
reach the app, costly endpoints are rate-limited per client. ./test.sh installs nginx."""
from __future__ import annotations

import os
import shutil
import subprocess
import threading
from contextlib import contextmanager
from pathlib import Path

import pytest

from serving import (ROOT, closed_by_server, free_port, get, idle_socket, production,
                              slow_socket, wait_until_up)

SITE = ROOT / "deploy" / "nginx-ofsted-search.conf"


def _nginx() -> str:
    found = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
    if found is None:
        pytest.fail("nginx is not installed: ./test.sh installs it (apt-get install nginx)")
    return found


def _main_conf(tmp: Path, site: Path) -> str:
    """An nginx.conf of the test's own (pid, logs and temporary files under `tmp`) whose
    http block includes the shipped site file, as Debian's sites-enabled/ does."""
    temps = "\n".join(f"    {name}_temp_path {tmp / name};"
                      for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    user = "user root;\n" if os.geteuid() == 0 else ""
    return (f"{user}worker_processes 1;\ndaemon off;\npid {tmp / 'nginx.pid'};\n"
            f"error_log {tmp / 'error.log'} warn;\nevents {{ worker_connections 1024; }}\n"
            f"http {{\n    access_log off;\n{temps}\n    include {site};\n}}\n")


@contextmanager
def nginx_in_front(tmp: Path, upstream_port: int):
    """The shipped site file with only its two addresses changed; yields (base URL, port)."""
    port = free_port()
    text = SITE.read_text()
    assert "server 127.0.0.1:8000;" in text and "listen 80;" in text
    site = tmp / "site.conf"
    site.write_text(text.replace("server 127.0.0.1:8000;", f"server 127.0.0.1:{upstream_port};")
                    .replace("listen 80;", f"listen 127.0.0.1:{port};"))
    conf = tmp / "nginx.conf"
    conf.write_text(_main_conf(tmp, site))
    checked = subprocess.run([_nginx(), "-t", "-p", str(tmp), "-c", str(conf)],
                             capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr
    process = subprocess.Popen([_nginx(), "-p", str(tmp), "-c", str(conf)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(base, process)
        yield base, port
    finally:
        process.terminate()
        process.wait(timeout=30)


@pytest.fixture(scope="module")
def proxied(seed_index, tmp_path_factory):
    with production(seed_index, env={"OFSTED_PROXY_FIX": "1"}) as (_, upstream):
        with nginx_in_front(tmp_path_factory.mktemp("nginx"), upstream) as served:
            yield served


def test_searches_pass_through_the_proxy(proxied):
    base, _ = proxied
    status, headers, body = get(f"{base}/api/search?q=%22drift+and+delay%22")
    assert status == 200 and b'"total":1' in body
    assert headers["X-Content-Type-Options"] == "nosniff"


def test_forged_forwarding_headers_never_reach_the_app(proxied):
    base, _ = proxied
    forged = {"Host": "public.example", "X-Forwarded-Host": "evil.example",
              "X-Forwarded-Prefix": "/evil", "SCRIPT_NAME": "/evil"}
    status, _, feed = get(f"{base}/search.atom?q=neglect", forged)
    assert status == 200
    assert b"evil" not in feed
    assert b"http://public.example" in feed  # the host nginx was asked for, as nginx says


def test_slow_and_idle_clients_stop_at_the_proxy(proxied):
    base, port = proxied
    held = [slow_socket(port) for _ in range(50)] + [idle_socket(port) for _ in range(50)]
    try:
        statuses = []
        threads = [threading.Thread(target=lambda: statuses.append(
            get(f"{base}/api/search?q=neglect")[0])) for _ in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert statuses == [200] * 8
        assert [closed_by_server(sock) for sock in held] == [True] * 100  # client_header_timeout
    finally:
        for sock in held:
            sock.close()


def test_costly_endpoints_are_rate_limited_per_client(proxied):
    base, _ = proxied
    statuses = [get(f"{base}/export.csv?q=adoption")[0] for _ in range(16)]
    assert statuses[0] == 200
    assert 429 in statuses
