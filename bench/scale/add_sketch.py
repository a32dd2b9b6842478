"""Add the sign codes and moments of decision 0048 (indexer/index/vector_sketch.py) to a
generation built before them, so a big index need not be built again to measure them: the
same files a build now writes, by the function the build calls (vector_sketch.write, on
the stored int8 rows and the sections vectors.stored reads, as vectors.write does).

    cp -al IX/gen-X COPY/gen-X && ln -s gen-X COPY/current   # never the served index
    python -m bench.scale.add_sketch COPY

Writes only new files beside the hard-linked ones (the linked files are never opened for
writing) and records the generation's checksums again (a new checksums.json, renamed over
its link). Prints the seconds it took and the bytes it wrote.
"""
from __future__ import annotations

import time
from pathlib import Path

import numpy as np

from bench.scale import backfill
from indexer.index import integrity, mapped, vector_sketch, vectors


def add(generation: Path) -> dict:
    """Write the sketch of every mapped segment of `generation` that lacks it."""
    started, written = time.perf_counter(), 0
    for leaf, target in backfill.segments(generation):
        rows = vectors.open_rows(target)
        if rows is None or rows.scales is None or (target / vector_sketch.SIGNS).is_file():
            continue
        _, sections = vectors.stored(leaf)
        vector_sketch.write(target, np.asarray(rows.codes), np.asarray(rows.scales), sections)
        written += sum((target / name).stat().st_size for name in vector_sketch.FILES
                       if (target / name).is_file())
    integrity.record(generation, _known(generation))
    return {"generation": str(generation), "seconds": round(time.perf_counter() - started, 1),
            "mb_written": round(written / 2**20, 1)}


def _known(generation: Path) -> dict:
    """integrity.known() less the sketch files, which are hashed again (a sketch written
    anew may have the size, and even the inode, of one recorded before)."""
    found = integrity.known(generation)
    for path in (generation / mapped.DIR).glob("*/vector_*"):
        if path.name in vector_sketch.FILES:
            info = path.stat()
            found.pop((info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns), None)
    return found


def main(argv: list[str] | None = None) -> None:
    backfill.main(__doc__, add, argv)


if __name__ == "__main__":
    main()
