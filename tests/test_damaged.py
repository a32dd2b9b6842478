"""Damaged and odd input: a PDF the reader had to repair is skipped as "damaged PDF"
unless its text passes a sanity check; control characters never reach the index; text
with a UTF-8, UTF-16 or UTF-32 byte-order mark is read; undecodable text is refused with
a reason that says what was wrong."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from indexer.errors import UnreadableFile
from indexer.index import report_store
from indexer.index.build import build
from indexer.ingest.parse import parse_file

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "seeds" / "002_53d6ee554010a50c.txt"
CORPUS = ROOT.parent / "shared" / "corpus"
BURY = (CORPUS / "d2i-ofsted-focused-visits" / "inspection_reports" / "80443_bury"
        / "children's services focused visit - 13 november 2020.pdf")
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def passages(report):
    return [(s.key, p.text) for s, p in report.passages()]


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "utf-32", "utf-8-sig"])
def test_text_with_a_byte_order_mark_reads_like_utf8(tmp_path, encoding):
    text = SEED.read_text(encoding="utf-8")
    bom = {"utf-16-be": "\ufeff"}.get(encoding, "")
    (tmp_path / "letter.txt").write_bytes((bom + text).encode(encoding))
    assert passages(parse_file(str(tmp_path / "letter.txt"))) == passages(parse_file(str(SEED)))


@pytest.mark.parametrize("data, reason", [
    ("Focused visit".encode("utf-16-le"), "binary file, not text: NUL byte at offset 1 and "
                                          "no UTF-16 byte-order mark"),
    (b"Focused visit \xe9\x81 to Derby", "cannot decode letter.txt: invalid UTF-8 at byte 14, "
                                         "and byte 0x81 at 15 is not Windows-1252"),
    (b"\xff\xfeF\x00o\x00\x00\xd8", "cannot decode letter.txt: it starts with a UTF-16 "
                                    "byte-order mark but byte 6 is invalid"),
    (bytes(range(1, 9)) * 40 + b"text", "binary file, not text: 320 control characters in "
                                        "324 characters"),
])
def test_undecodable_text_says_what_was_wrong(tmp_path, data, reason):
    (tmp_path / "letter.txt").write_bytes(data)
    with pytest.raises(UnreadableFile) as error:
        parse_file(str(tmp_path / "letter.txt"))
    assert str(error.value) == reason


def test_control_characters_never_reach_the_passages(tmp_path):
    text = SEED.read_text(encoding="utf-8").replace("drift and delay", "drift\x07 and\x1b delay")
    (tmp_path / "letter.txt").write_text(text, encoding="utf-8")
    report = parse_file(str(tmp_path / "letter.txt"))
    texts = [t for _, t in passages(report)]
    assert not any(CONTROL.search(t) for t in texts + [report.title, report.authority])
    assert any("drift and delay" in t for t in texts)


@pytest.mark.corpus
@pytest.mark.usefixtures("corpus_dir")
def test_a_truncated_pdf_repaired_by_the_reader_is_skipped_as_damaged(tmp_path, corpus_dir):
    """The first 10 KB of a real letter plus "%%EOF": MuPDF repairs it and extracts a few
    lines with control characters and no recognisable report."""
    assert BURY.exists(), f"{BURY} is missing from the corpus"
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "cut.pdf").write_bytes(BURY.read_bytes()[:10240] + b"\n%%EOF\n")
    summary = build([str(tmp_path / "docs")], str(tmp_path / "index"), workers=1)
    assert summary.reports == 0
    [skipped] = summary.skipped
    assert skipped["reason"].startswith("damaged PDF: the file had to be repaired")


@pytest.mark.corpus
def test_no_control_character_in_the_corpus_index(corpus_build):
    index_dir, _ = corpus_build
    reports = report_store.load(index_dir)
    bad = [(r["report_id"], p["passage_id"]) for r in reports.values()
           for s in r["sections"] for p in s["passages"]
           if CONTROL.search(p["text"] + s["heading"])]
    assert bad == []
