"""Whoosh's own matches and BM25F scores for a parsed query, computed with numpy.

Whoosh stays the index: postings, statistics (idf, average field length), the scoring
formula (whoosh.scoring.bm25) and stored fields all come from it. What this replaces is
its per-document Python matcher loop, which at 100,000 passages costs seconds for a
common word. Each term's postings come as numpy arrays (indexer.search.postings: mapped
files shared by every worker, or Whoosh's blocks decoded once); a query tree made of terms, AND, OR, NOT, ANDMAYBE, phrases (any
slop), prefixes, ranges and field terms is then evaluated over dense per-document
arrays: the exact set of matching documents and the score Whoosh's matchers give each
(bench/scale/exactness.py checks both). Any other node raises Unsupported and the
caller asks Whoosh instead.

Roles: indexer.search.postings gives a term's postings and the field lengths as arrays;
Evaluator walks a query tree over dense arrays; top() picks the best-scored documents.

Whoosh internals it reads (whoosh-reloaded 2.7.5, decision 0001), none of them public API:
those of indexer.search.postings (the W3 codec's block state, the length columns), and
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

import numpy as np
from whoosh import query as wq

from indexer.search.postings import POSITION_BITS, Postings, Unsupported


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
