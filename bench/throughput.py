"""Benchmark: requests per second of the search mix under load (issue 12: ">= 300 requests/s
for the search mix, 0 errors" on the corpus index with `gunicorn -w 2` and 20 clients).

Starts `gunicorn -c gunicorn.conf.py -w 2 'webui:create_app()'` on 127.0.0.1 over the corpus
index (built into /tmp/throughput/ix-corpus from ../shared/corpus when missing) and drives it
with wrk (20 connections, a fixed time) through three mixes, one after another:

- baseline: GET /api/openapi.json, the cheapest real endpoint (no search, a small cached
  JSON document): the ceiling of gunicorn + Flask + wrk on this machine, in this run;
- api: the 35 URLs of bench/scale/queries.py on /api/search (facets and highlighted
  snippets, top 10), cycled;
- html: the same 35 on /search (the results page).

Each server's first run of each mix is an unreported warm-up of --warm seconds (both
workers open the index and read the terms' postings). With several servers (--code,
--env), all are started at once and measured in turn, mix by mix, in every repeat. Prints requests/s, latency p50/p95/p99 (wrk's histogram), errors
(socket errors plus non-2xx) and each mix's requests/s as a share of the baseline's.

    apt-get install -y wrk
    python -m bench.throughput [--index DIR] [--seconds 30] [--clients 20]
    python -m bench.throughput --code /tmp/before --code .   # two checkouts, same run

--code serves another checkout of the project (e.g. `git archive COMMIT | tar -x -C DIR`)
with this venv, for a before/after measured in the same run; --env NAME=VALUE sets a server
environment variable (e.g. OFSTED_ANSWER_CACHE=0 for figures without the answer cache).
Asserts nothing; results also go to /tmp/throughput/results-HHMMSS.json.
"""
from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from contextlib import ExitStack
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

from bench.scale import http, load
from bench.scale.queries import QUERIES

WORK = Path("/tmp/throughput")
CORPUS = ROOT.parent / "shared" / "corpus"
MIXES = {
    "baseline": ["/api/openapi.json"],
    "api": [q.url("/api/search") for q in QUERIES],
    "html": [q.url("/search") for q in QUERIES],
}


def ensure_index(index: Path) -> Path:
    """The corpus index, built with `python -m indexer build` when it is missing."""
    if not (index / "current").exists():
        print(f"building {index} from {CORPUS} (a few minutes)", flush=True)
        done = subprocess.run([sys.executable, "-m", "indexer", "build", str(CORPUS),
                               "--index", str(index)], cwd=ROOT, stdout=subprocess.DEVNULL)
        if done.returncode not in (0, 1):  # 1: built, some files skipped (listed on stderr)
            sys.exit(f"the build failed (exit {done.returncode})")
    return index


def measure(bases: list[str], labels: list[str], args) -> list[list[dict]]:
    """Every mix against every server, interleaved (mix by mix, server by server, in each
    repeat) so the machine's other load falls on all of them alike; each server's first
    run of a mix is an unreported warm-up of --warm seconds."""
    found: list[list[dict]] = [[{} for _ in range(args.repeats)] for _ in bases]
    for repeat in range(args.repeats):
        for name in args.mixes:
            for n, (base, text) in enumerate(zip(bases, labels)):
                if repeat == 0 and args.warm:
                    load.run(base, MIXES[name], clients=args.clients, seconds=args.warm)
                result = load.run(base, MIXES[name], clients=args.clients, seconds=args.seconds)
                found[n][repeat][name] = {k: v for k, v in result.items() if k != "raw"}
                print(f"  {text:28s} {name:8s} {line(found[n][repeat][name])}", flush=True)
    return found


def line(result: dict) -> str:
    return (f"{result['requests_per_second']:7.1f} req/s  p50 {result['p50_ms']:6.1f}  "
            f"p95 {result['p95_ms']:6.1f}  p99 {result['p99_ms']:6.1f} ms  "
            f"errors {result['errors']}")


def label(code: Path, env: dict) -> str:
    name = "this checkout" if code.resolve() == ROOT else str(code)
    return name + "".join(f" {k}={v}" for k, v in env.items())


def summary(runs: list[dict]) -> None:
    """Each mix's requests/s as a share of the baseline measured by the same server."""
    print("\nsummary (median over repeats; share of the same server's baseline req/s):")
    for run in runs:
        median = {name: statistics.median(r[name]["requests_per_second"]
                                          for r in run["repeats"])
                  for name in run["repeats"][0]}
        ceiling = median.get("baseline")
        for name, rate in median.items():
            share = f"  ({rate / ceiling:.0%} of baseline)" if ceiling and name != "baseline" else ""
            errors = sum(r[name]["errors"] for r in run["repeats"])
            print(f"  {run['label']:28s} {name:8s} {rate:7.1f} req/s{share}  errors {errors}")


def main(argv: list[str] | None = None) -> Path:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", type=Path, default=WORK / "ix-corpus")
    parser.add_argument("--seconds", type=int, default=30)
    parser.add_argument("--warm", type=int, default=5, help="unreported seconds per mix")
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=1, help="rounds over every server")
    parser.add_argument("--mixes", nargs="+", default=list(MIXES), choices=list(MIXES))
    parser.add_argument("--code", type=Path, action="append",
                        help="checkout to serve (repeatable; default: this one)")
    parser.add_argument("--results", type=Path, default=WORK, help="folder of results-*.json")
    parser.add_argument("--env", action="append", default=[],
                        help="NAME=VALUE for the server (repeatable; a run per --env given "
                             "as NAME=V1,V2 tries each value)")
    args = parser.parse_args(argv)
    if not load.wrk_available():
        sys.exit("wrk is not installed: apt-get install -y wrk")
    index = ensure_index(args.index)
    servers = [(code, env) for code in (args.code or [ROOT]) for env in environments(args.env)]
    labels = [label(code, env) for code, env in servers]
    print(f"index {index}, {args.clients} clients, {args.seconds} s a mix, "
          f"{args.workers} workers, {args.repeats} repeats")
    with ExitStack() as stack:
        bases = [stack.enter_context(http.gunicorn(index, workers=args.workers, config=True,
                                                   code=code, env=env))
                 for code, env in servers]
        found = measure(bases, labels, args)
    runs = [{"label": text, "code": str(code), "env": env, "repeats": repeats}
            for text, (code, env), repeats in zip(labels, servers, found)]
    summary(runs)
    args.results.mkdir(parents=True, exist_ok=True)
    out = args.results / f"results-{time.strftime('%H%M%S')}.json"
    out.write_text(json.dumps({"index": str(index), "clients": args.clients,
                               "seconds": args.seconds, "runs": runs}, indent=1))
    print(f"results: {out}")
    return out


def environments(pairs: list[str]) -> list[dict]:
    """--env A=1,0 --env B=x -> [{A: 1, B: x}, {A: 0, B: x}]."""
    envs: list[dict] = [{}]
    for pair in pairs:
        name, _, values = pair.partition("=")
        envs = [env | {name: value} for env in envs for value in values.split(",")]
    return envs


if __name__ == "__main__":
    main()
