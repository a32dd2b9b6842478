"""Add the common-word pair files (indexer/index/pairs.py) to a generation built before
them, or written when pairs.FIELDS had fewer fields (decision 0050 added `text`), so a big
index need not be built again to measure them: `pairs.write`, the function a build calls
for every segment it writes, run on each segment of the generation.

    cp -al IX/gen-X COPY/gen-X && ln -s gen-X COPY/current   # never the served index
    python -m bench.scale.add_pairs COPY

Writes only new files beside the hard-linked ones: older pair files are unlinked first
(the copy's names go; the files linked from elsewhere are never opened for writing), and
checksums.json, when the generation has one, is written anew (replaced, not rewritten) with
the new files' sizes and digests. Prints the seconds it took and the bytes it wrote.
"""
from __future__ import annotations

import time
from pathlib import Path


from bench.scale import backfill
from indexer.index import integrity, mapped, pairs, positions


def add(generation: Path, chunk_docs: int = pairs.CHUNK_DOCS) -> dict:
    """Write the pair files of every mapped segment of `generation` that has positions
    and lacks them, or lists other common words than this version chooses."""
    started, written = time.perf_counter(), 0
    for leaf, target in backfill.segments(generation):
        if not (target / positions.POSITIONS).is_file() or \
                pairs.written_as_now(leaf, target, mapped.key):
            continue
        for path in target.glob(pairs.PREFIX + "*"):
            path.unlink()  # a hard link: only this generation's name goes
        pairs.write(leaf, target, mapped.key, chunk_docs)
        written += sum(p.stat().st_size for p in target.glob(pairs.PREFIX + "*"))
    if written and integrity.recorded(generation) is not None:
        integrity.record(generation, integrity.known(generation))
    return {"generation": str(generation), "seconds": round(time.perf_counter() - started, 1),
            "mb_written": round(written / 2**20, 1)}


def main(argv: list[str] | None = None) -> None:
    backfill.main(__doc__, add, argv)


if __name__ == "__main__":
    main()
