"""An AND for the evaluator (indexer.search.evaluator): the documents every part matches,
each scored as the sum of its parts' scores in part order (Whoosh's IntersectionMatcher).

The part with fewest matches leads: the others are located at its documents. A part that
is an OR of terms (a plain word searched in several fields: `text:care OR heading:care^0.3`)
is not evaluated over every document first: each of its terms is located at the leading
part's documents and its scores added there in the order the OR adds them (from 0.0, term
by term), so "care leavers" scores "care"'s 400,000 postings only where "leavers" stands.
The same documents and the same floating-point sums as evaluating the OR whole.
"""
from __future__ import annotations

import numpy as np
from whoosh import query as wq

from indexer.search.scored import Found


def conjunction(ev, q: wq.And) -> Found:
    """The matches of `q` for the Evaluator `ev`: sparse when any part is (or an OR of
    terms was left to the leading part), else dense."""
    later = _later(ev, q.subqueries)
    parts = [None if n in later else ev.node(sub) for n, sub in enumerate(q.subqueries)]
    least = min((_size(p) for p in parts if p is not None), default=None)
    for n in sorted(later, key=later.get):  # an OR smaller than every other part leads
        if least is None or later[n] < least:
            parts[n] = ev.node(q.subqueries[n])
            least = _size(parts[n]) if least is None else min(least, _size(parts[n]))
    if any(p is None for p in parts):  # ORs of terms found at the leading part's documents
        lead = min((p for p in parts if p is not None), key=_size)
        if not lead.sparse:
            ids = np.flatnonzero(lead.mask)
            at = next(n for n, p in enumerate(parts) if p is lead)
            parts[at] = lead = Found(lead.scores[ids], ids)
        return _led(ev, q, parts, lead)
    sparse = [p for p in parts if p.sparse]
    if not sparse:  # every part dense: sum everywhere, then 0 outside the matches
        mask, scores = parts[0].mask, parts[0].scores
        for part in parts[1:]:
            mask &= part.mask
            scores += part.scores
        np.copyto(scores, 0.0, where=~mask)
        return Found(scores * q.boost if q.boost != 1.0 else scores, mask=mask)
    return _led(ev, q, parts, min(sparse, key=lambda p: p.ids.size))


def _led(ev, q: wq.And, parts: list, lead: Found) -> Found:
    """The AND of `parts` from the documents of `lead` (sparse), each other part
    located there; a part left as None (an OR of terms, `_later`) is summed at those
    documents only (`_or_at`), as its own evaluation would have summed them."""
    ids = lead.ids
    located = [(None, None) if p is lead else ev._locate(p, ids) if p is not None
               else _or_at(ev, sub, ids) for p, sub in zip(parts, q.subqueries)]
    keep = np.ones(ids.size, bool)
    for present, _ in located:
        if present is not None:
            keep &= present
    kept = np.flatnonzero(keep)
    # each part scored only where the AND matches, summed part by part as the dense
    # loop adds them
    values = [at[kept] if p is None else p.scores_at(kept if at is None else at[kept])
              for p, (_, at) in zip(parts, located)]
    scores = values[0]
    for more in values[1:]:
        scores = scores + more
    return Found(scores * q.boost if q.boost != 1.0 else scores, ids[kept])


def _later(ev, subqueries) -> dict[int, int]:
    """The parts of an AND that are ORs of terms, each with its postings (at least its
    matches): left to sum at the leading part's documents unless one has fewer postings
    than every other part has matches (then it is evaluated, and leads)."""
    if ev.dense_only:
        return {}
    return {n: _postings_count(ev, sub) for n, sub in enumerate(subqueries)
            if isinstance(sub, wq.Or) and not sub.minmatch and not sub.scale
            and sub.subqueries and all(isinstance(t, wq.Term) for t in sub.subqueries)}


def _postings_count(ev, q: wq.Or) -> int:
    return sum(frequency for t in q.subqueries if t.fieldname in ev.p.schema
               for _, _, frequency in _holding(ev, t))


def _holding(ev, t: wq.Term):
    try:
        return ev.p.holding(t.fieldname, ev.p.schema[t.fieldname].to_bytes(t.text))
    except ValueError:
        return []


def _or_at(ev, q: wq.Or, ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(which of `ids` an OR of terms matches, its score at each of them): each term's
    score added in order from 0.0, as the dense OR (`_summed`) adds them."""
    if ev.check is not None:
        ev.check()
    present, scores = np.zeros(ids.size, bool), np.zeros(ids.size, np.float64)
    for sub in q.subqueries:
        part = ev.node(sub)
        here, at = ev._locate(part, ids)
        if part.sparse and part.ids.size and here.any():
            chosen = np.flatnonzero(here)
            scores[chosen] += part.scores_at(at[chosen])
            present |= here
    return present, scores * q.boost if q.boost != 1.0 else scores


def _size(found: Found) -> int:
    return found.ids.size if found.sparse else int(np.count_nonzero(found.mask))
