"""A generation's manifest: source path -> {sha256, report_id}, what an incremental build
compares files with (docs/decisions/0042-steady-updates.md).

Stored as `manifest.sqlite` (one table, the path its primary key). A build copies the
previous generation's file (a plain file copy, like reports.sqlite: decision 0029) and
deletes, inserts or replaces only the rows of the paths it changed, instead of writing
every entry again as `manifest.json` was (0.32 s at a million passages). The copy is
written as `manifest.sqlite.partial`, flushed to disk and renamed when complete.

A generation written before holds `manifest.json`: it is read as before, and the next
build writes `manifest.sqlite` in its place (every row, once).
"""
from __future__ import annotations

import os
import shutil
import sqlite3
from pathlib import Path
from urllib.parse import quote

from indexer.index import store

FILE = "manifest.sqlite"
OLD_FILE = "manifest.json"  # before this format: the whole manifest as one JSON object
_CREATE = ("CREATE TABLE manifest (path TEXT PRIMARY KEY, sha256 TEXT NOT NULL, "
           "report_id TEXT NOT NULL) WITHOUT ROWID")


def read(generation: Path | None) -> dict[str, dict]:
    """Every entry of a generation's manifest ({} for none)."""
    if generation is None:
        return {}
    if not (generation / FILE).is_file():
        return store.read_json(generation / OLD_FILE, {})
    db = sqlite3.connect(f"file:{quote(str(generation / FILE))}?mode=ro", uri=True)
    try:
        return {path: {"sha256": sha, "report_id": report_id} for path, sha, report_id
                in db.execute("SELECT path, sha256, report_id FROM manifest")}
    finally:
        db.close()


def write(generation: Path, previous: Path | None, old: dict, new: dict) -> int:
    """Write `new` as the manifest of the generation being built. When `previous` (whose
    manifest is `old`) has a manifest.sqlite, it is copied and only the entries that differ
    are written; else every entry is. Returns the number of rows written or deleted."""
    target, partial = generation / FILE, generation / (FILE + ".partial")
    partial.unlink(missing_ok=True)
    patch = previous is not None and (previous / FILE).is_file()
    if patch:
        shutil.copyfile(previous / FILE, partial)
    db = sqlite3.connect(partial)
    try:
        db.execute("PRAGMA journal_mode=OFF")  # a crash loses only the partial copy
        db.execute("PRAGMA synchronous=OFF")  # flushed once below, before the rename
        if not patch:
            db.execute(_CREATE)
            old = {}
        gone = [(path,) for path in old if path not in new]
        changed = [(path, e["sha256"], e["report_id"]) for path, e in new.items()
                   if old.get(path) != e]
        db.executemany("DELETE FROM manifest WHERE path = ?", gone)
        db.executemany("INSERT OR REPLACE INTO manifest VALUES (?, ?, ?)", changed)
        db.commit()
    finally:
        db.close()
    store.fsync_file(partial)
    os.replace(partial, target)
    return len(gone) + len(changed)
