"""Adjacent query words standing together in a passage (hybrid ranking's adjacency term,
indexer.search.hybrid.fuse): for each pair of adjacent analysed query words, the passages
that have them at most one word apart. A pair inside a renamed concept the vocabulary
expands ("safeguarding partnership" -> "local safeguarding children board", "LSCB")
stands together in a passage with any of the concept's other forms as well: those forms
are how the same words are written together there (docs/decisions/0037-hybrid-ranking.md).
"""
from __future__ import annotations

from typing import Callable

import numpy as np
from whoosh import query as wq

from indexer.search.compound_spellings import word_terms
from indexer.search.querying import plain_word_runs
from indexer.search.vocabulary import analyse, default_vocabulary

MAX_PAIRS = 8  # adjacent word pairs looked for (a longer query gets no adjacency bonus)


def together(query: str, evaluate: Callable, size: int, expand: bool = True
             ) -> np.ndarray | None:
    """The share of the query's adjacent word pairs that stand together in each of `size`
    documents; None for fewer than two words or more than MAX_PAIRS pairs. `evaluate(q)`
    gives (mask, scores) of a query over the documents; `expand`: whether the query's
    vocabulary alternatives were searched (then they count as the words together)."""
    return together_at(query, lambda q, _: evaluate(q)[0], np.arange(size), expand)


def together_at(query: str, within: Callable, docs: np.ndarray, expand: bool = True
                ) -> np.ndarray | None:
    """together() of chosen documents only (`docs`, ascending docnums): `within(q, docs)`
    says which of them a query matches. A page needs it for a few hundred candidates, not
    for every passage with the words (docs/decisions/0037-hybrid-ranking.md)."""
    pairs = _pairs(query, expand)
    if pairs is None:
        return None
    share = np.zeros(docs.size)
    for phrase, forms in pairs:
        mask = within(phrase, docs)
        for form in forms:
            mask = mask | within(form, docs)
        share += mask
    return share / len(pairs)


def counted(query: str, expand: bool = True) -> bool:
    """Whether together() gives the query a share (two to MAX_PAIRS + 1 words)."""
    return _pairs(query, expand) is not None


def _pairs(query: str, expand: bool) -> list[tuple[wq.Query, list[wq.Query]]] | None:
    """Each adjacent pair of analysed query words as a phrase (at most one word apart),
    with the queries of the other forms of the renamed concept both words belong to."""
    terms = []  # (term, the alternatives of the vocabulary match it belongs to, or None)
    for run in plain_word_runs(query):
        words = [w for w, _, _ in run]
        owner: dict[int, tuple[int, tuple[str, ...]]] = {}
        for match in (default_vocabulary().find(words) if expand else []):
            if match.alternatives:
                owner.update({i: (match.first, match.alternatives)
                              for i in range(match.first, match.last + 1)})
        base = len(terms)
        terms += [(t, (base, owner[i]) if i in owner else None)
                  for i, analysed in enumerate(word_terms(words)) for t in analysed]
    pairs = list(zip(terms, terms[1:]))
    if not pairs or len(pairs) > MAX_PAIRS:
        return None
    return [(wq.Phrase("text", [first, second], slop=2),
             [_form_query(form) for form in within[1][1]]
             if within is not None and within == also else [])
            for (first, within), (second, also) in pairs]


def _form_query(form: str) -> wq.Query:
    terms = list(analyse(form))
    return wq.Term("text", terms[0]) if len(terms) == 1 else wq.Phrase("text", terms, slop=2)
