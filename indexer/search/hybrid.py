"""Hybrid ranking: passages found by their words (BM25F) and by their meaning (the cosine
of their vector with the query's, indexer.index.embedding), fused into one ranking.

`mode=hybrid` (the default) applies to queries of plain words only; quoted phrases,
AND/OR/NOT, brackets, `field:` syntax, prefixes and boosts keep their exact lexical
meaning (`applies()`), and `mode=words` is the lexical search alone. What a hybrid search
matches (its total and every facet count) is the union of
- the passages with the words: all of them, or for a query of four or more words at
  least `Fusion.min_share` of them (minimum should match), and
- the passages whose cosine with the query reaches that of its `Fusion.neighbours`-th
  nearest passage (and `Fusion.floor`),
both found among the visible passages before the selected filters apply, so selecting a
facet value shows as many passages as its count said. A candidate's score is
`words * bm25 / best bm25 + meaning * (cos - floor) / (best cos - floor)`: the words' part
grows by `adjacency` where adjacent query words stand together, the meaning part shrinks
for passages of context and overview shorter than `short` words, and for words that ask
what should improve, passages in improvement sections count `improvements` more. Weights
were tuned on the judged development split only (docs/decisions/0037-hybrid-ranking.md).
"""
from __future__ import annotations

import dataclasses
import math
import re
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from indexer.index import embedding, vectors
from indexer.search import shortlist
from indexer.search.fused import Fused
from indexer.search.shortlist import dots

MODES = ("hybrid", "words")
WORDS, MEANING, BOTH = 1, 2, 3  # how a candidate was found (bits)
MATCHED = {WORDS: "words", MEANING: "meaning", BOTH: "both"}
MIN_SPREAD = 0.1  # "spread" scale: the least words' spread the meaning part is scaled by
_PLAIN = re.compile(r"[\w'’.‐‑-]+")
_OPERATORS = {"AND", "OR", "NOT", "ANDNOT", "ANDMAYBE", "REQUIRE", "TO"}
_IMPROVE = re.compile(r"\b(recommend\w*|improve\w*|should|must|needs? to)\b", re.IGNORECASE)
IMPROVEMENT_SECTIONS = ("areas_for_improvement", "priority_action", "areas_for_development")
_SENTENCE = re.compile(r"[^\s•▪].*?(?:[.!?;](?=\s|$)|$)", re.DOTALL)  # "4.1%" stays whole


@dataclass(frozen=True)
class Fusion:
    """Every weight of hybrid ranking in one place; FUSION is what searches use."""

    words: float = 1.0  # weight of a candidate's BM25F score over the best candidate's
    meaning: float = 1.0  # weight of its cosine, scaled between floor and the best cosine
    neighbours: int = 50  # passages nearest in meaning that join the candidates
    floor: float = 0.3  # a passage below this cosine is never matched by meaning
    adjacency: float = 0.3  # extra share of the words' part where query words stand together
    min_share: float = 0.5  # 4+ words: the share of them a passage needs
    improvements: float = 1.0  # extra for improvement sections when the words ask what to improve
    short: float = 100.0  # a passage of fewer words in short_sections counts its meaning in
    # proportion (0: off): statistics, scope lines and dates are near many queries in meaning
    # without saying much; a finding, strength or improvement counts it in full however short
    short_sections: tuple[str, ...] = ("context", "overview", "boilerplate")
    loose: float = 2.0  # the meaning weight's multiple for 4+ words (most of them needed)
    scale: str = "spread"  # "floor": cosine between floor and best; "spread": z-score, see fuse
    approximate_from: int = 200_000  # allowed passages from which the nearest are found
    shortlist: int = 8192  # among this many by sign codes (indexer.search.shortlist)


FUSION = Fusion()


def applies(query: str) -> bool:
    """Hybrid ranking for a query of plain words only (at least one)."""
    words = query.split()
    return bool(words) and all(_PLAIN.fullmatch(w) and w not in _OPERATORS for w in words)


def asks_what_to_improve(query: str) -> bool:
    """Words that look for recommendations: "what should improve", "recommendations ..."."""
    return bool(_IMPROVE.search(query))


@lru_cache(maxsize=1024)
def query_vector(text: str) -> np.ndarray:
    """The query's unit vector (remembered: a page of results embeds the query once)."""
    vector = embedding.embed([text])[0]
    vector.setflags(write=False)
    return vector


class Vectors:
    """A generation's passage vectors: each segment's mapped rows at its docnum offset."""

    def __init__(self, parts: list[tuple[int, np.ndarray]], size: int,
                 sketches: shortlist.Sketches | None = None):
        self.parts, self.size, self.sketches = parts, size, sketches

    @classmethod
    def open(cls, reader, mapped: dict) -> "Vectors | None":
        """From a Whoosh reader's segments and their mapped arrays; None if any lacks them."""
        from indexer.index.mapped import segment_id

        parts, sketches = [], []
        for leaf, offset in reader.leaf_readers():
            arrays = mapped.get(segment_id(leaf))
            if leaf.doc_count_all() and (arrays is None or arrays.vectors is None):
                return None
            if leaf.doc_count_all():
                parts.append((offset, arrays.vectors))
                sketches.append(arrays.sketch)
        whole = all(s is not None for s in sketches) and all(
            rows.scales is not None for _, rows in parts)
        return cls(parts, reader.doc_count_all(),
                   shortlist.Sketches(sketches) if whole else None)

    def meaning(self, query: np.ndarray, allowed: np.ndarray, sections: list[str] | None,
                table, fusion: "Fusion"):
        """(the cosines, the docnums matched by meaning, the (mean, deviation) of every
        allowed cosine or None: from the cosines): over many allowed passages that are whole
        `sections` (None: they are not), from a shortlist (indexer.search.shortlist), else
        every cosine computed."""
        if self.sketches is not None and sections is not None:
            found = shortlist.approximate(self.parts, self.sketches, self.size, query,
                                          allowed, sections, table, fusion)
            if found is not None:
                return found
        cosines = self.cosines(query, allowed)
        return cosines, nearest(cosines, fusion), None

    def cosines(self, query: np.ndarray, allowed: np.ndarray) -> np.ndarray:
        """The cosine of every allowed document with the query (-1 elsewhere), from the
        mapped int8 rows by SimSIMD's integer dot products times the rows' scales (a
        quarter of float32's bytes, a third of float16's CPU: bench/vector_scan.py)."""
        out = np.full(self.size, -1.0, dtype=np.float32)
        codes, scale = vectors.quantise(query)
        for offset, rows in self.parts:
            end = offset + len(rows)
            wanted = np.flatnonzero(allowed[offset:end])
            if wanted.size * 4 < len(rows):  # few allowed: read only their rows
                if wanted.size:
                    out[offset + wanted] = dots(codes, scale, rows, wanted)
                continue
            out[offset:end] = dots(codes, scale, rows)
            out[offset:end][~allowed[offset:end]] = -1.0
        return out


def fuse(lexical_ids: np.ndarray, lexical_scores: np.ndarray, near: np.ndarray,
         cosines: np.ndarray, together, fusion: Fusion = FUSION,
         preferred: np.ndarray | None = None, lengths=None, statements=None,
         statistics: tuple[float, float] | None = None) -> Fused:
    """The candidates of both kinds, the passages with the words (`lexical_ids`, ascending,
    and their BM25F scores) and those `near` in meaning (nearest()), and what their fused
    scores need (`cosines`: every document's cosine with the query); the scores are
    computed where asked (indexer.search.fused). `together`: the share of the query's
    adjacent word pairs that stand together in each document, as an array over every
    document or a function of chosen docnums (None: fewer than two words); `preferred`: a
    mask of documents in improvement sections, for a query that asks what to improve (None:
    no preference); `lengths(ids)`: the passages' lengths in words (a one-line passage is
    near many queries in meaning without saying much); `statements(ids)`: which of them
    count their meaning in full however short (outside `Fusion.short_sections`; None: every
    passage is damped when short); `statistics`: the (mean, deviation) of every allowed
    cosine when `cosines` does not hold them all (indexer.search.shortlist)."""
    ids, raw = np.asarray(lexical_ids, dtype=np.intp), np.asarray(lexical_scores, np.float64)
    at = np.searchsorted(ids, near)  # the few near passages placed among the many with
    known = at < ids.size  # the words (no pass over every document: 763,610 candidates
    known[known] = ids[at[known]] == near[known]  # for "children" at a million)
    if not known.all():
        ids = np.insert(ids, at[~known], near[~known])
        raw = np.insert(raw, at[~known], 0.0)
    how = np.full(ids.size, WORDS, np.uint8)
    how[np.searchsorted(ids, near)] = np.where(known, BOTH, MEANING)
    best = float(lexical_scores.max()) if lexical_ids.size else 0.0
    if together is not None and not callable(together):
        together = together.__getitem__
    return Fused(ids, how, raw, best, cosines, _meaning_part(ids, cosines, lexical_scores,
                                                             fusion, statistics),
                 fusion, together, preferred, lengths, statements)


def _meaning_part(ids: np.ndarray, cosines: np.ndarray, lexical_scores: np.ndarray,
                  fusion: Fusion, statistics: tuple[float, float] | None = None):
    """The meaning part of a candidate as a function of its cosine (before its weight and
    length damping). "spread": the cosine's z-score over every allowed passage (none below
    the mean), times the spread of the words' scores over the best; "floor": the cosine
    between the floor and the best candidate's."""
    if fusion.scale != "spread":
        top = float(cosines[ids].max()) if ids.size else 0.0
        return lambda cos: np.clip((cos - fusion.floor) / max(top - fusion.floor, 1e-6),
                                   0.0, 1.0)
    if statistics is not None:
        mean, deviation = statistics
    else:
        allowed = cosines[cosines > -1.0]
        if allowed.size < 2:
            return np.zeros_like
        mean, deviation = allowed.mean(), max(float(allowed.std()), 1e-6)
    spread = 0.0
    if lexical_scores.size > 1 and lexical_scores.max() > 0:
        spread = float(lexical_scores.std() / lexical_scores.max())
    spread = max(spread, MIN_SPREAD)
    return lambda cos: np.maximum((cos - mean) / deviation, 0.0) * spread


def nearest(cosines: np.ndarray, fusion: Fusion = FUSION) -> np.ndarray:
    """Ascending docnums of the `neighbours` nearest passages at or above the floor."""
    above = np.flatnonzero(cosines >= fusion.floor)
    if above.size > fusion.neighbours:
        cut = np.argpartition(-cosines[above], fusion.neighbours - 1)[:fusion.neighbours]
        above = np.sort(above[cut])
    return above


def minimum_match(words: int, fusion: Fusion = FUSION) -> int | None:
    """How many of a query's searchable words a passage needs, when not all (4+ words)."""
    return max(2, math.ceil(fusion.min_share * words)) if words >= 4 else None


def for_words(words: int, fusion: Fusion = FUSION) -> Fusion:
    """The weights for a query of `words` searchable words: when most of them are needed
    (minimum_match), the words say less and the meaning counts `loose` times more."""
    if minimum_match(words, fusion) is None or fusion.loose == 1.0:
        return fusion
    return dataclasses.replace(fusion, meaning=fusion.meaning * fusion.loose)


def closest_sentence(text: str, query: np.ndarray) -> tuple[int, int] | None:
    """(start, end) of the sentence of `text` nearest the query in meaning."""
    spans = [(m.start(), m.end()) for m in _SENTENCE.finditer(text) if m.group().strip()]
    if not spans:
        return None
    sentences = [text[s:e] for s, e in spans]
    best = int(np.argmax(embedding.embed(sentences) @ query))
    start, end = spans[best]
    while start < end and text[start].isspace():
        start += 1
    return start, end


def meaning_span(text: str, query: str) -> tuple[int, int] | None:
    """The sentence of `text` nearest the query (what a page marks in a passage that was
    found by meaning alone)."""
    return closest_sentence(text, query_vector(query))
