"""Where one warm pass of the scale query set spends its time, in-process: per-query
medians, then cProfile's costliest functions over the timed rounds.

    python -m bench.scale.profile INDEX_DIR [--rounds 3] [--top 30] [--sort tottime]
        [--mode words|hybrid] [--only NAME]

Answer cache off (it lives in webui/, not here); two warming rounds first, so the
figures are the warm ones bench.scale.run reports.
"""
from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import time

import numpy as np

from bench.scale.queries import QUERIES, in_mode
from bench.scale.run import _answer
from indexer.search.service import SearchIndex


def per_query(search_index: SearchIndex, rounds: int, queries=QUERIES) -> dict[str, float]:
    """Median milliseconds of each query over `rounds` warm rounds."""
    seconds = {q.name: [] for q in queries}
    for _ in range(rounds):
        for q in queries:
            started = time.perf_counter()
            _answer(search_index, q)
            seconds[q.name].append(time.perf_counter() - started)
    return {name: float(np.median(s)) * 1000 for name, s in seconds.items()}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("index")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--sort", default="tottime", choices=("tottime", "cumulative"))
    parser.add_argument("--mode", choices=("hybrid", "words"), help="every query in this "
                        "mode (default: the default mode, hybrid for plain words)")
    parser.add_argument("--only", action="append", default=[],
                        help="profile only the queries of this name (repeatable)")
    args = parser.parse_args(argv)
    queries = in_mode(tuple(q for q in QUERIES if not args.only or q.name in args.only),
                      args.mode)
    search_index = SearchIndex(args.index)
    search_index.generation()
    per_query(search_index, 2, queries)  # warming
    medians = per_query(search_index, args.rounds, queries)
    for name, ms in sorted(medians.items(), key=lambda item: -item[1]):
        print(f"{ms:8.1f} ms  {name}")
    values = sorted(medians.values())
    print(f"sum of medians {sum(values):.1f} ms; median query {np.median(values):.1f} ms; "
          f"p95 of medians {np.percentile(values, 95):.1f} ms")
    profiler = cProfile.Profile()
    profiler.enable()
    per_query(search_index, 1, queries)
    profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats(args.sort).print_stats(args.top)
    print(out.getvalue())


if __name__ == "__main__":
    main()
