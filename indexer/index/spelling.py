"""'Did you mean': correct query words against the vocabulary of the indexed passages.

The vocabulary (word -> passages containing it) is built with the index and stored in
the generation; a word the index does not know is replaced by the closest known word
(Damerau-Levenshtein distance <= 2, ties broken by frequency), found with rapidfuzz.
"""
from __future__ import annotations

import re
from collections import Counter

from rapidfuzz import process
from rapidfuzz.distance import DamerauLevenshtein

WORD_RE = re.compile(r"[a-z]{3,}")
_QUERY_WORD_RE = re.compile(r"(?<![\w:])([A-Za-z]{3,})(?![\w:*])")
OPERATORS = {"and", "or", "not", "to"}
MIN_COUNT = 2  # a word must occur in two passages to be suggested


def build_vocabulary(texts) -> dict[str, int]:
    """Document frequency of every lower-case word of 3+ letters in the texts, in word order
    (so an updated vocabulary, below, is the same dict, in the same order, as a rebuilt one)."""
    return update_vocabulary({}, word_counts(texts))


def word_counts(texts) -> Counter:
    """How many of the texts hold each lower-case word of 3+ letters."""
    counts: Counter[str] = Counter()
    for text in texts:
        counts.update(set(WORD_RE.findall(text.lower())))
    return counts


def update_vocabulary(vocabulary: dict[str, int], added: Counter,
                      removed: Counter | None = None) -> dict[str, int]:
    """The vocabulary of a set of passages, from the vocabulary of an earlier set and the
    word_counts of the passages it gained and lost: document frequencies are counts, so this
    equals build_vocabulary over the new set, at a cost proportional to the change
    (decision 0026)."""
    counts: Counter[str] = Counter(vocabulary)
    counts.update(added)
    counts.subtract(removed or Counter())
    return {word: counts[word] for word in sorted(counts) if counts[word] > 0}


def next_vocabulary(old: dict | None, added: Counter, removed, reports: dict) -> dict:
    """A new generation's vocabulary: the old one (None: an index from before vocabularies
    were stored) updated with the passages of the reports removed and added, in time
    proportional to the change; counted afresh from every report when there is none."""
    if old is None:
        return build_vocabulary(_texts(reports.values()))
    return update_vocabulary(old, added, report_word_counts(r for r in removed if r))


def report_word_counts(reports) -> Counter:
    """Word counts of the passages of stored report dicts."""
    return word_counts(_texts(reports))


def _texts(reports):
    return (p["text"] for r in reports for s in r["sections"] for p in s["passages"])


class Speller:
    def __init__(self, vocabulary: dict[str, int]):
        self.vocabulary = vocabulary
        self.words = [w for w, n in vocabulary.items() if n >= MIN_COUNT]
        self._corrections: dict[str, str | None] = {}  # a search asks twice: plan, suggestion

    def correct_word(self, word: str) -> str | None:
        lower = word.lower()
        if lower in self.vocabulary or lower in OPERATORS or not self.words:
            return None
        if lower not in self._corrections:
            if len(self._corrections) > 10_000:
                self._corrections.clear()
            self._corrections[lower] = self._closest(lower)
        return self._corrections[lower]

    def _closest(self, lower: str) -> str | None:
        candidates = process.extract(lower, self.words, scorer=DamerauLevenshtein.distance,
                                     score_cutoff=2, limit=25)
        if not candidates:
            return None
        best = min(candidates, key=lambda c: (c[1], -self.vocabulary[c[0]]))
        return best[0]

    def suggest(self, query: str) -> str | None:
        """The query with unknown words corrected, or None when nothing changes."""
        changed = False

        def replace(match: re.Match) -> str:
            nonlocal changed
            fixed = self.correct_word(match.group(1))
            if fixed is None:
                return match.group(1)
            changed = True
            return fixed

        suggestion = _QUERY_WORD_RE.sub(replace, query)
        return suggestion if changed else None
