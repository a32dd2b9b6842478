"""Term postings and field lengths of each Whoosh segment as flat arrays on disk, which
every search process memory-maps: N workers share one copy through the OS page cache, and
the first query for a common word reads no posting block (docs/decisions/0027-shared-memory.md).

Layout, one directory per segment, `<generation>/mapped/<segment id>/`:
- `terms.npy`: sorted uint64 keys, a hash (blake2b, 8 bytes) of field name and term bytes;
- `starts.npy`: int64, where each term's postings start (one more entry: the end);
- `docnums.npy` (int32, segment-local, ascending per term), `weights.npy` (float32): the
  postings exactly as Whoosh stores them (deleted documents included: searches mask them);
- `lengths-<field>.npy`: uint8, Whoosh's length byte of every document of the segment;
- `fields.json`: which fields were written;
- `position_counts.npy`, `position_starts.npy`, `positions.npy`: every term's phrase
  positions (indexer.index.positions);
- `pair_*.npy`: the postings and positions of adjacent common words (indexer.index.pairs);
- `vectors.npy`, `vector_scales.npy`, `vector_keys.npy`: every passage's vector
  (indexer.index.vectors), and its sign codes and moments (indexer.index.vector_sketch).
Whoosh segments never change once written (deletions live in the table of contents), so a
new generation hard-links the files of the segments it kept and writes only new segments',
including those Whoosh wrote while merging. A parallel segment writer's arrays come from
the postings it gave Whoosh (indexer.index.recorded); any other segment's are read back
through Whoosh (indexer.index.postings.leaf_blocks). Two terms whose keys collide, and a term whose
postings Whoosh does not give in full (deleted documents), are left out (`collided.npy`);
a search reads such a term, and any term of a field not written, from Whoosh's blocks as
before. A search also checks a term's count against Whoosh's document
frequency, so a key found for a term the segment lacks is never used.

Whoosh internals used: `SegmentReader.segment().segment_id()`, `all_terms()`, and those
indexer/index/postings.py names (its module docstring lists them).
"""
from __future__ import annotations

import json
import os
import shutil
from hashlib import blake2b
from pathlib import Path

import numpy as np
from whoosh.filedb.filestore import FileStorage
from whoosh.reading import SegmentReader

from indexer.index import pairs as common_pairs
from indexer.index import positions as phrase_positions
from indexer.index import recorded, vector_sketch, vectors
from indexer.index.phrase_docs import segment_docs
from indexer.index.postings import leaf_blocks, leaf_length_codes

DIR = "mapped"
PAGE = 4096
SKIPPED_FIELDS = ("chunk_id",)  # one term per document: nothing to gain, 100,000 terms


def key(field: str, btext: bytes) -> int:
    return int.from_bytes(blake2b(field.encode() + b"\0" + btext, digest_size=8).digest(),
                          "little")


def segment_id(leaf) -> str | None:
    """The id of the segment a leaf reader reads (None: an empty index's reader)."""
    segment = leaf.segment() if hasattr(leaf, "segment") else None
    return segment.segment_id() if segment is not None else None


def write(generation: Path, reader, previous: Path | None,
          damaged: set[str] = frozenset()) -> None:
    """Arrays for every segment of the committed index `reader` (a Whoosh reader of the
    generation being built): hard links to `previous`'s files where it has the segment
    (unless its arrays are `damaged`: written again), nothing where a segment writer of
    this build already wrote them (write_new)."""
    root = generation / DIR
    root.mkdir(exist_ok=True)
    embedded = None  # the previous generation's vectors, read if a segment needs them
    for leaf, _ in reader.leaf_readers():
        segid = segment_id(leaf)
        if segid is None or (root / segid / "fields.json").is_file():
            continue
        old = previous / DIR / segid if previous is not None else None
        if old is not None and segid not in damaged and (old / "fields.json").is_file() \
                and (old / vectors.VECTORS).is_file():
            _link(old, root / segid)
        else:
            embedded = embedded or vectors.Previous(previous, DIR, damaged)
            _write_segment(leaf, root / segid, embedded)


def write_new(whoosh_dir: str, schema, segment) -> None:
    """The arrays of one segment just written (not yet in any table of contents), in the
    process that wrote it: a parallel segment writer (indexer.index.segments), so the
    parent's serial share of a build does not grow with the index. Its postings come from
    what its writer recorded while writing them (indexer.index.recorded), else they are
    read back through Whoosh like any other segment's, its compound file memory-mapped
    (decision 0051). Search processes keep decision 0027's plain reads."""
    storage = FileStorage(whoosh_dir, supports_mmap=True)
    leaf = SegmentReader(storage, schema, segment)
    record = recorded.folder(whoosh_dir, segment.segment_id())
    try:
        root = Path(whoosh_dir).parent / DIR
        root.mkdir(exist_ok=True)
        _write_segment(leaf, root / segment.segment_id(), None, recorded.Recorded.open(record))
    finally:
        leaf.close()
        shutil.rmtree(record, ignore_errors=True)


def recorder(whoosh_dir: str, schema, segment_id: str) -> recorded.Recorder:
    """What a segment writer gives its postings to, for write_new."""
    fields = _fields(schema)
    return recorded.Recorder(recorded.folder(whoosh_dir, segment_id), set(fields),
                             phrase_positions.fields_with_positions(schema, fields))


def _link(source: Path, target: Path) -> None:
    target.mkdir()
    for path in source.iterdir():
        try:
            os.link(path, target / path.name)
        except OSError:  # another file system: copy instead
            shutil.copy2(path, target / path.name)


def _fields(schema) -> list[str]:
    """Fields whose postings are written: indexed, not numeric, not one term a document."""
    return sorted(name for name, field in schema.items()
                  if field.indexed and name not in SKIPPED_FIELDS
                  and not hasattr(field, "numtype"))


def _write_segment(leaf, target: Path, embedded: vectors.Previous | None = None,
                   record: recorded.Recorded | None = None) -> None:
    """Two passes, so only one term's postings are in memory at a time: the terms, their
    keys and document frequencies; then each term's postings, decoded into its place in
    files mapped for writing (from `record` when given, else read through Whoosh). Then
    the passages' vectors (indexer.index.vectors), reusing those `embedded` already holds."""
    partial = target.with_name(target.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir()
    fields = _fields(leaf.schema)
    terms = [(key(f, b), f, b, leaf.doc_frequency(f, b)) for f, b in leaf.all_terms()
             if f in fields] if record is None else [(key(f, b), f, b, n)
                                                     for f, b, n, _ in record.terms]
    order, collided = _sorted_unique(np.array([t[0] for t in terms], dtype=np.uint64))
    counts = np.array([terms[i][3] for i in order], dtype=np.int64)
    starts = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
    docnums = _open(partial / "docnums.npy", np.int32, int(starts[-1]))
    weights = _open(partial / "weights.npy", np.float32, int(starts[-1]))
    positional = phrase_positions.fields_with_positions(leaf.schema, fields)
    positions = phrase_positions.Writer(partial, int(starts[-1]), len(order))
    unused = []  # terms whose postings Whoosh does not give in full (deleted documents)
    for slot, i in enumerate(order):
        _, field, btext, frequency = terms[i]
        start, end = int(starts[slot]), int(starts[slot + 1])
        if record is not None:
            ids, kept = record.postings(i)
            places = record.positions(i) if field in positional else None
            fine = ids.size == frequency and (places is not None or field not in positional) \
                and positions.put(slot, start, places)
        else:
            parts = list(leaf_blocks(leaf, field, btext, field in positional))
            ids = np.concatenate([p[0] for p in parts]) if parts else np.zeros(0, np.int64)
            kept = np.concatenate([p[1] for p in parts]) if parts else None
            fine = ids.size == frequency and positions.add(
                slot, start, [p[2] for p in parts] if field in positional else None)
        if not fine:
            positions.add(slot, start, None)
            unused.append(terms[i][0])
            continue
        docnums[start:end] = ids
        weights[start:end] = kept
    for written in (docnums, weights):
        if isinstance(written, np.memmap):
            written.flush()
    del docnums, weights
    positions.finish()
    np.save(partial / "terms.npy", np.array([terms[i][0] for i in order], dtype=np.uint64))
    np.save(partial / "starts.npy", starts)
    np.save(partial / "collided.npy", np.union1d(collided, np.array(unused, np.uint64)))
    common_pairs.write(leaf, partial, key)
    for field in fields:
        if leaf.schema[field].scorable:
            np.save(partial / f"lengths-{field}.npy", leaf_length_codes(leaf, field))
    vectors.write(leaf, partial, embedded)
    (partial / "fields.json").write_text(json.dumps(fields))
    os.replace(partial, target)


def _open(path: Path, dtype, size: int) -> np.ndarray:
    """A new .npy file of `size` values, mapped for writing (an empty one is only saved)."""
    if not size:
        np.save(path, np.zeros(0, dtype))
        return np.zeros(0, dtype)
    return np.lib.format.open_memmap(path, mode="w+", dtype=dtype, shape=(size,))


def _sorted_unique(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Positions of the keys in sorted order, leaving out keys that occur twice (collided)."""
    order = np.argsort(keys, kind="stable")
    ordered = keys[order]
    repeated = np.zeros(ordered.size, bool)
    if ordered.size > 1:
        same = ordered[1:] == ordered[:-1]
        repeated[1:] |= same
        repeated[:-1] |= same
    return order[~repeated], np.unique(ordered[repeated])


class SegmentArrays:
    """One segment's arrays, memory-mapped read-only (shared by every thread). `damaged`:
    names of the segment's files found damaged (indexer.index.integrity), never mapped: a
    damaged vectors file leaves the segment without vectors, any other its postings and
    lengths to Whoosh."""

    def __init__(self, path: Path, damaged: set[str] = frozenset()):
        # plain views of the mapped files: a memmap's own slicing runs in Python, each call
        load = lambda name: np.asarray(np.load(path / name, mmap_mode="r"))  # noqa: E731
        postings = not damaged - set(vectors.FILES) - set(vector_sketch.FILES)
        self.fields = set(json.loads((path / "fields.json").read_text())) if postings else set()
        empty = np.zeros(0, np.uint64)
        self.terms, self.starts = (load("terms.npy"), load("starts.npy")) if postings \
            else (empty, np.zeros(1, np.int64))
        self.docnums, self.weights = (load("docnums.npy"), load("weights.npy")) if postings \
            else (np.zeros(0, np.int32), np.zeros(0, np.float32))
        self.collided = np.load(path / "collided.npy") if postings else empty
        self.lengths = {f: load(f"lengths-{f}.npy") for f in self.fields
                        if (path / f"lengths-{f}.npy").is_file()}
        self.vectors = None if damaged & {vectors.VECTORS, vectors.SCALES} \
            else vectors.open_rows(path)
        self.sketch = None if self.vectors is None or damaged & set(vector_sketch.FILES) \
            else vector_sketch.open_sketch(path, len(self.vectors))  # decision 0048
        # None: a segment built without them, or damaged (its phrases are then Whoosh's)
        self.positions = phrase_positions.Positions.open(path) if postings else None
        self.pairs = common_pairs.Pairs.open(path) if self.positions is not None else None
        self.files = [self.terms, self.starts, self.docnums, self.weights,
                      *self.lengths.values(),
                      *(self.vectors.files if self.vectors is not None else []),
                      *([self.sketch.signs] if self.sketch is not None else []),
                      *(self.positions.files if self.positions is not None else []),
                      *(self.pairs.files if self.pairs is not None else [])]

    @classmethod
    def open(cls, generation: Path, segid: str,
             damaged: set[str] = frozenset()) -> "SegmentArrays | None":
        path = generation / DIR / segid
        return cls(path, damaged) if (path / "fields.json").is_file() else None

    def term(self, field: str, btext: bytes, doc_frequency: int):
        """(docnums, weights) views of a term the segment holds with `doc_frequency`
        postings, or None: read it from Whoosh."""
        slot = self._slot(field, btext, doc_frequency)
        if slot is None:
            return None
        start, end = int(self.starts[slot]), int(self.starts[slot + 1])
        return np.asarray(self.docnums[start:end]), np.asarray(self.weights[start:end])

    def position_keys(self, field: str, btext: bytes, doc_frequency: int, offset: int,
                      inside: np.ndarray | None, docs: np.ndarray | None = None
                      ) -> np.ndarray | None:
        """Sorted phrase keys (docnum + offset << 32 | position) of a term, only in the
        documents `inside` (a mask) or `docs` (ascending docnums) when given
        (indexer.index.positions), or None: read them from Whoosh."""
        slot = self._slot(field, btext, doc_frequency) if self.positions is not None else None
        if slot is None:
            return None
        start, end = int(self.starts[slot]), int(self.starts[slot + 1])
        return self.positions.keys(slot, start, np.asarray(self.docnums[start:end]), offset,
                                   inside, docs)

    def phrase_docs(self, field: str, btexts: list[bytes], frequencies: list[int]
                    ) -> np.ndarray | None:
        """Segment-local docnums where the words stand one after another (a phrase of slop
        1: indexer.index.phrase_docs), or None: a segment written before the common-word
        pairs (its phrases follow each word's positions, as they did), a word whose
        positions are not kept here, or no pair kept for the words."""
        if self.pairs is None or self.positions is None:
            return None
        slots = [self._slot(field, b, f) for b, f in zip(btexts, frequencies)]
        if None in slots or not all(self.positions.occurrences(s) for s in slots):
            return None
        return segment_docs(self, slots)

    def _slot(self, field: str, btext: bytes, doc_frequency: int) -> int | None:
        if field not in self.fields:
            return None
        k = np.uint64(key(field, btext))
        i = int(np.searchsorted(self.terms, k))
        if i == self.terms.size or self.terms[i] != k or k in self.collided:
            return None
        if int(self.starts[i + 1]) - int(self.starts[i]) != doc_frequency:
            return None  # a key of another term: never trust it
        return i

    def touch(self) -> int:
        """Read every page once, so the first query finds them in memory (shared pages:
        this costs no private memory); the bytes read."""
        total = 0
        for array in self.files:
            raw = np.asarray(array).reshape(-1).view(np.uint8)
            raw[::PAGE].sum()  # one byte of every page: the kernel reads the page in
            total += raw.size
        return total
