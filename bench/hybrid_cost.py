"""Benchmark: what hybrid ranking costs on an index, against words alone in the same run.

Prints (1) the passage vectors' size on disk against the whole generation's, (2) the CPU
time of embedding every passage of the index in one process (what a build adds, spread
over its segment writers), and (3) the time of a search in mode=words and in mode=hybrid
(the default), the two interleaved query by query, over the plain-word queries of the
judged set (bench/data/relevance_queries.toml) and of bench/scale/queries.py: median and
95th percentile of wall and CPU time per request, highlighted hits, 20 a page, answer
computed in this process (no HTTP, no answer cache).

    python -m bench.hybrid_cost --index /tmp/ix_corpus [--rounds 3] [--no-embed]
"""
from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from bench import relevance
from bench.scale.queries import QUERIES
from indexer.index import embedding, report_store, store, vectors
from indexer.index.mapped import DIR
from indexer.models import SearchRequest
from indexer.search.hybrid import applies
from indexer.search.service import SearchIndex


def sizes(generation: Path) -> tuple[int, int]:
    """(bytes of vectors and their keys, bytes of the whole generation)."""
    files = [p for p in generation.rglob("*") if p.is_file()]
    ours = sum(p.stat().st_size for p in files
               if p.name in (vectors.VECTORS, vectors.KEYS) and p.parent.parent.name == DIR)
    return ours, sum(p.stat().st_size for p in files)


def embed_cost(generation: Path) -> tuple[int, float]:
    """(passages, CPU seconds to embed them all in this process)."""
    texts = [vectors.passage_text(s["heading"], p["text"])
             for r in report_store.load(generation).values() for s in r["sections"]
             for p in s["passages"]]
    embedding.embed(texts[:10])  # the model's load is not the passages' cost
    start = time.process_time()
    embedding.embed(texts)
    return len(texts), time.process_time() - start


def queries() -> list[str]:
    judged = [q["text"] for q in relevance.load_queries()]
    scale = [q.params.get("q", "") for q in QUERIES]
    return [q for q in dict.fromkeys(judged + scale) if applies(q)]


def latency(index: SearchIndex, texts: list[str], rounds: int) -> dict[str, list[tuple]]:
    """mode -> [(wall ms, cpu ms)] of every request of every round, modes interleaved."""
    timings: dict[str, list[tuple]] = {"words": [], "hybrid": []}
    for text in texts:  # warm: plans, query vectors, pages
        for mode in timings:
            index.search(SearchRequest(query=text, mode=mode))
    for _ in range(rounds):
        for text in texts:
            for mode in timings:
                wall, cpu = time.perf_counter(), time.process_time()
                index.search(SearchRequest(query=text, mode=mode))
                timings[mode].append(((time.perf_counter() - wall) * 1000,
                                      (time.process_time() - cpu) * 1000))
    return timings


def _p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", required=True)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--no-embed", action="store_true", help="skip the embedding cost")
    args = parser.parse_args()
    generation = store.current_generation(args.index)
    ours, whole = sizes(generation)
    print(f"vectors on disk: {ours / 2**20:.1f} MiB of {whole / 2**20:.1f} MiB "
          f"({100 * ours / whole:.1f} % of the generation)")
    if not args.no_embed:
        passages, seconds = embed_cost(generation)
        print(f"embedding {passages:,} passages: {seconds:.1f} s CPU in one process "
              f"({passages / seconds:,.0f} passages/s)")
    index = SearchIndex(args.index)
    texts = queries()
    timings = latency(index, texts, args.rounds)
    print(f"{len(texts)} plain-word queries x {args.rounds} rounds, modes interleaved")
    print(f"{'mode':8} {'wall p50':>9} {'wall p95':>9} {'cpu p50':>8} {'cpu p95':>8}  (ms)")
    for mode, rows in timings.items():
        wall, cpu = [r[0] for r in rows], [r[1] for r in rows]
        print(f"{mode:8} {statistics.median(wall):9.1f} {_p95(wall):9.1f} "
              f"{statistics.median(cpu):8.1f} {_p95(cpu):8.1f}")


if __name__ == "__main__":
    main()
