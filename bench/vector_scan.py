"""Benchmark: the exact cosine pass of hybrid search (every allowed passage's vector against
the query's), numpy against SimSIMD, at the index's size and at larger sizes made from it.

A search reads every passage vector of the generation (float16, memory-mapped:
indexer/index/vectors.py) once per query. This prints the CPU time of that pass per query,
median over the judged set's plain-word queries, in the same run for
- `numpy`: the rows converted to float32 in blocks of 32,768, then a matrix product (what
  indexer.search.hybrid.Vectors did before SimSIMD), and
- `simsimd`: half-precision dot products straight from the mapped rows
  (`hybrid.dots`, what searches use),
on the index's own vectors and on N rows (--rows) written to a temporary memory-mapped
file: the index's vectors repeated with a little noise (unit rows, float16, as a build
writes them).

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
from indexer.search import hybrid
from indexer.search.service import SearchIndex

BLOCK = 32_768  # rows converted to float32 at a time by the numpy pass


def numpy_pass(rows: np.ndarray, query: np.ndarray) -> np.ndarray:
    out = np.empty(rows.shape[0], np.float32)
    for start in range(0, rows.shape[0], BLOCK):
        block = np.asarray(rows[start:start + BLOCK], dtype=np.float32)
        out[start:start + block.shape[0]] = block @ query
    return out


def simsimd_pass(rows: np.ndarray, query: np.ndarray) -> np.ndarray:
    return hybrid.dots(np.asarray(query, dtype=np.float16)[None, :], rows)


def grown(rows: np.ndarray, size: int, folder: Path) -> np.ndarray:
    """`size` unit float16 rows in a memory-mapped file: `rows` repeated, with noise."""
    path = folder / f"vectors-{size}.npy"
    out = np.lib.format.open_memmap(path, mode="w+", dtype=np.float16, shape=(size, rows.shape[1]))
    rng = np.random.default_rng(19)
    for start in range(0, size, BLOCK):
        n = min(BLOCK, size - start)
        block = np.asarray(rows[rng.integers(0, rows.shape[0], n)], dtype=np.float32)
        block += rng.normal(0.0, 0.02, block.shape).astype(np.float32)
        block /= np.maximum(np.linalg.norm(block, axis=1, keepdims=True), 1e-6)
        out[start:start + n] = block
    out.flush()
    return np.load(path, mmap_mode="r")


def cpu_ms(scan, rows: np.ndarray, queries: list[np.ndarray]) -> list[float]:
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
        own = np.concatenate([np.asarray(rows) for _, rows in generation.vectors.parts])
    texts = [q["text"] for q in relevance.load_queries() if hybrid.applies(q["text"])]
    queries = [hybrid.query_vector(text) for text in texts]
    with tempfile.TemporaryDirectory(prefix="vector-scan-") as tmp:
        sets = [("index", own)] + [(f"{n:,}", grown(own, n, Path(tmp))) for n in args.rows]
        print(f"{len(queries)} queries; CPU ms per query, median (p95)")
        print(f"{'rows':>10} {'numpy':>16} {'simsimd':>16} {'ratio':>7}")
        for name, rows in sets:
            simsimd_pass(rows, queries[0]), numpy_pass(rows, queries[0])  # pages in
            slow, fast = cpu_ms(numpy_pass, rows, queries), cpu_ms(simsimd_pass, rows, queries)
            print(f"{name if name != 'index' else f'{rows.shape[0]:,}':>10} "
                  f"{statistics.median(slow):8.2f} ({_p95(slow):5.1f}) "
                  f"{statistics.median(fast):8.2f} ({_p95(fast):5.1f}) "
                  f"{statistics.median(slow) / statistics.median(fast):6.1f}x")
            top_slow = np.argsort(-numpy_pass(rows, queries[0]))[:50]
            top_fast = np.argsort(-simsimd_pass(rows, queries[0]))[:50]
            print(f"{'':>10} same 50 nearest for the first query: "
                  f"{len(set(top_slow) & set(top_fast))}/50")


def _p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1] if len(values) > 1 else values[0]


if __name__ == "__main__":
    main()
