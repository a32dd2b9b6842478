"""The documents of one segment where the words of a phrase stand one after another
(slop 1), read from the segment's memory-mapped arrays (docs/decisions/0049-common-word-pairs.md).

The phrase is covered by pieces, each a word (its postings and positions) or a pair of
adjacent common words (indexer.index.pairs), chosen so the positions read are fewest.
The documents holding every piece are found first from the pieces' postings (a binary
search from the shortest list); a phrase of two common words is then its pair's
postings, read without a position. Otherwise each piece's positions are read only in
those documents, shortest first, and the places where every piece stands at its offset
in the phrase are kept: the same documents as following each word's positions from the
first (indexer.search.evaluator), since a pair stands at p exactly where its first word
stands at p and its second at p + 1. A cover of words alone (no pair kept for them) is
left to that path, which costs no more when most documents hold every word.
"""
from __future__ import annotations

from typing import NamedTuple

import numpy as np

BITS = 32  # keys are docnum << 32 | position, as indexer.index.postings builds them


class Piece(NamedTuple):
    start: int  # the offset in the phrase of its (first) word
    width: int  # 1: a word, 2: a pair
    source: object  # its indexer.index.positions.Positions
    slot: int  # its index in the source
    first: int  # where its postings start
    docnums: np.ndarray  # its postings, segment-local, ascending
    cost: int  # its positions in the segment


def segment_docs(arrays, slots: list[int]) -> np.ndarray | None:
    """Segment-local docnums (ascending) where the terms in `slots` of the segment's
    arrays (indexer.index.mapped.SegmentArrays, with positions) stand one after another;
    None when no pair is kept for them (the words' positions are then followed from the
    first, as before the pairs: as fast or faster when most documents hold every word)."""
    pieces = _cover(arrays, slots)
    if pieces is None:
        return np.zeros(0, np.int32)
    if all(piece.width == 1 for piece in pieces):
        return None
    pieces.sort(key=lambda p: p.cost)
    docs = np.asarray(pieces[0].docnums)
    for piece in pieces[1:]:
        docs = docs[_present(np.asarray(piece.docnums), docs)[0]]
    if len(pieces) == 1 and pieces[0].width == len(slots):
        return docs  # one pair is the whole phrase
    places = None  # keys of where the phrase can start
    for piece in pieces:
        if not docs.size:
            break
        piece_docs = np.asarray(piece.docnums)
        at = np.searchsorted(piece_docs, docs.astype(piece_docs.dtype, copy=False))
        counts, found = piece.source.at(piece.slot, piece.first, piece_docs.size, at)
        keys = (np.repeat(docs.astype(np.int64), counts) << BITS) + found
        if piece.start:
            keys = keys[found >= piece.start] - piece.start
        places = keys if places is None else places[_present(keys, places)[0]]
        docs = _documents(places)
    return docs.astype(np.int32)


def _cover(arrays, slots: list[int]) -> list[Piece] | None:
    """The pieces covering every word of the phrase whose positions add up least (a word
    stands for itself; a kept pair for two), or None: a kept pair that never occurs."""
    pairs, nterms = arrays.pairs, arrays.terms.size
    words = [_word(arrays, i, slot) for i, slot in enumerate(slots)]
    kept = []
    for i in range(len(slots) - 1):
        found = None if pairs is None else pairs.find(slots[i], slots[i + 1], nterms)
        if found == -1:
            return None
        kept.append(None if found is None else _pair(pairs, i, found))
    # best[j]: the cheapest pieces covering words 0..j-1 exactly (pieces may overlap)
    best: list[tuple[int, list[Piece]]] = [(0, [])]
    for j in range(1, len(slots) + 1):
        cost, chosen = best[j - 1]
        options = [(cost + words[j - 1].cost, chosen + [words[j - 1]])]
        pair = kept[j - 2] if j >= 2 else None
        if pair is not None:
            for before in (best[j - 2], best[j - 1]):
                options.append((before[0] + pair.cost, before[1] + [pair]))
        best.append(min(options, key=lambda option: option[0]))
    return best[-1][1]


def _word(arrays, start: int, slot: int) -> Piece:
    first, end = int(arrays.starts[slot]), int(arrays.starts[slot + 1])
    return Piece(start, 1, arrays.positions, slot, first, arrays.docnums[first:end],
                 arrays.positions.occurrences(slot))


def _pair(pairs, start: int, index: int) -> Piece:
    first, end = int(pairs.starts[index]), int(pairs.starts[index + 1])
    return Piece(start, 2, pairs.positions, index, first, pairs.docnums[first:end],
                 pairs.positions.occurrences(index))


def _present(within: np.ndarray, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(which of `values` are in `within`, where); both ascending, `within` unique."""
    at = np.searchsorted(within, values)
    found = at < within.size
    found[found] = within[at[found]] == values[found]
    return found, at


def _documents(keys: np.ndarray) -> np.ndarray:
    """The documents of ascending keys, once each."""
    docs = keys >> BITS
    if docs.size:
        docs = docs[np.concatenate(([True], docs[1:] != docs[:-1]))]
    return docs
