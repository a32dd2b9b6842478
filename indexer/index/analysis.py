"""The text analyzer used for indexing and querying, built Whoosh-style with `|`.

tokenize -> fold case and accents -> normalise apostrophes and possessives -> compounds
and section references -> drop stop words -> stem. The same chain runs on documents and
queries, so variants meet: "children’s" / "childrens", "multi-agency" / "MultiAgency" /
"multi agency", "s47" / "s.47" / "section 47". Compounds are data: data/compounds.toml.
"""
from __future__ import annotations

import re
import tomllib
import unicodedata
from functools import lru_cache
from pathlib import Path

from whoosh.analysis import Filter, LowercaseFilter, RegexTokenizer, StemFilter
from whoosh.lang.porter import stem

# Whoosh's default English stop list without "not": "not effective" is a real phrase here.
STOP_WORDS = frozenset(
    "a an and are as at be by can for from have if in is it may of on or that the this "
    "to us we will with you your".split()
)
# A section reference ("s47", "S.47", "s. 20") or a word with inner hyphens/apostrophes.
TOKEN_PATTERN = r"(?<!\w)[sS](?:\.\s?)?\d{1,3}[A-Za-z]?(?!\w)|\w+(?:[-‐‑'’]\w+)*"
COMPOUNDS_FILE = Path(__file__).parent / "data" / "compounds.toml"
_HYPHEN = re.compile(r"[-‐‑]")
_SECTION_REF = re.compile(r"s(?:\.\s?)?(\d{1,3}[a-z]?)")
# Marks a part of an opaque compound ("·agency" in "multi-agency"): not a word character, so
# no text or query word can hold it, and a search for "agency" never meets it.
PART_MARK = "\u00b7"


class FoldFilter(Filter):
    """Fold accents and apostrophe forms: "children’s", "children's", "childrens" -> "children"."""

    _POSSESSIVE = re.compile(r"['’](s)?$")

    def __call__(self, tokens):
        for token in tokens:
            text = token.text
            if not text.isascii():
                text = "".join(c for c in unicodedata.normalize("NFKD", text)
                               if not unicodedata.combining(c))
            if "'" in text or "’" in text:
                text = self._POSSESSIVE.sub("", text).replace("’", "").replace("'", "")
            token.text = text
            yield token


@lru_cache(maxsize=1)
def compound_data() -> tuple[frozenset[str], dict[str, tuple[str, ...]]]:
    """(prefixes, stem of the joined compound -> its parts) from data/compounds.toml."""
    data = tomllib.loads(COMPOUNDS_FILE.read_text(encoding="utf-8"))
    listed = {}
    for entry in data["compounds"]:
        parts = tuple(entry.lower().split("-"))
        listed[stem("".join(parts))] = parts
    return frozenset(data["prefixes"]), listed


@lru_cache(maxsize=1)
def opaque_compounds() -> frozenset[str]:
    """Stems of the joined opaque compounds of data/compounds.toml ("frontlin", "multiag")."""
    data = tomllib.loads(COMPOUNDS_FILE.read_text(encoding="utf-8"))
    return frozenset(stem(entry.lower().replace("-", "")) for entry in data["opaque"])


def unmarked(term: str) -> str:
    """A term without the part mark: "·agenc" -> "agenc"."""
    return term.replace(PART_MARK, "")


@lru_cache(maxsize=200_000)
def split_compound(text: str) -> tuple[tuple[str, int, int], ...] | None:
    """The parts of a compound word, each with its character span in `text`, or None.

    "multi-agency" -> multi, agency; a listed glued compound "multiagency" -> multi, agency;
    "s47" / "s.47" -> section, 47. Any other word -> None.
    """
    ref = _SECTION_REF.fullmatch(text)
    if ref:
        return ("section", 0, 1), (ref.group(1), ref.start(1), len(text))
    if _HYPHEN.search(text):
        parts, start = [], 0
        for piece in _HYPHEN.split(text):
            parts.append((piece, start, start + len(piece)))
            start += len(piece) + 1
        return tuple(parts)
    listed = compound_data()[1].get(stem(text))
    if listed is None or len(text) < len("".join(listed)):
        return None
    parts, start = [], 0
    for i, piece in enumerate(listed):
        end = len(text) if i == len(listed) - 1 else start + len(piece)
        parts.append((text[start:end], start, end))
        start = end
    return tuple(parts)


def compound_forms(text: str, mode: str) -> tuple[str | None, list[tuple[str, int, int]]]:
    """(joined word or None, parts with their spans) that a compound word is indexed as.

    Index mode: the joined word plus the parts that are not stop words. Query mode: the
    parts only (searched as a phrase), or the joined word only when the word starts with a
    prefix ("co-ordinated") and is not listed. With fewer than two parts left after stop
    words ("on-going"), the joined word only, in both modes. The parts of an opaque compound
    carry PART_MARK in both modes.
    """
    parts = split_compound(text)
    if parts is None:
        return text, []
    if parts[0][0] == "section" and not text.startswith("section"):
        return None, list(parts)
    kept = [p for p in parts if p[0] not in STOP_WORDS]
    joined = "".join(p[0] for p in parts)
    if len(kept) < 2:
        return joined, []
    numeric = any(p[0].isdigit() for p in parts)
    if not numeric and stem(joined) in opaque_compounds():
        kept = [(PART_MARK + p, lo, hi) for p, lo, hi in kept]
    if mode == "query":
        prefixes, listed = compound_data()
        if parts[0][0] in prefixes and not numeric and stem(joined) not in listed:
            return joined, []
        return None, kept
    return (None if numeric else joined), kept


class CompoundFilter(Filter):
    """Expand compounds and section references (see compound_forms). A joined word comes
    first and shares the position of the first part; later tokens move along."""

    def __call__(self, tokens):
        shift = 0
        for t in tokens:
            if t.positions:
                t.pos += shift
            if split_compound(t.text) is None:
                yield t
                continue
            joined, parts = compound_forms(t.text, t.mode)
            pos = t.pos if t.positions else 0
            start, end = (t.startchar, t.endchar) if t.chars else (0, 0)
            if joined is not None:
                t.text = joined
                yield t
            for i, (part, lo, hi) in enumerate(parts):
                t.text = part
                if t.positions:
                    t.pos = pos + i
                if t.chars:
                    t.startchar, t.endchar = min(start + lo, end), min(start + hi, end)
                yield t
            shift += max(0, len(parts) - 1)


class StopFilter(Filter):
    """Drop stop words and renumber positions, keeping tokens that share a position
    (a joined compound and its first part) together."""

    def __call__(self, tokens):
        last_in, out = None, None
        for t in tokens:
            if t.text in STOP_WORDS:
                if not t.removestops:
                    t.stopped = True
                    yield t
                continue
            if t.positions:
                if last_in is None:
                    out = t.pos
                elif t.pos != last_in:
                    out += 1
                last_in, t.pos = t.pos, out
            t.stopped = False
            yield t


# Exact-phrase tokens: words split at hyphens and other punctuation, apostrophes dropped
# inside a word ("children’s" -> "childrens", "life-story" -> "life", "story").
EXACT_TOKEN_PATTERN = r"\w+(?:['’]\w+)*"


class ApostropheFilter(Filter):
    """Drop apostrophes inside a word, so "children's", "children’s" and "childrens" meet."""

    def __call__(self, tokens):
        for token in tokens:
            if "'" in token.text or "’" in token.text:
                token.text = token.text.replace("’", "").replace("'", "")
            yield token


class AccentFilter(Filter):
    """Fold accents: "café" -> "cafe"."""

    def __call__(self, tokens):
        for token in tokens:
            if not token.text.isascii():
                token.text = "".join(c for c in unicodedata.normalize("NFKD", token.text)
                                     if not unicodedata.combining(c))
            yield token


def make_exact_analyzer():
    """The analyzer of the exact-phrase fields: every word kept as written (stop words
    too), case, accents and apostrophes folded, no stemming, no compounds."""
    return (RegexTokenizer(EXACT_TOKEN_PATTERN) | LowercaseFilter() | AccentFilter()
            | ApostropheFilter())


def make_analyzer():
    """The analyzer of every searchable text field."""
    return (
        RegexTokenizer(TOKEN_PATTERN)
        | LowercaseFilter()
        | FoldFilter()
        | CompoundFilter()
        | StopFilter()
        | StemFilter(cachesize=100_000)
    )
