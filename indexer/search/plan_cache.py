"""Query plans remembered per index generation: a search's plan (indexer.search.querying:
the parsed Whoosh query, what to highlight, the vocabulary expansions and spelling
corrections) depends only on the query text, `expand` and the generation (its schema and
its speller's vocabulary), and building it was a fifth of a search's CPU
(docs/decisions/0028-throughput.md). So the last PLANS of each generation are kept, and a
new generation starts with none.

A plan is shared by every request that asks for its text: readers never change it
(indexer.search.answer replaces its query with dataclasses.replace and copies its
expansions into the results). A query that cannot be planned raises BadRequest every time
(exceptions are not remembered).
"""
from __future__ import annotations

import threading
import weakref
from functools import lru_cache, partial

from indexer.search.querying import QueryPlan, plan_query

PLANS = 512  # per generation; a plan is a few KB (a parsed query and a Highlighter)

_memos: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_lock = threading.Lock()


def planned(generation, text: str, expand: bool) -> QueryPlan:
    """plan_query(text, generation.schema, expand, speller=generation.speller,
    ranking=generation.ranking), remembered."""
    memo = _memos.get(generation)
    if memo is None:
        with _lock:
            memo = _memos.get(generation)
            if memo is None:
                memo = lru_cache(maxsize=PLANS)(partial(_plan, generation.schema,
                                                        generation.speller, generation.ranking))
                _memos[generation] = memo
    return memo(text, expand)


def _plan(schema, speller, ranking, text: str, expand: bool) -> QueryPlan:
    return plan_query(text, schema, expand, speller=speller, ranking=ranking)


def remembered(generation) -> int:
    """How many plans the generation holds (for tests and benchmarks)."""
    memo = _memos.get(generation)
    return memo.cache_info().currsize if memo is not None else 0
