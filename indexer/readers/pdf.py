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

TEXT_FLAGS = pymupdf.TEXT_PRESERVE_LIGATURES | pymupdf.TEXT_MEDIABOX_CLIP \
    | pymupdf.TEXT_CID_FOR_UNKNOWN_UNICODE  # without PRESERVE_WHITESPACE: 15% faster
MIN_SIZE = 4.0  # spans below this are spacer glyphs
BULLET_GLYPHS = "•◼▪■●◆♦○◦\uf06e\uf02d\uf0a7\uf0be\uf0b7\uf076\uf0d8\x83\ufffd\u0336"
DASHES = "-–−"
SYMBOL_FONT = re.compile(r"wingding|symbol|dingbat", re.IGNORECASE)
NUMBER_LABEL = re.compile(r"^\(?\d{1,3}[.)]$")
NUMBERED = re.compile(r"^\(?\d{1,3}[.)]\s+\S")
FOOTNOTE_MARK = re.compile(r"^[\d*†‡,]{1,4}$")
PAGE_NUMBER = re.compile(r"^(page\s*)?\d{1,3}(\s*(of|/)\s*\d{1,3})?$", re.IGNORECASE)
TERMINAL = re.compile(r"[.?!:;][\"'’”)\]]*$")
VOCAB_WORD = re.compile(r"(?<= )[^\W\d_]+(?:-[^\W\d_]+)*(?=[ .,;:!?)’'”])")
LABEL_VALUE = re.compile(r"^([A-Z]\w*(?: \w+){0,2}):(\s+\S.*)?$")  # "Lead inspector: A Name"
VALEDICTION = re.compile(r"^yours (sincerely|faithfully)", re.IGNORECASE)


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
    italic: bool = False  # italic font, or upright font slanted by a skewed text matrix
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
    """Horizontal text lines of a page in reading order, labels joined to their text."""
    try:
        blocks = page.get_text("dict", flags=TEXT_FLAGS)["blocks"]
    except RuntimeError as exc:
        raise UnreadableFile(f"damaged PDF: page {number}: {exc}") from exc
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
        if not _margin_band(chunk[0], chunk[1], height):  # running headers do not count
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
        if not parts or raised != last_raised or span["bbox"][0] - parts[-1][-1]["bbox"][2] > 2.5 * size:
            parts.append([])
        parts[-1].append(span)
        last_raised = raised
    out = [_make_line(p, page) for p in parts]
    if out:
        out[0].marker = marker
    return out


def _make_line(spans: list[dict], page: int) -> Line:
    """A Line from inked spans: dominant size, bold if 80% of characters are bold."""
    sizes: Counter = Counter()
    bold = chars = italic = 0
    for s in spans:
        n = len(s["text"])
        sizes[round(s["size"], 1)] += n
        chars += n
        bold += n if s["flags"] & 16 or "Bold" in s["font"] else 0
        # a skewed matrix widens the glyph box to the left of the pen position
        slanted = s["flags"] & 2 or s["origin"][0] - s["bbox"][0] > 0.04 * s["size"]
        italic += n if slanted else 0
    first = spans[0]
    text = spans[0]["text"]
    for prev, s in zip(spans, spans[1:]):  # blank spans are gone: put their space back
        gap = s["bbox"][0] - prev["bbox"][2] > 0.15 * s["size"]
        glued = text[-1].isspace() or s["text"][0] in ".,;:!?)]’”"
        text += " " + s["text"] if gap and not glued else s["text"]
    text = text.strip()
    glyph = first["text"].strip()
    bullet = len(glyph) == 1 and (glyph in BULLET_GLYPHS or bool(SYMBOL_FONT.search(first["font"])))
    if not bullet and text[0] in BULLET_GLYPHS + DASHES and text[1:2].isspace():
        bullet, glyph = True, text[0]
    x0 = text_x = first["bbox"][0]
    if bullet or NUMBER_LABEL.match(glyph):
        text_x = spans[1]["bbox"][0] if len(spans) > 1 else x0 + first["size"]
    if bullet:
        text = text[len(glyph):].strip()
    return Line(text, x0, min(s["bbox"][1] for s in spans), spans[-1]["bbox"][2],
                max(s["bbox"][3] for s in spans), sizes.most_common(1)[0][0], bold >= 0.8 * chars,
                page, text_x, italic=italic == chars, bullet=bullet)


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
    if len(pages) > 1 and sum(len(line.text) for line in pages[-1]) < 20:
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
        return _margin_band(line.y0, line.y1, height)

    def key(line: Line, height: float) -> tuple:
        return band(line, height), re.sub(r"\d+", "#", " ".join(line.text.lower().split()))

    pages_of: dict[tuple, set] = {}
    for number, (lines, height) in enumerate(zip(pages, heights)):
        for line in lines:
            if band(line, height):
                pages_of.setdefault(key(line, height), set()).add(number)
    repeats = max(2, len(pages) // 4)
    for lines, height in zip(pages, heights):
        lines[:] = [line for line in lines if not band(line, height) or not (
            PAGE_NUMBER.match(line.text) or len(pages_of[key(line, height)]) >= repeats)]


def _margin_band(y0: float, y1: float, height: float) -> str | None:
    """Which margin band (where running headers and footers live) holds this text."""
    return "top" if y1 < 0.1 * height else "bottom" if y0 > 0.86 * height else None


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


def _group(lines: list[Line], body: float) -> list[Group]:
    groups: list[Group] = []
    for line in lines:
        g = groups[-1] if groups and groups[-1].lines[0].page == line.page else None
        if g is not None and not _starts_block(g, line, body):
            g.lines.append(line)
            continue
        prev = g.lines[-1] if g else None
        right = prev is not None and line.x0 > prev.x1 and line.y0 < prev.y1
        groups.append(Group([line], right_cell=right))
    return groups


def _starts_block(g: Group, line: Line, body: float) -> bool:
    """Does `line` start a new block rather than continue group `g`?"""
    prev = g.lines[-1]
    if line.bullet or line.y0 < prev.y0 - 2 or line.x0 > prev.x1:
        return True  # a bullet, or the next cell / column of a table
    if line.y0 - prev.y1 > 0.3 * prev.height:
        return True  # a blank line's worth of space
    if (line.label or NUMBERED.match(line.text)) and (
            line.x0 < prev.x0 - 3 or TERMINAL.search(prev.text)):
        return True  # a numbered paragraph at the margin
    if g.lines[0].bullet and line.x0 < g.lines[0].text_x - 5:
        return True  # outdented: the list has ended
    if _heading_style(line, body) and LABEL_VALUE.match(line.text):
        return True  # "Inspection dates: ..." lines on a cover
    restyled = abs(line.size - prev.size) > 0.6 or (line.bold, line.italic) != (prev.bold, prev.italic)
    in_sentence = not TERMINAL.search(prev.text) and (line.text[0].islower() or (
        not prev.bold and abs(prev.size - body) <= 0.6))
    return restyled and not in_sentence


def _heading_style(line: Line, body: float) -> bool:
    return line.size >= body + 1 or (line.bold and line.size >= body - 0.6)


def _classify(groups: list[Group], body: float) -> None:
    """Mark headings from their font, then give them levels (1 = title on page 1)."""
    closed = False  # after "Yours sincerely" come signatures, not headings
    for g in groups:
        if not closed and _is_heading(g, body):
            g.kind = "heading"
        elif g.lines[0].bullet:
            g.kind = "bullet"
        closed = closed or bool(VALEDICTION.match(g.text))
    heads = [g for g in groups if g.kind == "heading"]
    first_page = [g for g in heads if g.lines[0].page == 1]
    top = max((g.lines[0].size for g in first_page), default=None)
    title = next((g for g in first_page if g.lines[0].size == top), None)
    big = any(g.lines[0].size >= body + 1 for g in heads if g is not title)
    for g in heads:
        g.level = 1 if g is title else 2 if g.lines[0].size >= body + 1 or not big else 3
        g.level = 3 if _italic_heading(g, body) else g.level


def _is_heading(g: Group, body: float) -> bool:
    """A short block standing alone in a larger or bold font, not ending in a full stop
    unless larger than body text (SIF judgement sentences); "Label: value" lines are not."""
    first = g.lines[0]
    if first.bullet or g.right_cell or not first.text[0].isupper() and not first.text[0].isdigit():
        return False  # a right-hand table cell is a grade, not a heading
    if len(g.lines) > 4 or len(g.text) > 220 or not re.search(r"[^\W\d_]{2}", g.text):
        return False
    bigger = first.size >= body + 1
    if not all(_heading_style(line, body) for line in g.lines):
        return _italic_heading(g, body)
    if first.size < body + 3 and LABEL_VALUE.match(g.text):
        return False
    return bigger or not g.text.endswith(".")


def _italic_heading(g: Group, body: float) -> bool:
    """One short italic line at body size (some sub-headings are slanted, not bold)."""
    line = g.lines[0]
    return len(g.lines) == 1 and line.italic and abs(line.size - body) <= 0.6 \
        and len(line.text) <= 80 and not TERMINAL.search(line.text) and "‘" not in line.text


def _merge_page_breaks(groups: list[Group], vocab: set[str]) -> list[Group]:
    """Rejoin a paragraph or bullet that a page break split in two."""
    out: list[Group] = []
    for g in groups:
        prev = out[-1] if out else None
        if prev is not None and prev.lines[-1].page < g.lines[0].page and _continues(prev, g):
            prev.text = join_lines([prev.text, g.text], vocab)
            prev.extra.extend(g.lines)
        else:
            out.append(g)
    return out


def _continues(prev: Group, g: Group) -> bool:
    first = g.lines[0]
    if "heading" in (prev.kind, g.kind) or first.bullet or first.label \
            or NUMBERED.match(first.text) or TERMINAL.search(prev.text):
        return False
    last = (prev.extra or prev.lines)[-1]
    start = prev.lines[0]
    indent = last.x0 if len(prev.lines) + len(prev.extra) > 1 else start.text_x
    hanging = indent > start.x0 + 5 and abs(first.x0 - indent) < 3
    return first.text[:1].islower() or prev.text.endswith("-") or hanging


# ---- text joining --------------------------------------------------------------------

COMPOUND_PREFIXES = {"multi", "co", "self", "cross", "well", "long", "short", "non", "pre",
                     "post", "re", "sub", "inter", "anti", "semi", "under", "over", "mid",
                     "ex", "part", "full", "high", "low", "out", "in", "on", "up"}
GLUE_WORDS = {"and", "or", "nor", "to"}  # "pre- and post-adoption": a suspended hyphen


def join_lines(parts: list[str], vocab: set[str] = frozenset()) -> str:
    """Join line texts with single spaces, resolving line-end hyphens; collapse spaces."""
    text = ""
    for part in parts:
        part = " ".join(part.split())
        if not part:
            continue
        if text.endswith("-") and text[-2:-1].isalpha() and part[0].isalnum():
            text = join_hyphenated(text, part, vocab)
        else:
            text = f"{text} {part}" if text else part
    return text


def join_hyphenated(left: str, right: str, vocab: set[str] = frozenset()) -> str:
    """Join `left` (ending in "-") and `right` across a line break.

    The hyphen is removed only when the joined word appears elsewhere in the document
    (`vocab`) and the hyphenated form does not, or when it looks like a word split in
    two: both sides have 2+ letters, the right part starts lower-case, the left part is
    not a compound prefix (multi, co, self, well, non, pre, post, re, ...) and the right
    part is not a word of the document. Otherwise the hyphen is a real compound
    ("multi-agency", "child-focused", "post-16") and is kept. "pre- and" keeps its space.
    """
    stem = re.search(r"([^\W\d_]+)-$", left).group(1).lower()
    word = re.match(r"[^\W\d_]*", right).group(0)
    lower = word.lower()
    if lower in GLUE_WORDS:
        return f"{left} {right}"
    joined, hyphened = stem + lower, f"{stem}-{lower}"
    if joined in vocab and hyphened not in vocab:
        return left[:-1] + right
    if len(stem) < 2 or len(word) < 2 or not word[0].islower() or stem in COMPOUND_PREFIXES \
            or lower in vocab or hyphened in vocab:
        return left + right
    return left[:-1] + right


def _vocabulary(pages: list[list[Line]]) -> set[str]:
    """Lower-case words seen inside lines (not at either end, where breaks cut words)."""
    text = "\n".join(line.text for lines in pages for line in lines).lower()
    return set(VOCAB_WORD.findall(text))
