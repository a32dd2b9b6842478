"""Memory per gunicorn worker and the first query after a generation opens (issue 12:
"memory shared, not copied" and "no cold queries"; docs/decisions/0027-shared-memory.md).

For each case (a project directory whose code serves, and an index directory) it runs:
- workers: `gunicorn -w N 'webui:create_app()'` on loopback (the project's own
  gunicorn.conf.py), the scale query mix (bench/scale/queries.py) `--rounds` times over
  HTTP, then each worker's RSS, PSS and private memory (Private_Clean + Private_Dirty of
  /proc/PID/smaps_rollup): what N workers cost beyond one shared copy;
- first query: a fresh process opens SearchIndex, times the first search for the
  commonest word of the text field, then the warm p95 of the mix (`--rounds` rounds);
  repeated `--repeat` times, medians reported. "Fresh" is a new process: the index files
  may be in the OS page cache, as they are right after a build or on a serving host.

Cases run alternately, so a baseline (`--baseline PROJECT INDEX`, e.g. a checkout of main
and an index it built) is measured in the same run as the code under test:

    python -m bench.memory --index /tmp/ix --baseline /tmp/base /tmp/ix-old --rounds 3
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

from bench.scale.http import fetch, gunicorn_process
from bench.scale.measure import children, process_memory_mb
from bench.scale.queries import QUERIES

ROOT = Path(__file__).resolve().parents[1]

FIRST_QUERY = r"""
import json, sys, time
import numpy as np
from bench.scale.queries import QUERIES
from indexer.search.request import ArgParams, parse_params
from indexer.search.service import SearchIndex
index = SearchIndex(sys.argv[1])
started = time.perf_counter()
generation = index.generation()
opened = time.perf_counter() - started
reader = generation.searcher.reader()
word = max(reader.lexicon("text"), key=lambda t: reader.doc_frequency("text", t)).decode()
started = time.perf_counter()
index.search(parse_params(ArgParams({"q": word, "per_page": "10"})))
first = time.perf_counter() - started
warm = []
for _ in range(int(sys.argv[2])):
    for q in QUERIES:
        started = time.perf_counter()
        try:
            index.search(q.request())
        except Exception:
            pass
        warm.append(time.perf_counter() - started)
print(json.dumps({"word": word, "open_ms": opened * 1000, "first_ms": first * 1000,
                  "warm_p50_ms": float(np.percentile(warm, 50)) * 1000,
                  "warm_p95_ms": float(np.percentile(warm, 95)) * 1000}))
"""


def _env(project: Path, index: Path) -> dict:
    return dict(os.environ, OFSTED_INDEX=str(index), PYTHONPATH=str(project))


def first_query(project: Path, index: Path, rounds: int) -> dict:
    done = subprocess.run([sys.executable, "-c", FIRST_QUERY, str(index), str(rounds)],
                          cwd=project, env=_env(project, index), capture_output=True,
                          text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def workers(project: Path, index: Path, count: int, rounds: int) -> list[dict]:
    """`--rounds` passes of the query mix over HTTP, then each worker's memory
    (bench.scale.measure.process_memory_mb: rss, pss, private, shared, anonymous)."""
    with gunicorn_process(index, count, code=project) as (base, server):
        for _ in range(rounds):
            for q in QUERIES:
                fetch(base + q.url())
        return [process_memory_mb(pid) for pid in children(server.pid)]


def _median(rows: list[dict], key: str) -> float:
    return round(statistics.median(r[key] for r in rows), 1)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--index", type=Path, required=True)
    parser.add_argument("--project", type=Path, default=ROOT)
    parser.add_argument("--baseline", nargs=2, type=Path, metavar=("PROJECT", "INDEX"))
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=3, help="passes over the query mix")
    parser.add_argument("--repeat", type=int, default=3, help="fresh processes per case")
    parser.add_argument("--skip-workers", action="store_true")
    args = parser.parse_args(argv)
    cases = {"this": (args.project, args.index)}
    if args.baseline:
        cases = {"baseline": tuple(args.baseline)} | cases
    found = {name: {"first": []} for name in cases}
    for _ in range(args.repeat):
        for name, (project, index) in cases.items():
            found[name]["first"].append(first_query(project, index, args.rounds))
    if not args.skip_workers:
        for name, (project, index) in cases.items():
            found[name]["workers"] = workers(project, index, args.workers, args.rounds)
    for name, (project, index) in cases.items():
        rows = found[name]["first"]
        print(f"{name}: {project} serving {index}")
        print(f"  commonest word {rows[0]['word']!r}: open {_median(rows, 'open_ms')} ms, "
              f"first query {_median(rows, 'first_ms')} ms, warm p50 "
              f"{_median(rows, 'warm_p50_ms')} / p95 {_median(rows, 'warm_p95_ms')} ms "
              f"(medians of {len(rows)} fresh processes); first/p95 = "
              f"{_median(rows, 'first_ms') / _median(rows, 'warm_p95_ms'):.2f}")
        for number, w in enumerate(found[name].get("workers", []), 1):
            print(f"  worker {number}: RSS {w['rss']} MB, PSS {w['pss']} MB, "
                  f"private {w['private']} MB")
    print(json.dumps(found))


if __name__ == "__main__":
    main()
