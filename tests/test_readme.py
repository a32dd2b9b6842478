"""The README's commands are the ones that work: run what it says."""
from __future__ import annotations

import argparse
import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import indexer.__main__ as indexer_cli
import webui.__main__ as webui_cli
from indexer.index.facet_registry import FACETS
from indexer.search.request import KNOWN_PARAMS

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
COMMANDS = re.findall(r"```\n(.*?)\n```", README, flags=re.DOTALL)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_readme_names_the_two_commands_and_ci_runs_the_test_one():
    assert "./run.sh" in COMMANDS and "./test.sh" in COMMANDS
    assert "./test.sh" in (ROOT / ".ci" / "run").read_text()
    assert "pytest" in (ROOT / "test.sh").read_text()


def test_run_command_indexes_the_seeds_and_serves_the_ui(tmp_path):
    """`./run.sh` as written (the install step is skipped: this suite runs inside it)."""
    port = free_port()
    env = dict(os.environ, SKIP_INSTALL="1", PORT=str(port), OFSTED_INDEX=str(tmp_path / "ix"))
    process = subprocess.Popen(["./run.sh"], cwd=ROOT, env=env, start_new_session=True,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        body = None
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline and body is None:
            assert process.poll() is None, process.stdout.read().decode()
            try:
                with urllib.request.urlopen(
                        f"http://127.0.0.1:{port}/search?q=%22drift+and+delay%22", timeout=5) as r:
                    body = r.read().decode()
            except OSError:
                time.sleep(0.3)
        assert body is not None, "the server never answered"
        assert "<mark>drift and delay</mark>" in body
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=20)


def _long_options(parser: argparse.ArgumentParser) -> set[str]:
    """Every --option of a parser and of its subcommands (not --help)."""
    found = set()
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                found |= _long_options(sub)
        found |= {o for o in action.option_strings if o.startswith("--") and o != "--help"}
    return found


def test_every_command_line_option_is_in_the_readme():
    options = _long_options(indexer_cli._parser()) | _long_options(webui_cli._parser())
    assert {"--framework", "--judgement", "--no-expand", "--workers", "--port"} <= options
    documented = set(re.findall(r"--[a-z][a-z-]*", README))
    assert sorted(options - documented) == []


def test_every_search_parameter_is_in_the_readme():
    assert "framework" in KNOWN_PARAMS and "year_from" in KNOWN_PARAMS
    missing = [name for name in KNOWN_PARAMS if f"`{name}=`" not in README]
    assert missing == []


def test_every_query_field_is_in_the_readme():
    fields = [f.name for f in FACETS if f.name != "inspection_type"] + ["type"]
    assert [name for name in fields if f"`{name}:" not in README] == []


def test_the_corpus_command_exits_0_on_the_real_folders(corpus_build, tmp_path):
    """The README's corpus command, as written, on ../shared/corpus with its README, SOURCE
    notes and the web page saved as .pdf: exit 0, those listed as not reports. It runs on
    a copy of the session's corpus index (built by the same code), so nothing is parsed
    again; the full build's own exit code is test_build's."""
    [command] = [c for c in COMMANDS if c.startswith(".venv/bin/python -m indexer build ../")]
    argv = shlex.split(command)
    assert argv[:4] == [".venv/bin/python", "-m", "indexer", "build"]
    index = tmp_path / "index"
    shutil.copytree(corpus_build[0], index, symlinks=True, copy_function=os.link)
    done = subprocess.run([sys.executable, *argv[1:], "--index", str(index)], cwd=ROOT,
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    assert "added 0, updated 0, removed 0, unchanged 235, skipped 0, not reports 8, " \
           "ignored 9" in lines
    assert f"  not a report {ROOT.parent}/shared/corpus/README.md: not an inspection " \
           "report: no inspection type or local authority recognised" in lines
