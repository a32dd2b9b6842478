"""Highlight a passage for a query: escape the text, wrap matches in <mark>, sanitise.

Matches come from the same analyzer that indexed the text, so stems, apostrophes and
case variants light up; a phrase lights up only where its words stand together.

Whoosh behaviour relied on (whoosh-reloaded 2.7.5, pinned): `analysed` hands one word to
the analyzer with `tokenize=False` (RegexTokenizer then yields the word as one token) and
lays the words out itself, which is exact only while every filter after the tokenizer
reads one token at a time (ours in indexer/index/analysis.py, and Whoosh's
LowercaseFilter and StemFilter). A new filter that looks across tokens must be reproduced
in `analysed`; tests/test_highlight.py fails until it is.
"""
from __future__ import annotations

import heapq
import html
import re
from dataclasses import dataclass, field
from functools import lru_cache, partial

import bleach

from indexer.index.analysis import (EXACT_TOKEN_PATTERN, TOKEN_PATTERN, make_analyzer,
                                    make_exact_analyzer)

SNIPPET_CHARS = 420  # passages up to this length are shown whole
WINDOW = 150  # characters either side of a match in a longer passage
MAX_FRAGMENTS = 3
MAX_WINDOW = 600  # longest window, however many matches run together in it
# Words analysed once per process (analysed): the vocabulary of what is shown, not the
# passages; about 300 bytes a word, so at most about 10 MB a process for each analyzer.
MEMO_WORDS = 32_768
WARM_WORDS = 2_000  # the commonest words analysed when a generation opens (warm())
_ANALYZER = make_analyzer()
_EXACT_ANALYZER = make_exact_analyzer()
# A fragment made only of html.escape()d text and <mark> tags, with none of the characters
# an HTML parser rewrites (controls, CR, noncharacters, astral): bleach returns it as it is.
_ALREADY_CLEAN = re.compile(
    r"(?:[^<>&\x00-\x08\x0b-\x1f\x7f-\x9f\ufdd0-\ufdef\ufffe\uffff\ud800-\udfff\U00010000-\U0010ffff]"
    r"|&(?:amp|lt|gt|quot|#x27);|</?mark>)*")
_TAG = re.compile(r"</?mark>")


@dataclass
class Highlighter:
    """What to mark: single stemmed terms, prefixes, phrases (stemmed word lists) and
    exact phrases (word lists as the exact-phrase analyzer reads them)."""

    terms: set[str] = field(default_factory=set)
    prefixes: set[str] = field(default_factory=set)
    phrases: list[list[str]] = field(default_factory=list)
    exact: list[list[str]] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.terms or self.prefixes or self.phrases or self.exact)

    def spans(self, text: str) -> list[tuple[int, int]]:
        """Character spans to mark, merged and in order."""
        tokens = analysed(text)
        terms, prefixes = self.terms, self.prefixes
        spans = [(start, end) for word, _, start, end in tokens
                 if word in terms or (prefixes and any(word.startswith(p) for p in prefixes))]
        spans += _phrase_spans(tokens, self.phrases)
        if self.exact:
            spans += _phrase_spans(analysed(text, exact=True), self.exact)
        return _merge(sorted(spans))

    def snippet(self, text: str) -> str:
        """Safe HTML: the passage (or up to three windows of it, each at most MAX_WINDOW
        characters) with <mark>ed matches."""
        spans = self.spans(text) if self else []
        if len(text) <= SNIPPET_CHARS or not spans:
            windows = [(0, min(len(text), SNIPPET_CHARS))]
        else:
            windows = _windows(text, spans)
        parts = []
        for start, end in windows:
            inner = [(max(s, start), min(e, end)) for s, e in spans if s < end and e > start]
            body = mark(text[start:end], [(s - start, e - start) for s, e in inner])
            parts.append(body)
        html_text = " … ".join(parts)
        if windows[0][0] > 0:
            html_text = "… " + html_text
        if windows[-1][1] < len(text):
            html_text += " …"
        return sanitise(html_text)


def analysed(text: str, exact: bool = False) -> tuple[tuple[str, int, int, int], ...]:
    """(word, position, start, end) of every token the indexing analyzer (or, exact=True,
    the exact-phrase analyzer) reads in `text`, exactly as the analyzer gives them.

    Running the analyzer over each passage shown was a quarter of a search's CPU (a token
    goes through six generator stages), so each word the tokenizer matches is analysed
    alone, once per process (`tokenize=False` hands the analyzer's filters the word as one
    token), and the results are laid end to end: a word takes as many positions as the
    analyzer gives its tokens (a compound "multi-agency" two, a stop word one, emptied),
    and the positions are then renumbered without the stop words' gaps, as StopFilter
    does. The filters are context-free (each reads one token), which is what makes this
    exact; tests/test_highlight.py compares it with the analyzer on the seeds and every
    passage of the corpus (docs/decisions/0028-throughput.md)."""
    words = _exact_word if exact else _word
    pattern = _EXACT_TOKEN if exact else _TOKEN
    found = []
    base, out, last_in = 0, 0, None  # base: the input position of the word's first token
    for match in pattern.finditer(text):
        tokens, width = words(match.group())
        start = match.start()
        for word, relative, lo, hi in tokens:
            position = base + relative
            if last_in is None:
                out = position  # StopFilter: the first token keeps its position
            elif position != last_in:
                out += 1
            last_in = position
            found.append((word, out, start + lo, start + hi))
        base += width
    return tuple(found)


def warm(counts: dict[str, int], limit: int = WARM_WORDS) -> None:
    """Analyse the `limit` commonest words of a generation's vocabulary (word -> passages),
    as written and capitalised, into this process's memo when the generation opens, so a
    new worker's first snippets do not pay for them (issue 12: no cold queries). A word
    already remembered costs one lookup."""
    for word in heapq.nlargest(limit, counts, key=counts.__getitem__):
        for raw in (word, word.capitalize()):
            _word(raw)
            _exact_word(raw)


def _analyse_word(analyzer, raw: str) -> tuple[tuple, int]:
    """One word's tokens (text, position, start, end, relative to the word) and how many
    positions it takes."""
    tokens = tuple((t.text, t.pos, t.startchar, t.endchar)
                   for t in analyzer(raw, positions=True, chars=True, mode="index",
                                     tokenize=False))
    return tokens, max((t[1] for t in tokens), default=0) + 1


_TOKEN = re.compile(TOKEN_PATTERN, re.UNICODE)  # what the analyzers' RegexTokenizers match
_EXACT_TOKEN = re.compile(EXACT_TOKEN_PATTERN, re.UNICODE)
_word = lru_cache(maxsize=MEMO_WORDS)(partial(_analyse_word, _ANALYZER))
_exact_word = lru_cache(maxsize=MEMO_WORDS)(partial(_analyse_word, _EXACT_ANALYZER))


def _phrase_spans(tokens, phrases: list[list[str]]) -> list[tuple[int, int]]:
    """Spans where the words of a phrase stand at consecutive positions."""
    if not phrases:
        return []
    spans = []
    by_position = {pos: (word, start, end) for word, pos, start, end in tokens}
    for phrase in phrases:
        for word, pos, start, _ in tokens:
            if word != phrase[0]:
                continue
            run = [by_position.get(pos + i) for i in range(len(phrase))]
            if all(r and r[0] == w for r, w in zip(run, phrase)):
                spans.append((start, run[-1][2]))
    return spans


def mark(text: str, spans: list[tuple[int, int]]) -> str:
    out, last = [], 0
    for start, end in spans:
        out.append(html.escape(text[last:start]))
        out.append(f"<mark>{html.escape(text[start:end])}</mark>")
        last = end
    out.append(html.escape(text[last:]))
    return "".join(out)


def sanitise(fragment: str) -> str:
    """Allow <mark> and nothing else (the escaped text stays escaped). A fragment that is
    already clean (what snippet() builds) is returned as bleach would return it: unchanged."""
    if _ALREADY_CLEAN.fullmatch(fragment) and _balanced(fragment):
        return fragment
    return bleach.clean(fragment, tags={"mark"}, attributes={}, strip=True)


def _balanced(fragment: str) -> bool:
    """<mark> and </mark> alternate, starting with <mark>: no stray or nested tags."""
    tags = _TAG.findall(fragment)
    return tags == ["<mark>", "</mark>"] * (len(tags) // 2)


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _windows(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    windows: list[tuple[int, int]] = []
    for start, end in spans:
        lo, hi = max(0, start - WINDOW), min(len(text), end + WINDOW)
        lo = text.rfind(" ", 0, lo) + 1 if lo > 0 else 0
        hi_space = text.find(" ", hi)
        hi = len(text) if hi_space == -1 else hi_space
        if windows and lo <= windows[-1][1]:
            first = windows[-1][0]
            windows[-1] = (first, min(hi, first + MAX_WINDOW))
        elif len(windows) < MAX_FRAGMENTS:
            windows.append((lo, hi))
    return windows
