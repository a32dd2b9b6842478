"""Phrase positions of each Whoosh segment as flat arrays beside its postings
(indexer.index.mapped), so a phrase reads its words' positions from shared memory-mapped
pages instead of unpickling Whoosh's position lists one posting at a time
(docs/decisions/0043-positions-on-disk.md).

Files, in `<generation>/mapped/<segment id>/`, in the order of `terms.npy`:
- `position_counts.npy`: uint16, one a posting (the index of `docnums.npy`): how many
  times the term stands in that document; 0 for a field without positions;
- `position_starts.npy`: int64, one a term and one more: where its positions start;
- `positions.npy`: uint16 (uint32 if a segment has a position of 65,536 or more), every
  occurrence's position, ascending within each posting.
A term whose positions cannot be kept this way (a count over 65,535, or positions out of
order) is written as none and left to Whoosh (mapped.py's `collided.npy`). The positions
are decoded from the committed segment through Whoosh, the same pickled deltas that
indexer.index.postings decodes when a segment lacks these files, so a phrase's matches
are the same whichever path read them.
"""
from __future__ import annotations

import os
from itertools import chain
from pathlib import Path
from pickle import loads

import numpy as np
from whoosh.system import _INT_SIZE

COUNTS, STARTS, POSITIONS = "position_counts.npy", "position_starts.npy", "positions.npy"
RAW = "positions.u32"  # written while the segment is, then narrowed into POSITIONS
MAX_COUNT = np.iinfo(np.uint16).max
CHUNK = 1 << 24  # values narrowed at a time
FEW = 8  # keys() reads only the chosen postings' positions when under 1/8 of them
SEARCHED = 64  # ... and finds chosen documents by binary search when under 1/64 of them
BLOCK = 256  # a term's counts summed per this many postings, remembered (Positions._through)
HELD_SUMS = 1 << 18  # block sums remembered per segment's positions at most (2 MB)


def fields_with_positions(schema, fields) -> set[str]:
    return {f for f in fields if schema[f].format.supports("positions")}


def decode(values) -> tuple[np.ndarray, np.ndarray]:
    """(counts, positions) of Whoosh Positions values (a 4-byte count, then the pickled
    list of deltas, its final STOP sometimes left off): one unpickling for a whole block
    (each value's list opcodes between one MARK and one LIST), else one a value."""
    bodies = [v[_INT_SIZE + 2:-1] if v.endswith(b".") else v[_INT_SIZE + 2:]
              for v in values]
    if all(v[_INT_SIZE:_INT_SIZE + 2] == b"\x80\x02" for v in values):
        deltas = loads(b"\x80\x02(" + b"".join(bodies) + b"l.")
    else:
        deltas = [loads(v[_INT_SIZE:] if v.endswith(b".") else v[_INT_SIZE:] + b".")
                  for v in values]
    counts = np.fromiter(map(len, deltas), np.int64, len(deltas))
    flat = np.fromiter(chain.from_iterable(deltas), np.int64, int(counts.sum()))
    if flat.size and flat.min() < 0:
        raise ValueError("positions out of order")
    running = np.cumsum(flat)
    starts = np.cumsum(counts) - counts
    return counts, running - np.repeat(running[starts] - flat[starts], counts)


class Writer:
    """Positions of one segment, term by term in `terms.npy` order, into `directory`."""

    def __init__(self, directory: Path, postings: int, terms: int):
        self.directory = directory
        self.counts = new_array(directory / COUNTS, np.uint16, postings)
        self.starts = np.zeros(terms + 1, np.int64)
        self.raw = open(directory / RAW, "wb")
        self.written, self.largest = 0, 0

    def add(self, slot: int, first: int, values: list | None) -> bool:
        """Positions of the term in `slot` whose postings start at `first`, from its
        blocks' values (None: a field without positions); False if they cannot be kept."""
        if not values:
            return self.put(slot, first, None)
        try:
            parts = [decode(block) for block in values]
        except ValueError:
            self.starts[slot + 1] = self.written
            return False
        return self.put(slot, first, (np.concatenate([p[0] for p in parts]),
                                      np.concatenate([p[1] for p in parts])))

    def put(self, slot: int, first: int, decoded: tuple | None) -> bool:
        """`add` with the values decoded: (counts, positions), or None (no positions)."""
        if decoded is not None:
            counts, positions = decoded
            if counts.max(initial=0) > MAX_COUNT:
                self.starts[slot + 1] = self.written
                return False
            self.counts[first:first + counts.size] = counts
            self.raw.write(positions.astype(np.uint32).tobytes())
            self.largest = max(self.largest, int(positions.max(initial=0)))
            self.written += positions.size
        self.starts[slot + 1] = self.written
        return True

    def finish(self) -> None:
        """Write the starts and narrow the positions into their .npy file."""
        self.raw.close()
        if isinstance(self.counts, np.memmap):
            self.counts.flush()
        del self.counts
        np.save(self.directory / STARTS, self.starts)
        raw = np.memmap(self.directory / RAW, np.uint32, "r") if self.written else None
        dtype = np.uint16 if self.largest <= np.iinfo(np.uint16).max else np.uint32
        out = new_array(self.directory / POSITIONS, dtype, self.written)
        for at in range(0, self.written, CHUNK):
            out[at:at + CHUNK] = raw[at:at + CHUNK]
        if isinstance(out, np.memmap):
            out.flush()
        del raw, out
        os.unlink(self.directory / RAW)


def runs(bases: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """base, base + 1, ... (count of them) for each base, laid end to end."""
    total = int(counts.sum())
    return np.repeat(bases - (np.cumsum(counts) - counts), counts) + np.arange(total)


def new_array(path: Path, dtype, size: int) -> np.ndarray:
    """A new .npy file of `size` values, mapped for writing (an empty one is only saved)."""
    if not size:
        np.save(path, np.zeros(0, dtype))
        return np.zeros(0, dtype)
    return np.lib.format.open_memmap(path, mode="w+", dtype=dtype, shape=(size,))


class Positions:
    """One segment's position arrays, memory-mapped read-only."""

    def __init__(self, path: Path, prefix: str = "", block: int = BLOCK):
        load = lambda name: np.asarray(np.load(path / (prefix + name), mmap_mode="r"))  # noqa: E731
        self.counts, self.starts, self.values = load(COUNTS), load(STARTS), load(POSITIONS)
        self.files = [self.counts, self.starts, self.values]
        self.block = block  # postings a remembered sum of counts stands for
        self._sums: dict[int, np.ndarray] = {}  # slot -> running sums of its counts by block
        self._summed = 0  # values held there (bounded by HELD_SUMS)

    @classmethod
    def open(cls, path: Path) -> "Positions | None":
        """The segment's positions, or None for a segment written without them."""
        return cls(path) if (path / POSITIONS).is_file() else None

    def occurrences(self, slot: int) -> int:
        return int(self.starts[slot + 1]) - int(self.starts[slot])

    def at(self, slot: int, first: int, size: int, at: np.ndarray,
           ends: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """(counts, positions laid end to end) of the postings `at` (ascending indexes
        among the `size` postings, starting at `first`, of the term in `slot`): only
        those postings' positions are read. `ends`: the running sum of the postings'
        counts, if known (else summed up to the last posting asked for)."""
        counts = self.counts[first:first + size]
        start = int(self.starts[slot])
        if at.size == size:  # every posting
            return (counts.astype(np.int64),
                    np.asarray(self.values[start:start + int(counts.sum(dtype=np.int64))]))
        chosen = counts[at].astype(np.int64)
        reach = int(at[-1]) + 1 if at.size else 0  # the postings up to the last one asked
        if ends is not None:
            through = ends[at]
        elif at.size * self.block < reach:  # few and far apart: from the block sums
            through = self._through(slot, counts, at)
        else:
            through = np.cumsum(counts[:reach], dtype=np.int64)[at]
        begins = through - chosen + start
        return chosen, np.asarray(self.values[runs(begins, chosen)])

    def total(self, slot: int, counts: np.ndarray) -> int:
        """The sum of the term's postings' `counts` (its block sums, remembered)."""
        return int(self._block_sums(slot, counts)[-1])

    def _through(self, slot: int, counts: np.ndarray, at: np.ndarray) -> np.ndarray:
        """The running sum of `counts` through each posting `at` (ascending): the sum of
        the blocks before it (remembered per term) plus its own block's counts up to it,
        so a few postings' places cost no pass over every posting (integers: exact)."""
        sums = self._block_sums(slot, counts)
        block = at // self.block
        first = block * self.block
        widths = at - first + 1
        own = np.cumsum(counts[runs(first, widths)], dtype=np.int64)
        last = np.cumsum(widths) - 1
        before = np.concatenate(([0], own[last[:-1]]))
        return sums[block] + own[last] - before

    def _block_sums(self, slot: int, counts: np.ndarray) -> np.ndarray:
        """sums[b]: the term's counts before posting b * block; sums[-1]: all of them."""
        sums = self._sums.get(slot)
        if sums is None:
            whole = np.add.reduceat(counts, np.arange(0, counts.size, self.block),
                                    dtype=np.int64) if counts.size else np.zeros(0, np.int64)
            sums = np.concatenate(([0], np.cumsum(whole)))
            if self._summed + sums.size > HELD_SUMS:
                self._sums, self._summed = {}, 0
            self._sums[slot], self._summed = sums, self._summed + sums.size
        return sums

    def keys(self, slot: int, first: int, docnums: np.ndarray, offset: int,
             inside: np.ndarray | None, docs: np.ndarray | None = None) -> np.ndarray | None:
        """Sorted keys (docnum << 32 | position) of the term in `slot` whose postings
        (`docnums`, segment-local) start at `first`, only in documents `inside` (a mask
        over the whole index) or `docs` (ascending docnums of the whole index) when given
        (in few of its documents, only theirs are read); None if the term has no
        positions here."""
        start, end = int(self.starts[slot]), int(self.starts[slot + 1])
        keep = None
        if docs is not None:
            at = _postings_of(docnums, docs, offset)
            if not at.size:  # none of them here
                return np.zeros(0, np.int64)
        elif inside is not None:
            keep = inside[offset:][docnums]
            at = np.flatnonzero(keep)
        counts = self.counts[first:first + docnums.size]
        few = (docs is not None or inside is not None) and at.size * FEW < docnums.size
        total = self.total(slot, counts) if few else int(counts.sum(dtype=np.int64))
        if total != end - start or (end == start and docnums.size):
            return None
        if few:
            chosen, found = self.at(slot, first, docnums.size, at)  # only theirs read
            return (np.repeat(docnums[at].astype(np.int64) + offset, chosen) << 32) + found
        ids = docnums.astype(np.int64) + offset
        positions = np.asarray(self.values[start:end])
        if docs is not None or inside is not None:
            if keep is None:
                keep = np.zeros(docnums.size, bool)
                keep[at] = True
            positions = positions[np.repeat(keep, counts)]
            ids, counts = ids[keep], counts[keep]
        return (np.repeat(ids, counts) << 32) + positions


def _postings_of(docnums: np.ndarray, docs: np.ndarray, offset: int) -> np.ndarray:
    """Ascending indexes of the postings (`docnums`, segment-local, ascending) whose
    document is one of `docs` (ascending docnums of the whole index): a binary search for
    each of the segment's `docs` when they are few, else one pass over the postings."""
    if not docnums.size:
        return np.zeros(0, np.intp)
    bounds = np.array((offset, offset + int(docnums[-1]) + 1), docs.dtype)
    lo, hi = np.searchsorted(docs, bounds)
    # cast to the postings' type: a wider one would copy every posting, each call
    local = (docs[lo:hi] - offset).astype(docnums.dtype, copy=False)
    if local.size * SEARCHED < docnums.size:
        at = np.minimum(np.searchsorted(docnums, local), docnums.size - 1)
        return at[docnums[at] == local]
    wanted = np.zeros(int(docnums[-1]) + 1, bool)  # many: one pass over the postings
    wanted[local] = True
    return np.flatnonzero(wanted[docnums])
