"""Whoosh's own matches and BM25F scores for a parsed query, computed with numpy.

Whoosh stays the index: postings, statistics (idf, average field length), the scoring
formula (whoosh.scoring.bm25) and stored fields all come from it. What this replaces is
its per-document Python matcher loop, which at 100,000 passages costs seconds for a
common word. Each term's postings come as numpy arrays (indexer.index.postings: mapped
files shared by every worker, or Whoosh's blocks decoded once); a query tree made of
terms, AND, OR, NOT, ANDMAYBE, phrases (any slop), prefixes, ranges and field terms is
then evaluated, sparse (docnums and scores) where it can and over dense per-document
arrays where that is cheaper (docs/decisions/0030-sparse-search.md): the exact set of
matching documents and the score Whoosh's matchers give each, summed in the same order
in both forms (bench/scale/exactness.py checks both). Any other node raises Unsupported
and the caller asks Whoosh instead.

Roles: indexer.index.postings gives a term's postings and the field lengths as arrays;
Found is one node's matches, sparse or dense; Evaluator walks a query tree; top() and
best() pick the best-scored documents.

Whoosh internals it reads (whoosh-reloaded 2.7.5, decision 0001), none of them public API:
those of indexer.index.postings (the W3 codec's block state, the length columns), and
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

from indexer.search.conjunction import conjunction
from indexer.search.phrases import phrase
from indexer.search.scored import Found, folded, union
from indexer.index.postings import LENGTH_OF_BYTE, Postings, Unsupported

SPARSE_SHARE = 8  # an OR of sparse parts stays sparse below size / SPARSE_SHARE postings
FOLDED_PARTS = 4  # an OR of up to 4 sparse parts, all but the largest small: merged in turn
DIRECT_LOOKUPS = 4096  # an AND looks up at least this many ids (and 1/8 of a part) directly


class Evaluator:
    """Evaluate one parsed query: its matches and Whoosh's score of each.

    A term's postings stay sparse (docnums and scores), and so do the ANDs, phrases and
    ANDNOTs over them and ORs of few postings; an OR of many postings, NOT, every
    document and ranges are dense arrays over all documents (decision 0030). Both
    forms give the same documents and the same floating-point sums, added in the same
    order. `sparse_share=0` evaluates everything densely (the reference the tests compare
    with); `sparse_share=1` keeps every OR of sparse parts sparse."""

    def __init__(self, postings: Postings, column_masks=None, check=None,
                 sparse_share: int = SPARSE_SHARE, read: dict | None = None):
        self.p, self.size = postings, postings.size
        self.column_masks = column_masks  # range query -> mask from facet columns, or None
        self.weighting = postings.searcher.weighting
        self.check = check  # called before each node: raises when the request's time is up
        self.dense_only = sparse_share <= 0
        self.sparse_limit = self.size // sparse_share if sparse_share > 0 else -1
        # (field, term) -> its postings, read once per query (`read`: shared by the
        # evaluators of one request, which ask for the same words again)
        self._postings: dict = {} if read is None else read

    def run(self, q: wq.Query) -> tuple[np.ndarray, np.ndarray]:
        """(mask, scores) over every document."""
        found = self._dense(self.node(q))
        return found.mask, found.scores

    def matches(self, q: wq.Query, within: np.ndarray | None = None
                ) -> tuple[np.ndarray, np.ndarray]:
        """(ascending docnums of the matches, the score of each): those `within` a mask
        over every document, when given."""
        found = self.node(q)
        if found.sparse:  # intp: indexing by int32 docnums costs twice as much, each time
            ids, scores = found.ids.astype(np.intp, copy=False), found.scores
            if within is not None:
                keep = within[ids]
                ids, scores = ids[keep], scores[keep]
            return ids, scores
        ids = np.flatnonzero(found.mask if within is None else found.mask & within)
        return ids, found.scores[ids]

    def node(self, q: wq.Query) -> Found:
        found = self._node(q)
        return self._dense(found) if self.dense_only and found.sparse else found

    def _node(self, q: wq.Query) -> Found:
        if self.check is not None:
            self.check()
        if q is wq.NullQuery:
            return Found(np.zeros(0), np.zeros(0, np.int64))
        if isinstance(q, wq.Every) and q.fieldname in (None, "*"):
            return Found(np.full(self.size, q.boost, np.float64), mask=np.ones(self.size, bool))
        if isinstance(q, wq.Term):
            return self._term(q)
        if isinstance(q, wq.Not):  # Whoosh's InverseMatcher: every other document, score 1
            mask = ~self._dense(self.node(q.query)).mask
            return Found(np.where(mask, 1.0, 0.0), mask=mask)
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
            found = self.node(q.child)
            if found.sparse:
                return Found(np.full(found.ids.size, float(q.score)), found.ids)
            return Found(np.where(found.mask, float(q.score), 0.0), mask=found.mask)
        if isinstance(q, (wq.NumericRange, wq.TermRange)) and q.constantscore:
            mask = self._docs(q)
            return Found(np.where(mask, float(q.boost), 0.0), mask=mask)
        raise Unsupported(type(q).__name__)

    def _dense(self, found: Found) -> Found:
        if not found.sparse:
            return found
        mask, scores = np.zeros(self.size, bool), np.zeros(self.size, np.float64)
        mask[found.ids] = True
        scores[found.ids] = found.scores
        return Found(scores, mask=mask)

    def _term(self, q: wq.Term) -> Found:
        """One term's postings, scored when (and where) they are needed."""
        field = q.fieldname
        nothing = Found(np.zeros(0, np.float64), np.zeros(0, np.int32))
        if field not in self.p.schema:
            return nothing
        try:
            btext = self.p.schema[field].to_bytes(q.text)
        except ValueError:
            return nothing
        found = self._postings.get((field, btext))
        if found is None:  # a query names a word again (phrases of its alternatives)
            if not self.p.holding(field, btext):
                return nothing
            found = self._postings[field, btext] = self.p.term(field, btext)
        ids, weights = found

        def score(at) -> np.ndarray:
            scores = self._bm25(field, btext, ids[at], weights[at])
            return scores * q.boost if q.boost != 1.0 else scores
        return Found(None, ids, score=score)

    def _bm25(self, field: str, btext: bytes, ids, weights) -> np.ndarray:
        if not self.p.schema[field].scorable:
            return weights.astype(np.float64)  # Whoosh's WeightScorer
        idf = self.p.idf(field, btext)
        k1 = self.weighting.K1
        norm = length_part(self.p, self.weighting, field)
        scores = weights.astype(np.float64)
        divisor = np.take(norm, ids)  # as norm[ids], faster for int32 docnums
        divisor += scores  # weights + norm
        scores *= k1 + 1
        scores /= divisor
        scores *= idf
        return scores

    def _and(self, q: wq.And) -> Found:
        return conjunction(self, q)  # indexer.search.conjunction

    def _locate(self, part: Found, ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Found.locate(), through a position per document when many ids are looked up in
        a long part (one scatter and one gather instead of a binary search each)."""
        if not part.sparse or ids.size < DIRECT_LOOKUPS or ids.size * 8 < part.ids.size:
            return part.locate(ids)
        index = np.full(self.size, -1, np.int32)
        index[part.ids.astype(np.intp, copy=False)] = np.arange(part.ids.size, dtype=np.int32)
        at = np.take(index, ids)  # as index[ids], faster for int32 docnums
        return at >= 0, at

    def _or(self, subqueries, boost: float) -> Found:
        if self.check is not None:
            self.check()
        parts = [self.node(sub) for sub in subqueries]
        if not all(p.sparse for p in parts):
            found = self._summed(parts)
        else:
            sizes = [p.ids.size for p in parts]
            if 0 < len(parts) <= FOLDED_PARTS and sum(sizes) - max(sizes) <= self.sparse_limit:
                found = folded(parts)
            elif sum(sizes) <= self.sparse_limit:
                found = union(np.concatenate([p.ids for p in parts]) if parts
                              else np.zeros(0, np.int64),
                              np.concatenate([p.scores for p in parts]) if parts else np.zeros(0))
            else:
                found = self._summed(parts)
        if boost != 1.0:
            found.scores = found.scores * boost
        return found

    def _summed(self, parts: list[Found]) -> Found:
        """The dense OR: each part's scores added to every document's, part by part."""
        mask, scores = np.zeros(self.size, bool), np.zeros(self.size, np.float64)
        for n, part in enumerate(parts):
            if part.sparse:  # a part's ids are unique: one addition a document
                ids = part.ids.astype(np.intp, copy=False)  # int32: twice the cost, each
                mask[ids] = True
                if n == 0:  # nothing added yet: 0.0 + score, without reading 0.0 back
                    scores[ids] = part.scores + 0.0
                else:
                    scores[ids] += part.scores
            else:
                mask |= part.mask
                scores += part.scores  # 0 outside the part's matches
        return Found(scores, mask=mask)

    def _binary(self, q) -> Found:
        """a ANDMAYBE b (score a + b where b matches), a ANDNOT b and a REQUIRE b (score a)."""
        a, b = self.node(q.a), self.node(q.b)
        if a.sparse:
            present, values = b.lookup(a.ids)
            if isinstance(q, wq.AndMaybe):
                return Found(a.scores + np.where(present, values, 0.0), a.ids)
            keep = ~present if isinstance(q, wq.AndNot) else present
            return Found(a.scores[keep], a.ids[keep])
        b = self._dense(b)
        mask, scores = a.mask, a.scores
        if isinstance(q, wq.AndMaybe):
            scores += np.where(mask & b.mask, b.scores, 0.0)
        else:
            mask &= ~b.mask if isinstance(q, wq.AndNot) else b.mask
        np.copyto(scores, 0.0, where=~mask)
        return Found(scores, mask=mask)

    def _phrase(self, q: wq.Phrase) -> Found:
        return phrase(self, q)  # indexer.search.phrases

    def _docs(self, q: wq.Query) -> np.ndarray:
        mask = np.zeros(self.size, bool)
        if self.column_masks is not None:
            found = self.column_masks(q)
            if found is not None:
                return found
        mask[np.fromiter(self.p.searcher.docs_for_query(q), dtype=np.int64)] = True
        return mask


def length_part(postings: Postings, weighting, field: str) -> np.ndarray:
    """BM25's length part `k1 * ((1 - b) + b * length / average length)` of every document
    for one field: computed once per generation and field from the 256 length bytes (the
    same float operations on the same values as computing it per posting), shared by the
    generation's searchers. The rest of the formula is done per term, in place."""
    avgfl = postings.searcher.avg_field_length(field) or 1
    b, k1 = weighting._field_B.get(field, weighting.B), weighting.K1
    return postings.per_document((field, "bm25 norm", k1, b, avgfl), lambda: (
        k1 * ((1 - b) + b * LENGTH_OF_BYTE / avgfl))[postings.length_codes(field)])
