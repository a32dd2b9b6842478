"""Benchmark: CPU seconds of one Whoosh writer over a folder's reports, Whoosh's own
SegmentWriter (the baseline, same run) against ours (indexer.index.writer.Writer), after
parsing every file once in this process. Prints parse, add_document and commit CPU seconds
and checks nothing (tests/test_writer.py shows the segment files are the same bytes).
--profile N prints where our writer's CPU goes (cProfile, the N costliest functions by own
time, then by cumulative time): the profile that guided decision 0026's bulk analysis.

    python -m bench.writer_speed /tmp/build-10k [--repeat 3] [--profile 30]
"""
from __future__ import annotations

import argparse
import cProfile
import pstats
import glob
import statistics
import tempfile
import time


from whoosh import index as whoosh_index
from whoosh.writing import SegmentWriter

from indexer.index.build import _documents_of
from indexer.index.schema import make_schema
from indexer.index.writer import Writer
from indexer.ingest.parse import parse_file


def write(writer_class, reports: list[dict]) -> tuple[float, float]:
    """CPU seconds of add_document for every chunk, then of commit."""
    with tempfile.TemporaryDirectory(prefix="writer-speed-") as folder:
        ix = whoosh_index.create_in(folder, make_schema())
        started = time.process_time()
        writer = writer_class(ix, limitmb=256)
        for report in reports:
            for doc in _documents_of(report):
                writer.add_document(**doc)
        added = time.process_time()
        writer.commit()
        return added - started, time.process_time() - added


def profile(reports: list[dict], top: int) -> None:
    """cProfile of our writer's add_document and commit over the reports."""
    profiler = cProfile.Profile()
    profiler.runcall(write, Writer, reports)
    stats = pstats.Stats(profiler)
    stats.sort_stats("tottime").print_stats(top)
    stats.sort_stats("cumulative").print_stats(top)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("docs")
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--profile", type=int, default=0, metavar="N",
                        help="profile our writer instead, printing the N costliest functions")
    args = parser.parse_args()
    started = time.process_time()
    reports = [parse_file(p).to_dict() for p in sorted(glob.glob(f"{args.docs}/*.txt"))]
    print(f"{len(reports)} reports parsed in {time.process_time() - started:.1f} s CPU")
    if args.profile:
        return profile(reports, args.profile)
    runs = {SegmentWriter: [], Writer: []}
    for _ in range(args.repeat):
        for writer_class, found in runs.items():  # interleaved
            found.append(write(writer_class, reports))
    for writer_class, found in runs.items():
        add = statistics.median(a for a, _ in found)
        commit = statistics.median(c for _, c in found)
        print(f"{writer_class.__module__}.{writer_class.__name__:14s} add {add:6.1f} s  "
              f"commit {commit:6.1f} s  total {add + commit:6.1f} s CPU (median of {args.repeat})")


if __name__ == "__main__":
    main()
