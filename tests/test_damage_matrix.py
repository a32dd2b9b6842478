"""The damage matrix (bench/damage.py) on a real seed index of two generations: each kind
of damage to a file of the served generation, then a new app (a worker starting after
the damage) answers 200 (from the same generation without the damaged part, or from the
previous intact generation) or 503 naming the file, never 500; `indexer check` names the
file; the next build repairs it and the pages answer as before the damage."""
from __future__ import annotations

import json
import shutil
import subprocess
import time
from pathlib import Path
from urllib.parse import quote

import pytest

import indexer.__main__ as cli
from bench.damage import KINDS, damage
from indexer.index.build import build
from indexer.search.intact import RECHECK_SECONDS
from tests.serving import get, production
from webui import create_app

ROOT = Path(__file__).resolve().parents[1]
SEEDS = sorted((ROOT / "seeds").iterdir())
PAGES = ["/search?q=social+workers", "/api/search?q=care+leavers&mode=words",
         "/api/search?q=care+leavers", "/authorities", "/trends?q=neglect"]
# what serving does with each kind: the same answers from the same generation without the
# damaged part ("same"), words alone without the segment's vectors ("words"), or the
# previous generation ("previous": four reports), or, when the previous generation shares
# the damaged file (a hard link), 503 naming the file
SERVED = {
    "mapped docnums truncated": "same", "mapped weights scribbled": "same",
    "vectors truncated": "words", "column year truncated": "same",
    "column passages truncated": "same",
    "store scribbled": "previous", "store truncated": "previous",
    "format.json garbage": "previous", "manifest.json garbage": "same",
    "whoosh segment scribbled": "previous", "whoosh segment truncated": "previous",
}


@pytest.fixture(scope="module")
def two_generations(tmp_path_factory):
    """Four seeds, then all five: the served generation and its intact predecessor, which
    shares the first build's segment files with it (hard links)."""
    root = tmp_path_factory.mktemp("damage")
    docs, index = root / "docs", root / "index"
    docs.mkdir()
    for seed in SEEDS[:-1]:
        shutil.copy(seed, docs)
    build([str(docs)], str(index), workers=1)
    shutil.copy(SEEDS[-1], docs)
    build([str(docs)], str(index), workers=1)
    return docs, index


def answers(index: Path) -> dict:
    client = create_app({"OFSTED_INDEX": str(index), "TESTING": True}).test_client()
    return {page: client.get(page) for page in PAGES}


def as_json(index: Path) -> dict:
    return {page: r.get_json() for page, r in answers(index).items()}


@pytest.fixture(scope="module")
def intact(two_generations, tmp_path_factory):
    """The answers of the served generation, and of its predecessor alone."""
    index = two_generations[1]
    alone = tmp_path_factory.mktemp("previous") / "index"
    subprocess.run(["cp", "-a", str(index), str(alone)], check=True)
    older = sorted(alone.glob("gen-*"))[0]
    (alone / "current").unlink()
    (alone / "current").symlink_to(older.name)
    return {"served": as_json(index), "previous": as_json(alone)}


@pytest.fixture
def damaged_copy(two_generations, tmp_path):
    """A copy of the two generations that keeps their hard links (cp -a)."""
    docs, index = two_generations
    subprocess.run(["cp", "-a", str(index), str(tmp_path / "index")], check=True)
    return docs, tmp_path / "index"


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_a_damaged_file_never_gives_500(damaged_copy, intact, capsys, kind):
    docs, index = damaged_copy
    generation = (index / "current").resolve()
    name = damage(generation, kind)
    found = answers(index)
    statuses = {page: r.status_code for page, r in found.items()}
    shared = (generation / name).stat().st_nlink > 1
    expected = "503" if SERVED[kind] == "previous" and shared else SERVED[kind]
    if expected == "503":
        assert set(statuses.values()) == {503}
        for response in found.values():
            assert name in response.get_data(as_text=True)
            assert response.headers["Retry-After"]
    else:
        assert set(statuses.values()) == {200}, statuses
        words, hybrid = (found[f"/api/search?q=care+leavers{mode}"].get_json()
                         for mode in ("&mode=words", ""))
        if expected == "previous":
            assert words == intact["previous"]["/api/search?q=care+leavers&mode=words"]
            assert hybrid == intact["previous"]["/api/search?q=care+leavers"]
        else:
            assert words == intact["served"]["/api/search?q=care+leavers&mode=words"]
        if expected == "words":
            assert {h["matched"] for h in hybrid["hits"]} == {"words"}
        elif expected == "same":
            assert hybrid == intact["served"]["/api/search?q=care+leavers"]
    assert cli.main(["check", "--index", str(index)]) == 1
    assert f"  damaged {name}: " in capsys.readouterr().out
    # the next build repairs it: nothing damaged is linked, the same answers as before
    assert cli.main(["build", str(docs), "--index", str(index), "--workers", "1"]) == 0
    out = capsys.readouterr().out
    if SERVED[kind] == "previous" or kind.startswith("manifest"):
        assert f"full rebuild: the index is damaged ({name}: " in out
    assert cli.main(["check", "--index", str(index)]) == 0
    repaired = answers(index)
    assert {r.status_code for r in repaired.values()} == {200}
    for page in PAGES[1:3]:
        assert repaired[page].get_json() == intact["served"][page]


@pytest.mark.parametrize("kind", ["whoosh segment truncated", "store truncated"])
def test_no_intact_generation_is_a_503_naming_the_file(seed_index, tmp_path, capsys, kind):
    """One generation only: nothing to fall back to."""
    index = tmp_path / "index"
    subprocess.run(["cp", "-a", str(seed_index), str(index)], check=True)
    name = damage((index / "current").resolve(), kind)
    for page, response in answers(index).items():
        assert response.status_code == 503, page
        text = response.get_data(as_text=True)
        assert name in text and "no earlier intact version" in text
        assert "Traceback" not in text
        if not page.startswith("/api/"):  # the page says how to repair it
            assert "python -m indexer check --index DIR" in text
    assert cli.main(["search", "care", "--index", str(index)]) == 2
    assert name in capsys.readouterr().err


def workers(pidfile: Path) -> set[int]:
    """The process ids of the gunicorn master's workers."""
    master = pidfile.read_text().strip()
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if fields[1] == master:
            found.add(int(stat.parent.name))
    return found


def test_an_array_truncated_under_a_running_server_kills_no_worker(seed_index, tmp_path):
    """The production server maps the arrays; one is cut in half while it serves. Before,
    the next query reading it killed the worker with SIGBUS; now the server notices the
    size within a second and serves the same answers without the damaged segment's arrays."""
    index, pidfile = tmp_path / "index", tmp_path / "gunicorn.pid"
    subprocess.run(["cp", "-a", str(seed_index), str(index)], check=True)
    queries = ["social workers", "care leavers", "neglect", "management oversight",
               "children in need", "drift and delay", "assessment", "supervision"]
    with production(index, env={"OFSTED_ANSWER_CACHE": "0"},
                    extra=("-w", "1", "--pid", str(pidfile))) as (base, _):
        before = [get(f"{base}/api/search?mode=words&q={quote(q)}") for q in queries]
        assert {status for status, _, _ in before} == {200}
        serving = workers(pidfile)
        damage((index / "current").resolve(), "mapped docnums truncated")
        time.sleep(RECHECK_SECONDS + 0.5)
        after = [get(f"{base}/api/search?mode=words&q={quote(q)}") for q in queries]
        assert [(s, json.loads(b)) for s, _, b in after] == [
            (s, json.loads(b)) for s, _, b in before]
        assert workers(pidfile) == serving


def test_a_build_that_cannot_repair_says_why_and_touches_nothing(damaged_copy, tmp_path,
                                                                 capsys):
    """A damaged store must be rebuilt from every file the index was built from; one of
    them, outside the paths given, is gone: exit 2 with the reason, no traceback, the
    index as it was."""
    docs, index = damaged_copy
    extra = tmp_path / "extra" / "letter.txt"
    extra.parent.mkdir()
    extra.write_text(SEEDS[0].read_text(encoding="utf-8").replace("Derbyshire", "Rutland"),
                     encoding="utf-8")
    assert cli.main(["build", str(extra), "--index", str(index), "--workers", "1"]) == 0
    extra.unlink()
    served = (index / "current").resolve()
    damage(served, "store truncated")
    capsys.readouterr()
    assert cli.main(["build", str(docs), "--index", str(index), "--workers", "1"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: the index is damaged (reports.sqlite: truncated: ")
    assert f"it cannot be rebuilt: {extra}, which it was built from, no longer exist" in err
    assert "Traceback" not in err
    assert (index / "current").resolve() == served
