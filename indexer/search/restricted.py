"""A term's or a phrase's matches among chosen documents only, as the evaluator
(indexer.search.evaluator) matches them over every document: what hybrid ranking's
adjacency term asks of the few candidates that can reach a page
(indexer.search.adjacency.together_at), instead of evaluating a phrase of two common
words over the whole index.
"""
from __future__ import annotations

import numpy as np
from whoosh import query as wq

from indexer.index.postings import POSITION_BITS, Unsupported
from indexer.search.evaluator import Evaluator
from indexer.search.phrases import follows


def within(ev: Evaluator, q: wq.Query, docs: np.ndarray, terms: dict | None = None
           ) -> np.ndarray:
    """Which of `docs` (ascending, unique docnums) match `q`, a term or a phrase (slop of
    at least 1); Unsupported for any other query. `terms` remembers each term's postings
    between calls (one request asks for the same words again)."""
    terms = {} if terms is None else terms
    if isinstance(q, wq.Term):
        return _present(ev, q, docs, terms)
    if not (isinstance(q, wq.Phrase) and q.slop >= 1):
        raise Unsupported(type(q).__name__)
    field = q.fieldname
    if field not in ev.p.schema or not ev.p.schema[field].format.supports("positions"):
        raise Unsupported("phrase on a field without positions")
    have = np.ones(docs.size, bool)
    for word in q.words:
        have &= _present(ev, wq.Term(field, word), docs, terms)
    if len(q.words) == 1 or not have.any():
        return have
    holding = docs[have]  # a few documents: their positions found by binary search
    ends = None  # where a chain of the words so far can end, as indexer.search.phrases
    for word in q.words:
        found = ev.p.positions(field, ev.p.schema[field].to_bytes(word), docs=holding)
        ends = found if ends is None else follows(found, ends, q.slop)
    matched = np.zeros(ev.size, bool)
    matched[ends >> POSITION_BITS] = True
    return matched[docs]


def _present(ev: Evaluator, q: wq.Term, docs: np.ndarray, terms: dict) -> np.ndarray:
    """Which of `docs` hold the term (a binary search each in its postings)."""
    key = (q.fieldname, q.text)
    if key not in terms:
        terms[key] = ev.node(q)
    return terms[key].locate(docs)[0]
