"""When the fast evaluator (indexer.search.evaluator) or Whoosh's own matchers fail on a
query: the fast path's failure is logged once per process and Whoosh answers instead;
Whoosh's failure becomes QueryUnanswerable, a 400 that says so, never a 500 (decision 0024).
Also Whoosh's own ranking of a request's final matches, when the fast path has no scores.
"""
from __future__ import annotations

import logging
from contextlib import contextmanager

import numpy as np
from whoosh import query as wq

from indexer.errors import OfstedSearchError, QueryUnanswerable

_log = logging.getLogger(__name__)
_failures_logged: set[str] = set()


def log_fast_path_failure() -> None:
    """Log a failure of indexer.search.evaluator once per process and kind of error."""
    kind = "fast path"
    if kind not in _failures_logged:
        _failures_logged.add(kind)
        _log.exception("indexer.search.evaluator failed; Whoosh answers instead (logged once)")


@contextmanager
def whoosh_failures(q: wq.Query):
    """Whoosh's own matchers failing on a query (its collector asserts on some REQUIRE
    queries) become QueryUnanswerable, a 400 that says so, never a 500; the error is logged."""
    try:
        yield
    except OfstedSearchError:
        raise
    except Exception:  # noqa: BLE001 - any failure inside Whoosh: the client is told, we log
        _log.exception("Whoosh failed on the query %r", q)
        raise QueryUnanswerable(
            "this query could not be answered: put it another way (for example without "
            "REQUIRE, ANDMAYBE or ANDNOT, or with fewer operators)") from None


def has_require(q: wq.Query) -> bool:
    """Whoosh's RequireMatcher.skip_to_quality moves its first matcher and then calls the
    inner IntersectionMatcher._find_next, which asserts that the two sides are on different
    documents; when the skip lands both on one document it raises AssertionError. The
    quality optimisation (TopCollector(usequality=True)) is what calls skip_to_quality, so
    queries holding a REQUIRE are ranked without it (decision 0024)."""
    return isinstance(q, wq.Require) or any(has_require(c) for c in q.children())


def whoosh_ranked(searcher, q: wq.Query, final: np.ndarray,
                  limit: int | None) -> list[tuple[int, float]]:
    """Whoosh's best `limit` (None: all) of the final matches, best first."""
    with whoosh_failures(q):
        results = searcher.search(q, filter=set(final.tolist()), limit=limit,
                                  optimize=not has_require(q))
        return [(hit.docnum, float(hit.score)) for hit in results]


def whoosh_scores(searcher, q: wq.Query, final: np.ndarray) -> np.ndarray:
    """Whoosh's score of each final match (final: ascending docnums)."""
    scores = np.zeros(final.size)
    for docnum, score in whoosh_ranked(searcher, q, final, None):
        scores[np.searchsorted(final, docnum)] = score
    return scores
