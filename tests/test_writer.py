"""indexer.index.writer.Writer writes byte-for-byte the segment files Whoosh's own
SegmentWriter writes for the same documents, whether its posting pool (postings gathered by
term, indexer.index.posting_pool) spills runs to disk or not, and when old segments are
merged into it (their postings sorted as Whoosh sorts them)."""
from __future__ import annotations

from pathlib import Path

import pytest
from whoosh import index as whoosh_index
from whoosh.writing import SegmentWriter

from indexer.index.build import _documents_of
from indexer.index.schema import make_schema
from indexer.index.writer import Writer
from indexer.ingest.parse import parse_file


@pytest.fixture(scope="module")
def seed_reports(seeds_dir) -> list[dict]:
    return [parse_file(str(path)).to_dict() for path in sorted(seeds_dir.iterdir())]


def segment_files(folder: Path) -> dict[str, bytes]:
    """The new segment's files by extension (segment names are random)."""
    segment = whoosh_index.open_dir(str(folder))._segments()[-1].segment_id()
    return {p.name.replace(segment, "SEG"): p.read_bytes()
            for p in folder.iterdir() if segment in p.name}


def write(folder: Path, writer_class, reports: list[dict], spills: bool,
          merges: bool = True) -> dict[str, bytes]:
    """The new segment's files: the reports added after an old segment with a deletion,
    then merged with it (its postings come one at a time) or not (only gathered postings:
    indexer.index.term_writer writes them); a pool of 1 MB spills runs to disk, one of
    256 MB does not."""
    folder.mkdir()
    ix = whoosh_index.create_in(str(folder), make_schema())
    first = SegmentWriter(ix, compound=False)  # an old segment, with one document deleted
    for doc in _documents_of(reports[0]):
        first.add_document(**doc)
    first.commit()
    deleting = SegmentWriter(ix)
    deleting.delete_document(0)
    deleting.commit(merge=False)
    writer = writer_class(ix, limitmb=1 if spills else 256, compound=False)
    for report in reports[1:]:
        for doc in _documents_of(report):
            writer.add_document(**doc)
    assert bool(getattr(writer.pool, "gathered_runs", None) or writer.pool.runs) is spills
    # optimize: merges the old segment into the new one; merge=False: leaves it alone
    writer.commit(optimize=True) if merges else writer.commit(merge=False)
    return segment_files(folder)


@pytest.mark.parametrize("spills", [True, False])
@pytest.mark.parametrize("merges", [True, False])
def test_same_segment_files_as_whoosh(seed_reports, tmp_path, spills, merges):
    mine = write(tmp_path / "mine", Writer, seed_reports, spills=spills, merges=merges)
    whoosh = write(tmp_path / "whoosh", SegmentWriter, seed_reports, spills=spills,
                   merges=merges)
    assert "SEG.pst" in mine and "SEG._text_len.col" in mine
    assert mine.keys() == whoosh.keys()
    assert [name for name in mine if mine[name] != whoosh[name]] == []


def test_a_different_document_gives_different_files(seed_reports, tmp_path):
    """The comparison can fail: one report fewer changes the postings."""
    mine = write(tmp_path / "mine", Writer, seed_reports[:-1], spills=True)
    whoosh = write(tmp_path / "whoosh", SegmentWriter, seed_reports, spills=True)
    assert mine["SEG.pst"] != whoosh["SEG.pst"]


def test_documents_out_of_order_are_refused(seed_reports, tmp_path):
    """The pool's premise (a term's postings arrive in docnum order) is checked."""
    ix = whoosh_index.create_in(str(tmp_path), make_schema())
    writer = Writer(ix)
    try:
        writer.pool.add_field("report_id", 5, [(b"a", 1, 1.0, b"")], 1.0)
        with pytest.raises(ValueError, match="docnum order"):
            writer.pool.add_field("report_id", 4, [(b"b", 1, 1.0, b"")], 1.0)
    finally:
        writer.cancel()
