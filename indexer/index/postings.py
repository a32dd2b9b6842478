"""A generation's term postings and field lengths as numpy arrays, for the evaluator in
indexer.search.evaluator.

Postings and phrase positions come from the generation's memory-mapped per-segment arrays
(indexer.index.mapped and indexer.index.positions, shared by every worker) or, for what
they lack (a term whose key collided, an index written before them), decoded out of Whoosh's
posting blocks with numpy and kept in an LRU (TermCache) shared by the generation's
searchers. Field lengths are Whoosh's one length byte a document, decoded through
Whoosh's own byte_to_length table only for the documents a query touches.

Whoosh internals it reads (whoosh-reloaded 2.7.5, decision 0001; the blocks and columns
through indexer.index.whoosh_blocks), none of them public API:
- the W3 codec: `whoosh.codec.whoosh3.W3LeafMatcher` and its block state (`_read_data`,
  `_data`, `_byteids`, `_next_block`, `_read_values`, `_values`), `LENGTHS_COLUMN`;
- a segment reader's per-document store: `leaf._perdoc.has_column/column_reader` of the
  `_<field>_len` columns, and a column's `_fixedlen`, `_dbfile`, `_basepos`, `_count`;
- `whoosh.matching.FilterMatcher.child` (postings with deleted documents),
  `whoosh.system._INT_SIZE` and `whoosh.util.numeric.byte_to_length` (length bytes).
When they change, see indexer.search.evaluator: a missing name fails the import, a changed
meaning is caught by `python -m bench.scale.exactness INDEX_DIR`.
"""
from __future__ import annotations

import threading
from collections import OrderedDict

import numpy as np
from whoosh.scoring import BM25F

from indexer.index.whoosh_blocks import (LENGTH_OF_BYTE, POSITION_BITS,  # noqa: F401
                                         _position_keys, leaf_blocks, leaf_length_codes)

CACHED_TERMS = 4096  # postings arrays kept per generation (a common term: ~1 MB)
HELD_TERMS = 65536  # terms whose segments (and idf) are remembered per generation


class Unsupported(Exception):
    """A query node (or weighting model) this module does not evaluate."""


class TermCache:
    """Arrays read from one generation, shared by every thread's Postings of it: an LRU
    of term postings and the field lengths. Only the dictionaries are locked; reading
    happens outside the lock (two threads may read the same term once each)."""

    def __init__(self):
        self.entries: OrderedDict = OrderedDict()
        self.lengths: dict = {}  # field -> length bytes; (field, ...) -> per_document()
        self.held: dict = {}  # (field, btext) -> ((segment index, doc frequency), ...)
        self.idf: dict = {}  # (field, btext) -> the searcher's idf of the term
        self.lock = threading.Lock()


class Postings:
    """One searcher's view of a generation's term postings and field lengths as numpy
    arrays. A searcher (and so a Postings) serves one thread at a time."""

    def __init__(self, searcher, cache: TermCache | None = None, mapped: dict | None = None):
        if type(searcher.weighting) is not BM25F:
            raise Unsupported("only BM25F scoring is reproduced")
        self.searcher, self.reader = searcher, searcher.reader()
        self.schema = searcher.schema
        self.size = self.reader.doc_count_all()
        shared = cache or TermCache()
        self._lengths, self._cache, self._lock = shared.lengths, shared.entries, shared.lock
        self._held, self._idf = shared.held, shared.idf
        self._leaves = list(self.reader.leaf_readers())
        self._mapped = mapped or {}  # segment id -> indexer.index.mapped.SegmentArrays

    @classmethod
    def open(cls, searcher, cache: TermCache | None = None,
             mapped: dict | None = None) -> "Postings | None":
        """Postings of the searcher's index, or None if its weighting is not plain BM25F."""
        try:
            return cls(searcher, cache, mapped)
        except Unsupported:
            return None

    def holding(self, field: str, btext: bytes) -> list[tuple[object, int, int]]:
        """(segment reader, docnum offset, doc frequency) of each segment holding the term:
        Whoosh's term dictionaries asked once per generation, then remembered (a query
        asks each of its words several times, each ask a few dictionary reads)."""
        found = self._held.get((field, btext))
        if found is None:
            found = tuple((n, leaf.doc_frequency(field, btext))
                          for n, (leaf, _) in enumerate(self._leaves) if (field, btext) in leaf)
            with self._lock:
                if len(self._held) >= HELD_TERMS:
                    self._held.clear()
                self._held[field, btext] = found
        return [self._leaves[n] + (frequency,) for n, frequency in found]

    def idf(self, field: str, btext: bytes) -> float:
        """The searcher's idf of a term (live statistics: fixed for a generation),
        remembered per generation."""
        found = self._idf.get((field, btext))
        if found is None:
            found = self.searcher.idf(field, btext)
            with self._lock:
                if len(self._idf) >= HELD_TERMS:
                    self._idf.clear()
                self._idf[field, btext] = found
        return found

    def _arrays(self, leaf):
        segment = leaf.segment() if self._mapped else None
        return self._mapped.get(segment.segment_id()) if segment is not None else None

    def length_codes(self, field: str) -> np.ndarray:
        """Whoosh's length byte of every document (a view of the mapped file when the
        index has one segment)."""
        found = self._lengths.get(field)
        if found is None:
            parts = [self._leaf_codes(leaf, field) for leaf, _ in self.reader.leaf_readers()]
            found = (parts[0] if len(parts) == 1 else np.concatenate(parts) if parts
                     else np.zeros(0, np.uint8))
            with self._lock:
                self._lengths[field] = found
        return found

    def per_document(self, key: tuple, compute) -> np.ndarray:
        """An array over every document derived from this generation alone (e.g. BM25's
        length part of a field), computed by `compute()` once and shared by its searchers."""
        found = self._lengths.get(key)
        if found is None:
            found = compute()
            with self._lock:
                self._lengths[key] = found
        return found

    def lengths(self, field: str, ids: np.ndarray) -> np.ndarray:
        """Field lengths of the documents `ids`, as Whoosh's scorer reads them."""
        return LENGTH_OF_BYTE[self.length_codes(field)[ids]]

    def _leaf_codes(self, leaf, field: str) -> np.ndarray:
        arrays = self._arrays(leaf)
        if arrays is not None and field in arrays.lengths:
            return np.asarray(arrays.lengths[field])
        return leaf_length_codes(leaf, field)

    def term(self, field: str, btext: bytes) -> tuple[np.ndarray, np.ndarray]:
        """(docnums, weights) of one term, docnums ascending: from the mapped arrays when
        every segment holding the term has them (not cached: views of shared pages, or a
        copy made per query when there are several segments), else decoded from Whoosh's
        posting blocks (cached)."""
        found = self._mapped_term(field, btext)
        if found is not None:
            return found
        return self._cached((field, btext, "weights"), self._read_weights)

    def _mapped_term(self, field: str, btext: bytes):
        ids, weights = [], []
        for leaf, offset, frequency in self.holding(field, btext):
            arrays = self._arrays(leaf)
            found = None if arrays is None else arrays.term(field, btext, frequency)
            if found is None:
                return None
            ids.append(found[0] + np.int32(offset) if offset else found[0])
            weights.append(found[1])
        if not ids:
            return np.zeros(0, np.int32), np.zeros(0, np.float32)
        if len(ids) == 1:
            return ids[0], weights[0]
        return np.concatenate(ids), np.concatenate(weights)

    def positions(self, field: str, btext: bytes, inside: np.ndarray | None = None,
                  docs: np.ndarray | None = None) -> np.ndarray:
        """Sorted keys (docnum << 32 | position) of every occurrence of one term in the
        documents `inside` (a mask over every document; None: all) or `docs` (ascending
        docnums: a few documents' positions are found by binary search, never by a pass
        over every posting): from the mapped position arrays when every segment holding
        the term has them (not cached), else decoded from Whoosh's posting blocks
        (cached)."""
        found = self._mapped_positions(field, btext, inside, docs) if self._mapped else None
        if found is None:
            found = self._cached((field, btext, "positions"), self._read_positions)
            if docs is not None:
                inside = np.zeros(self.size, bool)
                inside[docs] = True
            if inside is not None:
                found = found[inside[found >> POSITION_BITS]]
        return found

    def _mapped_positions(self, field: str, btext: bytes, inside, docs):
        keys = []
        for leaf, offset, frequency in self.holding(field, btext):
            arrays = self._arrays(leaf)
            found = None if arrays is None else arrays.position_keys(
                field, btext, frequency, offset, inside, docs)
            if found is None:
                return None
            keys.append(found)
        if len(keys) == 1:
            return keys[0]
        return np.concatenate(keys) if keys else np.zeros(0, np.int64)

    def phrase_docs(self, field: str, btexts: list[bytes]) -> np.ndarray | None:
        """Docnums (ascending) where the words stand one after another (a phrase of slop
        1) from every segment's mapped positions and common-word pairs, or None when a
        segment lacks them (the words' positions are then followed one by one)."""
        found = []
        held = [{id(leaf): frequency for leaf, _, frequency in self.holding(field, btext)}
                for btext in btexts] if self._mapped else []
        for leaf, offset in self._leaves if self._mapped else ():
            if any(id(leaf) not in words for words in held):
                continue
            arrays = self._arrays(leaf)
            docs = None if arrays is None else arrays.phrase_docs(
                field, btexts, [words[id(leaf)] for words in held])
            if docs is None:
                return None
            found.append(docs.astype(np.int64) + offset)
        if not self._mapped:
            return None
        return np.concatenate(found) if found else np.zeros(0, np.int64)

    def _cached(self, key, read):
        with self._lock:
            if key in self._cache:
                self._cache.move_to_end(key)
                return self._cache[key]
        value = read(key[0], key[1])
        with self._lock:
            self._cache[key] = value
            while len(self._cache) > CACHED_TERMS:
                self._cache.popitem(last=False)
        return value

    def _blocks(self, field: str, btext: bytes, values: bool):
        """(offset, ids, weights, values) per posting block of every segment."""
        for leaf, offset in self.reader.leaf_readers():
            if (field, btext) in leaf:
                for block in leaf_blocks(leaf, field, btext, values):
                    yield (offset,) + block

    def _read_weights(self, field: str, btext: bytes):
        ids, weights = [], []
        for offset, block_ids, block_weights, _ in self._blocks(field, btext, False):
            ids.append((block_ids + offset).astype(np.int32))
            weights.append(block_weights.astype(np.float32))
        if not ids:
            return np.zeros(0, np.int32), np.zeros(0, np.float32)
        return np.concatenate(ids), np.concatenate(weights)

    def nbytes(self) -> int:
        """Private memory held by the cached arrays."""
        with self._lock:
            arrays = [a for v in self._cache.values() for a in (v if isinstance(v, tuple) else (v,))]
            arrays += list(self._lengths.values())
        return sum(a.nbytes for a in arrays if a.flags.owndata)  # views of mapped files: shared

    def _read_positions(self, field: str, btext: bytes) -> np.ndarray:
        keys = [_position_keys(block_ids + offset, values)
                for offset, block_ids, _, values in self._blocks(field, btext, True)]
        return np.sort(np.concatenate(keys)) if keys else np.zeros(0, np.int64)
