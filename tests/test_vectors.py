"""Passage vectors written at build time: one unit row per passage beside each segment's
mapped postings, kept segments' files reused by the next build, the model in the format."""
from __future__ import annotations

import shutil

import numpy as np
import pytest
from whoosh.filedb.filestore import FileStorage

from indexer.index import embedding, store, vectors
from indexer.index.build import build, index_format, rebuild_reason
from indexer.index.mapped import DIR, segment_id
from indexer.search import hybrid


def _segments(generation):
    """(segment id, its Whoosh leaf's stored fields, its vectors) of every segment."""
    ix = FileStorage(str(generation / "whoosh"), supports_mmap=False).open_index()
    try:
        with ix.reader() as reader:
            for leaf, _ in reader.leaf_readers():
                fields = [leaf.stored_fields(d) for d in range(leaf.doc_count_all())]
                folder = generation / DIR / segment_id(leaf)
                yield segment_id(leaf), fields, vectors.open_rows(folder)
    finally:
        ix.close()


def test_every_passage_has_its_vector(seed_index):
    generation = store.current_generation(seed_index)
    for _, fields, rows in _segments(generation):
        assert rows.codes.dtype == np.int8 and rows.shape == (len(fields), embedding.DIM)
        assert rows.scales.dtype == np.float32 and rows.scales.shape == (len(fields),)
        assert (np.abs(rows.codes).max(axis=1) == 127).all()  # each row's range used whole
        texts = [vectors.passage_text(f["heading"], f["text"]) for f in fields]
        expected = embedding.embed(texts)
        assert np.abs(rows.floats() - expected).max() < 4e-3
        assert np.allclose(np.linalg.norm(rows.floats(), axis=1), 1.0, atol=5e-3)
        # what searches compute: the int8 cosine within 0.004 of the float32 one
        query = embedding.embed(["children missing from care"])[0]
        assert np.abs(hybrid.dots(*vectors.quantise(query), rows) - expected @ query).max() < 4e-3


def test_vectors_of_an_older_build_still_serve(tmp_path, seed_index):
    """float16 rows without scales (written before decision 0047) give the same cosines."""
    generation = store.current_generation(seed_index)
    _, fields, rows = next(_segments(generation))
    np.save(tmp_path / vectors.VECTORS, rows.floats().astype(np.float16))
    older = vectors.open_rows(tmp_path)
    assert older.scales is None and older.codes.dtype == np.float16
    query = embedding.embed(["the quality of social work practice"])[0]
    now = hybrid.dots(*vectors.quantise(query), rows)
    assert np.abs(hybrid.dots(*vectors.quantise(query), older) - now).max() < 4e-3
    np.save(tmp_path / vectors.VECTORS, rows.codes)  # int8 codes without their scales
    assert vectors.open_rows(tmp_path) is None


def test_an_added_report_keeps_the_other_segments_vectors(tmp_path, seeds_dir):
    first, rest = sorted(seeds_dir.glob("*.txt"))[:1], sorted(seeds_dir.glob("*.txt"))[1:]
    source = tmp_path / "src"
    source.mkdir()
    for path in rest:
        shutil.copy(path, source / path.name)
    index = tmp_path / "ix"
    build([str(source)], str(index), workers=1)
    before = {segid: rows for segid, _, rows in _segments(store.current_generation(index))}
    old_generation = store.current_generation(index)
    old_files = {segid: (old_generation / DIR / segid / vectors.VECTORS).stat().st_ino
                 for segid in before}
    shutil.copy(first[0], source / first[0].name)
    build([str(source)], str(index), workers=1)
    generation = store.current_generation(index)
    after = {segid: (fields, rows) for segid, fields, rows in _segments(generation)}
    kept = set(before) & set(after)
    assert kept, "the first build's segment is still in the index"
    for segid in kept:  # the same file, hard-linked: nothing embedded again
        assert (generation / DIR / segid / vectors.VECTORS).stat().st_ino == old_files[segid]
    assert sum(len(fields) for fields, _ in after.values()) > sum(len(r) for r in before.values())


def test_reuse_finds_rows_by_text(seed_index):
    generation = store.current_generation(seed_index)
    previous = vectors.Previous(generation, DIR)
    _, fields, rows = next(_segments(generation))
    keys = np.array([vectors.text_key(vectors.passage_text(f["heading"], f["text"]))
                     for f in fields[:5]] + [vectors.text_key("never indexed")], np.uint64)
    out = np.zeros((6, embedding.DIM), np.float32)
    found = previous.find(keys, out)
    assert found.tolist() == [True] * 5 + [False]
    assert np.array_equal(out[:5], rows.floats(slice(0, 5))) and not out[5].any()


def test_the_model_is_part_of_the_index_format():
    fmt = index_format()
    assert fmt["model"] == f"{embedding.MODEL_NAME} {embedding.MODEL_VERSION}"
    older = dict(fmt, model="wordllama-l2_supercat-256 0.3.0")
    assert rebuild_reason(older, fmt) == (
        "the passage vectors' model changed from wordllama-l2_supercat-256 0.3.0 to "
        f"{fmt['model']}")
    assert rebuild_reason(fmt, fmt) is None


@pytest.mark.parametrize("heading, text, expected", [
    ("Care leavers", "Most live in suitable homes.", "Care leavers. Most live in suitable homes."),
    ("", "A passage without a heading.", "A passage without a heading."),
])
def test_what_is_embedded(heading, text, expected):
    assert vectors.passage_text(heading, text) == expected
