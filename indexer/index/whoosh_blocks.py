"""Whoosh's posting blocks, length columns and position values decoded with numpy: what
indexer.index.postings reads for a term a segment's mapped arrays lack, and what the
build reads a committed segment through (indexer.index.mapped, positions). The Whoosh
internals read here are listed in indexer.index.postings.
"""
from __future__ import annotations

from itertools import chain
from pickle import loads

import numpy as np
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3LeafMatcher
from whoosh.matching import FilterMatcher
from whoosh.system import _INT_SIZE
from whoosh.util.numeric import byte_to_length

POSITION_BITS = 32  # phrase keys are (docnum << 32) | position


def leaf_blocks(leaf, field: str, btext: bytes, values: bool):
    """(ids, weights, values) per posting block of a term one segment holds (segment-local
    docnums, deleted documents included: the live mask drops them)."""
    m = leaf.postings(field, btext)
    if isinstance(m, FilterMatcher):
        m = m.child
    if not isinstance(m, W3LeafMatcher):  # short, inlined posting list
        ids, weights, found = zip(*_walk(m, values))
        yield np.array(ids, np.int64), np.array(weights, np.float64), found
        return
    while m.is_active():  # one posting block at a time, as stored
        yield _block_arrays(m) + (_block_values(m) if values else (),)
        m._next_block()


def leaf_length_codes(leaf, field: str) -> np.ndarray:
    """One segment's length column (one byte a document, decoded with Whoosh's own
    byte_to_length table by Postings.lengths; a missing length reads as 0)."""
    size = leaf.doc_count_all()
    codes = np.zeros(size, np.uint8)  # the column's default: 0
    if not leaf._perdoc.has_column(f"_{field}_len"):
        return codes
    column = leaf._perdoc.column_reader(f"_{field}_len", LENGTHS_COLUMN)
    if getattr(column, "_fixedlen", None) == 1:  # one byte a document, read at once
        raw = column._dbfile.get(column._basepos, min(column._count, size))
        codes[:len(raw)] = np.frombuffer(raw, np.uint8)
    else:
        codes[:] = np.asarray(column.load(), np.uint8)
    return codes


def _block_arrays(m) -> tuple[np.ndarray, np.ndarray]:
    """Docnums and weights of the matcher's current block, decoded with numpy (Whoosh
    stores the docnums as deltas, the weights as floats, None for all 1.0)."""
    m._read_data()
    raw_ids, raw_weights = m._data[0], m._data[1]
    ids = np.asarray(raw_ids, np.int64) if m._byteids else np.cumsum(raw_ids, dtype=np.int64)
    if raw_weights is None or isinstance(raw_weights, float):
        weights = np.full(ids.size, 1.0 if raw_weights is None else raw_weights)
    else:
        weights = np.asarray(raw_weights, np.float64)
    return ids, weights


def _block_values(m):
    m._read_values()
    return m._values


LENGTH_OF_BYTE = np.array([byte_to_length(b) for b in range(256)], dtype=np.float64)


def _position_keys(docnums: np.ndarray, values) -> np.ndarray:
    """Keys (docnum << 32 | position) from Whoosh Positions values (a length, then the
    pickled position deltas), as formats.Positions.decode_positions reads them."""
    deltas = [loads(v[_INT_SIZE:] if v.endswith(b".") else v[_INT_SIZE:] + b".") for v in values]
    counts = np.fromiter(map(len, deltas), np.int64, len(deltas))
    flat = np.fromiter(chain.from_iterable(deltas), np.int64, int(counts.sum()))
    running = np.cumsum(flat)
    starts = np.cumsum(counts) - counts
    positions = running - np.repeat(running[starts] - flat[starts], counts)
    return (np.repeat(docnums, counts) << POSITION_BITS) + positions


def _walk(m, values: bool):
    while m.is_active():
        yield m.id(), m.weight(), (m.value() if values else None)
        m.next()
