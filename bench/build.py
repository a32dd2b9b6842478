"""Benchmark: full build and no-change rebuild of the whole real corpus.

Prints pages, seconds and pages per second for a full build into a fresh directory, the
seconds of a rebuild with nothing changed, and, as a baseline measured in the same run,
the seconds PyMuPDF alone takes to extract plain text from the same PDFs on the same
number of cores (the floor any PDF-based build stands on). Asserts nothing.

    python -m bench.build [--corpus ../shared/corpus] [--repeat 1]
"""
from __future__ import annotations

import argparse
import glob
import os
import statistics
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

from indexer.index.build import build


def extract_plain(path: str) -> int:
    import pymupdf

    with pymupdf.open(path) as doc:
        return sum(len(page.get_text()) for page in doc)


def baseline(corpus: Path, workers: int) -> float:
    files = sorted(glob.glob(str(corpus / "**" / "*.pdf"), recursive=True))
    started = time.perf_counter()
    with ProcessPoolExecutor(workers) as pool:
        list(pool.map(extract_plain, files, chunksize=4))
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", default=str(ROOT.parent / "shared" / "corpus"))
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--workers", type=int, default=min(2, os.cpu_count() or 1))
    args = parser.parse_args()
    corpus = Path(args.corpus)
    fulls, rebuilds, floors = [], [], []
    summary = None
    for _ in range(args.repeat):
        floors.append(baseline(corpus, args.workers))
        with tempfile.TemporaryDirectory() as tmp:
            summary = build([str(corpus)], tmp, workers=args.workers)
            fulls.append(summary.seconds)
            rebuilds.append(build([str(corpus)], tmp, workers=args.workers).seconds)
    full, rebuild, floor = (statistics.median(x) for x in (fulls, rebuilds, floors))
    print(f"corpus: {corpus}  workers: {args.workers}  runs: {args.repeat}")
    print(f"reports {summary.reports}  passages {summary.chunks}  pages {summary.pages}  "
          f"skipped {len([s for s in summary.skipped if s['reason'] != 'unsupported file type'])}")
    print(f"full build          {full:8.1f} s   {summary.pages / full:7.1f} pages/s")
    print(f"no-change rebuild   {rebuild:8.2f} s")
    print(f"baseline: PyMuPDF plain text only {floor:8.1f} s   "
          f"(full build = {full / floor:.1f} x baseline)")


if __name__ == "__main__":
    main()
