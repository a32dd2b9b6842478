"""indexer.index.recorded: a new segment's memory-mapped arrays written from the postings its
writer recorded are byte for byte those read back through Whoosh, whether the writer's pool
spilled runs or not; a record that some postings bypassed is not used."""
from __future__ import annotations

from array import array
from pathlib import Path

import pytest
from whoosh import index as whoosh_index
from whoosh.filedb.filestore import FileStorage
from whoosh.reading import SegmentReader

from indexer.index import mapped, recorded
from indexer.index.build import _documents_of
from indexer.index.bulk_analysis import encode
from indexer.index.schema import make_schema
from indexer.index.writer import Writer
from indexer.ingest.parse import parse_file


@pytest.fixture(scope="module")
def seed_reports(seeds_dir) -> list[dict]:
    return [parse_file(str(path)).to_dict() for path in sorted(seeds_dir.iterdir())]


def new_segment(folder: Path, reports: list[dict], limitmb: int, merged: bool = False):
    """A segment written as a parallel segment writer writes one, its postings recorded;
    `merged`: with one posting added the way a merged segment's are."""
    whoosh_dir = folder / "whoosh"
    whoosh_dir.mkdir(parents=True)
    ix = whoosh_index.create_in(str(whoosh_dir), make_schema())
    writer = Writer(ix, _lk=False, limitmb=limitmb)
    record = writer.pool.recorder = mapped.recorder(str(whoosh_dir), ix.schema,
                                                    writer.newsegment.segment_id())
    for report in reports:
        for doc in _documents_of(report):
            writer.add_document(**doc)
    if merged:
        writer.pool.add(("report_id", b"zzz", writer.docnum - 1, 1.0, b""))
    spilled = bool(writer.pool.gathered_runs)
    segment = writer._finalize_segment()
    record.finish()
    return ix, segment, spilled


def files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.iterdir()}


@pytest.mark.parametrize("limitmb", [1, 256])
def test_arrays_from_the_record_are_those_read_back(seed_reports, tmp_path, limitmb):
    ix, segment, spilled = new_segment(tmp_path, seed_reports, limitmb)
    assert spilled is (limitmb == 1)
    whoosh_dir = str(tmp_path / "whoosh")
    record = recorded.folder(whoosh_dir, segment.segment_id())
    assert recorded.Recorded.open(record) is not None
    mapped.write_new(whoosh_dir, ix.schema, segment)
    assert not record.exists()
    leaf = SegmentReader(FileStorage(whoosh_dir), ix.schema, segment)
    try:
        mapped._write_segment(leaf, tmp_path / "read-back")  # the path every other segment takes
    finally:
        leaf.close()
    mine = files(tmp_path / mapped.DIR / segment.segment_id())
    again = files(tmp_path / "read-back")
    assert "positions.npy" in mine and mine.keys() == again.keys()
    assert [name for name in mine if mine[name] != again[name]] == []


def test_a_record_some_postings_bypassed_is_not_used(seed_reports, tmp_path):
    ix, segment, _ = new_segment(tmp_path, seed_reports[:2], 256, merged=True)
    record = recorded.folder(str(tmp_path / "whoosh"), segment.segment_id())
    assert (record / "terms.json").is_file()
    assert recorded.Recorded.open(record) is None


def test_positions_the_arrays_cannot_keep_are_left_to_whoosh(tmp_path):
    """A term standing over 65,535 times in one passage is recorded without positions (as
    the read-back leaves it to Whoosh); the terms decoded with it keep theirs."""
    record = recorded.Recorder(tmp_path / "r", {"text", "report_id"}, {"text"})
    one = [encode([3, 7]), encode([1])]
    record.term("report_id", b"r1", array("i", [0, 1]), array("d", [1.0, 1.0]), [b"", b""])
    record.term("text", b"care", array("i", [0, 1]), array("d", [2.0, 1.0]), one)
    record.term("text", b"the", array("i", [1]), array("d", [7e4]), [encode(list(range(70_000)))])
    record.term("text", b"zebra", array("i", [4]), array("d", [1.0]), [encode([9])])
    record.finish()
    found = recorded.Recorded.open(tmp_path / "r")
    assert [t[:2] for t in found.terms] == [("report_id", b"r1"), ("text", b"care"),
                                            ("text", b"the"), ("text", b"zebra")]
    assert found.positions(0)[1].tolist() == []
    assert [a.tolist() for a in found.positions(1)] == [[2, 1], [3, 7, 1]]
    assert found.positions(2) is None
    assert [a.tolist() for a in found.positions(3)] == [[1], [9]]
    assert found.postings(2)[0].tolist() == [1]
