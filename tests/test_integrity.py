"""Checksums of a generation (indexer.index.integrity) and `python -m indexer check`: every
file a build writes is recorded before the swap, and each kind of damage of the matrix
(bench/damage.py) is named, with a non-zero exit code, on a real seed index."""
from __future__ import annotations

import json
import os
import shutil

import pytest

import indexer.__main__ as cli
from bench.damage import KINDS, damage
from indexer.index import integrity, store
from indexer.index.build import build
from indexer.search.intact import Chooser


@pytest.fixture
def copy(seed_index, tmp_path):
    """A copy of the seed index this test may damage."""
    target = tmp_path / "index"
    shutil.copytree(seed_index, target, symlinks=True)
    return target


def run(capsys, *args) -> tuple[int, str]:
    code = cli.main(["check", *args])
    return code, capsys.readouterr().out


def test_a_build_records_every_file_it_wrote(seed_index):
    generation = (seed_index / "current").resolve()
    files = integrity.recorded(generation)
    written = sorted(p.relative_to(generation).as_posix() for p in generation.rglob("*")
                     if p.is_file() and p.name not in ("checksums.json", "followups.sqlite")
                     and not p.name.endswith("WRITELOCK"))
    assert sorted(files) == written
    assert {"format.json", "manifest.sqlite", "deletions.json", "reports.sqlite",
            "columns/year.npy"} <= set(files)
    assert any(name.startswith("whoosh/") and name.endswith(".seg") for name in files)
    for name, (size, digest) in files.items():
        assert [(generation / name).stat().st_size, integrity.digest(generation / name)] \
            == [size, digest]


def test_an_intact_index_checks_clean(seed_index, capsys):
    code, out = run(capsys, "--index", str(seed_index))
    assert code == 0
    assert "(served): intact" in out and "damaged" not in out


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_check_names_each_kind_of_damage(copy, capsys, kind):
    name = damage((copy / "current").resolve(), kind)
    code, out = run(capsys, "--index", str(copy))
    assert code == 1
    assert f"  damaged {name}: " in out
    code, out = run(capsys, "--index", str(copy), "--json")
    found = json.loads(out)
    assert code == 1 and found["damaged"] is True
    [generation] = found["generations"]
    assert [d["file"] for d in generation["damaged"]] == [name]


def test_without_checksums_a_truncated_array_is_still_named(copy, capsys):
    """A generation built before checksums: sizes come from the .npy header."""
    generation = (copy / "current").resolve()
    (generation / "checksums.json").unlink()
    name = damage(generation, "mapped docnums truncated")
    code, out = run(capsys, "--index", str(copy))
    assert code == 1
    assert "no checksums recorded" in out
    assert f"  damaged {name}: holds " in out and "its header says" in out


def test_no_index_is_exit_2(tmp_path, capsys):
    assert cli.main(["check", "--index", str(tmp_path)]) == 2
    assert "no index has been built here yet" in capsys.readouterr().err


def test_a_damaged_follow_up_store_is_named_served_around_and_replaced(seeds_dir, tmp_path,
                                                                      capsys):
    """The follow-up store has no checksum (it is written after the swap), but its
    structure is checked: `check` names it, the pages still answer (histories are computed
    again), and the next build writes a new one."""
    from webui import create_app
    index = tmp_path / "index"
    assert cli.main(["build", str(seeds_dir), "--index", str(index), "--workers", "1"]) == 0
    store = (index / "current").resolve() / "followups.sqlite"
    assert store.is_file()
    with open(store, "r+b") as handle:  # the header of an SQLite file, overwritten
        handle.write(b"\xde\xad\xbe\xef" * 16)
    capsys.readouterr()
    code, out = run(capsys, "--index", str(index))
    assert code == 1 and "  damaged followups.sqlite: not a readable SQLite database" in out
    web = create_app({"OFSTED_INDEX": str(index), "TESTING": True}).test_client()
    key = web.get("/api/authorities").get_json()["authorities"][0]["key"]
    for page in ("/followups", f"/authorities/{key}", "/api/search?q=care"):
        assert web.get(page).status_code == 200, page
    assert cli.main(["build", str(seeds_dir), "--index", str(index), "--workers", "1"]) == 0
    capsys.readouterr()
    code, out = run(capsys, "--index", str(index))
    assert code == 0 and "(served): intact" in out


def _scribble_keeping_identity(path) -> None:
    """Garbage over the middle of a file, its size and modification time put back (what
    rot on the disk would look like: nothing a stat shows)."""
    info = path.stat()
    with open(path, "r+b") as handle:
        handle.seek(info.st_size // 2)
        handle.write(b"\xde\xad\xbe\xef" * 16)
    os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns))


def test_a_build_hashes_again_only_files_that_are_not_the_ones_it_hashed(tmp_path, seeds_dir):
    """A linked file keeps when its bytes were hashed; a file changed in place (its
    modification time moves) is not settled and its damage is found; one damaged behind
    a stat's back is found by the rolling re-hash (every file of a small index) and by
    `check`, not by a verification that trusts it."""
    docs, index = tmp_path / "docs", tmp_path / "index"
    shutil.copytree(seeds_dir, docs)
    build([str(docs)], str(index), workers=1)
    first = store.current_generation(index)
    when = integrity.settled(first, roll_bytes=0)
    assert set(when) == set(integrity.recorded(first)) and min(when.values()) > 0
    seed = sorted(docs.glob("*.txt"))[0]
    seed.write_text(seed.read_text(encoding="utf-8") + "\nOne more line.\n", encoding="utf-8")
    build([str(docs)], str(index), workers=1)
    second = store.current_generation(index)
    later = integrity.settled(second, roll_bytes=0)
    assert set(later) == set(integrity.recorded(second))
    linked = [name for name in later
              if (first / name).exists() and (second / name).samefile(first / name)]
    assert "reports.sqlite" in linked and any(n.startswith("whoosh/") for n in linked)
    # hashed once by the first build; a file the second build's verification re-read
    # (the seeds' index is under the rolling share: all of them) says so
    assert all(when[name] <= later[name] for name in linked)
    oldest = min(later, key=later.get)
    assert oldest not in integrity.settled(second, roll_bytes=1)
    assert set(integrity.settled(second)) == set()  # a small index: every file rolls

    changed = second / "reports.sqlite"
    damage(second, "store scribbled")
    assert "reports.sqlite" not in integrity.settled(second, roll_bytes=0)
    verdict = integrity.verify(second, trusted=integrity.settled(second, roll_bytes=0))
    assert "reports.sqlite" in {d.file for d in verdict.damage}

    third = tmp_path / "third"
    build([str(docs)], str(third), workers=1)
    generation = store.current_generation(third)
    trusted = integrity.settled(generation, roll_bytes=0)
    _scribble_keeping_identity(generation / "reports.sqlite")
    assert "reports.sqlite" in integrity.settled(generation, roll_bytes=0)
    assert integrity.verify(generation, trusted=trusted).intact  # the price of trusting it
    verdict = integrity.verify(generation, trusted=integrity.settled(generation))
    assert [d.file for d in verdict.damage] == ["reports.sqlite"]
    assert changed.name == "reports.sqlite"
    code, out = run_check(third)
    assert code == 1 and "damaged reports.sqlite: " in out


def run_check(index) -> tuple[int, str]:
    import contextlib
    import io

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = cli.main(["check", "--index", str(index)])
    return code, out.getvalue()


def test_a_server_does_not_check_again_the_files_it_checked_that_the_next_generation_links(
        tmp_path, seeds_dir):
    """A running server (indexer.search.intact.Chooser) that verified a generation trusts,
    in the next one, the files that are still those very files (the report store's base,
    hard-linked): damage a stat cannot see in one of them is not looked for again there,
    as it is not in the generation the server already serves; a new server finds it, and
    the running one still checks every file the build wrote anew."""
    docs, index = tmp_path / "docs", tmp_path / "index"
    shutil.copytree(seeds_dir, docs)
    build([str(docs)], str(index), workers=1)
    first = store.current_generation(index)
    running = Chooser(str(index))
    assert running.verdict(first).intact
    seed = sorted(docs.glob("*.txt"))[0]
    seed.write_text(seed.read_text(encoding="utf-8") + "\nOne more line.\n", encoding="utf-8")
    build([str(docs)], str(index), workers=1)
    second = store.current_generation(index)
    assert (second / "reports.sqlite").samefile(first / "reports.sqlite")
    _scribble_keeping_identity(second / "reports.sqlite")
    assert running.verdict(second).intact
    assert [d.file for d in Chooser(str(index)).verdict(second).damage] == ["reports.sqlite"]

    column = (second / "columns" / "year.npy").stat().st_ino
    seed.write_text(seed.read_text(encoding="utf-8") + "\nAnd another.\n", encoding="utf-8")
    build([str(docs)], str(index), workers=1)
    third = store.current_generation(index)
    assert (third / "columns" / "year.npy").stat().st_ino != column  # written anew
    _scribble_keeping_identity(third / "columns" / "year.npy")
    assert "columns/year.npy" in {d.file for d in running.verdict(third).damage}
