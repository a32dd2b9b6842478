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

_FOOTNOTE_RE = re.compile(r"(?<=[a-z]{3})[1-9]\b(?![.,]?\d)|(?<=[?)])[1-9]\b")
_SPACES_RE = re.compile(r"[ \t\u00a0\u2000-\u200b\u202f]+")


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
