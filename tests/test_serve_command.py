"""`ofsted-search serve` (python -m indexer serve) and `python -m webui` started on a path
with no index: each says so at once on stderr, naming the path and the build command, and
still serves (503 pages), picking up the index once a real build writes it."""
from __future__ import annotations

import os
import signal
import subprocess
import sys

import pytest

from indexer.index.build import build
from serving import ROOT, free_port, get, wait_until_up

SEEDS = ROOT / "seeds"


@pytest.mark.parametrize("command", [
    lambda index, port: ["-m", "indexer", "serve", "--index", str(index), "--bind",
                         f"127.0.0.1:{port}", "--workers", "1"],
    lambda index, port: ["-m", "webui", "--index", str(index), "--port", str(port)],
], ids=["ofsted-search serve", "python -m webui"])
def test_serving_a_missing_index_warns_with_the_path_and_the_build_command(tmp_path, command):
    index, log = tmp_path / "no-index-yet", tmp_path / "stderr.txt"
    port = free_port()
    with open(log, "w") as err:
        server = subprocess.Popen([sys.executable, *command(index, port)], cwd=ROOT,
                                  stdout=subprocess.DEVNULL, stderr=err,
                                  start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(base, server)
        said = log.read_text()
        assert f"warning: no index to serve at {index}" in said, said
        assert f"ofsted-search build PATH --index {index}" in said
        assert get(base + "/search?q=care")[0] == 503
        build([str(SEEDS)], str(index), workers=1)
        assert get(base + "/search?q=care")[0] == 200  # the new index is served at once
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=60)


def test_serving_a_built_index_gives_no_warning(seed_index, tmp_path):
    log, port = tmp_path / "stderr.txt", free_port()
    with open(log, "w") as err:
        server = subprocess.Popen([sys.executable, "-m", "webui", "--index", str(seed_index),
                                   "--port", str(port)], cwd=ROOT, stdout=subprocess.DEVNULL,
                                  stderr=err, start_new_session=True)
    try:
        wait_until_up(f"http://127.0.0.1:{port}", server)
        assert "warning" not in log.read_text()
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=60)
