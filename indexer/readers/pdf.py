"""PDF reader: turns an Ofsted report PDF into heading, paragraph and bullet blocks.

Layout facts come from PyMuPDF's span dictionary (size, bold flag, position): headings are
recognised by font, running headers/footers, footnotes and contents pages are dropped, and
lines are rejoined into paragraphs and bullets, across page breaks too.
"""
from __future__ import annotations

import hashlib
import os
import re
from collections import Counter
from dataclasses import dataclass, field

import pymupdf

from indexer.errors import UnreadableFile
from indexer.models import Block, RawDocument

pymupdf.TOOLS.mupdf_display_errors(False)  # broken files are reported by our own reasons

MIN_SIZE = 4.0  # spans below this are spacer glyphs
BULLET_GLYPHS = "•◼▪■●◆♦○◦\uf06e\uf02d\uf0a7\uf0be\uf0b7\uf076\uf0d8\x83\ufffd\u0336"
DASHES = "-–−"
SYMBOL_FONT = re.compile(r"wingding|symbol|dingbat", re.IGNORECASE)
NUMBER_LABEL = re.compile(r"^\(?\d{1,3}[.)]$")
NUMBERED = re.compile(r"^\(?\d{1,3}[.)]\s+\S")
FOOTNOTE_MARK = re.compile(r"^[\d*†‡,]{1,4}$")
PAGE_NUMBER = re.compile(r"^(page\s*)?\d{1,3}(\s*(of|/)\s*\d{1,3})?$", re.IGNORECASE)
TERMINAL = re.compile(r"[.?!:;][\"'’”)\]]*$")
LABEL_VALUE = re.compile(r"^(\w+(?: \w+){0,2}):\s+(\S.*)$")


@dataclass
class Line:
    """One run of text on one row (a PDF line, split at wide gaps and raised spans)."""

    text: str
    x0: float
    y0: float
    x1: float
    y1: float
    size: float
    bold: bool
    page: int
    text_x: float  # where the words start, after a bullet glyph or paragraph number
    bullet: bool = False
    label: bool = False  # the paragraph number stood apart from the text (a tab)
    marker: bool = False  # began with a superscript footnote number

    @property
    def height(self) -> float:
        return self.y1 - self.y0


@dataclass
class Group:
    """Consecutive lines that make one block; `kind` and `level` are set by _classify."""

    lines: list[Line]
    right_cell: bool = False  # right-hand cell of a table row
    kind: str = "paragraph"
    level: int = 2
    text: str = ""
    extra: list[Line] = field(default_factory=list)  # lines merged in from the next page


def read_pdf(path: str) -> RawDocument:
    """Read one PDF into blocks in reading order; raise UnreadableFile with a reason."""
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except OSError as exc:
        raise UnreadableFile(f"cannot open file: {exc.strerror or exc}") from exc
    _check_signature(data)
    doc = _open(data)
    with doc:
        pages = [_page_lines(page, number + 1) for number, page in enumerate(doc)]
        heights = [page.rect.height for page in doc]
        page_count = doc.page_count
    if not any(pages):
        raise UnreadableFile("no extractable text (scanned?)")
    blocks = lines_to_blocks(pages, heights)
    if not blocks:
        raise UnreadableFile("no extractable text (scanned?)")
    return RawDocument(blocks=blocks, source=os.path.basename(path),
                       sha256=hashlib.sha256(data).hexdigest(), pages=page_count, path=path)


def _check_signature(data: bytes) -> None:
    if not data.strip():
        raise UnreadableFile("empty file")
    head = data[:1024].lstrip().lower()
    if head.startswith((b"<!doctype html", b"<html", b"<?xml")) or b"<html" in head:
        raise UnreadableFile("not a PDF: looks like an HTML page")
    if b"%PDF-" not in data[:1024]:
        raise UnreadableFile("not a PDF: no %PDF header")
    if b"%%EOF" not in data[-2048:]:
        raise UnreadableFile("truncated PDF: no end-of-file marker")


def _open(data: bytes) -> pymupdf.Document:
    try:
        doc = pymupdf.open(stream=data, filetype="pdf")
    except (pymupdf.FileDataError, RuntimeError, ValueError) as exc:
        raise UnreadableFile(f"damaged PDF: {exc}") from exc
    if doc.needs_pass or doc.is_encrypted:
        doc.close()
        raise UnreadableFile("encrypted PDF")
    if doc.page_count == 0:
        doc.close()
        raise UnreadableFile("PDF has no pages")
    return doc


# ---- lines from one page -------------------------------------------------------------

def _page_lines(page: pymupdf.Page, number: int) -> list[Line]:
    """Horizontal text lines of a page in content order, labels joined to their text."""
    lines: list[Line] = []
    try:
        blocks = page.get_text("dict", flags=pymupdf.TEXTFLAGS_TEXT)["blocks"]
    except RuntimeError as exc:
        raise UnreadableFile(f"damaged PDF: page {number}: {exc}") from exc
    for block in blocks:
        for line in block.get("lines", ()):
            if abs(line["dir"][1]) < 0.05 and line["dir"][0] > 0:
                lines.extend(_fragments(line["spans"], number))
    return _join_labels(lines)


def _fragments(spans: list[dict], page: int) -> list[Line]:
    """Split one PDF line at wide gaps and raised same-size spans; drop footnote marks."""
    spans = [s for s in spans if s["size"] >= MIN_SIZE]
    if not spans:
        return []
    main = max(spans, key=lambda s: len(s["text"].strip()))
    base, size = main["origin"][1], main["size"]
    parts: list[list[dict]] = []
    marker = False
    last_raised = None
    for span in spans:
        raised = abs(span["origin"][1] - base) > 0.25 * size
        if span["size"] < 0.8 * size and (raised or span["flags"] & 1) \
                and FOOTNOTE_MARK.match(span["text"].strip()):
            marker = marker or not any(p for p in parts)
            continue
        if parts and (raised != last_raised or span["bbox"][0] - parts[-1][-1]["bbox"][2]
                      > 2.5 * size and span["text"].strip()):
            parts.append([])
        elif not parts:
            parts.append([])
        parts[-1].append(span)
        last_raised = raised
    out = [_make_line(p, page) for p in parts]
    if out and out[0] is not None:
        out[0].marker = marker
    return [line for line in out if line is not None]


def _make_line(spans: list[dict], page: int) -> Line | None:
    inked = [s for s in spans if s["text"].strip()]
    if not inked:
        return None
    text = "".join(s["text"] for s in spans).strip()
    sizes: Counter = Counter()
    bold = 0
    for s in inked:
        n = len(s["text"].strip())
        sizes[round(s["size"], 1)] += n
        bold += n if (s["flags"] & 16 or "bold" in s["font"].lower()) else 0
    chars = sum(sizes.values())
    first = inked[0]
    glyph = first["text"].strip()
    bullet = len(glyph) == 1 and (glyph in BULLET_GLYPHS or bool(SYMBOL_FONT.search(first["font"])))
    if not bullet and text[0] in BULLET_GLYPHS + DASHES and text[1:2].isspace():
        bullet, glyph = True, text[0]
    text_x = first["bbox"][0]
    if bullet or NUMBER_LABEL.match(glyph):
        text_x = inked[1]["bbox"][0] if len(inked) > 1 else text_x + first["size"]
    if bullet:
        text = text[len(glyph):].strip()
    return Line(text, first["bbox"][0], min(s["bbox"][1] for s in inked), inked[-1]["bbox"][2],
                max(s["bbox"][3] for s in inked), sizes.most_common(1)[0][0], bold >= 0.8 * chars,
                page, text_x, bullet=bullet)


def _join_labels(lines: list[Line]) -> list[Line]:
    """Join a bullet glyph or paragraph number standing alone to the text on its row."""
    out: list[Line] = []
    for line in lines:
        prev = out[-1] if out else None
        if prev is not None and _is_label(prev) and _same_row(prev, line) \
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


def _same_row(a: Line, b: Line) -> bool:
    overlap = min(a.y1, b.y1) - max(a.y0, b.y0)
    return overlap > 0.5 * min(a.height, b.height)


# ---- the document: furniture, groups, headings, page breaks --------------------------

def lines_to_blocks(pages: list[list[Line]], heights: list[float]) -> list[Block]:
    """Turn each page's lines into blocks: drop furniture, group, classify, rejoin."""
    body = _body_size(pages)
    _drop_furniture(pages, heights)
    for lines, height in zip(pages, heights):
        _drop_footnotes(lines, body, height)
        _drop_contents(lines)
    if len(pages) > 1 and sum(len(line.text) for line in pages[-1]) < 40:
        pages[-1] = []  # the near-empty last page some documents end with
    vocab = _vocabulary(pages)
    groups = [g for lines in pages for g in _group(lines, body)]
    for g in groups:
        g.text = join_lines([line.text for line in g.lines], vocab)
    _classify(groups, body)
    groups = _merge_page_breaks(groups, vocab)
    return [Block(g.kind, g.text, g.level, g.lines[0].page) for g in groups
            if re.search(r"[^\W\d_]", g.text)]


def _body_size(pages: list[list[Line]]) -> float:
    sizes = Counter()
    for lines in pages:
        for line in lines:
            sizes[line.size] += len(line.text)
    return sizes.most_common(1)[0][0] if sizes else 12.0


def _drop_furniture(pages: list[list[Line]], heights: list[float]) -> None:
    """Drop page numbers and lines repeated in the top or bottom band of the pages."""
    def band(line: Line, height: float) -> str | None:
        return "top" if line.y1 < 0.1 * height else "bottom" if line.y0 > 0.9 * height else None

    def key(line: Line, height: float) -> tuple:
        return band(line, height), re.sub(r"\d+", "#", " ".join(line.text.lower().split()))

    pages_of: dict[tuple, set] = {}
    for number, (lines, height) in enumerate(zip(pages, heights)):
        for line in lines:
            if band(line, height):
                pages_of.setdefault(key(line, height), set()).add(number)
    for lines, height in zip(pages, heights):
        lines[:] = [line for line in lines if not band(line, height) or not (
            PAGE_NUMBER.match(line.text) or len(pages_of[key(line, height)]) > 1)]


def _drop_footnotes(lines: list[Line], body: float, height: float) -> None:
    """Drop footnotes: small lines under the body text, the first starting with a number."""
    bottom = max((line.y1 for line in lines if line.size >= body - 0.5), default=0.0)
    start = next((line for line in lines if line.size < body - 1 and line.y0 > height / 2
                  and line.y0 >= bottom - 1 and (line.marker or line.text[:1].isdigit())), None)
    if start is not None:
        lines[:] = [line for line in lines if line.size >= body - 1 or line.y0 < start.y0 - 1]


def _drop_contents(lines: list[Line]) -> None:
    """Drop a table of contents: rows ending in a page number far right, in page order."""
    right = max((line.x1 for line in lines), default=0.0)
    rows = [line for line in lines if line.text.isdigit() and line.x0 > 0.75 * right
            and any(o.x1 < line.x0 and _same_row(o, line) for o in lines)]
    numbers = [int(line.text) for line in rows]
    if len(rows) < 3 or numbers != sorted(numbers):
        return
    top, bottom = min(r.y0 for r in rows), max(r.y1 for r in rows)
    above = [line for line in lines if line.y1 <= top + 1 and line.page == rows[0].page]
    heading = max(above, key=lambda line: line.y1, default=None)
    lines[:] = [line for line in lines if not top - 1 <= line.y0 <= bottom
                and not (line is heading and len(line.text.split()) <= 3)]
