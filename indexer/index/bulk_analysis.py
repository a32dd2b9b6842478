"""Index-time analysis in bulk: the postings Whoosh's `Positions.word_values` gives for a
field analysed by one of our two chains (indexer.index.analysis), computed with one regex
pass per value and a memo per word instead of a Token object through six generators.

Each word the tokenizer matches is analysed once, by the chain's own filter objects run on
that word alone (lowercase, fold, compounds; then the stop list and the stemmer), and
remembered: word -> the terms it keeps (not stop words) with their offsets, and how many
positions it takes (for the exact chain, one term a word: just that term). Only the stop filter's renumbering depends on neighbours; it is redone
here per value exactly as `analysis.StopFilter` does it (the first kept term keeps its
position, later ones close the gaps left by stop words). Nothing is remembered beyond single
words. `for_field` recognises the two chains by their classes and gives None for any other
field, which then goes through Whoosh as before; tests/test_bulk_analysis.py compares every
term and position with Whoosh's analyzer on real text.

Whoosh internals used (whoosh-reloaded 2.7.5, pinned): `CompositeAnalyzer.items`,
`RegexTokenizer.expression`, `StemFilter._stem` / `ignore`, `analysis.Token`, and the
Positions format's value encoding (`pack_uint(count) + pickle.dumps(deltas, 2)`).
"""
from __future__ import annotations

from pickle import dumps

from whoosh.analysis import (CompositeAnalyzer, LowercaseFilter, RegexTokenizer, StemFilter,
                             Token)
from whoosh.formats import Positions
from whoosh.system import pack_uint

from indexer.index.analysis import (STOP_WORDS, AccentFilter, ApostropheFilter,
                                    CompoundFilter, FoldFilter, StopFilter)

MEMO_WORDS = 500_000  # words remembered per chain before the memo starts afresh
MAIN_CHAIN = (RegexTokenizer, LowercaseFilter, FoldFilter, CompoundFilter, StopFilter,
              StemFilter)
EXACT_CHAIN = (RegexTokenizer, LowercaseFilter, AccentFilter, ApostropheFilter)


class BulkChain:
    """One analyzer chain, analysing whole values: `positions(value)` -> {term bytes:
    [positions]} in order of first occurrence, as Whoosh's analyzer gives them in index mode."""

    def __init__(self, analyzer: CompositeAnalyzer, stemmed: bool):
        items = analyzer.items
        self._findall = items[0].expression.findall
        self._before_stop = items[1:4] if stemmed else items[1:]
        stemmer = items[-1] if stemmed else None
        self._stem = stemmer._stem if stemmer else None
        self._ignore = stemmer.ignore if stemmer else frozenset()
        self._stemmed = stemmed
        self._memo: dict[str, tuple] = {}

    def _word(self, raw: str) -> tuple[tuple[tuple[bytes | None, int], ...], int]:
        """(terms with their position offsets, None for a stop word; positions taken)."""
        token = Token(positions=True, chars=False, removestops=True, mode="index")
        token.text, token.pos, token.boost, token.stopped = raw, 0, 1.0, False
        stream = iter((token,))
        for item in self._before_stop:
            stream = item(stream)
        terms = []
        for t in stream:
            text = t.text
            if self._stemmed:
                if text in STOP_WORDS:
                    terms.append((None, t.pos))
                    continue
                if text not in self._ignore:
                    text = self._stem(text)
            terms.append((text.encode("utf-8"), t.pos))
        return tuple(terms), 1 + max((offset for _, offset in terms), default=0)

    def _lookup(self, raw: str):
        """The memo's entry for a word: (its kept terms with offsets, positions taken)
        for the stemmed chain, its one term for the exact chain."""
        if len(self._memo) >= MEMO_WORDS:
            self._memo.clear()
        terms, width = self._word(raw)
        if self._stemmed:
            found = tuple(t for t in terms if t[0] is not None), width
        else:
            found = terms[0][0]  # a 1:1 chain: one term a word, at the word's position
        self._memo[raw] = found
        return found

    def positions(self, value: str) -> dict[bytes, list[int]]:
        if not self._stemmed:
            return self._exact_positions(value)
        poses: dict[bytes, list[int]] = {}
        base, last_in, out = 0, None, 0
        memo, lookup = self._memo, self._lookup
        for raw in self._findall(value):
            kept, width = memo.get(raw) or lookup(raw)
            for term, offset in kept:
                at = base + offset
                if last_in is None:
                    out = at
                elif at != last_in:
                    out += 1
                last_in = at
                found = poses.get(term)
                if found is None:
                    poses[term] = [out]
                else:
                    found.append(out)
            base += width
        return poses

    def _exact_positions(self, value: str) -> dict[bytes, list[int]]:
        poses: dict[bytes, list[int]] = {}
        memo, lookup = self._memo, self._lookup
        for pos, raw in enumerate(self._findall(value)):
            term = memo.get(raw)
            if term is None:
                term = lookup(raw)
            found = poses.get(term)
            if found is None:
                poses[term] = [pos]
            else:
                found.append(pos)
        return poses


_ONE = pack_uint(1)
_SINGLE: dict[int, bytes] = {}  # the pickled deltas of one position, by position


def encode(poslist: list[int]) -> bytes:
    """formats.Positions.encode: the count, then the pickled deltas. Always a new bytes
    object: Whoosh pickles a block's values as a list, and pickle writes an object it has
    seen in that list as a reference, so shared objects would change the segment's bytes."""
    if len(poslist) == 1:
        pos = poslist[0]
        tail = _SINGLE.get(pos)
        if tail is None:
            tail = _SINGLE[pos] = dumps([pos], 2)
        return _ONE + tail
    deltas = [poslist[0]] + [b - a for a, b in zip(poslist, poslist[1:])]
    return pack_uint(len(deltas)) + dumps(deltas, 2)


def word_values(poses: dict[bytes, list[int]], field_boost: float) -> list[tuple]:
    """(term bytes, frequency, weight, encoded positions) per term of `BulkChain.positions`,
    as `field.index(value)` gives them for a Positions field (weights: the sum of 1.0 per
    position, then the field's boost)."""
    return [(term, len(poslist), float(len(poslist)) * field_boost, encode(poslist))
            for term, poslist in poses.items()]


_CHAINS: dict[int, tuple] = {}  # id(analyzer) -> (analyzer, its bulk chain or None)


def for_field(field) -> BulkChain | None:
    """The bulk form of a field's analyzer, or None: not one of our chains in a Positions
    field given a string (Whoosh analyses it)."""
    analyzer = getattr(field, "analyzer", None)
    if type(getattr(field, "format", None)) is not Positions or analyzer is None:
        return None
    known = _CHAINS.get(id(analyzer))
    if known is None or known[0] is not analyzer:
        known = _CHAINS[id(analyzer)] = (analyzer, _chain_of(analyzer))
    return known[1]


def _chain_of(analyzer) -> BulkChain | None:
    if not isinstance(analyzer, CompositeAnalyzer):
        return None
    kinds = tuple(type(item) for item in analyzer.items)
    if kinds == MAIN_CHAIN and analyzer.items[0].expression.groups == 0 \
            and not analyzer.items[0].gaps:
        return BulkChain(analyzer, stemmed=True)
    if kinds == EXACT_CHAIN and analyzer.items[0].expression.groups == 0 \
            and not analyzer.items[0].gaps:
        return BulkChain(analyzer, stemmed=False)
    return None
