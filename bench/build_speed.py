"""Benchmark: a full build of a folder of reports, then adding one report to that index, with
this code and, as the baseline in the same run, another checkout of the project (e.g. the code
before parallel segment writers: `git archive afa7341 | tar -x -C /tmp/old`).

Each build runs `python -m indexer build` in a subprocess under GNU time (wall seconds, CPU
seconds, CPU share, the largest process's peak RSS); runs of the two trees are interleaved.
The full build indexes every file but the last (by name); the update then adds the last one.
--check compares the two trees' last full builds with bench.scale.same_build (same chunks,
same scores, same search answers, the same bytes in every mapped array and column). Each run
prints its wall and CPU seconds; the medians' ratios follow (on a shared machine quote CPU).
Asserts nothing.

    python -m bench.build_speed /tmp/scale100k/docs --baseline /tmp/old --check
"""
from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

TIME_FIELDS = {"wall": r"Elapsed \(wall clock\) time .*: (.+)", "user": r"User time .*: (.+)",
               "sys": r"System time .*: (.+)", "rss_kb": r"Maximum resident set size .*: (.+)"}


def timed_build(tree: Path, docs: Path, index: Path, workers: int) -> dict:
    """One `python -m indexer build` of `tree`'s code, measured by GNU time."""
    command = ["/usr/bin/time", "-v", sys.executable, "-m", "indexer", "build", str(docs),
               "--index", str(index), "--workers", str(workers), "--json"]
    env = {**os.environ, "PYTHONPATH": str(tree)}
    done = subprocess.run(command, cwd=tree, env=env, capture_output=True, text=True)
    if done.returncode not in (0, 1):
        raise RuntimeError(f"build failed in {tree}: {done.stderr[-2000:]}")
    found = {k: re.search(p, done.stderr).group(1) for k, p in TIME_FIELDS.items()}
    wall = sum(float(x) * 60 ** i for i, x in enumerate(reversed(found["wall"].split(":"))))
    cpu = float(found["user"]) + float(found["sys"])
    return {"wall": wall, "cpu": cpu, "share": cpu / wall, "rss_mb": int(found["rss_kb"]) / 1024}


def linked_copy(docs: Path, target: Path) -> Path:
    """Hard links to every file of `docs` but the last; returns the last."""
    files = sorted(p for p in docs.iterdir() if p.is_file() and p.suffix != ".json")
    target.mkdir()
    for path in files[:-1]:
        os.link(path, target / path.name)
    return files[-1]


def run_tree(tree: Path, docs: Path, scratch: Path, workers: int) -> tuple[dict, dict, Path]:
    folder, index = scratch / "docs", scratch / "index"
    shutil.rmtree(scratch, ignore_errors=True)
    scratch.mkdir(parents=True)
    last = linked_copy(docs, folder)
    full = timed_build(tree, folder, index, workers)
    os.link(last, folder / last.name)
    update = timed_build(tree, folder, index, workers)
    return full, update, index


def show(label: str, runs: list[dict]) -> str:
    med = {k: statistics.median(r[k] for r in runs) for k in runs[0]}
    return (f"{label:28s} wall {med['wall']:8.1f} s  cpu {med['cpu']:8.1f} s  "
            f"cpu share {med['share'] * 100:4.0f}%  peak rss {med['rss_mb']:7.0f} MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("docs")
    parser.add_argument("--baseline", help="another checkout of the project to compare with")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--check", action="store_true", help="compare the two full builds")
    parser.add_argument("--scratch", default=None, help="folder for the indexes (kept)")
    args = parser.parse_args()
    scratch = Path(args.scratch or tempfile.mkdtemp(prefix="build-speed-"))
    trees = {"this": ROOT} | ({"baseline": Path(args.baseline)} if args.baseline else {})
    results = {name: ([], []) for name in trees}
    indexes = {}
    for _ in range(args.repeat):
        for name, tree in reversed(trees.items()):  # baseline first, then this code
            full, update, indexes[name] = run_tree(tree, Path(args.docs), scratch / name,
                                                   args.workers)
            results[name][0].append(full)
            results[name][1].append(update)
            print(f"{name}: full {full['wall']:.1f} s wall {full['cpu']:.1f} s CPU, update "
                  f"{update['wall']:.1f} s wall {update['cpu']:.1f} s CPU", flush=True)
    print(f"docs: {args.docs}  workers: {args.workers}  runs: {args.repeat}  (medians)")
    for name, (fulls, updates) in results.items():
        print(show(f"{name}: full build", fulls))
        print(show(f"{name}: add one report", updates))
    if "baseline" in results:
        for i, what in enumerate(("full build", "add one report")):
            for measure in ("cpu", "wall"):
                this = statistics.median(r[measure] for r in results["this"][i])
                base = statistics.median(r[measure] for r in results["baseline"][i])
                print(f"{what}: this / baseline = {this / base:.3f} ({measure})")
    if args.check and "baseline" in indexes:
        from bench.scale import same_build

        found = same_build.compare(str(indexes["baseline"]), str(indexes["this"]), files=True)
        problems = {name: problem for name, problem in found.items() if problem}
        print(f"same_build: {len(found) - len(problems)}/{len(found)} checks alike", problems or "")


if __name__ == "__main__":
    main()
