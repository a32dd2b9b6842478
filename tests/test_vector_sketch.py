"""The sign codes and per-section moments a build writes beside each segment's vectors
(indexer.index.vector_sketch), on real indexes of the seeds."""
from __future__ import annotations

import numpy as np
import pytest
from whoosh.filedb.filestore import FileStorage

from indexer.index import mapped, vector_sketch, vectors


def segments(index_dir):
    """(folder, leaf reader) of every segment of the index's current generation."""
    generation = (index_dir / "current").resolve()
    ix = FileStorage(str(generation / "whoosh"), supports_mmap=False).open_index()
    with ix.reader() as reader:
        found = [(generation / mapped.DIR / mapped.segment_id(leaf), vectors.stored(leaf)[1])
                 for leaf, _ in reader.leaf_readers()]
    ix.close()
    return found


def unpacked(planes: np.ndarray) -> np.ndarray:
    """(rows, 256) bools of sign planes (DIM / 64, rows) uint64."""
    return np.unpackbits(np.ascontiguousarray(np.asarray(planes).T).view(np.uint8),
                         axis=1).astype(bool)


def test_every_segment_has_one_sign_code_a_row(incremental_index):
    for folder, sections in segments(incremental_index):
        rows = vectors.open_rows(folder)
        sketch = vector_sketch.open_sketch(folder, len(rows))
        assert sketch.signs.shape == (4, len(rows)) and len(sections) == len(rows)
        bits = unpacked(sketch.signs)
        assert (bits == (np.asarray(rows.codes) > 0)).all()
        assert not sketch.has_moments  # a seed segment is far below MOMENTS_FROM rows


def test_the_moments_are_the_sums_of_each_sections_rows(seed_index):
    folder, sections = segments(seed_index)[0]
    rows = vectors.open_rows(folder)
    keys, table = vector_sketch.moments(np.asarray(rows.codes), np.asarray(rows.scales),
                                        sections)
    assert sorted(keys) == sorted(set(sections)) and "findings" in keys
    floats = np.asarray(rows.codes, np.float64) * np.asarray(rows.scales, np.float64)[:, None]
    for key, row in zip(keys, table):
        mine = floats[[s == key for s in sections]]
        assert row[0] == len(mine)
        assert row[1] == pytest.approx(np.linalg.norm(mine, axis=1).max(), rel=1e-6)
        assert np.allclose(row[2:258], mine.sum(axis=0), rtol=1e-9, atol=1e-12)
        assert np.allclose(row[258:].reshape(256, 256), mine.T @ mine, rtol=1e-9, atol=1e-12)


def test_moments_are_written_from_a_size_and_read_back(seed_index, tmp_path):
    folder, sections = segments(seed_index)[0]
    rows = vectors.open_rows(folder)
    codes, scales = np.asarray(rows.codes), np.asarray(rows.scales)
    vector_sketch.write(tmp_path, codes, scales, sections, moments_from=len(codes) + 1)
    assert not (tmp_path / vector_sketch.MOMENTS).exists()
    vector_sketch.write(tmp_path, codes, scales, sections, moments_from=len(codes))
    sketch = vector_sketch.open_sketch(tmp_path, len(codes))
    keys, table = vector_sketch.moments(codes, scales, sections)
    read = sketch.moments()
    assert sorted(read) == sorted(keys.tolist())
    assert all(np.array_equal(read[k], row) for k, row in zip(keys, table))
    assert vector_sketch.open_sketch(tmp_path, len(codes) + 1) is None  # not a row a passage
