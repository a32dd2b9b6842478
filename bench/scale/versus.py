"""Before and after in one run: the scale query set (bench/scale/queries.py) answered
in-process by several checkouts of our code and by tantivy, interleaved query by query,
so a shared, noisy machine slows every one of them alike.

Each --code checkout runs in a child process with that checkout first on its path
(its own search code, the same index); the parent sends it one query at a time and the
child times its own answer, wall (`perf_counter`) and CPU (`process_time`). tantivy
(bench/scale/tantivy_fts.py) answers in the parent between them. Two warming rounds, then
--rounds timed rounds; the order of the engines turns with every query. Prints p50 / p95 /
p99 of every engine, wall and CPU, their ratios to tantivy and to the first checkout, and
each query's median; writes the figures as JSON beside the tantivy index.

    python -m bench.scale.versus --index IX --code /tmp/before --code . \\
        [--tantivy /tmp/scale/tantivy-1000000] [--mode hybrid|words] [--rounds 5]
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

from bench.scale import measure, tantivy_fts
from bench.scale.queries import QUERIES, in_mode

CHILD = r"""
import json, sys, time
code, index, mode = sys.argv[1], sys.argv[2], sys.argv[3]
sys.path.insert(0, code)
from bench.scale.queries import QUERIES, in_mode
from bench.scale.run import _answer
from indexer.search.service import SearchIndex
import indexer
assert indexer.__file__.startswith(code), indexer.__file__
queries = {q.name: q for q in in_mode(QUERIES, None if mode == "default" else mode)}
search_index = SearchIndex(index)
search_index.generation()
print("ready", flush=True)
for line in sys.stdin:
    query = queries[line.rstrip("\n")]
    wall, cpu = time.perf_counter(), time.process_time()
    results = _answer(search_index, query)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    print(json.dumps([wall, cpu, getattr(results, "total", None)]), flush=True)
"""


class Checkout:
    """One checkout of our code answering queries in a child process."""

    def __init__(self, code: Path, index: Path, mode: str):
        self.name = str(code)
        self.process = subprocess.Popen(
            [sys.executable, "-c", CHILD, str(code.resolve()), str(index), mode],
            cwd=code, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        assert self.process.stdout.readline().strip() == "ready"

    def ask(self, query) -> tuple[float, float, int | None]:
        self.process.stdin.write(query.name + "\n")
        self.process.stdin.flush()
        wall, cpu, total = json.loads(self.process.stdout.readline())
        return wall, cpu, total

    def close(self) -> None:
        self.process.stdin.close()
        self.process.wait()


class Tantivy:
    def __init__(self, path: Path):
        self.name, self.engine = "tantivy", tantivy_fts.Baseline(path)

    def ask(self, query) -> tuple[float, float, int | None]:
        wall, cpu = time.perf_counter(), time.process_time()
        found = self.engine.search(query)
        return time.perf_counter() - wall, time.process_time() - cpu, found["total"]

    def close(self) -> None:
        pass


def run(engines: list, queries, rounds: int) -> dict:
    """name -> {"wall": [...], "cpu": [...], "per_query": {query: [wall ...]},
    "per_query_cpu": {query: [cpu ...]}, "totals"}."""
    found = {e.name: {"wall": [], "cpu": [], "per_query": {q.name: [] for q in queries},
                      "per_query_cpu": {q.name: [] for q in queries},
                      "totals": {}} for e in engines}
    turn = 0
    for phase in ["warming"] * 2 + ["timed"] * rounds:
        for query in queries:
            turn += 1
            for engine in engines[turn % len(engines):] + engines[:turn % len(engines)]:
                wall, cpu, total = engine.ask(query)
                mine = found[engine.name]
                mine["totals"][query.name] = total
                if phase == "timed":
                    mine["wall"].append(wall)
                    mine["cpu"].append(cpu)
                    mine["per_query"][query.name].append(wall)
                    mine["per_query_cpu"][query.name].append(cpu)
    return found


def report(found: dict, first: str) -> None:
    for name, mine in found.items():
        for kind in ("wall", "cpu"):
            s = measure.summary(mine[kind])
            line = (f"{name:40s} {kind:4s} p50 {s['p50']:7.1f}  p95 {s['p95']:7.1f}  "
                    f"p99 {s['p99']:7.1f} ms")
            for other in ("tantivy", first):
                if other != name and other in found:
                    o = measure.summary(found[other][kind])
                    line += f"   /{other}: p50 {s['p50'] / o['p50']:.2f}x p95 " \
                            f"{s['p95'] / o['p95']:.2f}x"
            print(line)
    names = list(found)
    print("per query, median wall ms | median CPU ms: " + " | ".join(names))
    for query in next(iter(found.values()))["per_query"]:
        cells = [f"{np.median(found[n]['per_query'][query]) * 1000:7.1f}" for n in names]
        cells.append(" |")
        cells += [f"{np.median(found[n]['per_query_cpu'][query]) * 1000:7.1f}"
                  for n in names]
        print(f"  {query:45s} " + " ".join(cells))
    sums = {n: sum(float(np.median(c)) for c in found[n]["per_query_cpu"].values()) * 1000
            for n in names}
    print("sum of the per-query CPU medians (what a round of the mix costs; the load figure "
          "follows it): " + ", ".join(f"{n} {ms:.1f} ms ({ms / sums[first]:.2f}x)"
                                       for n, ms in sums.items()))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", type=Path, required=True)
    parser.add_argument("--code", type=Path, action="append", required=True,
                        help="a checkout of this repository (repeatable; the first is "
                             "'before')")
    parser.add_argument("--tantivy", type=Path, help="a tantivy index of the same "
                        "passages (bench.scale.tantivy_fts); built there if missing")
    parser.add_argument("--mode", choices=("hybrid", "words"))
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--only", action="append", default=[], help="a query's name")
    args = parser.parse_args(argv)
    index = args.index.resolve()
    queries = in_mode(tuple(q for q in QUERIES if not args.only or q.name in args.only),
                      args.mode)
    engines = [Checkout(code, index, args.mode or "default") for code in args.code]
    for n, engine in enumerate(engines):  # the same checkout twice: an A/A comparison
        if any(e.name == engine.name for e in engines[:n]):
            engine.name += f" #{n + 1}"
    if args.tantivy:
        if not args.tantivy.exists():
            tantivy_fts.build(tantivy_fts.docs_of((index / "current").resolve()),
                              args.tantivy)
        engines.append(Tantivy(args.tantivy))
    try:
        found = run(engines, queries, args.rounds)
    finally:
        for engine in engines:
            engine.close()
    report(found, engines[0].name)
    totals = {name: mine["totals"] for name, mine in found.items() if name != "tantivy"}
    alike = len({json.dumps(t, sort_keys=True) for t in totals.values()}) <= 1
    print(f"our checkouts' totals alike: {alike}")
    out = Path(f"/tmp/versus-{time.strftime('%H%M%S')}.json")
    out.write_text(json.dumps({"index": str(index), "mode": args.mode, "rounds": args.rounds,
                               "found": found}, indent=1))
    print(f"results: {out}")


if __name__ == "__main__":
    main()
