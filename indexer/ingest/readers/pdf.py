"""PDF reader: checks the file, then reads each page's lines from PyMuPDF's span
dictionary (font, size, flags, position) in reading order, with bullet glyphs and
paragraph numbers attached and footnote marks dropped; `pdf_layout` makes the blocks.
"""
from __future__ import annotations

import hashlib
import os
import re
from collections import Counter

import pymupdf

from indexer.ingest.clean import BULLET_GLYPHS  # one list of bullet glyphs for every reader
from indexer.errors import NotAReport, UnreadableFile
from indexer.models import RawDocument
from indexer.ingest.readers.pdf_layout import Line, lines_to_blocks, margin_band, same_row

pymupdf.TOOLS.mupdf_display_errors(False)  # broken files are reported by our own reasons

TEXT_FLAGS = pymupdf.TEXT_PRESERVE_LIGATURES | pymupdf.TEXT_MEDIABOX_CLIP \
    | pymupdf.TEXT_CID_FOR_UNKNOWN_UNICODE  # without PRESERVE_WHITESPACE: 15% faster
MUPDF_ERRORS = (RuntimeError, ValueError, pymupdf.mupdf.FzErrorBase)
MIN_SIZE = 4.0  # spans below this are spacer glyphs
DASHES = "-–−"
SYMBOL_FONT = re.compile(r"wingding|symbol|dingbat", re.IGNORECASE)
NUMBER_LABEL = re.compile(r"^\(?\d{1,3}[.)]$")
SPACE_EM = 0.28  # a space's width in ems (Arial 0.278, Tahoma 0.313, Times 0.25)
FOOTNOTE_MARK = re.compile(r"^[\d*†‡,]{1,4}$")


def read_pdf(path: str) -> RawDocument:
    """Read one PDF into blocks in reading order; raise UnreadableFile with a reason."""
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except OSError as exc:
        raise UnreadableFile(f"cannot open file: {exc.strerror or exc}") from exc
    _check_signature(data)
    try:
        pages, heights, repaired = _extract(data)
    except MUPDF_ERRORS as exc:
        raise UnreadableFile(f"damaged PDF: {exc}") from exc
    blocks = lines_to_blocks(pages, heights) if any(pages) else []
    if not blocks:
        raise UnreadableFile("no extractable text (scanned?)")
    return RawDocument(blocks=blocks, source=os.path.basename(path),
                       sha256=hashlib.sha256(data).hexdigest(), pages=len(pages), path=path,
                       repaired=repaired)


def _check_signature(data: bytes) -> None:
    if not data.strip():
        raise UnreadableFile("empty file")
    head = data[:1024].lstrip().lower()
    if head.startswith((b"<!doctype html", b"<html", b"<?xml")) or b"<html" in head:
        raise NotAReport("not an inspection report: an HTML page saved under a .pdf name"
                         + _html_title(data) + " (rename it .html if it is a report)")
    if b"%PDF-" not in data[:1024]:
        raise UnreadableFile("not a PDF: no %PDF header")
    if b"%%EOF" not in data[-8192:]:
        raise UnreadableFile("truncated PDF: no end-of-file marker")


def _html_title(data: bytes) -> str:
    """` ('<title>')` of a web page, or '' (says which page a scraper saved instead)."""
    found = re.search(rb"<title[^>]*>(.{1,200}?)</title>", data[:65536], re.I | re.S)
    if not found:
        return ""
    title = " ".join(found.group(1).decode("utf-8", "replace").split())
    return f" ({title!r})"


def _extract(data: bytes) -> tuple[list[list[Line]], list[float], bool]:
    """Lines and heights of every page, and whether MuPDF had to repair the file (MuPDF
    errors propagate to the caller)."""
    with pymupdf.open(stream=data, filetype="pdf") as doc:
        if doc.needs_pass or doc.is_encrypted:
            raise UnreadableFile("encrypted PDF")
        if doc.page_count == 0:
            raise UnreadableFile("PDF has no pages")
        pages = [_page_lines(page, number + 1) for number, page in enumerate(doc)]
        return pages, [page.rect.height for page in doc], bool(doc.is_repaired)


def _page_lines(page: pymupdf.Page, number: int) -> list[Line]:
    """Horizontal text lines of a page in reading order, labels joined to their text."""
    blocks = page.get_text("dict", flags=TEXT_FLAGS)["blocks"]
    chunks = []
    for block in blocks:
        lines = [frag for line in block.get("lines", ()) if abs(line["dir"][1]) < 0.05
                 and line["dir"][0] > 0 for frag in _fragments(line["spans"], number)]
        if lines:
            chunks.append([min(x.y0 for x in lines), max(x.y1 for x in lines), lines])
    return _join_labels([line for chunk in _reading_order(chunks, page.rect.height)
                        for line in chunk[2]])


def _reading_order(chunks: list[list], height: float) -> list[list]:
    """Content order, except that a block lying above all the text written before it
    (Word may write a letter's address block last) moves to the front."""
    front, flow = [], []
    top = height
    for chunk in chunks:
        if chunk[1] <= top + 1 < height:
            front.append(chunk)
            continue
        flow.append(chunk)
        if not margin_band(chunk[0], chunk[1], height):  # running headers do not count
            top = min(top, chunk[0])
    return front + flow


def _fragments(spans: list[dict], page: int) -> list[Line]:
    """Split one PDF line at wide gaps and raised same-size spans; drop footnote marks."""
    spans = [s for s in spans if s["size"] >= MIN_SIZE and s["text"].strip()]
    if len(spans) < 2:
        return [_make_line(spans, page)] if spans else []
    main = max(spans, key=lambda s: len(s["text"]))
    base, size = main["origin"][1], main["size"]
    parts: list[list[dict]] = []
    marker = last_raised = False
    for span in spans:
        small = span["size"] < 0.8 * size
        raised = abs(span["origin"][1] - base) > 0.25 * size
        if small and (raised or span["flags"] & 1) and FOOTNOTE_MARK.match(span["text"].strip()):
            marker = marker or not parts
            continue
        raised = raised and not small  # a small raised "th" stays with its number
        gap = span["bbox"][0] - parts[-1][-1]["bbox"][2] if parts else 0.0
        if not parts or raised != last_raised or gap > 2.5 * size:
            parts.append([])
        parts[-1].append(span)
        last_raised = raised
    out = [_make_line(p, page) for p in parts]
    if out:
        out[0].marker = marker
    return out


def _make_line(spans: list[dict], page: int) -> Line:
    """A Line from inked spans: dominant size; bold or italic if 80% / all of it is."""
    sizes: Counter = Counter()
    bold = italic = 0
    for s in spans:
        n = len(s["text"])
        sizes[round(s["size"], 1)] += n
        bold += n if s["flags"] & 16 or "Bold" in s["font"] else 0
        # a skewed text matrix widens the glyph box to the left of the pen position
        italic += n if s["flags"] & 2 or s["origin"][0] - s["bbox"][0] > 0.04 * s["size"] else 0
    chars = sum(sizes.values())
    first, text = spans[0], _span_text(spans)
    glyph = _bullet_glyph(first, text)
    x0 = text_x = first["bbox"][0] + _lead_width(first)
    if glyph or NUMBER_LABEL.match(first["text"].strip()):
        text_x = spans[1]["bbox"][0] if len(spans) > 1 else x0 + first["size"]
    return Line(text[len(glyph):].strip(), x0, min(s["bbox"][1] for s in spans),
                spans[-1]["bbox"][2], max(s["bbox"][3] for s in spans), sizes.most_common(1)[0][0],
                bold >= 0.8 * chars, page, text_x, italic=italic == chars, bullet=bool(glyph))


def _lead_width(span: dict) -> float:
    """How far a span's leading spaces push its ink to the right: a continuation line that
    a PDF writer indents with spaces ("          health assessments ...") starts at its
    words, not at its box, or it reads as outdented and ends its bullet."""
    text = span["text"]
    return (len(text) - len(text.lstrip(" "))) * SPACE_EM * span["size"]


def _span_text(spans: list[dict]) -> str:
    """Concatenate spans, putting back the space a dropped blank span stood for."""
    text = spans[0]["text"]
    for prev, s in zip(spans, spans[1:]):
        gap = s["bbox"][0] - prev["bbox"][2] > 0.15 * s["size"]
        glued = text[-1].isspace() or s["text"][0] in ".,;:!?)]’”"
        text += " " + s["text"] if gap and not glued else s["text"]
    return text.strip()


def _bullet_glyph(first: dict, text: str) -> str:
    """The bullet glyph a line starts with ("" if none): a glyph of our list or any single
    character in a Wingdings/Symbol font, or a dash followed by a space."""
    glyph = first["text"].strip()
    if len(glyph) == 1 and (glyph in BULLET_GLYPHS or SYMBOL_FONT.search(first["font"])):
        return glyph
    return text[0] if text[0] in BULLET_GLYPHS + DASHES and text[1:2].isspace() else ""


def _join_labels(lines: list[Line]) -> list[Line]:
    """Join a bullet glyph or paragraph number standing alone to the text on its row."""
    out: list[Line] = []
    for line in lines:
        prev = out[-1] if out else None
        if prev is not None and _is_label(prev) and same_row(prev, line) \
                and 0 <= line.x0 - prev.x1 < 4 * line.size + 20:
            line.text = line.text if prev.bullet else f"{prev.text} {line.text}"
            line.bullet, line.label = prev.bullet, not prev.bullet
            line.x0, line.y0 = prev.x0, min(prev.y0, line.y0)
            out[-1] = line
        else:
            out.append(line)
    return out


def _is_label(line: Line) -> bool:
    return (line.bullet and not line.text) or bool(NUMBER_LABEL.match(line.text))
