"""Whoosh's own matches and BM25F scores for a parsed query, computed with numpy.

Whoosh stays the index: postings, statistics (idf, average field length), the scoring
formula (whoosh.scoring.bm25) and stored fields all come from it. What this replaces is
its per-document Python matcher loop, which at 100,000 passages costs seconds for a
common word. Each term's postings are read once into numpy arrays (an LRU cache per
index generation); a query tree made of terms, AND, OR, NOT, ANDMAYBE, phrases (any
slop), prefixes, ranges and field terms is then evaluated over dense per-document
arrays: the exact set of matching documents and the score Whoosh's matchers give each
(bench/scale/exactness.py checks both). Any other node raises Unsupported and the
caller asks Whoosh instead.

Roles: TermCache holds one generation's arrays; Postings reads a term's postings and the
field lengths from the generation's memory-mapped arrays (indexer.index.mapped, shared by
every worker) or, for what they lack, out of Whoosh's files; Evaluator walks a query
tree over dense arrays; top() picks the best-scored documents.

Whoosh internals it reads (whoosh-reloaded 2.7.5, decision 0001), none of them public API:
- the W3 codec: `whoosh.codec.whoosh3.W3LeafMatcher` and its block state (`_read_data`,
  `_data`, `_byteids`, `_next_block`, `_read_values`, `_values`), `LENGTHS_COLUMN`;
- a segment reader's per-document store: `leaf._perdoc.has_column/column_reader` of the
  `_<field>_len` columns, and a column's `_fixedlen`, `_dbfile`, `_basepos`, `_count`;
- `whoosh.matching.FilterMatcher.child` (postings with deleted documents),
  `whoosh.system._INT_SIZE` and `whoosh.util.numeric.byte_to_length` (length bytes);
- the scorer: a plain `whoosh.scoring.BM25F` object's `B`, `K1`, `_field_B` and the
  searcher's `idf()` and `avg_field_length()`.
When they change: a name that is gone fails the import of this module (and so every
search) with an ImportError naming it, so a fork or version change shows at once; an
attribute that is gone or means something else makes the evaluator raise, and
SearchIndex falls back to Whoosh's own matchers for that query (exact, slower) and logs
it once. A change that keeps the names but alters what they hold (block layout, length
encoding) gives wrong scores silently: after any Whoosh change run
`python -m bench.scale.exactness INDEX_DIR`, which compares matches, order and scores with
Whoosh's own. The build fingerprint includes the Whoosh version, so indexes are rebuilt.
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from itertools import chain
from pickle import loads

import numpy as np
from whoosh import query as wq
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3LeafMatcher
from whoosh.matching import FilterMatcher
from whoosh.scoring import BM25F
from whoosh.system import _INT_SIZE
from whoosh.util.numeric import byte_to_length

CACHED_TERMS = 4096  # postings arrays kept per generation (a common term: ~1 MB)
POSITION_BITS = 32  # phrase keys are (docnum << 32) | position


class Unsupported(Exception):
    """A query node (or weighting model) this module does not evaluate."""


class TermCache:
    """Arrays read from one generation, shared by every thread's Postings of it: an LRU
    of term postings and the field lengths. Only the dictionaries are locked; reading
    happens outside the lock (two threads may read the same term once each)."""

    def __init__(self):
        self.entries: OrderedDict = OrderedDict()
        self.lengths: dict[str, np.ndarray] = {}
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
        self._mapped = mapped or {}  # segment id -> indexer.index.mapped.SegmentArrays

    @classmethod
    def open(cls, searcher, cache: TermCache | None = None,
             mapped: dict | None = None) -> "Postings | None":
        """Postings of the searcher's index, or None if its weighting is not plain BM25F."""
        try:
            return cls(searcher, cache, mapped)
        except Unsupported:
            return None

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

    def lengths(self, field: str, ids: np.ndarray) -> np.ndarray:
        """Field lengths of the documents `ids`, as Whoosh's scorer reads them."""
        return _LENGTH_OF_BYTE[self.length_codes(field)[ids]]

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
        for leaf, offset in self.reader.leaf_readers():
            if (field, btext) not in leaf:
                continue
            arrays = self._arrays(leaf)
            found = None if arrays is None else arrays.term(
                field, btext, leaf.doc_frequency(field, btext))
            if found is None:
                return None
            ids.append(found[0] + np.int32(offset) if offset else found[0])
            weights.append(found[1])
        if not ids:
            return np.zeros(0, np.int32), np.zeros(0, np.float32)
        if len(ids) == 1:
            return ids[0], weights[0]
        return np.concatenate(ids), np.concatenate(weights)

    def positions(self, field: str, btext: bytes) -> np.ndarray:
        """Sorted keys (docnum << 32 | position) of every occurrence of one term."""
        return self._cached((field, btext, "positions"), self._read_positions)

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


_LENGTH_OF_BYTE = np.array([byte_to_length(b) for b in range(256)], dtype=np.float64)


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


class Evaluator:
    """Evaluate one parsed query: dense (mask, scores) arrays over all documents."""

    def __init__(self, postings: Postings, column_masks=None, check=None):
        self.p, self.size = postings, postings.size
        self.column_masks = column_masks  # range query -> mask from facet columns, or None
        self.weighting = postings.searcher.weighting
        self.check = check  # called before each node: raises when the request's time is up

    def run(self, q: wq.Query) -> tuple[np.ndarray, np.ndarray]:
        if self.check is not None:
            self.check()
        if q is wq.NullQuery:
            return self._empty()
        if isinstance(q, wq.Every) and q.fieldname in (None, "*"):
            return np.ones(self.size, bool), np.full(self.size, q.boost, np.float64)
        if isinstance(q, wq.Term):
            return self._term(q)
        if isinstance(q, wq.Not):  # Whoosh's InverseMatcher: every other document, score 1
            mask = ~self.run(q.query)[0]
            return mask, np.where(mask, 1.0, 0.0)
        if isinstance(q, wq.And):
            return self._and(q)
        if isinstance(q, wq.Or) and not q.minmatch and not q.scale:
            return self._or(q.subqueries, q.boost)
        if isinstance(q, wq.Phrase) and q.slop >= 1:
            return self._phrase(q)
        if isinstance(q, (wq.AndMaybe, wq.AndNot, wq.Require)):
            return self._binary(q)
        if isinstance(q, wq.Prefix) and q.text:
            words = list(self.p.reader.expand_prefix(q.fieldname, q.text))
            return self._or([wq.Term(q.fieldname, w) for w in words], q.boost)
        if isinstance(q, wq.ConstantScoreQuery):  # an expanded wildcard Whoosh scores as 1
            mask = self.run(q.child)[0]
            return mask, np.where(mask, float(q.score), 0.0)
        if isinstance(q, (wq.NumericRange, wq.TermRange)) and q.constantscore:
            mask = self._docs(q)
            return mask, np.where(mask, float(q.boost), 0.0)
        raise Unsupported(type(q).__name__)

    def _empty(self):
        return np.zeros(self.size, bool), np.zeros(self.size, np.float64)

    def _term(self, q: wq.Term):
        ids, values = self._sparse_term(q)
        mask, scores = self._empty()
        mask[ids] = True
        scores[ids] = values
        return mask, scores

    def _sparse_term(self, q: wq.Term) -> tuple[np.ndarray, np.ndarray]:
        """(docnums, scores) of one term's postings."""
        field = q.fieldname
        nothing = np.zeros(0, np.int32), np.zeros(0, np.float64)
        if field not in self.p.schema:
            return nothing
        try:
            btext = self.p.schema[field].to_bytes(q.text)
        except ValueError:
            return nothing
        if (field, btext) not in self.p.reader:
            return nothing
        ids, weights = self.p.term(field, btext)
        scores = self._bm25(field, btext, ids, weights)
        return ids, (scores * q.boost if q.boost != 1.0 else scores)

    def _or_of_terms(self, terms, boost: float):
        """An OR of many plain terms (an expanded wildcard), summed sparsely: each document's
        scores are added in the same order as the dense loop adds them."""
        if self.check is not None:
            self.check()
        parts = [self._sparse_term(t) for t in terms]
        ids = np.concatenate([p[0] for p in parts]) if parts else np.zeros(0, np.int32)
        mask = np.zeros(self.size, bool)
        mask[ids] = True
        scores = np.bincount(ids, np.concatenate([p[1] for p in parts]) if parts else None,
                             minlength=self.size).astype(np.float64)
        return mask, self._boosted(mask, scores, boost)

    def _bm25(self, field: str, btext: bytes, ids, weights) -> np.ndarray:
        if not self.p.schema[field].scorable:
            return weights.astype(np.float64)  # Whoosh's WeightScorer
        w, searcher = self.weighting, self.p.searcher
        idf = searcher.idf(field, btext)
        avgfl = searcher.avg_field_length(field) or 1
        b, k1 = w._field_B.get(field, w.B), w.K1
        fl = self.p.lengths(field, ids)
        weights = weights.astype(np.float64)
        return idf * ((weights * (k1 + 1)) / (weights + k1 * ((1 - b) + b * fl / avgfl)))

    def _and(self, q: wq.And):
        mask, scores = self.run(q.subqueries[0])
        for sub in q.subqueries[1:]:
            sub_mask, sub_scores = self.run(sub)
            mask &= sub_mask
            scores += sub_scores
        return mask, self._boosted(mask, scores, q.boost)

    def _or(self, subqueries, boost: float):
        if len(subqueries) > 8 and all(type(q) is wq.Term for q in subqueries):
            return self._or_of_terms(subqueries, boost)
        mask, scores = self._empty()
        for sub in subqueries:
            sub_mask, sub_scores = self.run(sub)
            mask |= sub_mask
            scores += sub_scores
        return mask, self._boosted(mask, scores, boost)

    def _binary(self, q):
        """a ANDMAYBE b (score a + b where b matches), a ANDNOT b and a REQUIRE b (score a)."""
        mask, scores = self.run(q.a)
        b_mask, b_scores = self.run(q.b)
        if isinstance(q, wq.AndMaybe):
            scores += np.where(mask & b_mask, b_scores, 0.0)
        else:
            mask &= ~b_mask if isinstance(q, wq.AndNot) else b_mask
        return mask, self._boosted(mask, scores, 1.0)

    @staticmethod
    def _boosted(mask, scores, boost: float):
        scores[~mask] = 0.0
        return scores * boost if boost != 1.0 else scores

    def _phrase(self, q: wq.Phrase):
        field = q.fieldname
        if field not in self.p.schema or not self.p.schema[field].format.supports("positions"):
            raise Unsupported("phrase on a field without positions")
        terms = [wq.Term(field, word) for word in q.words]
        if len(terms) == 1:
            return self.run(wq.Term(field, q.words[0], boost=q.boost))
        mask, scores = self._and(wq.And(terms))
        if not mask.any():
            return mask, scores
        ends = None  # where a chain of the words so far can end (SpanNear2, ordered)
        for word in q.words:
            found = self.p.positions(field, self.p.schema[field].to_bytes(word))
            found = found[mask[found >> POSITION_BITS]]
            ends = found if ends is None else _follows(found, ends, q.slop)
        phrase = np.zeros(self.size, bool)
        phrase[np.unique(ends >> POSITION_BITS)] = True
        return phrase, self._boosted(phrase, scores, q.boost)

    def _docs(self, q: wq.Query) -> np.ndarray:
        mask = np.zeros(self.size, bool)
        if self.column_masks is not None:
            found = self.column_masks(q)
            if found is not None:
                return found
        mask[np.fromiter(self.p.searcher.docs_for_query(q), dtype=np.int64)] = True
        return mask


def _follows(keys: np.ndarray, ends: np.ndarray, slop: int) -> np.ndarray:
    """The keys that stand 1 to `slop` positions after one of `ends`, in the same document
    (both sorted; a document's keys are 2**32 apart from the next one's)."""
    if ends.size == 0 or keys.size == 0:
        return keys[:0]
    before = np.searchsorted(ends, keys - 1, side="right") - 1
    ok = before >= 0
    ok[ok] &= ends[before[ok]] >= keys[ok] - slop
    return keys[ok]


def top(scores: np.ndarray, candidates: np.ndarray, limit: int) -> list[tuple[int, float]]:
    """The `limit` best (docnum, score) among candidate docnums (ascending), ordered as
    Whoosh's collector orders them: higher score first, then lower docnum."""
    if limit <= 0 or candidates.size == 0:
        return []
    values = scores[candidates]
    if candidates.size > limit:
        cut = np.partition(values, candidates.size - limit)[candidates.size - limit]
        keep = values >= cut
        candidates, values = candidates[keep], values[keep]
    order = np.lexsort((candidates, -values))[:limit]
    return [(int(candidates[i]), float(values[i])) for i in order]
