"""Benchmark: does an index updated in place score as a full build of the same files? With
this code and, as the baseline in the same run, another checkout of the project
(docs/decisions/0042-steady-updates.md).

For each tree, with that tree's code (`python -m indexer build` in a subprocess): a
generated corpus (bench/scale/generate.py, `--passages`) is built half at once, the rest
is added one file per build, then two files are changed and one removed; then a full
build of the final folder. `python -m bench.scale.same_build FULL UPDATED`, run with the
tree's own code, compares them: "matches" checks compare every matching chunk's exact
score (Whoosh's matchers), "search" checks whole answers (with `--ties` where the tree
knows it: equal scores in any order). Prints each tree's counts of checks alike. The
folders are deleted afterwards. Asserts nothing.

    nice -n 10 python -m bench.update_scores --baseline /tmp/old-code --passages 900
"""
from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from bench.scale import generate

ROOT = Path(__file__).resolve().parents[1]


def run(tree: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", *args], cwd=tree, capture_output=True,
                          text=True, env={**os.environ, "PYTHONPATH": str(tree)})


def build(tree: Path, docs: Path, index: Path) -> None:
    done = run(tree, "indexer", "build", str(docs), "--index", str(index), "--json")
    if done.returncode != 0:
        raise RuntimeError(done.stderr[-2000:])


def updated_and_full(tree: Path, files: list[Path], scratch: Path) -> tuple[Path, Path]:
    docs, index = scratch / "docs", scratch / "updated"
    docs.mkdir(parents=True)
    half = len(files) // 2
    for path in files[:half]:
        shutil.copy(path, docs)
    build(tree, docs, index)
    for path in files[half:]:
        shutil.copy(path, docs)
        build(tree, docs, index)
    for path in (docs / files[1].name, docs / files[half + 1].name):
        path.write_text(path.read_text() + "\nA changed closing sentence on fostering.\n")
    (docs / files[3].name).unlink()
    build(tree, docs, index)
    build(tree, docs, scratch / "full")
    return index, scratch / "full"


def checks(tree: Path, full: Path, updated: Path) -> dict[str, tuple[int, int]]:
    ties = "--ties" in run(tree, "bench.scale.same_build", "--help").stdout
    done = run(tree, "bench.scale.same_build", str(full), str(updated),
               *(["--ties"] if ties else []))
    found = {"matches": [0, 0], "search": [0, 0]}
    for line in done.stdout.splitlines():
        status, _, rest = line.partition(" ")
        kind = rest.strip().split(" ")[0]
        if status in ("ok", "DIFF") and kind in found:
            found[kind][0] += status == "ok"
            found[kind][1] += 1
    return {kind: tuple(counts) for kind, counts in found.items()} | {"ties": ties}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", help="another checkout of the project")
    parser.add_argument("--passages", type=int, default=900)
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="update-scores-"))
    trees = {"this": ROOT} | ({"baseline": Path(args.baseline)} if args.baseline else {})
    try:
        generate.generate(args.passages, scratch / "corpus", source=None,
                          seeds_dir=ROOT / "seeds")
        files = sorted(p for p in (scratch / "corpus").iterdir() if p.suffix == ".txt")
        print(f"{len(files)} files; half built at once, {len(files) - len(files) // 2} added "
              "one by one, 2 changed and 1 removed", flush=True)
        for name, tree in trees.items():
            updated, full = updated_and_full(tree, files, scratch / name)
            found = checks(tree, full, updated)
            print(f"{name}: scores alike in {found['matches'][0]}/{found['matches'][1]} "
                  f"match checks; search answers alike in {found['search'][0]}/"
                  f"{found['search'][1]}{' (ties in any order)' if found['ties'] else ''}",
                  flush=True)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
