"""Benchmark: adding one report at a time to a big index, with this code and, as the baseline
in the same run, another checkout of the project (docs/decisions/0029-incremental-builds.md).

Each tree gets its own copy (`cp -a`) of an index its own code built (so the fingerprint
matches and no full rebuild is triggered). Then, `--repeat` times, a new report is made
(the `--report` file with one sentence of its own appended, so its content is new) and
added with `python -m indexer build FOLDER --index COPY` under GNU time, the trees
interleaved; the folder holds only the added reports, so the build reads only them and
leaves every other report alone. Prints each run (with the index's segment count after
it), the medians (wall, CPU, peak RSS), the distribution of wall times (median, p95, max,
adds over 10 s) and the ratio baseline / this. `--in-process` runs each tree's adds as `build()` calls in one
long-lived process per tree (no interpreter start and imports, and not the follow-ups the
command line computes after a build: the update alone; CPU includes its parse workers,
peak RSS is that process's so far). `--baseline-repeat N` replays only the first
N adds on the baseline (a shorter run: its slow adds come where its merge policy puts them,
bench/incremental_parts.py --adds replays where). The copies are deleted afterwards unless
--keep (then `python -m bench.segments_cost SCRATCH/this-index` measures what the segments
cost searches).

    python -m bench.add_one --index /tmp/ix100k-this --report /tmp/scale1m/extra/X.txt \
        --baseline /tmp/old-code --baseline-index /tmp/lead-ix100k --repeat 3
    nice -n 10 python -m bench.add_one --index IX --report FILE --repeat 300 \
        --baseline /tmp/old-code --baseline-index OLD-IX --baseline-repeat 60
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
from whoosh import index as whoosh_index

ROOT = Path(__file__).resolve().parents[1]

from bench.build_speed import show, timed_build
from indexer.index import integrity, store
from indexer.index.fingerprint import index_format


def new_report(template: Path, folder: Path, n: int) -> Path:
    """A copy of the template with a sentence of its own: a report no index holds yet."""
    target = folder / f"{template.stem}-added-{n:03d}{template.suffix}"
    text = template.read_text(encoding="utf-8")
    target.write_text(text + f"\nThe added report number {n} closes here.\n", encoding="utf-8")
    return target


DRIVER = r"""
import json, resource, sys, time
from indexer.index.build import build
for line in sys.stdin:
    docs, index, workers = json.loads(line)
    me, kids = (resource.getrusage(w) for w in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))
    started = time.perf_counter()
    build([docs], index, workers=workers)
    wall = time.perf_counter() - started
    me2, kids2 = (resource.getrusage(w) for w in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))
    cpu = sum(b.ru_utime + b.ru_stime - a.ru_utime - a.ru_stime
              for a, b in ((me, me2), (kids, kids2)))
    print(json.dumps({"wall": wall, "cpu": cpu, "share": cpu / wall,
                      "rss_mb": me2.ru_maxrss / 1024}), flush=True)
"""


class InProcess:
    """One long-lived process of a tree's code that runs builds when asked."""

    def __init__(self, tree: Path):
        self.process = subprocess.Popen(
            [sys.executable, "-c", DRIVER], cwd=tree, text=True, stdin=subprocess.PIPE,
            stdout=subprocess.PIPE, env={**os.environ, "PYTHONPATH": str(tree)})

    def build(self, docs: Path, index: Path, workers: int) -> dict:
        self.process.stdin.write(json.dumps([str(docs), str(index), workers]) + "\n")
        self.process.stdin.flush()
        line = self.process.stdout.readline()
        if not line:
            raise RuntimeError("the build process ended")
        return json.loads(line)

    def close(self) -> None:
        self.process.stdin.close()
        self.process.wait()


def segment_count(index: Path) -> int:
    return len(whoosh_index.open_dir(str(index / "current" / "whoosh"))._segments())


def distribution(name: str, runs: list[dict]) -> str:
    walls = np.array([r["wall"] for r in runs])
    return (f"{name}: {len(walls)} adds, wall median {np.median(walls):.2f} s, "
            f"p95 {np.percentile(walls, 95):.2f} s, max {walls.max():.2f} s "
            f"(add {int(walls.argmax()) + 1}), over 10 s: {int((walls > 10).sum())}; "
            f"segments after the last {runs[-1]['segments']}, most "
            f"{max(r['segments'] for r in runs)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", required=True, help="an index this code built")
    parser.add_argument("--report", required=True, type=Path, help="a report file to copy")
    parser.add_argument("--baseline", help="another checkout of the project")
    parser.add_argument("--baseline-index", help="an index the baseline's code built")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--first", type=int, default=0,
                        help="number of the first added report (to go on from an earlier run's "
                             "kept copy: its reports are new to it)")
    parser.add_argument("--baseline-repeat", type=int, default=None,
                        help="adds replayed on the baseline (default: --repeat)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--in-process", action="store_true",
                        help="build() in one long-lived process per tree (no follow-ups)")
    parser.add_argument("--scratch", default=None)
    parser.add_argument("--keep", action="store_true", help="keep the copies")
    parser.add_argument("--adopt", action="store_true",
                        help="mark this tree's copy as written by this code (its format.json "
                             "fingerprint): for an index another checkout built whose files "
                             "this code writes alike, so no full rebuild is triggered")
    args = parser.parse_args()
    scratch = Path(args.scratch or tempfile.mkdtemp(prefix="add-one-"))
    scratch.mkdir(parents=True, exist_ok=True)
    trees = {"this": (ROOT, Path(args.index))}
    if args.baseline:
        trees["baseline"] = (Path(args.baseline), Path(args.baseline_index))
    copies = {}
    for name, (_, index) in trees.items():
        copies[name] = scratch / f"{name}-index"
        subprocess.run(["cp", "-a", str(index), str(copies[name])], check=True)
        if name == "this" and args.adopt:
            generation = store.current_generation(copies[name])
            store.write_json(generation / "format.json", index_format())
            # the checksums again: a format.json unlike the recorded one reads as damage,
            # and damage means a full rebuild (indexer.index.repair)
            integrity.record(generation)
    docs = scratch / "added"
    docs.mkdir(exist_ok=True)
    runs = {name: [] for name in trees}
    drivers = {name: InProcess(tree) for name, (tree, _) in trees.items()} \
        if args.in_process else {}
    try:
        for n in range(args.first, args.first + args.repeat):
            new_report(args.report, docs, n)
            for name, (tree, _) in reversed(trees.items()):  # baseline first
                if name == "baseline" and n >= args.first + (args.baseline_repeat or args.repeat):
                    continue
                run = (drivers[name].build(docs, copies[name], args.workers) if drivers
                       else timed_build(tree, docs, copies[name], args.workers))
                run["segments"] = segment_count(copies[name])
                runs[name].append(run)
                print(f"{name}: add report {n + 1}: {run['wall']:.2f} s wall, "
                      f"{run['cpu']:.2f} s cpu, peak rss {run['rss_mb']:.0f} MB, "
                      f"{run['segments']} segments", flush=True)
    finally:
        for driver in drivers.values():
            driver.close()
        if not args.keep:
            shutil.rmtree(scratch, ignore_errors=True)
    print(f"runs: {args.repeat}  (medians)")
    for name, found in runs.items():
        print(show(f"{name}: add one report", [{k: r[k] for k in ("wall", "cpu", "share",
                                                                  "rss_mb")} for r in found]))
    for name, found in runs.items():
        print(distribution(name, found))
    if "baseline" in runs:
        this = statistics.median(r["wall"] for r in runs["this"])
        base = statistics.median(r["wall"] for r in runs["baseline"])
        print(f"add one report: baseline / this = {base / this:.2f}x (wall)")


if __name__ == "__main__":
    main()
