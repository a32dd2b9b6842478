"""Check that the numpy path (indexer.search.evaluator) gives exactly what Whoosh gives: the same
matching documents and the same top hits in the same order with the same scores.

    python -m bench.scale.exactness INDEX_DIR [--phrases N]

`--phrases N` adds the first N quoted phrases of bench.scale.first_phrases' mix (common
words standing together: those the common-word pairs of decision 0049 answer).
"""
from __future__ import annotations

import argparse

import numpy as np
from whoosh import query as wq

from bench.scale.queries import QUERIES
from indexer.search import evaluator
from indexer.search.scored import top
from indexer.search.querying import plan_query
from indexer.search.service import SearchIndex

TOP = 50


def whoosh_scores(searcher, q) -> tuple[np.ndarray, np.ndarray]:
    """Whoosh alone: every matching docnum and the score its matcher gives it."""
    docs, scores, m = [], [], q.matcher(searcher)
    while m.is_active():
        docs.append(m.id())
        scores.append(m.score())
        m.next()
    return np.array(docs, dtype=np.int64), np.array(scores, dtype=np.float64)


def collector_misses(searcher, q, mask, scores, limit: int) -> int:
    """How many of the true top `limit` Whoosh's own collector (search()) leaves out."""
    true = {d for d, _ in top(scores, np.nonzero(mask)[0], limit)}
    return len(true - {hit.docnum for hit in searcher.search(q, limit=limit)})


def compare(generation, text: str, limit: int = TOP) -> str | None:
    """None when both paths agree, else what differs. The evaluator is checked in the form
    searches use (sparse where it can: Evaluator.matches) and all dense (Evaluator.run
    with sparse_share=0), against Whoosh's matchers."""
    q = plan_query(text, generation.ix.schema).query
    if isinstance(q, wq.Every):
        return None
    try:
        fast = evaluator.Evaluator(generation.postings, generation.table.range_mask)
        ids, values = fast.matches(q)
        mask, scores = evaluator.Evaluator(generation.postings, generation.table.range_mask,
                                           sparse_share=0).run(q)
    except evaluator.Unsupported as exc:
        return f"unsupported ({exc}): Whoosh answers it"
    docs, expected = whoosh_scores(generation.searcher, q)
    live = generation.table.live
    mask &= live
    mine = np.nonzero(mask)[0]
    if not np.array_equal(docs, mine):
        return f"matches differ: whoosh {docs.size}, numpy {mine.size}"
    if not np.array_equal(ids[live[ids]], mine):
        return f"sparse matches differ: whoosh {docs.size}, sparse {int(live[ids].sum())}"
    if not np.array_equal(values[live[ids]], scores[mine]):
        return "the sparse and dense evaluations score differently"
    worst = float(np.max(np.abs(scores[mine] - expected) / np.maximum(np.abs(expected), 1e-12),
                         initial=0.0))
    if worst >= 1e-9:
        return f"scores differ by {worst:.2e} (relative)"
    missed = collector_misses(generation.searcher, q, mask, scores, limit)
    return None if not missed else f"same scores; Whoosh's collector misses {missed} of top {limit}"


def check(index_dir: str, texts=None) -> dict[str, str | None]:
    generation = SearchIndex(index_dir).generation()
    texts = texts or sorted({q.params.get("q", "") for q in QUERIES})
    return {text: compare(generation, text) for text in texts}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("index")
    parser.add_argument("--phrases", type=int, default=0)
    args = parser.parse_args()
    texts = sorted({q.params.get("q", "") for q in QUERIES})
    if args.phrases:
        from bench.scale.first_phrases import phrases

        generation = SearchIndex(args.index).generation()
        texts += [f'"{words}"' for words in phrases(generation, args.phrases, 0.02)]
    results = check(args.index, texts)
    for text, problem in results.items():
        status = "ok" if problem is None or problem.startswith("same scores") else "DIFF"
        print(f"{status:4s} {text!r} {problem or ''}")
    same = sum(p is None or p.startswith("same scores") for p in results.values())
    print(f"{same}/{len(results)} queries: same matches and scores as Whoosh's matchers")


if __name__ == "__main__":
    main()
