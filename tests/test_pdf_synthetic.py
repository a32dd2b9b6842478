"""The PDF reader on PDFs made here with PyMuPDF in temporary directories (no shared data):
files that cannot be read are refused with their reason."""
from __future__ import annotations

import pymupdf
import pytest

from indexer.errors import UnreadableFile
from indexer.ingest.readers.pdf import read_pdf

LETTER = ("Focused visit to Exampleshire children's services\n\n"
          "Inspectors found that managers check plans regularly and record decisions.")


def text_pdf(path, pages: int = 3) -> str:
    """A small PDF with real text on every page."""
    with pymupdf.open() as doc:
        for number in range(pages):
            doc.new_page().insert_text((72, 72), f"{LETTER}\n\nPage {number + 1}.", fontsize=11)
        doc.save(str(path))
    return str(path)


def test_a_generated_text_pdf_is_read(tmp_path):
    doc = read_pdf(text_pdf(tmp_path / "letter.pdf"))
    assert doc.pages == 3 and doc.source == "letter.pdf"
    assert any("managers check plans regularly" in b.text for b in doc.blocks)


@pytest.mark.parametrize("name, content, reason", [
    ("empty.pdf", b"", "empty"),
    ("random.pdf", bytes(range(256)) * 40, "not a PDF"),
])
def test_empty_and_random_files_are_unreadable(tmp_path, name, content, reason):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(UnreadableFile, match=reason):
        read_pdf(str(path))


def test_truncated_pdf_is_unreadable(tmp_path):
    with open(text_pdf(tmp_path / "whole.pdf"), "rb") as handle:
        data = handle.read()
    path = tmp_path / "half.pdf"
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(UnreadableFile, match="truncated"):
        read_pdf(str(path))


def test_encrypted_pdf_is_unreadable(tmp_path):
    path = tmp_path / "locked.pdf"
    with pymupdf.open(text_pdf(tmp_path / "open.pdf")) as doc:
        doc.save(str(path), encryption=pymupdf.PDF_ENCRYPT_AES_256, owner_pw="o", user_pw="u")
    with pytest.raises(UnreadableFile, match="encrypted"):
        read_pdf(str(path))


def test_pdf_without_text_is_unreadable(tmp_path):
    path = tmp_path / "scan.pdf"
    with pymupdf.open() as doc:
        doc.new_page().draw_rect(pymupdf.Rect(50, 50, 300, 300), fill=(0, 0, 0))
        doc.save(str(path))
    with pytest.raises(UnreadableFile, match="no extractable text"):
        read_pdf(str(path))


def test_missing_file_is_unreadable(tmp_path):
    with pytest.raises(UnreadableFile, match="cannot open"):
        read_pdf(str(tmp_path / "nowhere.pdf"))
