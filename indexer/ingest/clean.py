"""Text cleaning shared by every reader: bullet glyphs, footnote markers, hyphenation,
whitespace. Functions here take and return plain strings; they never guess structure.
"""
from __future__ import annotations

import re
import unicodedata

# Glyphs PDF extraction leaves where bullets were: squares, dots, private-use Wingdings
# code points, the C1 control U+0083 and pdfplumber's "(cid:131)".
BULLET_GLYPHS = ("▪◼■□●•◦‣⁃∙·◆♦○\u25aa\u25fc\uf06e\uf02d\uf0a7\uf0be\uf0b7\uf076\uf0d8\uf0fc"
                 "\u0083\u0336\ufffd")
BULLET_RE = re.compile(rf"^\s*(?:\(cid:\d+\)|[{BULLET_GLYPHS}])+\s*")
PRIVATE_USE_RE = re.compile("[\ue000-\uf8ff\u0080-\u009f\u0336]")

# Left halves of hyphenated compounds that keep their hyphen when split over a line end.
COMPOUND_PREFIXES = frozenset(
    "multi co self cross well long short non pre post re sub inter intra anti semi under "
    "over mid ex part full high low out in on up child young family front step day".split()
)
GLUE_WORDS = frozenset({"and", "or", "nor", "to"})  # "pre- and post-adoption": suspended
VOCAB_WORD = re.compile(r"(?<= )[^\W\d_]+(?:-[^\W\d_]+)*(?=[ .,;:!?)’'”])")

# The end of a sentence: terminal punctuation, maybe inside quotes or brackets.
SENTENCE_END = re.compile(r"[.!?:;][\"'’”)\]]*$")
# A paragraph ending in ':' shorter than this introduces the list or heading after it.
LEAD_IN_MAX_CHARS = 300

# A footnote digit: after three lowercase letters (not part of a number) or after ? or ).
# The digit comes first and the lookbehinds check what stands before it, so the scan jumps
# from digit to digit instead of trying both lookbehinds at every character.
_FOOTNOTE_RE = re.compile(r"[1-9](?:(?<=[a-z]{3}[1-9])\b(?![.,]?\d)|(?<=[?)][1-9])\b)")
# Runs of spaces that are not already one plain space (one plain space stays as it is).
_SPACE = r"[ \t\u00a0\u2000-\u200b\u202f]"
_SPACES_RE = re.compile(rf"[\t\u00a0\u2000-\u200b\u202f]{_SPACE}*| {_SPACE}+")

# What no output may carry (issue 23). XML 1.0 forbids C0 controls but tab, line feed and
# carriage return, the non-characters U+FFFE and U+FFFF and lone surrogates: an Atom feed
# with one is not XML. DEL and C1 controls are never text either.
CONTROL_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
# Bidirectional embeddings, overrides, isolates and marks, and zero-width characters: a
# document cannot reorder or hide what a title, a citation or an export shows
INVISIBLE_RE = re.compile("[\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069"
                          "\u061c\ufeff]")


def strip_bullet(text: str) -> tuple[bool, str]:
    """Return (had_bullet, text without its leading bullet glyph)."""
    match = BULLET_RE.match(text)
    if match and match.end() < len(text):
        return True, text[match.end():]
    return False, text


def document_vocabulary(lines) -> set[str]:
    """Lower-case words seen inside lines (not at either end, where breaks cut words)."""
    return set(VOCAB_WORD.findall("\n".join(lines).lower()))


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


def join_lines(lines: list[str], vocab: set[str] = frozenset()) -> str:
    """Join wrapped lines of one paragraph with single spaces, undoing line-end hyphens."""
    parts: list[str] = []  # joined once at the end: linear in the paragraph's length
    for line in lines:
        line = " ".join(line.split())
        if not line:
            continue
        last = parts[-1] if parts else ""
        if last.endswith("-") and last[-2:-1].isalpha() and line[0].isalnum():
            parts[-1] = join_hyphenated(last, line, vocab)  # looks at the last line only
        else:
            parts.append(line)
    return " ".join(parts)


def remove_footnote_markers(text: str) -> str:
    """Drop footnote digits glued to words ("Board1", "area2", "improve?1")."""
    return _FOOTNOTE_RE.sub("", text)


def characters(text: str) -> str:
    """NFC, and private-use glyphs and C1 controls as spaces (every reader's text and the
    metadata extractor's start here)."""
    return PRIVATE_USE_RE.sub(" ", unicodedata.normalize("NFC", text))


def printable(text: str) -> str:
    """`text` fit for any output: controls XML forbids as spaces, bidirectional controls
    and zero-width characters dropped. Ingest applies it to every block; feeds, exports
    and pages apply it again to what an index built before it may hold."""
    text = CONTROL_RE.sub(" ", text)
    return INVISIBLE_RE.sub("", text) if INVISIBLE_RE.search(text) else text


def spaces(line: str) -> str:
    """Runs of spaces, tabs and Unicode spaces as one space, none at either end."""
    return _SPACES_RE.sub(" ", line).strip()


def normalise(text: str) -> str:
    """Normalise one block's text: characters(), no soft hyphens or footnote markers,
    single spaces."""
    text = characters(text).replace("\u00ad", "")  # soft hyphen
    return spaces(remove_footnote_markers(text))


def ends_sentence(text: str) -> bool:
    """True when the text ends a sentence (terminal punctuation, maybe quoted)."""
    return bool(SENTENCE_END.search(text.rstrip()[-200:]))  # the end only: linear time


# The longest passage (characters): a longer paragraph is split at sentence ends into
# passages of at most this length (docs/decisions/0032-bounded-passages-and-clean-output.md)
MAX_PASSAGE_CHARS = 4000
_SENTENCE_BREAK = re.compile(r"(?<=[.!?;])[\"'’”)\]]*\s+")
_SPACE = re.compile(r"\s+")


def pieces(text: str, limit: int = MAX_PASSAGE_CHARS) -> list[str]:
    """`text` as it is when it holds at most `limit` characters, else split after whole
    sentences into pieces of at most `limit` (a sentence longer than that at spaces, a run
    without spaces as it comes). The pieces depend on the text alone, so their passage
    ids stay stable across rebuilds."""
    if len(text) <= limit:
        return [text]
    out, start, cut = [], 0, None
    for end in [m.end() for m in _SENTENCE_BREAK.finditer(text)] + [len(text)]:
        if end - start <= limit:
            cut = end
            continue
        if cut is not None and cut > start:
            out.append(text[start:cut].strip())
            start = cut
        while end - start > limit:  # one sentence longer than the limit
            part = _SPACE.split(text[start:start + limit + 1])
            room = len(text[start:start + limit + 1]) - len(part[-1]) if len(part) > 1 else limit
            room = room if 0 < room <= limit else limit
            out.append(text[start:start + room].strip())
            start += room
        cut = end
    if start < len(text):
        out.append(text[start:].strip())
    return [p for p in out if p]
