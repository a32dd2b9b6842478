"""Reader for .txt, .md and .html files: decode, turn markup into structure, then split
lines into heading, paragraph and bullet blocks.

Handles what PDF-to-text tools leave behind: HTML list fragments inside text, markdown
emphasis, bullets as glyphs, "- " or a single leading space, hard-wrapped lines, and
paragraphs broken by a page break (rejoined when the break falls mid-sentence).
"""
from __future__ import annotations

import codecs
import hashlib
import html
import os
import re

from indexer.ingest import clean
from indexer.errors import UnreadableFile
from indexer.models import Block, RawDocument
from indexer.ingest.readers.markup import HEADING_MARK, fragments_to_marked_text, html_to_marked_text
from indexer.ingest.clean import LEAD_IN_MAX_CHARS
from indexer.domain.inspection_types import GRADE_WORDS
from indexer.domain.taxonomy import classify_heading

# Layout ratios of plain text. Hard-wrapped text: WRAPPED_QUANTILE of its lines are shorter
# than WRAPPED_MAX_WIDTH characters. Its line width is the WIDTH_QUANTILE longest line; a
# line longer than FULL_LINE of it was cut by the wrap (the sentence goes on), a line
# longer than HEADING_TAIL of it is not the wrapped end of a heading, and a heading longer
# than LONG_HEADING of it may continue on the next line.
WRAPPED_QUANTILE = 0.8
WRAPPED_MAX_WIDTH = 130
WIDTH_QUANTILE = 0.9
FULL_LINE = 0.7
HEADING_TAIL = 0.6
LONG_HEADING = 0.55

# Linear time: the heading's closing #s and spaces are stripped in Python, not by a lazy
# group before `\s*#*\s*$` (cubic on a run of spaces: 144 s for "# x" + 4,000 spaces + "y").
_MD_HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.*)$")
_MD_BOLD_LINE = re.compile(r"^\s*(\*\*|__)(.+?)\1\s*$")
# emphasis spans are bounded (at most 400 characters), so unclosed marks cost linear time
_MD_EMPHASIS = re.compile(r"(\*\*|__)(.{1,400}?)\1|(?<![\w*])\*(?!\s)(.{1,400}?)(?<!\s)\*(?!\w)")
_DASH_BULLET = re.compile(r"^\s*[-*+]\s+(?=\S)")
_SPACE_BULLET = re.compile(r"^ (?! )(?=[A-Z0-9‘'\"(])")
_JUDGEMENT_SENTENCE = re.compile(
    r"^(the )?(experiences and progress|graded judge?ment|impact of leaders|effectiveness "
    r"of|overall effectiveness).{0,160}\b(is|are)\s+(" + GRADE_WORDS + r")\.?$", re.IGNORECASE)


_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
         (codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
         (codecs.BOM_UTF16_BE, "utf-16"))  # UTF-32 LE first: its BOM starts like UTF-16's


def decode(data: bytes, name: str) -> str:
    """Decode bytes: by their byte-order mark (UTF-8, UTF-16, UTF-32), else as UTF-8, else
    Windows-1252; refuse binaries, saying what was wrong."""
    if not data.strip():
        raise UnreadableFile("empty file")
    encoding = next((enc for bom, enc in _BOMS if data.startswith(bom)), None)
    if encoding:
        try:
            return _checked(data.decode(encoding))
        except UnicodeDecodeError as exc:
            raise UnreadableFile(f"cannot decode {name}: it starts with a {encoding.upper()} "
                                 f"byte-order mark but byte {exc.start} is invalid") from exc
    if b"\x00" in data[:4096]:
        raise UnreadableFile(f"binary file, not text: NUL byte at offset {data.index(0)} "
                             "and no UTF-16 byte-order mark")
    try:
        return _checked(data.decode("utf-8"))
    except UnicodeDecodeError as exc:
        utf8_error = f"invalid UTF-8 at byte {exc.start}"
    try:
        return _checked(data.decode("cp1252"))
    except UnicodeDecodeError as exc:
        raise UnreadableFile(f"cannot decode {name}: {utf8_error}, and byte "
                             f"0x{data[exc.start]:02x} at {exc.start} is not Windows-1252"
                             ) from exc


_CONTROLS = re.compile("[\x00-\x08\x0b\x0e-\x1f]")  # below 32 but \t \n \f \r


def _checked(text: str) -> str:
    """Refuse decoded text that is mostly control characters; normalise line ends."""
    controls = len(_CONTROLS.findall(text))
    if controls > max(8, len(text) // 200):
        raise UnreadableFile(f"binary file, not text: {controls} control characters in "
                             f"{len(text)} characters")
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n\n")


def read_text(path: str) -> RawDocument:
    with open(path, "rb") as handle:
        data = handle.read()
    name = os.path.basename(path)
    text = decode(data, name)
    if name.lower().endswith((".html", ".htm")):
        text = html_to_marked_text(text)
    else:
        text = fragments_to_marked_text(text)
    blocks = text_to_blocks(text)
    if not any(b.text for b in blocks):
        raise UnreadableFile("no text in file")
    return RawDocument(blocks, name, hashlib.sha256(data).hexdigest(), 0, path)


def _markdown_line(line: str) -> str:
    """Turn markdown headings and bold-only lines into marked headings; drop emphasis."""
    heading = _MD_HEADING.match(line)
    if heading:
        title = heading.group(2).rstrip().rstrip("#").rstrip()
        return HEADING_MARK + _MD_EMPHASIS.sub(r"\2\3", title).strip("* _")
    match = _MD_BOLD_LINE.match(line)
    if match:
        return HEADING_MARK + _MD_EMPHASIS.sub(r"\2\3", match.group(2)).strip("* _")
    return _MD_EMPHASIS.sub(lambda m: m.group(2) or m.group(3), line)


def _is_wrapped(lines: list[str]) -> bool:
    """Hard-wrapped text has most lines near one width; unwrapped text one line a paragraph."""
    lengths = sorted(len(ln) for ln in lines if ln.strip())
    return bool(lengths) and lengths[int(len(lengths) * WRAPPED_QUANTILE)] < WRAPPED_MAX_WIDTH


class _Builder:
    """Accumulates lines into blocks, deciding where each block ends."""

    def __init__(self, wrapped: bool, space_bullets: bool, width: int):
        self.wrapped, self.space_bullets, self.width = wrapped, space_bullets, width
        self.vocab: set[str] = set()  # the document's words, for line-end hyphens
        self.blocks: list[Block] = []
        self.lines: list[str] = []
        self.kind = "paragraph"
        self.blank_before = True

    def flush(self) -> None:
        if self.lines:
            text = clean.normalise(clean.join_lines(self.lines, self.vocab))
            if text:
                self.blocks.append(Block(self.kind, text))
        self.lines, self.kind = [], "paragraph"

    def current_text(self) -> str:  # noqa: D401 - the block being built, as one string
        return " ".join(self.lines).strip()

    def continues(self, line: str) -> bool:
        """Is this line after a blank gap the rest of a block broken by a page break?"""
        previous = self.current_text() or (self.blocks[-1].text if self.blocks else "")
        if not previous or clean.ends_sentence(previous):
            return False
        if self.blocks and not self.lines and self.blocks[-1].kind == "heading":
            return False
        starts_lower = line.strip()[:1].islower()
        long_line = self.wrapped and self.lines and len(self.lines[-1]) > FULL_LINE * self.width
        return starts_lower or bool(long_line)

    def reopen_last(self) -> None:
        last = self.blocks.pop()
        self.lines, self.kind = [last.text], last.kind


def text_to_blocks(text: str) -> list[Block]:
    lines = [_markdown_line(ln.rstrip()) for ln in text.split("\n")]
    wrapped = _is_wrapped(lines)
    space_bullets = sum(1 for ln in lines if _SPACE_BULLET.match(ln)) >= 3
    widths = sorted(len(ln) for ln in lines if ln.strip()) or [80]
    builder = _Builder(wrapped, space_bullets, widths[int(len(widths) * WIDTH_QUANTILE)])
    builder.vocab = clean.document_vocabulary(lines)
    for index, line in enumerate(lines):
        _feed(builder, line, lines[index + 1] if index + 1 < len(lines) else "")
    builder.flush()
    return [_promote(b) for b in builder.blocks]


def _feed(builder: _Builder, line: str, next_line: str) -> None:
    if not line.strip():
        builder.flush() if not builder.wrapped or builder.lines else None
        builder.blank_before = True
        return
    blank_before, builder.blank_before = builder.blank_before, False
    if line.startswith(HEADING_MARK):
        builder.flush()
        builder.blocks.append(Block("heading", clean.normalise(line[1:])))
        return
    had_bullet, body = clean.strip_bullet(line)
    if not had_bullet and _DASH_BULLET.match(line):
        had_bullet, body = True, _DASH_BULLET.sub("", line)
    if not had_bullet and builder.space_bullets and _SPACE_BULLET.match(line):
        had_bullet, body = True, line[1:]
    if had_bullet:
        builder.flush()
        builder.lines, builder.kind = [body], "bullet"
        return
    if blank_before and builder.continues(line):
        if not builder.lines:
            builder.reopen_last()
        builder.lines.append(line)
        return
    if not blank_before and _continues_heading(builder, line, next_line):
        builder.reopen_last()
        builder.lines.append(line)
        builder.kind = "heading"
        builder.flush()
        return
    boundary = _at_boundary(builder, blank_before)
    if boundary and _is_heading_line(builder, line, next_line):
        builder.flush()
        builder.lines, builder.kind = [line], "heading"
        builder.flush()
        return
    if boundary:
        builder.flush()
    builder.lines.append(line)


def _at_boundary(builder: _Builder, blank_before: bool) -> bool:
    """Does a new block start here (blank line, short or finished previous line)?"""
    if blank_before or not builder.wrapped:
        return True
    if builder.lines:
        previous = builder.lines[-1].strip()
    elif builder.blocks:
        return True
    else:
        return True
    if re.search(r"\b(and|or|of|the|to|for|in|with|on|by|a|an)$", previous):
        return False  # a line never ends a block on a function word
    return len(previous) < FULL_LINE * builder.width or clean.ends_sentence(previous)


def _continues_heading(builder: _Builder, line: str, next_line: str) -> bool:
    """A heading wrapped over two lines: 'The experiences ... protection' / 'are good.'"""
    if builder.lines or not builder.blocks or builder.blocks[-1].kind != "heading":
        return False
    heading, text = builder.blocks[-1].text, line.strip()
    if not builder.wrapped or clean.ends_sentence(heading) or len(text) > HEADING_TAIL * builder.width:
        return False
    if text[:1].islower():
        return True
    return (len(heading) > LONG_HEADING * builder.width and not re.search(r"[.,;:]$", text)
            and not classify_heading(text) and not next_line.strip()[:1].islower())


_GRADE_LINE = re.compile(r"(" + GRADE_WORDS + r"|judgement|grade)", re.IGNORECASE)


def _is_heading_line(builder: _Builder, line: str, next_line: str) -> bool:
    """A short line standing on its own that reads like a heading, not a sentence."""
    text = clean.normalise(line)
    if classify_heading(text) and len(text) < 120:
        return True
    if len(text) > 90 or len(text.split()) > 14 or not text[:1].isupper():
        return False
    if re.search(r"[.,;:]$|^Dear\b", text) or _GRADE_LINE.fullmatch(text):
        return False
    if re.fullmatch(r"[\d\s/.-]+|\d{1,2} \w+ \d{4}", text):
        return False
    following = next_line.strip()
    return (not following or clean.strip_bullet(next_line)[0] or bool(_DASH_BULLET.match(next_line))
            or bool(builder.space_bullets and _SPACE_BULLET.match(next_line))
            or bool(classify_heading(clean.normalise(following))))


def _promote(block: Block) -> Block:
    """Paragraphs that are judgement sentences or list introductions become headings."""
    if block.kind != "paragraph":
        return block
    text = html.unescape(block.text) if "&" in block.text else block.text
    if _JUDGEMENT_SENTENCE.match(text):
        return Block("heading", text, 2)
    if text.endswith(":") and len(text) < LEAD_IN_MAX_CHARS and classify_heading(text):
        return Block("heading", text, 3)
    return Block(block.kind, text, block.level, block.page)
