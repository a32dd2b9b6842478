"""Parallel segment writers (indexer.index.segments): a build with two workers writes one
segment per worker and answers every query of the scale set exactly as a single-writer
build of the same files (same chunks, same scores, same search answers), on a generated
corpus and on an incremental update."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from whoosh import index as whoosh_index
from whoosh.filedb.filestore import FileStorage

ROOT = Path(__file__).resolve().parents[1]

from bench.scale import generate, same_build
from indexer.index import mapped
from indexer.index.build import build
from indexer.index.segments import slices
from indexer.index.store import current_generation

SIZE = 600  # passages


def segment_sizes(index_dir: Path) -> list[int]:
    ix = whoosh_index.open_dir(str(current_generation(index_dir) / "whoosh"))
    return [segment.doc_count_all() for segment in ix._segments()]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("parallel_corpus")
    generate.generate(SIZE, out, source=None, seeds_dir=ROOT / "seeds")
    return out


@pytest.fixture(scope="module")
def single(corpus, tmp_path_factory) -> Path:
    index = tmp_path_factory.mktemp("single")
    build([str(corpus)], str(index), workers=1)
    return index


@pytest.fixture(scope="module")
def parallel(corpus, tmp_path_factory) -> Path:
    index = tmp_path_factory.mktemp("parallel")
    build([str(corpus)], str(index), workers=2)
    return index


def test_each_worker_writes_one_segment(single, parallel):
    assert len(segment_sizes(single)) == 1
    sizes = segment_sizes(parallel)
    assert len(sizes) == 2 and min(sizes) > 0.3 * sum(sizes)
    assert sum(sizes) == segment_sizes(single)[0]


def test_workers_map_their_segments_as_the_parent_would(parallel, tmp_path):
    """Each worker writes its new segment's memory-mapped arrays (mapped.write_new); the
    parent, writing them from the committed index as for any other segment, gives the same
    files, byte for byte (the workers read their segment with Whoosh's compound file
    memory-mapped, the parent here with plain reads: decision 0051)."""
    generation = current_generation(parallel)
    ix = FileStorage(str(generation / "whoosh"), supports_mmap=False).open_index()
    with ix.reader() as reader:
        mapped.write(tmp_path, reader, None)
    segids = [segment.segment_id() for segment in ix._segments()]
    assert len(segids) == 2
    for segid in segids:
        mine, again = generation / mapped.DIR / segid, tmp_path / mapped.DIR / segid
        names = sorted(p.name for p in mine.iterdir())
        assert "docnums.npy" in names and names == sorted(p.name for p in again.iterdir())
        assert [n for n in names if (mine / n).read_bytes() != (again / n).read_bytes()] == []


def test_a_parallel_build_answers_as_a_single_writer(single, parallel):
    found = same_build.compare(str(single), str(parallel))
    assert len(found) > 50
    assert {name: problem for name, problem in found.items() if problem} == {}


def test_the_comparison_sees_a_different_index(single, corpus, tmp_path):
    """The check can fail: one report fewer changes matches and scores."""
    docs = tmp_path / "docs"
    shutil.copytree(corpus, docs)
    sorted(docs.glob("*.txt"))[0].unlink()
    build([str(docs)], str(tmp_path / "index"), workers=2)
    found = same_build.compare(str(single), str(tmp_path / "index"))
    assert found["(every chunk)"].startswith("different chunks")
    assert found["matches 'children'"].startswith("matches differ")


def test_an_incremental_parallel_build_answers_as_a_single_writer(corpus, tmp_path):
    files = sorted(p for p in corpus.iterdir() if p.suffix == ".txt")
    indexes = {1: tmp_path / "one", 2: tmp_path / "two"}
    for workers, index in indexes.items():
        docs = tmp_path / f"docs{workers}"
        docs.mkdir()
        for path in files[: len(files) // 2]:
            shutil.copy(path, docs)
        build([str(docs)], str(index), workers=workers)
        for path in files[len(files) // 2:]:
            shutil.copy(path, docs)
        (docs / files[0].name).unlink()
        build([str(docs)], str(index), workers=workers)
    found = same_build.compare(str(indexes[1]), str(indexes[2]))
    assert {name: problem for name, problem in found.items() if problem} == {}


def test_reports_added_incrementally_answer_as_a_full_build(corpus, single, tmp_path):
    """Half the files, then the rest added by an incremental build (which copies the report
    store and reuses the columns of the first build's segments): the same chunks, scores
    and search answers, facet counts included, as one full build of every file."""
    files = sorted(p for p in corpus.iterdir() if p.suffix == ".txt")
    docs, index = tmp_path / "docs", tmp_path / "index"
    docs.mkdir()
    for path in files[: len(files) // 2]:
        shutil.copy(path, docs)
    build([str(docs)], str(index), workers=2)
    for path in files[len(files) // 2:]:
        shutil.copy(path, docs)
    summary = build([str(docs)], str(index), workers=2)
    assert summary.added == len(files) - len(files) // 2 and summary.full_rebuild is None
    assert len(segment_sizes(index)) > 2
    found = same_build.compare(str(single), str(index))
    assert len(found) > 50
    assert {name: problem for name, problem in found.items() if problem} == {}


def test_slices_are_contiguous_and_balanced():
    assert slices([5, 5, 5, 5], 2) == [range(0, 2), range(2, 4)]
    assert slices([10, 1, 1, 1], 2) == [range(0, 1), range(1, 4)]
    assert slices([3], 2) == [range(0, 1)]
    assert slices([], 2) == []
    assert slices([1, 1, 1], 3) == [range(0, 1), range(1, 2), range(2, 3)]
