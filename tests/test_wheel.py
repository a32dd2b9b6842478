"""The project installs like a Python tool: its wheel holds every module and data file of
indexer/ and webui/ (authority records, vocabularies, compounds, templates, static files,
gunicorn.conf.py), and installed into a fresh virtual environment, far from the checkout,
its `ofsted-search` console script builds an index, searches it and serves it."""
from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
QUIET = ["-qq", "--disable-pip-version-check"]


def shipped_files() -> set[str]:
    """Every file of the two packages in the checkout, as a wheel names it."""
    found = set()
    for package in ("indexer", "webui"):
        for path in (ROOT / package).rglob("*"):
            if path.is_file() and "__pycache__" not in path.parts:
                found.add(path.relative_to(ROOT).as_posix())
    return found


def leftovers(folder: str, names: list[str]) -> set[str]:
    """What copytree leaves out: the checkout's venv, git, indexes and build outputs."""
    top = {".venv", ".git", "index", "build", "dist"} if Path(folder) == ROOT else set()
    return {n for n in names if n in top or n == "__pycache__" or n.endswith(".egg-info")}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def run(*args, cwd) -> subprocess.CompletedProcess:
    done = subprocess.run([str(a) for a in args], cwd=cwd, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    return done


@pytest.mark.slow
def test_the_wheel_installs_into_a_fresh_venv_and_works_outside_the_checkout(tmp_path):
    source = tmp_path / "source"  # a copy without build leftovers or the developer's venv
    shutil.copytree(ROOT, source, symlinks=True, ignore=leftovers)
    run(sys.executable, "-m", "pip", "wheel", *QUIET, "--no-deps", "-w", tmp_path / "dist",
        source, cwd=tmp_path)
    [wheel] = (tmp_path / "dist").glob("ofsted_search-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    assert sorted(shipped_files() - names) == []
    assert "gunicorn.conf.py" not in names  # only the package's copy, under webui/
    venv = tmp_path / "venv"
    run(sys.executable, "-m", "venv", venv, cwd=tmp_path)
    run(venv / "bin" / "python", "-m", "pip", "install", *QUIET, wheel, cwd=tmp_path)
    work = tmp_path / "elsewhere"
    shutil.copytree(ROOT / "seeds", work / "docs")
    where = run(venv / "bin" / "python", "-c", "import indexer, webui; print(indexer.__file__,"
                " webui.__file__)", cwd=work).stdout.split()
    assert all(path.startswith(str(venv)) for path in where)
    script = venv / "bin" / "ofsted-search"
    built = run(script, "build", "docs", "--index", "ix", "--json", cwd=work)
    assert json.loads(built.stdout)["added"] == 5
    found = json.loads(run(script, "search", '"drift and delay"', "--index", "ix", "--json",
                           cwd=work).stdout)
    assert found["total"] > 0
    assert all("drift and delay" in p["text"].lower() for h in found["hits"] for p in h["passages"]
               if "<mark>" in p["snippet_html"])
    assert serve_and_get(script, work, "/search?q=%22drift+and+delay%22").count(
        "<mark>drift and delay</mark>") >= 1


def serve_and_get(script: Path, work: Path, path: str) -> str:
    """Start `ofsted-search serve` (gunicorn with the packaged settings), fetch one page."""
    port = free_port()
    server = subprocess.Popen([str(script), "serve", "--index", "ix", "--bind",
                               f"127.0.0.1:{port}"], cwd=work, start_new_session=True,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            assert server.poll() is None, server.stdout.read().decode()
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=10) as r:
                    return r.read().decode()
            except OSError:
                time.sleep(0.3)
        raise AssertionError("the server never answered")
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
