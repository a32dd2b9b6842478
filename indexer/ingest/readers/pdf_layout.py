"""From PDF lines to blocks: drop page furniture (running headers and footers, page
numbers, footnotes, contents pages), group lines into paragraphs and bullets, recognise
headings by their font, and rejoin text split by line ends and page breaks.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from indexer.ingest.clean import SENTENCE_END, document_vocabulary, join_lines
from indexer.domain.taxonomy import classify_heading
from indexer.models import Block

NUMBERED = re.compile(r"^\(?\d{1,3}[.)]\s+\S")
PAGE_NUMBER = re.compile(r"^(page\s*)?\d{1,3}(\s*(of|/)\s*\d{1,3})?$", re.IGNORECASE)
TERMINAL = SENTENCE_END  # indexer.ingest.clean: one rule for where a sentence ends
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


def same_row(a: Line, b: Line) -> bool:
    overlap = min(a.y1, b.y1) - max(a.y0, b.y0)
    return overlap > 0.5 * min(a.height, b.height)



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
    def key(line: Line, height: float) -> tuple | None:
        band = margin_band(line.y0, line.y1, height)
        return band and (band, re.sub(r"\d+", "#", " ".join(line.text.lower().split())))

    pages_of: dict[tuple | None, set] = {}
    for number, (lines, height) in enumerate(zip(pages, heights)):
        for line in lines:
            pages_of.setdefault(key(line, height), set()).add(number)
    repeats = max(2, len(pages) // 4)  # on a quarter of the pages: not a repeated sentence
    for lines, height in zip(pages, heights):
        lines[:] = [line for line in lines if not _is_furniture(line, key(line, height),
                                                                 pages_of, repeats)]


def _is_furniture(line: Line, key: tuple | None, pages_of: dict, repeats: int) -> bool:
    return key is not None and (bool(PAGE_NUMBER.match(line.text))
                                or len(pages_of[key]) >= repeats)


def margin_band(y0: float, y1: float, height: float) -> str | None:
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
            and any(o.x1 < line.x0 and same_row(o, line) for o in lines)]
    numbers = [int(line.text) for line in rows]
    if len(rows) < 3 or numbers != sorted(numbers):
        return
    top, bottom = min(r.y0 for r in rows), max(r.y1 for r in rows)
    above = [line for line in lines if line.y1 <= top + 1]
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
    restyled = abs(line.size - prev.size) > 0.6 \
        or (line.bold, line.italic) != (prev.bold, prev.italic)
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
    if first.size < body + 3 and LABEL_VALUE.match(g.text) \
            and classify_heading(g.text) is None:  # "Case study: ..." is a heading
        return False
    # a bold sentence is a heading when it is a printed section heading ("The experiences
    # and progress of children who need help and protection requires improvement to be good.")
    return bigger or not g.text.endswith(".") or classify_heading(g.text) is not None


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


def _vocabulary(pages: list[list[Line]]) -> set[str]:
    return document_vocabulary(line.text for lines in pages for line in lines)
