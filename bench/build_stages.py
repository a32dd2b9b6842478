"""Benchmark: where a full build's CPU goes, stage by stage, in whichever process runs each
stage (the parse pool's and the segment writers' forked workers included): each stage's
function is wrapped with `time.process_time` in this process before the build starts, so
the workers inherit the wrappers. No profiler: the figures carry no per-call cost (cProfile
overstates the Python-level parts several times over: decision 0051). Stages nest (the
mapped arrays include the vectors, the vectors the embedding); the total is this process's
and its children's CPU (`getrusage`). Each stage's wall span (from the build's start, the
first call's start to the last call's end in any process) shows where a core waits: two
busy cores give CPU ~ 2 x wall. The follow-up precompute that `python -m indexer
build` runs afterwards is not part of it (bench.scale.build_index's code path).

    python -m bench.build_stages CORPUS [--index DIR] [--workers 2]
"""
from __future__ import annotations

import argparse
import functools
import os
import resource
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from indexer.index import (build, columns, embedding, integrity, mapped, pairs, parse_pool,
                           report_writer, segments, spelling, vectors, writer)

# (owner, attribute, stage name, what it is)
STAGES = [
    (parse_pool, "_parse_worker", "parse", "reading and parsing the files"),
    (writer.Writer, "add_document", "add_document", "analysis, posting pool, stored fields"),
    (writer.Writer, "_finalize_segment", "whoosh commit",
     "Whoosh's posting blocks and segment files (and the postings recorded)"),
    (mapped, "_write_segment", "mapped arrays", "postings, positions, pairs, lengths, vectors"),
    (pairs, "write", "  pairs", "common-word pairs"),
    (vectors, "write", "  vectors", "passage vectors and sketch"),
    (embedding, "embed", "    embed", "WordLlama"),
    (columns, "write", "columns", "the generation's columns (parent)"),
    (spelling, "report_word_counts", "word counts", "vocabulary counts"),
    (report_writer.Writable, "commit", "report store", "the report store (parent)"),
    (integrity, "record", "checksums", "checksums (parent)"),
]
_spent: dict[str, float] = defaultdict(float)
_spans: dict[str, tuple[float, float]] = {}  # stage -> (first start, last end), wall clock
_LOG = {"path": None}


def _wrap(owner, name: str, stage: str) -> None:
    original = getattr(owner, name)

    @functools.wraps(original)
    def timed(*args, **kwargs):
        started, begun = time.process_time(), time.time()
        try:
            return original(*args, **kwargs)
        finally:
            _spent[stage] += time.process_time() - started
            first, _ = _spans.get(stage, (begun, 0.0))
            _spans[stage] = (min(first, begun), time.time())
    setattr(owner, name, timed)


def _flushing(owner, name: str) -> None:
    """A worker's task: its stages' seconds are written to the log when it returns."""
    original = getattr(owner, name)

    @functools.wraps(original)
    def flushed(*args, **kwargs):
        try:
            return original(*args, **kwargs)
        finally:
            _flush()
    setattr(owner, name, flushed)


def _flush() -> None:
    with open(_LOG["path"], "a", encoding="utf-8") as log:
        for stage, seconds in _spent.items():
            first, last = _spans[stage]
            log.write(f"{os.getpid()}\t{stage}\t{seconds:.4f}\t{first:.3f}\t{last:.3f}\n")
    _spent.clear()
    _spans.clear()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus")
    parser.add_argument("--index", help="where to build (default: a new temporary folder)")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    index = args.index or tempfile.mkdtemp(prefix="build-stages-")
    _LOG["path"] = str(Path(tempfile.mkdtemp(prefix="build-stages-log-")) / "stages.tsv")
    for owner, name, stage, _ in STAGES:
        _wrap(owner, name, stage)
    build.report_word_counts = spelling.report_word_counts  # build imported it by name
    _flushing(segments, "_write_one")
    _flushing(parse_pool, "_parse_worker")
    own, children = (resource.getrusage(resource.RUSAGE_SELF),
                     resource.getrusage(resource.RUSAGE_CHILDREN))
    begun = time.time()
    summary = build.build([args.corpus], index, workers=args.workers)
    wall = time.time() - begun
    _flush()
    total = sum(getattr(resource.getrusage(who), f) - getattr(before, f)
                for who, before in ((resource.RUSAGE_SELF, own),
                                    (resource.RUSAGE_CHILDREN, children))
                for f in ("ru_utime", "ru_stime"))
    spent: dict[str, float] = defaultdict(float)
    processes: dict[str, set] = defaultdict(set)
    spans: dict[str, tuple[float, float]] = {}
    with open(_LOG["path"], encoding="utf-8") as log:
        for line in log:
            pid, stage, seconds, first, last = line.rstrip("\n").split("\t")
            spent[stage] += float(seconds)
            processes[stage].add(pid)
            was = spans.get(stage, (float(first), float(last)))
            spans[stage] = (min(was[0], float(first)), max(was[1], float(last)))
    print(f"{summary.chunks} passages, {args.workers} workers, index {index}")
    print(f"CPU in all: {total:.1f} s (this process and its children); wall {wall:.1f} s "
          f"(CPU/wall {total / wall:.2f})")
    for _, _, stage, what in STAGES:
        if stage in spent:
            first, last = (t - begun for t in spans[stage])
            print(f"{stage:18s} {spent[stage]:8.1f} s {spent[stage] / total * 100:5.1f}%  "
                  f"({len(processes[stage])} processes, wall {first:.1f}-{last:.1f} s) {what}")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
