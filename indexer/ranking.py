"""Whoosh's own matches and BM25F scores for a parsed query, computed with numpy.

Whoosh stays the index: postings, statistics (idf, average field length), the scoring
formula (whoosh.scoring.bm25) and stored fields all come from it. What this replaces is
its per-document Python matcher loop, which at 100,000 passages costs seconds for a
common word. Each term's postings are read once into numpy arrays (an LRU cache per
index generation); a query tree made of terms, AND, OR, NOT, slop-1 phrases, prefixes,
ranges and field terms is then evaluated over dense per-document arrays: the exact set
of matching documents and the score Whoosh gives each. Any other node raises
Unsupported and the caller asks Whoosh instead.
"""
from __future__ import annotations

import threading
from collections import OrderedDict

import numpy as np
from whoosh import query as wq
from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.matching import FilterMatcher
from whoosh.scoring import BM25F

CACHED_TERMS = 4096  # postings arrays kept per generation (a common term: ~1 MB)
POSITION_BITS = 32  # phrase keys are (docnum << 32) | position


class Unsupported(Exception):
    """A query node (or weighting model) this module does not evaluate."""


class Postings:
    """One generation's term postings and field lengths as numpy arrays."""

    def __init__(self, searcher):
        if type(searcher.weighting) is not BM25F:
            raise Unsupported("only BM25F scoring is reproduced")
        self.searcher, self.reader = searcher, searcher.reader()
        self.schema = searcher.schema
        self.size = self.reader.doc_count_all()
        self._lengths: dict[str, np.ndarray] = {}
        self._cache: OrderedDict = OrderedDict()
        self._lock = threading.Lock()

    def lengths(self, field: str) -> np.ndarray:
        """Field length of every document, as Whoosh's scorer reads it."""
        if field not in self._lengths:
            length = self.reader.doc_field_length
            self._lengths[field] = np.fromiter(
                (length(d, field, 1) or 0 for d in range(self.size)), np.float64, self.size)
        return self._lengths[field]

    def term(self, field: str, btext: bytes) -> tuple[np.ndarray, np.ndarray]:
        """(docnums, weights) of one term, docnums ascending."""
        return self._cached((field, btext, "weights"), self._read_weights)

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
            if (field, btext) not in leaf:
                continue
            m = leaf.postings(field, btext)
            if isinstance(m, FilterMatcher):  # deleted documents: the live mask drops them
                m = m.child
            if not isinstance(m, W3LeafMatcher):  # short, inlined posting list
                items = list(zip(*_walk(m, values)))
                yield offset, items[0], items[1], items[2] if values else ()
                continue
            while m.is_active():  # one posting block at a time, as stored
                m._read_ids()
                m._read_weights()
                if values:
                    m._read_values()
                yield offset, m._ids, m._weights, m._values if values else ()
                m._next_block()

    def _read_weights(self, field: str, btext: bytes):
        ids, weights = [], []
        for offset, block_ids, block_weights, _ in self._blocks(field, btext, False):
            ids.append(np.asarray(block_ids, dtype=np.int64) + offset)
            weights.append(np.asarray(block_weights, dtype=np.float64))
        if not ids:
            return np.zeros(0, np.int64), np.zeros(0, np.float64)
        return np.concatenate(ids), np.concatenate(weights)

    def _read_positions(self, field: str, btext: bytes) -> np.ndarray:
        decode, keys = self.schema[field].format.decode_positions, []
        for offset, block_ids, _, values in self._blocks(field, btext, True):
            for docnum, value in zip(block_ids, values):
                base = (docnum + offset) << POSITION_BITS
                keys.extend(base + p for p in decode(value))
        return np.array(sorted(keys), dtype=np.int64)


def _walk(m, values: bool):
    while m.is_active():
        yield m.id(), m.weight(), (m.value() if values else None)
        m.next()


class Evaluator:
    """Evaluate one parsed query: dense (mask, scores) arrays over all documents."""

    def __init__(self, postings: Postings, column_masks=None):
        self.p, self.size = postings, postings.size
        self.column_masks = column_masks  # (field, values predicate) -> mask, or None
        self.weighting = postings.searcher.weighting

    def run(self, q: wq.Query) -> tuple[np.ndarray, np.ndarray]:
        if isinstance(q, wq.Every):
            return np.ones(self.size, bool), np.full(self.size, q.boost, np.float64)
        if isinstance(q, wq.Term):
            return self._term(q)
        if isinstance(q, wq.And):
            return self._and(q)
        if isinstance(q, wq.Or) and not q.minmatch and not q.scale:
            return self._or(q.subqueries, q.boost)
        if isinstance(q, wq.Phrase) and q.slop == 1:
            return self._phrase(q)
        if isinstance(q, wq.Prefix) and q.text:
            words = list(self.p.reader.expand_prefix(q.fieldname, q.text))
            return self._or([wq.Term(q.fieldname, w) for w in words], q.boost)
        if isinstance(q, (wq.NumericRange, wq.TermRange)) and q.constantscore:
            mask = self._docs(q)
            return mask, np.where(mask, float(q.boost), 0.0)
        raise Unsupported(type(q).__name__)

    def _empty(self):
        return np.zeros(self.size, bool), np.zeros(self.size, np.float64)

    def _term(self, q: wq.Term):
        field = q.fieldname
        if field not in self.p.schema:
            return self._empty()
        try:
            btext = self.p.schema[field].to_bytes(q.text)
        except ValueError:
            return self._empty()
        if (field, btext) not in self.p.reader:
            return self._empty()
        ids, weights = self.p.term(field, btext)
        mask, scores = self._empty()
        mask[ids] = True
        scores[ids] = self._bm25(field, btext, ids, weights) * q.boost \
            if q.boost != 1.0 else self._bm25(field, btext, ids, weights)
        return mask, scores

    def _bm25(self, field: str, btext: bytes, ids, weights) -> np.ndarray:
        if not self.p.schema[field].scorable:
            return weights  # Whoosh's WeightScorer
        w, searcher = self.weighting, self.p.searcher
        idf = searcher.idf(field, btext)
        avgfl = searcher.avg_field_length(field) or 1
        b, k1 = w._field_B.get(field, w.B), w.K1
        fl = self.p.lengths(field)[ids]
        return idf * ((weights * (k1 + 1)) / (weights + k1 * ((1 - b) + b * fl / avgfl)))

    def _and(self, q: wq.And):
        positive = [s for s in q.subqueries if not isinstance(s, wq.Not)]
        if not positive:
            raise Unsupported("And of only negations")
        mask, scores = self.run(positive[0])
        for sub in positive[1:]:
            sub_mask, sub_scores = self.run(sub)
            mask &= sub_mask
            scores += sub_scores
        for sub in q.subqueries:
            if isinstance(sub, wq.Not):
                mask &= ~self.run(sub.query)[0]
        return mask, self._boosted(mask, scores, q.boost)

    def _or(self, subqueries, boost: float):
        if any(isinstance(s, wq.Not) for s in subqueries):
            raise Unsupported("Or with a negation")
        mask, scores = self._empty()
        for sub in subqueries:
            sub_mask, sub_scores = self.run(sub)
            mask |= sub_mask
            scores += sub_scores
        return mask, self._boosted(mask, scores, boost)

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
        keys = None
        for shift, word in enumerate(q.words):
            found = self.p.positions(field, self.p.schema[field].to_bytes(word))
            found = found[mask[found >> POSITION_BITS]] - shift
            keys = found if keys is None else np.intersect1d(keys, found, assume_unique=True)
        phrase = np.zeros(self.size, bool)
        phrase[np.unique(keys >> POSITION_BITS)] = True
        return phrase, self._boosted(phrase, scores, q.boost)

    def _docs(self, q: wq.Query) -> np.ndarray:
        mask = np.zeros(self.size, bool)
        if self.column_masks is not None:
            found = self.column_masks(q)
            if found is not None:
                return found
        mask[np.fromiter(self.p.searcher.docs_for_query(q), dtype=np.int64)] = True
        return mask


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
