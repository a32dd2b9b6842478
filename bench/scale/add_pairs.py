"""Add the common-word pair files (indexer/index/pairs.py) to a generation built before
them, so a big index need not be built again to measure them: `pairs.write`, the function
a build calls for every segment it writes, run on each segment of the generation.

    cp -al IX/gen-X COPY/gen-X && ln -s gen-X COPY/current   # never the served index
    python -m bench.scale.add_pairs COPY

Writes only new files beside the hard-linked ones (the linked files are never opened for
writing), and prints the seconds it took and the bytes it wrote.
"""
from __future__ import annotations

import time
from pathlib import Path


from bench.scale import backfill
from indexer.index import mapped, pairs, positions


def add(generation: Path, chunk_docs: int = pairs.CHUNK_DOCS) -> dict:
    """Write the pair files of every mapped segment of `generation` that has positions
    and lacks them."""
    started, written = time.perf_counter(), 0
    for leaf, target in backfill.segments(generation):
        if (target / positions.POSITIONS).is_file() and not (target / pairs.WORDS).is_file():
            pairs.write(leaf, target, mapped.key, chunk_docs)
            written += sum(p.stat().st_size for p in target.glob(pairs.PREFIX + "*"))
    return {"generation": str(generation), "seconds": round(time.perf_counter() - started, 1),
            "mb_written": round(written / 2**20, 1)}


def main(argv: list[str] | None = None) -> None:
    backfill.main(__doc__, add, argv)


if __name__ == "__main__":
    main()
