"""Store a generation's float16 passage vectors as int8 codes with a scale a row (decision
0047), so a big index built before that decision need not be built again to measure it: the
same files a build now writes (indexer.index.vectors.quantise of the same rows).

    cp -al IX/gen-X COPY/gen-X && ln -s gen-X COPY/current   # never the served index
    python -m bench.scale.int8_vectors COPY

Each converted `vectors.npy` is written to a new file and renamed over the hard link (the
linked original is never opened for writing); the generation's checksums are recorded
again. Prints the seconds it took and the bytes before and after.
"""
from __future__ import annotations

import os
import time
from pathlib import Path

import numpy as np

from bench.scale import backfill
from indexer.index import integrity, mapped, vectors


def convert(generation: Path) -> dict:
    started, before, after = time.perf_counter(), 0, 0
    for folder in sorted((generation / mapped.DIR).iterdir()):
        path = folder / vectors.VECTORS
        rows = np.load(path, mmap_mode="r") if path.is_file() else None
        if rows is None or rows.dtype != np.float16:
            continue
        before += path.stat().st_size
        codes = np.empty(rows.shape, np.int8)
        scales = np.empty(rows.shape[0], np.float32)
        for start in range(0, rows.shape[0], 65_536):
            part = slice(start, start + 65_536)
            codes[part], scales[part] = vectors.quantise(np.asarray(rows[part], np.float32))
        np.save(folder / "vectors.tmp.npy", codes)
        os.replace(folder / "vectors.tmp.npy", path)
        np.save(folder / vectors.SCALES, scales)
        after += path.stat().st_size + (folder / vectors.SCALES).stat().st_size
    integrity.record(generation)
    return {"generation": str(generation), "seconds": round(time.perf_counter() - started, 1),
            "mb_before": round(before / 2**20, 1), "mb_after": round(after / 2**20, 1)}


def main(argv: list[str] | None = None) -> None:
    backfill.main(__doc__, convert, argv)


if __name__ == "__main__":
    main()
