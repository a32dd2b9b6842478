"""A phrase's matches and scores for the evaluator (indexer.search.evaluator): the
documents where its words stand in order within its slop, each scored as the AND of its
words (Whoosh's phrase scorer is the AND's).

A phrase of slop 1 (every quoted phrase) takes its documents from the segments' mapped
positions and common-word pairs (Postings.phrase_docs: indexer.index.phrase_docs), which
read the positions of the documents that can match only; any other phrase, or one on a
generation without those files, follows each word's positions from the first within the
documents that hold every word.
"""
from __future__ import annotations

import numpy as np
from whoosh import query as wq

from indexer.index.postings import POSITION_BITS, Unsupported
from indexer.search.scored import Found


def phrase(ev, q: wq.Phrase) -> Found:
    """The matches of `q` for the Evaluator `ev`, as sparse Found."""
    field = q.fieldname
    if field not in ev.p.schema or not ev.p.schema[field].format.supports("positions"):
        raise Unsupported("phrase on a field without positions")
    terms = [wq.Term(field, word) for word in q.words]
    if len(terms) == 1:
        return ev.node(wq.Term(field, q.words[0], boost=q.boost))
    docs = None
    if q.slop == 1:
        docs = ev.p.phrase_docs(field, [ev.p.schema[field].to_bytes(w) for w in q.words])
    if docs is not None:
        parts = [ev.node(term) for term in terms]  # summed as the AND sums them
        values = [part.scores_at(ev._locate(part, docs)[1]) for part in parts]
        scores = values[0]
        for more in values[1:]:
            scores = scores + more
        return Found(scores * q.boost if q.boost != 1.0 else scores, docs)
    return _followed(ev, q, terms)


def _followed(ev, q: wq.Phrase, terms: list[wq.Term]) -> Found:
    """Each word's positions in the documents holding every word, followed from the first."""
    field = q.fieldname
    both = ev._and(wq.And(terms))
    if not (both.ids.size if both.sparse else both.mask.any()):
        return both
    inside, docs = (None, both.ids) if both.sparse else (both.mask, None)
    ends = None  # where a chain of the words so far can end (SpanNear2, ordered)
    for word in q.words:
        found = ev.p.positions(field, ev.p.schema[field].to_bytes(word), inside, docs)
        ends = found if ends is None else follows(found, ends, q.slop)
    docs = ends >> POSITION_BITS  # ascending, a document once per occurrence
    if docs.size:
        docs = docs[np.concatenate(([True], docs[1:] != docs[:-1]))]
    scores = both.lookup(docs)[1]
    return Found(scores * q.boost if q.boost != 1.0 else scores, docs)


def follows(keys: np.ndarray, ends: np.ndarray, slop: int) -> np.ndarray:
    """The keys that stand 1 to `slop` positions after one of `ends`, in the same document
    (both sorted; a document's keys are 2**32 apart from the next one's)."""
    if ends.size == 0 or keys.size == 0:
        return keys[:0]
    before = np.searchsorted(ends, keys - 1, side="right") - 1
    ok = before >= 0
    ok[ok] &= ends[before[ok]] >= keys[ok] - slop
    return keys[ok]
