"""Bound what one query may cost before it runs (docs/decisions/0016-bounded-query-cost.md).

Wildcard and prefix terms (`assess*`, `child?en`) and ranges over words (`title:[a TO c]`)
stand for every index word they match. `bound()` replaces each by the words themselves, as
Whoosh's own matcher would (one word: that Term, unboosted; several: an Or of Terms carrying
the node's boost, or a constant score of 1 where Whoosh gives one: `_preloaded`), so the
fast path (indexer.search.evaluator) evaluates them with Whoosh's scores. A term needs at
least MIN_LITERAL_PREFIX literal characters before its first wildcard and may hold at most
MAX_WILDCARDS wildcards; it may match at most MAX_EXPANSION words, and one query at most
MAX_TOTAL_EXPANSION words in all. Beyond a bound the query is a QueryTooCostly (a 400) that
says which bound and what to do. `Deadline` is the per-request time limit the evaluator checks.
"""
from __future__ import annotations

import time
from itertools import islice

from whoosh import query as wq
from whoosh.query.terms import MultiTerm

from indexer.errors import QueryTooCostly

MIN_LITERAL_PREFIX = 2  # letters before the first * or ? ("as*" yes, "a*" and "*ment" no)
MAX_WILDCARDS = 4  # * and ? in one term
MAX_EXPANSION = 500  # index words one wildcard or range term may stand for
MAX_TOTAL_EXPANSION = 2000  # index words all of a query's wildcard terms may stand for
DEADLINE_SECONDS = 2.0  # default per-request time limit (SearchIndex(deadline=...))
WILDCARDS = "*?"


class Deadline:
    """A point in time after which the search stops with QueryTooCostly (or with what
    `stop` makes of the seconds allowed)."""

    def __init__(self, seconds: float | None = DEADLINE_SECONDS, stop=None):
        self.seconds, self.stop = seconds, stop
        self.end = None if seconds is None else time.monotonic() + seconds

    def check(self) -> None:
        if self.end is not None and time.monotonic() > self.end:
            if self.stop is not None:
                raise self.stop(self.seconds)
            raise QueryTooCostly(
                f"the search took longer than {self.seconds:g} s and was stopped: "
                "use fewer wildcards or fewer OR alternatives")


def literal_prefix(text: str) -> str:
    """The characters before the first wildcard."""
    cut = min((i for i in (text.find(c) for c in WILDCARDS) if i >= 0), default=len(text))
    return text[:cut]


def check_pattern(q: MultiTerm) -> None:
    """Reject a wildcard or prefix term that would scan too much of the word list."""
    if isinstance(q, wq.Prefix):
        prefix, wildcards = q.text, 1
    elif isinstance(q, wq.Wildcard):
        prefix, wildcards = literal_prefix(q.text), sum(q.text.count(c) for c in WILDCARDS)
    else:
        return
    shown = q.text + ("*" if isinstance(q, wq.Prefix) else "")
    if len(prefix) < MIN_LITERAL_PREFIX:
        raise QueryTooCostly(
            f"{shown[:40]!r} starts with too few letters: a wildcard needs at least "
            f"{MIN_LITERAL_PREFIX} letters before the first * or ?")
    if wildcards > MAX_WILDCARDS:
        raise QueryTooCostly(f"{shown[:40]!r} has more than {MAX_WILDCARDS} wildcards")


class _Budget:
    def __init__(self, total: int, deadline: Deadline | None):
        self.left, self.deadline = total, deadline


def bound(q: wq.Query, reader, deadline: Deadline | None = None,
          total: int = MAX_TOTAL_EXPANSION) -> wq.Query:
    """`q` with every wildcard, prefix and word-range term replaced by the words it matches."""
    return _rewrite(q, reader, _Budget(total, deadline))


def _rewrite(q: wq.Query, reader, budget: _Budget) -> wq.Query:
    if isinstance(q, MultiTerm):
        return _expand(q, reader, budget)
    if isinstance(q, wq.Every) and q.fieldname not in (None, "*"):
        raise QueryTooCostly(f"'{q.fieldname}:*' stands for every word of the field: "
                             f"a wildcard needs at least {MIN_LITERAL_PREFIX} letters before "
                             "the first * or ?")
    if not q.is_leaf():
        return q.apply(lambda child: _rewrite(child, reader, budget))
    return q


def _expand(q: MultiTerm, reader, budget: _Budget) -> wq.Query:
    check_pattern(q)
    field = q.field()
    if field not in reader.schema:
        return wq.NullQuery
    limit = min(MAX_EXPANSION, budget.left)
    words = []
    for btext in islice(q._btexts(reader), limit + 1):
        if budget.deadline is not None and len(words) % 64 == 0:
            budget.deadline.check()
        if btext:
            words.append(reader.schema[field].from_bytes(btext))
    shown = _shown(q)
    if len(words) > MAX_EXPANSION:
        raise QueryTooCostly(f"{shown!r} matches more than {MAX_EXPANSION} different words: "
                             "type more of the word before the *")
    if len(words) > budget.left:
        raise QueryTooCostly(f"the wildcards in this query match more than "
                             f"{MAX_TOTAL_EXPANSION} different words in all: use fewer or "
                             "longer wildcard terms")
    budget.left -= len(words)
    if not words:
        return wq.NullQuery
    if len(words) == 1:  # as Whoosh's MultiTerm.matcher: the one Term, without the boost
        return wq.Term(field, words[0])
    terms = wq.Or([wq.Term(field, w) for w in words], boost=q.boost)
    if q.constantscore and _preloaded(len(words), reader.doc_count_all()):
        return wq.ConstantScoreQuery(terms, score=1.0)
    return terms


def _preloaded(words: int, documents: int) -> bool:
    """Whether Whoosh's Or (whoosh/query/compound.py, Or._matcher) ORs a constant-score term's
    words with its unscored ArrayUnionMatcher, where every match scores exactly 1 whatever
    the boost: for many words, or for more than two words in a small index. Otherwise it
    builds a tree of scored UnionMatchers (each word's BM25, times the boost). Depends on
    Whoosh 2.7's TOO_MANY_CLAUSES (1024) and its 5,000-document threshold."""
    return words >= wq.Or.TOO_MANY_CLAUSES or (words != 2 and documents <= 5000)


def _shown(q: MultiTerm) -> str:
    text = getattr(q, "text", None)
    if text is None:
        return f"{q.field()}:[{getattr(q, 'start', '')} TO {getattr(q, 'end', '')}]"[:60]
    return (text + ("*" if isinstance(q, wq.Prefix) else ""))[:40]
