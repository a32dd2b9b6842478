"""Common-word pairs of each segment ("common grams", as Lucene's CommonGramsFilter): where
two words of the segment's commonest stand one after the other in a phrase field, the
pair's postings and positions, memory-mapped beside the words' own
(docs/decisions/0049-common-word-pairs.md). A phrase of common words then reads a pair's
short list instead of each word's long one (indexer.index.phrase_docs).

Files, in `<generation>/mapped/<segment id>/`, derived from the segment's position arrays
(indexer.index.positions) when it is written, so a pair's matches are the words':
- `pair_words.npy`: int64, ascending: the slots (in `terms.npy`) of the common words, the
  terms of a phrase field in at least COMMON_SHARE of the segment's documents whose
  positions are kept; a pair of two of them that is not in `pair_terms.npy` never occurs;
- `pair_terms.npy`: uint64, ascending: `first slot * len(terms.npy) + second slot`;
- `pair_starts.npy` (int64, one a pair and one more), `pair_docnums.npy` (int32,
  segment-local, ascending per pair): each pair's postings, deleted documents included as
  in `docnums.npy`;
- `pair_position_counts.npy`, `pair_position_starts.npy`, `pair_positions.npy`: the pair's
  positions (those of its first word), laid out as indexer.index.positions lays a term's.
"""
from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from indexer.index import positions

PREFIX = "pair_"
WORDS, TERMS, STARTS, DOCNUMS = (PREFIX + n for n in ("words.npy", "terms.npy", "starts.npy",
                                                       "docnums.npy"))
FIELDS = ("exact", "exact_heading", "text")  # quoted phrases; vocabulary alternatives (0050)
COMMON_SHARE = 0.02  # a word in this share of a segment's documents is common there
CHUNK_DOCS = 1 << 16  # documents whose pairs are found at a time (bounded memory)
RUN = PREFIX + "run-{}-{}.npy"  # a chunk's pairs, spilled until every chunk is known


def write(leaf, directory: Path, key, chunk_docs: int = CHUNK_DOCS) -> None:
    """The pair files of the segment `leaf` (a Whoosh segment reader) into `directory`,
    which already holds its term, posting and position arrays (indexer.index.mapped).
    `key(field, btext)` is mapped.key. The same function writes them at build time and
    into an older generation (bench.scale.add_pairs)."""
    terms = np.load(directory / "terms.npy")
    starts = np.load(directory / "starts.npy")
    found = positions.Positions(directory)
    docnums = np.load(directory / "docnums.npy", mmap_mode="r")
    size = leaf.doc_count_all()
    common = _common(leaf, key, directory)  # field -> slots
    np.save(directory / WORDS, _listed(common))
    chunks = list(range(0, size, chunk_docs)) + [size]
    bounds = {slot: _bounds(slot, starts, docnums, found, chunks)
              for slots in common.values() for slot in slots}
    runs = [_chunk(list(common.values()), bounds, c, docnums, found, terms.size, directory)
            for c in range(len(chunks) - 1)]
    _lay_out(directory, runs, found.values.dtype)


def written_as_now(leaf, directory: Path, key) -> bool:
    """Whether the segment's pair files list the common words this version chooses (a
    generation written while FIELDS had fewer fields lists fewer: bench.scale.add_pairs
    writes them again)."""
    return (directory / WORDS).is_file() and np.array_equal(
        np.load(directory / WORDS), _listed(_common(leaf, key, directory)))


def _listed(common: dict[str, list[int]]) -> np.ndarray:
    return np.array(sorted(s for f in common.values() for s in f), np.int64)


def _common(leaf, key, directory: Path) -> dict[str, list[int]]:
    """Slots of each phrase field's terms in at least COMMON_SHARE of the documents whose
    postings and positions the segment's arrays hold in full."""
    terms, starts = np.load(directory / "terms.npy"), np.load(directory / "starts.npy")
    collided = set(np.load(directory / "collided.npy").tolist())
    found = positions.Positions(directory)
    floor = max(1.0, COMMON_SHARE * leaf.doc_count_all())
    slots: dict[str, list[int]] = {}
    for field, btext in leaf.all_terms():
        if field not in FIELDS:
            continue
        k = key(field, btext)
        slot = int(np.searchsorted(terms, np.uint64(k)))
        if slot == terms.size or int(terms[slot]) != k or k in collided:
            continue
        frequency = int(starts[slot + 1] - starts[slot])
        if frequency >= floor and frequency == leaf.doc_frequency(field, btext) \
                and found.starts[slot + 1] > found.starts[slot]:
            slots.setdefault(field, []).append(slot)
    return {field: sorted(found) for field, found in sorted(slots.items())}


def _bounds(slot, starts, docnums, found, chunks) -> tuple[np.ndarray, np.ndarray]:
    """Where each chunk of documents starts in the word's postings and positions."""
    first, end = int(starts[slot]), int(starts[slot + 1])
    at = np.searchsorted(np.asarray(docnums[first:end]), chunks)
    counts = np.asarray(found.counts[first:end], np.int64)
    ends = np.concatenate(([0], np.cumsum(counts))) + int(found.starts[slot])
    return at + first, ends[at]


def _chunk(fields, bounds, c, docnums, found, nterms, directory: Path) -> Path:
    """The pairs of the common words in chunk `c` of the documents, field by field,
    sorted by pair, then document, then position, spilled to a file: (pair id, docnum,
    position) rows."""
    pairs, places = [np.zeros(0, np.int64)], [np.zeros(0, np.int64)]
    for slots in fields:
        keys, of = [], []
        for slot in slots:
            at, ends = bounds[slot]
            a, b = int(at[c]), int(at[c + 1])
            counts = np.asarray(found.counts[a:b], np.int64)
            docs = np.repeat(np.asarray(docnums[a:b], np.int64), counts)
            keys.append((docs << 32) + np.asarray(found.values[int(ends[c]):int(ends[c + 1])]))
            of.append(np.full(docs.size, slot, np.int64))
        keys, of = np.concatenate(keys), np.concatenate(of)
        order = np.argsort(keys, kind="stable")
        keys, of = keys[order], of[order]
        first, second = _next_to(keys)
        pairs.append(of[first] * nterms + of[second])
        places.append(keys[first])
    pair, at = np.concatenate(pairs), np.concatenate(places)
    order = np.argsort(pair, kind="stable")  # a pair's places stay in document order
    at = at[order]
    path = directory / RUN.format(os.getpid(), c)
    np.save(path, np.stack([pair[order], at >> 32, at & 0xFFFFFFFF]))
    return path


def _next_to(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(i, j) of every two of the sorted `keys` where j's stands at the next position of
    i's document, i's ascending: with two words at one position (`text` stacks a joined
    compound on its first part: "multiagency" and "multi", then "agency"), each of them
    with each at the next."""
    starts = np.flatnonzero(np.concatenate(([True], keys[1:] != keys[:-1])))
    sizes = np.diff(np.append(starts, keys.size))
    group = np.flatnonzero(keys[starts[1:]] == keys[starts[:-1]] + 1)  # next key follows
    mine, next_sizes = sizes[group], sizes[group + 1]
    first = positions.runs(starts[group], mine)  # each of a position's words ...
    times = np.repeat(next_sizes, mine)
    second = positions.runs(np.repeat(starts[group + 1], mine), times)  # ... with each next
    return np.repeat(first, times), second


def _lay_out(directory: Path, runs: list[Path], dtype) -> None:
    """Every chunk's pairs into the pair files: pairs ascending, then documents (chunks
    come in document order), then positions."""
    loaded = [np.load(path, mmap_mode="r") for path in runs]
    heads = [_heads(run) for run in loaded]
    pairs = np.unique(np.concatenate([h[0] for h in heads] + [np.zeros(0, np.int64)]))
    postings, occurrences = np.zeros(pairs.size + 1, np.int64), np.zeros(pairs.size + 1, np.int64)
    for ids, posting_counts, occurrence_counts, _ in heads:
        where = np.searchsorted(pairs, ids) + 1
        postings[where] += posting_counts
        occurrences[where] += occurrence_counts
    postings, occurrences = np.cumsum(postings), np.cumsum(occurrences)
    array = positions.new_array
    docnums = array(directory / DOCNUMS, np.int32, int(postings[-1]))
    counts = array(directory / (PREFIX + positions.COUNTS), np.uint16, int(postings[-1]))
    values = array(directory / (PREFIX + positions.POSITIONS), dtype, int(occurrences[-1]))
    filled_postings, filled = postings[:-1].copy(), occurrences[:-1].copy()
    for run, (ids, posting_counts, occurrence_counts, new) in zip(loaded, heads):
        where = np.searchsorted(pairs, ids)
        run = np.asarray(run)
        rows = positions.runs(filled[where], occurrence_counts)
        values[rows] = run[2]
        firsts = np.flatnonzero(new)
        places = positions.runs(filled_postings[where], posting_counts)
        docnums[places] = run[1][firsts]
        counts[places] = np.diff(np.append(firsts, run.shape[1]))
        filled[where] += occurrence_counts
        filled_postings[where] += posting_counts
    for written in (docnums, counts, values):
        if isinstance(written, np.memmap):
            written.flush()
    np.save(directory / TERMS, pairs.astype(np.uint64))
    np.save(directory / STARTS, postings)
    np.save(directory / (PREFIX + positions.STARTS), occurrences)
    del docnums, counts, values, loaded
    for path in runs:
        os.unlink(path)


def _heads(run) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(pair ids, postings of each, occurrences of each, where a posting begins) of a run."""
    pair, docs = np.asarray(run[0]), np.asarray(run[1])
    if not pair.size:
        empty = np.zeros(0, np.int64)
        return empty, empty, empty, np.zeros(0, bool)
    new_pair = np.concatenate(([True], pair[1:] != pair[:-1]))
    new = new_pair | np.concatenate(([True], docs[1:] != docs[:-1]))
    firsts = np.flatnonzero(new_pair)
    occurrence_counts = np.diff(np.append(firsts, pair.size))
    posting_counts = np.add.reduceat(new.astype(np.int64), firsts)
    return pair[firsts], posting_counts, occurrence_counts, new


class Pairs:
    """One segment's pair arrays, memory-mapped read-only."""

    def __init__(self, path: Path):
        load = lambda name: np.asarray(np.load(path / name, mmap_mode="r"))  # noqa: E731
        self.words, self.terms = np.load(path / WORDS), load(TERMS)
        self.starts, self.docnums = load(STARTS), load(DOCNUMS)
        self.positions = positions.Positions(path, PREFIX)
        self.files = [self.terms, self.starts, self.docnums, *self.positions.files]

    @classmethod
    def open(cls, path: Path) -> "Pairs | None":
        """The segment's pairs, or None for a segment written without them."""
        return cls(path) if (path / WORDS).is_file() else None

    def find(self, first: int, second: int, nterms: int) -> int | None:
        """The index of the pair of slots (`first`, `second`): -1 if both words are common
        and never stand so, None if the pair is not kept (a word not common here)."""
        words = self.words
        for slot in (first, second):
            i = int(np.searchsorted(words, slot))
            if i == words.size or int(words[i]) != slot:
                return None
        k = np.uint64(first * nterms + second)
        i = int(np.searchsorted(self.terms, k))
        return i if i < self.terms.size and self.terms[i] == k else -1
