"""Add the phrase position files (indexer/index/positions.py) to a generation built
before them, so a big index need not be built again to measure them: the same files a
build now writes, term for term (tests/test_positions.py compares them with Whoosh's).

    cp -al IX/gen-X COPY/gen-X && ln -s gen-X COPY/current   # never the served index
    python -m bench.scale.add_positions COPY

Writes only new files beside the hard-linked ones (the linked files are never opened for
writing), and prints the seconds it took and the bytes it wrote.
"""
from __future__ import annotations

import json
import time
from pathlib import Path

import numpy as np

from bench.scale import backfill
from indexer.index import mapped, positions
from indexer.index.postings import leaf_blocks


def add(generation: Path) -> dict:
    """Write the position files of every mapped segment of `generation` that lacks them."""
    started, written = time.perf_counter(), 0
    for leaf, target in backfill.segments(generation):
        if not (target / positions.POSITIONS).is_file():
            written += _segment(leaf, target)
    return {"generation": str(generation), "seconds": round(time.perf_counter() - started, 1),
            "mb_written": round(written / 2**20, 1)}


def _segment(leaf, target: Path) -> int:
    fields = set(json.loads((target / "fields.json").read_text()))
    positional = positions.fields_with_positions(leaf.schema, fields)
    keys = np.load(target / "terms.npy")
    starts = np.load(target / "starts.npy")
    collided = set(np.load(target / "collided.npy").tolist())
    names = {mapped.key(f, b): (f, b) for f, b in leaf.all_terms() if f in positional}
    writer = positions.Writer(target, int(starts[-1]), keys.size)
    for slot, k in enumerate(keys.tolist()):
        term = names.get(k) if k not in collided else None
        blocks = [] if term is None else list(leaf_blocks(leaf, term[0], term[1], True))
        whole = sum(len(b[0]) for b in blocks) == starts[slot + 1] - starts[slot]
        writer.add(slot, int(starts[slot]),  # False, or None: left to Whoosh
                   [b[2] for b in blocks] if term is not None and whole else None)
    writer.finish()
    return sum((target / name).stat().st_size
               for name in (positions.COUNTS, positions.STARTS, positions.POSITIONS))


def main(argv: list[str] | None = None) -> None:
    backfill.main(__doc__, add, argv)


if __name__ == "__main__":
    main()
