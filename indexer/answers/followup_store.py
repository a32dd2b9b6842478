"""Authority histories with their follow-ups, kept per index generation in
`gen-*/followups.sqlite` (docs/decisions/0036-follow-ups-by-meaning-and-topic.md).

`precompute` fills it at the end of `python -m indexer build` (every authority; an
authority whose reports and follow-up code did not change is copied from the previous
generation's store, so adding one report recomputes one authority). A server reads it;
an authority not in it (an index built another way) is computed on first view and kept in
this process, and written to the store when the file is writable. Both read the passage
vectors the build stored (`stored_vectors`) instead of embedding the passages again.
"""
from __future__ import annotations

import hashlib
import json
import sqlite3
from pathlib import Path

import numpy as np

from indexer.answers import authority_history
from indexer.index import embedding, mapped, store, vectors

FILE = "followups.sqlite"
# what decides a history besides the reports: the code and data of the follow-ups
_SOURCES = [Path(authority_history.__file__).parent / name
            for name in ("authority_history.py", "followups.py", "followup_status.py",
                         "followup_sentences.py")]
_SOURCES += [Path(authority_history.__file__).parents[1] / "domain" / name
             for name in ("recommendations.py", "topics.py", "data/practice_topics.toml")]


def code_version() -> str:
    digest = hashlib.sha1()
    for path in _SOURCES:
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def signature(reports: list[dict]) -> str:
    """What an authority's history depends on: its reports' ids and contents, the code."""
    digest = hashlib.sha1(code_version().encode())
    for report in sorted(reports, key=lambda r: r["report_id"]):
        digest.update(f"{report['report_id']}:{report.get('sha256')}\n".encode())
    return digest.hexdigest()


def _connect(path: Path) -> sqlite3.Connection:
    connection = sqlite3.connect(path, timeout=5)
    connection.execute("CREATE TABLE IF NOT EXISTS history "
                       "(key TEXT PRIMARY KEY, signature TEXT, json TEXT)")
    return connection


def _read(path: Path, key: str, wanted: str) -> dict | None:
    if not path.exists():
        return None
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5) as connection:
            row = connection.execute("SELECT signature, json FROM history WHERE key = ?",
                                     (key,)).fetchone()
    except sqlite3.Error:
        return None
    return json.loads(row[1]) if row and row[0] == wanted else None


def _write(path: Path, rows: list[tuple[str, str, str]]) -> None:
    try:
        with _connect(path) as connection:
            connection.executemany("INSERT OR REPLACE INTO history VALUES (?, ?, ?)", rows)
    except sqlite3.Error:
        pass  # a read-only index: the history stays in the process memo only


def _groups(records) -> dict[str, list[dict]]:
    return authority_history.by_authority(records)


def _previous(generation: Path) -> Path | None:
    """The newest other generation that has a store (histories to copy from)."""
    older = sorted((p for p in generation.parent.glob(store.GEN_PREFIX + "*")
                    if p != generation and (p / FILE).exists()), reverse=True)
    return older[0] if older else None


class StoredVectors:
    """Texts' vectors (passage_text form) as the generation stores them (indexer.index.
    vectors, found by the text's key); a text not stored is embedded. Callable like
    vectors.embed_as_stored; `stored` and `embedded` count the texts of each kind."""

    def __init__(self, generation: Path):
        self.known = vectors.Previous(generation, mapped.DIR)
        self.stored = self.embedded = 0

    def __call__(self, texts: list[str]) -> np.ndarray:
        keys = np.fromiter((vectors.text_key(t) for t in texts), dtype=np.uint64,
                           count=len(texts))
        out = np.zeros((len(texts), embedding.DIM), dtype=np.float32)
        found = self.known.find(keys, out)
        missing = np.flatnonzero(~found)
        if missing.size:
            out[missing] = vectors.embed_as_stored([texts[i] for i in missing])
        self.stored += int(found.sum())
        self.embedded += int(missing.size)
        return out


def precompute(index_dir: str, records) -> dict:
    """Fill the current generation's store: {"authorities", "computed", "copied",
    "vectors_stored", "vectors_embedded"}."""
    generation = store.current_generation(index_dir)
    previous, stored = _previous(generation), StoredVectors(generation)
    path, counts = generation / FILE, {"authorities": 0, "computed": 0, "copied": 0}
    rows, groups = [], _groups(records)
    for key, reports in groups.items():
        wanted = signature(reports)
        kept = _read(previous / FILE, key, wanted) if previous is not None else None
        data = kept if kept is not None else authority_history.history(records, key, stored,
                                                                       groups)
        counts["authorities"] += 1
        counts["copied" if kept is not None else "computed"] += 1
        rows.append((key, wanted, json.dumps(data)))
    _write(path, rows)
    return counts | {"vectors_stored": stored.stored, "vectors_embedded": stored.embedded}


class Histories:
    """One process's view of the stored histories, by generation."""

    def __init__(self, size: int = 256):
        self.size = size
        self.memo: dict[tuple[str, str], dict] = {}
        self.groups: tuple[str, dict] = ("", {})

    def authorities(self, generation: Path, records) -> dict[str, list[dict]]:
        """authority key -> its reports (metas), oldest first, once per generation."""
        if self.groups[0] != generation.name:
            self.groups = (generation.name, _groups(records))
        return self.groups[1]

    def get(self, generation: Path, records, key: str) -> dict:
        memo_key = (generation.name, key)
        if memo_key not in self.memo:
            reports = self.authorities(generation, records).get(key)
            wanted = signature(reports) if reports else ""
            data = _read(generation / FILE, key, wanted) if reports else None
            if data is None:
                data = authority_history.history(records, key, StoredVectors(generation),
                                                 self.authorities(generation, records))
                _write(generation / FILE, [(key, wanted, json.dumps(data))])
            if len(self.memo) >= self.size:
                self.memo.pop(next(iter(self.memo)))
            self.memo[memo_key] = data
        return self.memo[memo_key]
