"""Benchmark: the exact cosine pass of hybrid search (every allowed passage's vector against
the query's): float16 rows against int8 rows with a scale each (decision 0047), by
SimSIMD, in the same run.

A search reads every passage vector of the generation (memory-mapped:
indexer/index/vectors.py) once per query. This prints the CPU time of that pass per query,
median over the judged set's plain-word queries, for
- `float16`: half-precision dot products straight from mapped float16 rows (what
  indexer.search.hybrid.Vectors did before decision 0047), and
- `int8`: integer dot products from mapped int8 rows times each row's scale
  (`hybrid.dots`, what searches use now),
on the index's own vectors and on N rows (--rows) written to temporary memory-mapped
files: the index's vectors repeated with a little noise (unit rows). It also prints how
many of the first query's 50 nearest passages (by float32 cosines) each finds.

    python -m bench.vector_scan --index /tmp/ix_corpus [--rows 100000 --rows 1000000]
"""
from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np

from bench import relevance
from indexer.index import vectors
from indexer.search import hybrid
from indexer.search.service import SearchIndex

BLOCK = 32_768  # rows written at a time


def scan(rows: vectors.Rows, query: np.ndarray) -> np.ndarray:
    """hybrid.dots as searches call it (float16 rows: the half-precision path)."""
    return hybrid.dots(*vectors.quantise(query), rows)


def grown(rows: np.ndarray, size: int, folder: Path) -> tuple[np.ndarray, vectors.Rows,
                                                              vectors.Rows]:
    """`size` unit rows (float32 in memory), and the same as mapped float16 and int8 rows."""
    rng = np.random.default_rng(19)
    exact = np.empty((size, rows.shape[1]), np.float32)
    for start in range(0, size, BLOCK):
        n = min(BLOCK, size - start)
        block = rows[rng.integers(0, rows.shape[0], n)]
        block += rng.normal(0.0, 0.02, block.shape).astype(np.float32)
        block /= np.maximum(np.linalg.norm(block, axis=1, keepdims=True), 1e-6)
        exact[start:start + n] = block
    return (exact,) + stored(exact, folder / f"{size}")


def stored(exact: np.ndarray, folder: Path) -> tuple[vectors.Rows, vectors.Rows]:
    folder.mkdir()
    np.save(folder / "half.npy", exact.astype(np.float16))
    codes, scales = vectors.quantise(exact)
    np.save(folder / "codes.npy", codes)
    np.save(folder / "scales.npy", scales)
    load = lambda name: np.load(folder / name, mmap_mode="r")  # noqa: E731
    return vectors.Rows(load("half.npy"), None), vectors.Rows(load("codes.npy"), load("scales.npy"))


def cpu_ms(scan, rows, queries: list[np.ndarray]) -> list[float]:
    times = []
    for query in queries:
        start = time.process_time()
        scan(rows, query)
        times.append((time.process_time() - start) * 1000)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", required=True, help="an index with passage vectors")
    parser.add_argument("--rows", type=int, action="append", default=[],
                        help="also time this many rows (repeatable)")
    args = parser.parse_args()
    index = SearchIndex(args.index, deadline=None)
    with index._lease() as generation:
        own = np.concatenate([rows.floats() for _, rows in generation.vectors.parts])
    texts = [q["text"] for q in relevance.load_queries() if hybrid.applies(q["text"])]
    queries = [hybrid.query_vector(text) for text in texts]
    with tempfile.TemporaryDirectory(prefix="vector-scan-") as tmp:
        sets = [(f"{own.shape[0]:,}", (own,) + stored(own, Path(tmp) / "own"))] + [
            (f"{n:,}", grown(own, n, Path(tmp))) for n in args.rows]
        print(f"{len(queries)} queries; CPU ms per query, median (p95)")
        print(f"{'rows':>10} {'float16':>16} {'int8':>16} {'ratio':>7}")
        for name, (exact, half, codes) in sets:
            scan(half, queries[0]), scan(codes, queries[0])  # pages in
            slow, fast = cpu_ms(scan, half, queries), cpu_ms(scan, codes, queries)
            print(f"{name:>10} {statistics.median(slow):8.2f} ({_p95(slow):5.1f}) "
                  f"{statistics.median(fast):8.2f} ({_p95(fast):5.1f}) "
                  f"{statistics.median(slow) / statistics.median(fast):6.1f}x")
            truth = set(np.argsort(-(exact @ queries[0]))[:50])
            found = [len(truth & set(np.argsort(-scan(rows, queries[0]))[:50]))
                     for rows in (half, codes)]
            print(f"{'':>10} of the first query's 50 nearest (float32): float16 finds "
                  f"{found[0]}, int8 {found[1]}")


def _p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1] if len(values) > 1 else values[0]


if __name__ == "__main__":
    main()
