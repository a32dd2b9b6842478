"""Readers turn one file into a RawDocument (blocks in reading order + file facts).

`read_path` picks the reader from the file extension; every failure to read a file is an
`UnreadableFile` whose message says why, so a build can skip the file and go on.
"""
from __future__ import annotations

import os

from indexer.errors import UnreadableFile
from indexer.models import RawDocument

TEXT_EXTENSIONS = (".txt", ".md", ".markdown", ".html", ".htm")
PDF_EXTENSIONS = (".pdf",)
SUPPORTED_EXTENSIONS = TEXT_EXTENSIONS + PDF_EXTENSIONS


def is_supported(path: str) -> bool:
    return path.lower().endswith(SUPPORTED_EXTENSIONS)


def read_path(path: str) -> RawDocument:
    """Read any supported file; raise UnreadableFile with a reason otherwise."""
    if not os.path.isfile(path):
        raise UnreadableFile("not a file")
    if os.path.getsize(path) == 0:
        raise UnreadableFile("empty file")
    lower = path.lower()
    if lower.endswith(PDF_EXTENSIONS):
        from indexer.ingest.readers.pdf import read_pdf

        return read_pdf(path)
    if lower.endswith(TEXT_EXTENSIONS):
        from indexer.ingest.readers.text import read_text

        return read_text(path)
    raise UnreadableFile(f"unsupported file type {os.path.splitext(path)[1] or '(none)'}")
