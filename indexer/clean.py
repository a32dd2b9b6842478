"""Text cleaning shared by every reader: bullet glyphs, footnote markers, hyphenation,
whitespace. Functions here take and return plain strings; they never guess structure.
"""
from __future__ import annotations

import re
import unicodedata

# Glyphs PDF extraction leaves where bullets were: squares, dots, private-use Wingdings
# code points, the C1 control U+0083 and pdfplumber's "(cid:131)".
BULLET_GLYPHS = "▪◼■□●•◦‣⁃∙·\u25aa\u25fc\uf06e\uf02d\uf0a7\uf0be\uf0b7\uf076\uf0d8\uf0fc\u0083\u0336"
BULLET_RE = re.compile(rf"^\s*(?:\(cid:\d+\)|[{BULLET_GLYPHS}])+\s*")
PRIVATE_USE_RE = re.compile("[\ue000-\uf8ff\u0080-\u009f\u0336]")

# Left halves of hyphenated compounds that keep their hyphen when split over a line end.
COMPOUND_PREFIXES = frozenset(
    "multi co self cross well long short non pre post anti inter intra over under "
    "high low full part half semi sub out ex pro step family child young front "
    "out-of day after re-".split()
)
COMPOUND_RIGHTS = frozenset(
    "agency based focused led term level up making taking year old time date "
    "being aged specific wide making centred owned going care making".split()
)

_FOOTNOTE_RE = re.compile(r"(?<=[a-z]{3})[1-9]\b(?![.,]?\d)|(?<=[?)])[1-9]\b")
_SPACES_RE = re.compile(r"[ \t\u00a0\u2000-\u200b\u202f]+")


def strip_bullet(text: str) -> tuple[bool, str]:
    """Return (had_bullet, text without its leading bullet glyph)."""
    match = BULLET_RE.match(text)
    if match and match.end() < len(text):
        return True, text[match.end():]
    return False, text


def join_hyphenated(left: str, right: str) -> str:
    """Join a word split at a line end: "multi-" + "agency" keeps the hyphen (a real
    compound), "assess-" + "ment" drops it. A hyphen is kept when the left part is a
    known compound prefix, the right part a known compound ending, or the right part
    starts with a capital or digit."""
    stem = left[:-1]
    first_word = re.match(r"[\w']+", right)
    right_word = first_word.group(0).lower() if first_word else ""
    last_word = re.search(r"[\w']+$", stem)
    left_word = last_word.group(0).lower() if last_word else ""
    keep = (
        left_word in COMPOUND_PREFIXES
        or right_word in COMPOUND_RIGHTS
        or right[:1].isupper()
        or right[:1].isdigit()
    )
    return (left if keep else stem) + right


def join_lines(lines: list[str]) -> str:
    """Join wrapped lines of one paragraph, undoing line-end hyphenation."""
    text = ""
    for line in (ln.strip() for ln in lines):
        if not line:
            continue
        if not text:
            text = line
        elif re.search(r"[A-Za-z]-$", text) and line[:1].isalpha():
            text = join_hyphenated(text, line)
        else:
            text = f"{text} {line}"
    return text


def remove_footnote_markers(text: str) -> str:
    """Drop footnote digits glued to words ("Board1", "area2", "improve?1")."""
    return _FOOTNOTE_RE.sub("", text)


def normalise(text: str) -> str:
    """Normalise one block's text: NFC, no private-use glyphs, single spaces."""
    text = unicodedata.normalize("NFC", text)
    text = PRIVATE_USE_RE.sub(" ", text)
    text = text.replace("\u00ad", "")  # soft hyphen
    text = remove_footnote_markers(text)
    return _SPACES_RE.sub(" ", text).strip()


def ends_sentence(text: str) -> bool:
    """True when the text ends a sentence (terminal punctuation, maybe quoted)."""
    return bool(re.search(r"[.!?:;][\"'’”)\]]*$", text.rstrip()))
