"""Benchmark: what an index's segments cost searches (docs/decisions/0042-steady-updates.md).

An index updated one report at a time holds more segments than a full build (the merge
policy of indexer/index/merging.py leaves them until `python -m indexer optimise`). This
copies INDEX, optimises the copy with `python -m indexer optimise` (timed: the cost of a
periodic optimise), then runs the scale query set (bench/scale/queries.py) on both in one
process, the two interleaved query by query: a cold pass, then `--rounds` warm rounds.
Prints p50 / p95 / max of each and the ratio segments / optimised. The copy is deleted
afterwards. Asserts nothing.

    nice -n 10 python -m bench.segments_cost /tmp/add-one/this-index --rounds 5
"""
from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from whoosh import index as whoosh_index

from bench.scale import measure
from bench.scale.queries import QUERIES
from indexer.errors import BadRequest
from indexer.search.service import SearchIndex

ROOT = Path(__file__).resolve().parents[1]


def segments(index: Path) -> list[int]:
    ix = whoosh_index.open_dir(str(index / "current" / "whoosh"))
    return [segment.doc_count_all() for segment in ix._segments()]


def answer(search_index: SearchIndex, query) -> None:
    try:
        search_index.search(query.request())
    except BadRequest:  # an authority a small index lacks
        pass


def compare(indexes: dict[str, Path], rounds: int) -> dict[str, dict]:
    opened = {name: SearchIndex(str(path)) for name, path in indexes.items()}
    times = {name: {"cold": [], "warm": []} for name in indexes}
    for phase, repeat in (("cold", 1), ("warm", rounds)):
        for _ in range(repeat):
            for query in QUERIES:
                for name, search_index in opened.items():
                    started = time.perf_counter()
                    answer(search_index, query)
                    times[name][phase].append(time.perf_counter() - started)
    return {name: {phase: measure.summary(found) for phase, found in phases.items()}
            for name, phases in times.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("index")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    index = Path(args.index)
    scratch = Path(tempfile.mkdtemp(prefix="segments-cost-"))
    try:
        optimised = scratch / "optimised"
        shutil.copytree(index, optimised, symlinks=True)
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "indexer", "optimise", "--index", str(optimised)],
                       check=True, cwd=ROOT)
        took = time.perf_counter() - started
        sizes = segments(index)
        print(f"{sum(sizes):,} passages in {len(sizes)} segments (median "
              f"{statistics.median(sizes):,.0f}); optimised into {len(segments(optimised))} "
              f"in {took:.1f} s", flush=True)
        found = compare({"segments": index, "optimised": optimised}, args.rounds)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    for name, phases in found.items():
        print(f"{name:10s} " + "  ".join(
            f"{phase} p50 {s['p50']:.1f} p95 {s['p95']:.1f} max {s['max']:.1f} ms"
            for phase, s in phases.items()))
    for stat in ("p50", "p95"):
        print(f"warm {stat}: segments / optimised = "
              f"{found['segments']['warm'][stat] / found['optimised']['warm'][stat]:.2f}x")


if __name__ == "__main__":
    main()
