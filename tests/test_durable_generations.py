"""A generation's manifest is a SQLite table patched row by row (indexer/index/manifest.py),
an older generation's manifest.json is still read and replaced by the next build, and every
file of a new generation, the copied report store first of all, is flushed to disk before
`current` points at it (docs/decisions/0042-steady-updates.md)."""
from __future__ import annotations

import json
import os
import shutil
import sqlite3

from indexer.index import manifest, report_store, store
from indexer.index.build import build


def rows(generation) -> list[tuple]:
    with sqlite3.connect(generation / manifest.FILE) as db:
        return db.execute("SELECT path, sha256, report_id FROM manifest ORDER BY path").fetchall()


def test_the_manifest_is_a_table_of_every_source(seed_index, seeds_dir):
    generation = store.current_generation(seed_index)
    found = rows(generation)
    assert [path for path, _, _ in found] == sorted(str(p.resolve()) for p in seeds_dir.glob("*.txt"))
    reports = report_store.load(generation)
    assert {report_id for _, _, report_id in found} == set(reports)
    assert all(len(sha) == 64 for _, sha, _ in found)
    assert manifest.read(generation) == {p: {"sha256": s, "report_id": r} for p, s, r in found}
    assert not (generation / manifest.OLD_FILE).exists()


def test_an_update_writes_only_the_rows_that_changed(tmp_path, seeds_dir):
    docs = tmp_path / "docs"
    shutil.copytree(seeds_dir, docs)
    seeds = sorted(docs.glob("*.txt"))
    build([str(docs)], str(tmp_path / "index"), workers=1)
    before = store.current_generation(tmp_path / "index")
    seeds[0].write_text(seeds[0].read_text(encoding="utf-8") + "\nA note on zyxwords.\n",
                        encoding="utf-8")
    seeds[1].unlink()
    build([str(docs)], str(tmp_path / "index"), workers=1)
    after = store.current_generation(tmp_path / "index")
    old, new = dict((p, (s, r)) for p, s, r in rows(before)), dict(
        (p, (s, r)) for p, s, r in rows(after))
    assert set(old) - set(new) == {str(seeds[1])}
    assert new[str(seeds[0])][0] != old[str(seeds[0])][0]
    assert {p: v for p, v in new.items() if p != str(seeds[0])} == {
        p: v for p, v in old.items() if p not in (str(seeds[0]), str(seeds[1]))}
    # a build from scratch of the same files has the same manifest
    build([str(docs)], str(tmp_path / "fresh"), workers=1)
    assert rows(store.current_generation(tmp_path / "fresh")) == rows(after)
    # the patch wrote two rows (one replaced, one deleted), not the table
    assert manifest.write(tmp_path, before, manifest.read(before), manifest.read(after)) == 2


def test_an_older_generation_with_manifest_json_is_read_then_replaced(tmp_path, seeds_dir):
    """A generation from before this format: the next build sees nothing changed, and one
    that changes a file writes manifest.sqlite with every entry."""
    docs = tmp_path / "docs"
    shutil.copytree(seeds_dir, docs)
    index = tmp_path / "index"
    build([str(docs)], str(index), workers=1)
    generation = store.current_generation(index)
    entries = manifest.read(generation)
    (generation / manifest.OLD_FILE).write_text(json.dumps(entries), encoding="utf-8")
    (generation / manifest.FILE).unlink()
    (generation / "checksums.json").unlink()  # a generation from before checksums, too
    assert manifest.read(generation) == entries
    unchanged = build([str(docs)], str(index), workers=1)
    assert (unchanged.added, unchanged.updated, unchanged.unchanged) == (0, 0, 5)
    first = sorted(docs.glob("*.txt"))[0]
    first.write_text(first.read_text(encoding="utf-8") + "\nOne more line.\n", encoding="utf-8")
    assert build([str(docs)], str(index), workers=1).updated == 1
    after = store.current_generation(index)
    assert (after / manifest.FILE).is_file() and not (after / manifest.OLD_FILE).exists()
    assert set(manifest.read(after)) == set(entries)


def test_every_file_is_flushed_before_the_swap(tmp_path, seeds_dir, monkeypatch):
    """os.fsync and os.replace recorded in order (the standard library's, not ours): the
    copied report store's delta, the manifest and every other file of the new generation are
    flushed before `current` is replaced."""
    docs = tmp_path / "docs"
    shutil.copytree(seeds_dir, docs)
    index = tmp_path / "index"
    build([str(docs)], str(index), workers=1)
    first = sorted(docs.glob("*.txt"))[0]
    first.write_text(first.read_text(encoding="utf-8") + "\nAnother line.\n", encoding="utf-8")
    events, real_fsync, real_replace = [], os.fsync, os.replace

    def fsync(fd):
        events.append(("fsync", os.readlink(f"/proc/self/fd/{fd}")))
        return real_fsync(fd)

    def replace(src, dst, **kwargs):
        events.append(("replace", str(dst)))
        return real_replace(src, dst, **kwargs)

    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(os, "replace", replace)
    build([str(docs)], str(index), workers=1)
    monkeypatch.undo()
    swap = events.index(("replace", str(index / store.CURRENT)))
    flushed = {path for kind, path in events[:swap] if kind == "fsync"}
    generation = store.current_generation(index)
    building = ".building-" + generation.name.removeprefix(store.GEN_PREFIX)
    written = {str(p).replace(generation.name, building) for p in generation.rglob("*")
               if p.is_file()}
    assert written and written <= flushed
    assert any(p.endswith("reports-delta.sqlite.partial") for p in flushed)  # before its rename
    assert any(p.endswith("manifest.sqlite.partial") for p in flushed)
