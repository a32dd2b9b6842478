"""A new segment's postings recorded as its writer hands them to Whoosh, so the segment's
memory-mapped arrays (indexer.index.mapped) are written from the record instead of being
read back through Whoosh's posting blocks (decision 0051, "Update (session 12)").

A parallel segment writer's pool (indexer.index.posting_pool) gives Whoosh's codec each
term's postings in (field, term) order: docnums, weights and the encoded positions. The
`Recorder` appends them, a term at a time, to flat files in `mapped/<segment id>.recorded/`
(docnums int32, weights float64, each posting's position count, the positions themselves,
decoded by indexer.index.positions.decode as the read-back decodes them), with each term's
field, bytes and sizes. `Recorded.terms` then gives what the read-back gave: each term's
document frequency, docnums, weights and positions (or None where they cannot be kept).
Only a segment whose every posting passed through the recorder is written from it.
"""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np

from indexer.index import positions as phrase_positions

SUFFIX = ".recorded"
BATCH = 65_536  # encoded positions decoded at once
FILES = {"docnums": np.int32, "weights": np.float64, "counts": np.uint16,
         "positions": np.uint32}


def folder(whoosh_dir: str, segment_id: str) -> Path:
    return Path(whoosh_dir).parent / "mapped" / (segment_id + SUFFIX)


class Recorder:
    """Receives a segment's terms in order: `term(field, btext, docnums, weights, values)`."""

    def __init__(self, target: Path, mapped_fields: set[str], positional: set[str]):
        shutil.rmtree(target, ignore_errors=True)
        target.mkdir(parents=True)
        self.target, self.mapped, self.positional = target, mapped_fields, positional
        self._out = {name: open(target / name, "wb") for name in FILES}
        self._terms: list[tuple[str, bytes, int, int]] = []  # field, btext, postings, kept
        self._pending: list[int] = []  # terms whose positions wait to be decoded
        self._values: list[bytes] = []  # their encoded positions, one a posting
        self.complete = True  # False: some postings reached Whoosh another way

    def term(self, field: str, btext: bytes, docnums, weights, values) -> None:
        if field not in self.mapped:
            return
        out, size = self._out, len(docnums)
        out["docnums"].write(docnums)
        out["weights"].write(weights)
        if field in self.positional:
            self._pending.append(len(self._terms))
            self._values.extend(values)
            self._terms.append((field, btext, size, -1))
            if len(self._values) >= BATCH:
                self._decode_pending()
        else:
            self._decode_pending()  # the counts file stays in term order
            out["counts"].write(bytes(2 * size))
            self._terms.append((field, btext, size, 0))

    def _decode_pending(self) -> None:
        """The positions of the terms waiting, decoded at once: one unpickling for them
        all (the counts and positions are each posting's, whichever terms they belong to).
        If any cannot be kept, each term is decoded alone, as the read-back does."""
        if not self._pending:
            return
        pending, values, terms = self._pending, self._values, self._terms
        self._pending, self._values = [], []
        decoded = _decoded(values)
        if decoded is None:
            at = 0
            for i in pending:
                size = terms[i][2]
                self._put(i, _decoded(values[at:at + size]), size)
                at += size
            return
        counts, places = decoded
        firsts = np.cumsum([0] + [terms[i][2] for i in pending[:-1]])
        kept = np.add.reduceat(counts, firsts)
        self._out["counts"].write(counts.astype(np.uint16).tobytes())
        self._out["positions"].write(places.astype(np.uint32).tobytes())
        for i, n in zip(pending, kept.tolist()):
            terms[i] = terms[i][:3] + (n,)

    def _put(self, i: int, decoded: tuple | None, size: int) -> None:
        if decoded is None:  # -1: left to Whoosh, as read back
            self._out["counts"].write(bytes(2 * size))
            return
        self._out["counts"].write(decoded[0].astype(np.uint16).tobytes())
        self._out["positions"].write(decoded[1].astype(np.uint32).tobytes())
        self._terms[i] = self._terms[i][:3] + (decoded[1].size,)

    def finish(self) -> None:
        self._decode_pending()
        for f in self._out.values():
            f.close()
        with open(self.target / "terms.json", "w", encoding="utf-8") as f:
            json.dump({"complete": self.complete,
                       "terms": [(field, btext.hex(), size, kept)
                                 for field, btext, size, kept in self._terms]}, f)

    def abandon(self) -> None:
        for f in self._out.values():
            f.close()
        shutil.rmtree(self.target, ignore_errors=True)


class Recorded:
    """A finished record, read back as arrays (memory-mapped)."""

    def __init__(self, target: Path):
        meta = json.loads((target / "terms.json").read_text(encoding="utf-8"))
        self.complete = meta["complete"]
        self.terms = [(field, bytes.fromhex(btext), size, kept)
                      for field, btext, size, kept in meta["terms"]]
        sizes = np.array([t[2] for t in self.terms], np.int64)
        kept = np.array([max(t[3], 0) for t in self.terms], np.int64)
        self.starts = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)
        self.places = np.concatenate([[0], np.cumsum(kept)]).astype(np.int64)
        self.arrays = {name: _load(target / name, dtype) for name, dtype in FILES.items()}

    @staticmethod
    def open(target: Path) -> "Recorded | None":
        """The record in `target` if it is finished and complete, else None."""
        if not (target / "terms.json").is_file():
            return None
        found = Recorded(target)
        return found if found.complete else None

    def postings(self, i: int):
        """(docnums, weights as float32) of the i-th recorded term."""
        a, b = int(self.starts[i]), int(self.starts[i + 1])
        return self.arrays["docnums"][a:b], self.arrays["weights"][a:b].astype(np.float32)

    def positions(self, i: int):
        """(counts, positions) of the i-th recorded term, or None: not kept."""
        if self.terms[i][3] < 0:
            return None
        a, b = int(self.starts[i]), int(self.starts[i + 1])
        c, d = int(self.places[i]), int(self.places[i + 1])
        return self.arrays["counts"][a:b], self.arrays["positions"][c:d]


def _decoded(values: list) -> tuple | None:
    """(counts, positions) of a term's encoded positions, or None where the positions
    arrays cannot keep them (indexer.index.positions.Writer.add's rule)."""
    try:
        counts, places = phrase_positions.decode(values)
    except ValueError:
        return None
    return (counts, places) if counts.max(initial=0) <= phrase_positions.MAX_COUNT else None


def _load(path: Path, dtype) -> np.ndarray:
    if path.stat().st_size == 0:
        return np.zeros(0, dtype)
    return np.memmap(path, dtype, "r")
