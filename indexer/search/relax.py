"""No dead ends: what a search does when the words, read literally, would find nothing.

- An authority's name typed among the words (`Derbyshire systemic practice model`) is read
  as a filter: find_authority() finds the longest run of capitalised words that names an
  authority of the served index (by its record's name or aliases, indexer.domain.authorities,
  or the name as printed), and the other words are searched in that authority's reports.
  The page says so and offers the words everywhere (the name quoted: `"Derbyshire" ...`).
- When no passage has all the words, most_words() keeps the passages that have most of
  them (at least half), ranked by how many they have, then by score; SearchResults.match
  says "most" instead of "all".
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass

import numpy as np
from whoosh import query as wq

from indexer.domain.authorities import authority_key, resolve_key
from indexer.search.query_checks import typed_filters
from indexer.search.querying import OPERATORS, plain_word_runs

MAX_NAME_WORDS = 6  # "Bournemouth Christchurch and Poole Borough Council"
JOINERS = frozenset({"and", "of", "upon", "on", "the", "in"})  # "Newcastle upon Tyne"
_SEGMENT = re.compile(r'"[^"]*"\S*|\S+')
_WORDY = re.compile(r"[\w'’.‐‑-]+")


@dataclass(frozen=True)
class AuthorityWords:
    key: str  # the authority the words name
    words: str  # the words as typed
    rest: str  # the query without them
    everywhere: str  # the query with the name quoted: its words searched as words

    def to_dict(self, label: str) -> dict:
        return {"key": self.key, "label": label, "words": self.words,
                "searched": self.rest, "everywhere_query": self.everywhere}


def _capitalised(words: list[str]) -> bool:
    if not (words[0][:1].isupper() and words[-1][:1].isupper()):
        return False
    return all(w[:1].isupper() or w.lower() in JOINERS for w in words)


def _key_for(name: str, known: dict[str, str]) -> str | None:
    """The served index's authority key that `name` names, or None."""
    key = resolve_key(name)
    if key in known:
        return key
    slug = authority_key(name)
    return slug if slug in known else None


def find_authority(query: str, known: dict[str, str]) -> AuthorityWords | None:
    """The first, longest run of capitalised plain words naming an authority of `known`
    (key -> label), when other words remain to be searched; else None."""
    for run in plain_word_runs(query):
        for size in range(min(MAX_NAME_WORDS, len(run)), 0, -1):
            for first in range(len(run) - size + 1):
                words = [w for w, _, _ in run[first:first + size]]
                if not _capitalised(words):
                    continue
                key = _key_for(" ".join(words), known)
                if key is None:
                    continue
                start, end = run[first][1], run[first + size - 1][2]
                rest = " ".join((query[:start] + " " + query[end:]).split())
                if not any(_WORDY.search(s) and s not in OPERATORS for s in rest.split()):
                    continue
                everywhere = query[:start] + f'"{query[start:end]}"' + query[end:]
                return AuthorityWords(key, query[start:end], rest, everywhere)
    return None


def fallback_parts(query: str, plan) -> tuple[list[wq.Query], list[wq.Query]] | None:
    """(the query of each word or quoted phrase, the query of each facet filter typed in
    it: `year:2015-2020`), each planned alone by `plan` (text -> Whoosh query, None for a
    stop word), for a query made only of those; None for anything else (operators, other
    fields, brackets, prefixes: the user said exactly what they want) or fewer than two
    words that can be searched."""
    filters = {query[start:end] for _, _, start, end in typed_filters(query)}
    words = [s for s in _SEGMENT.findall(query) if s not in filters]
    for segment in words:
        if segment.startswith('"'):
            continue
        if segment in OPERATORS or not _WORDY.fullmatch(segment) or ":" in segment:
            return None
    parts = [q for q in map(plan, words) if q is not None]
    required = [q for q in map(plan, sorted(filters)) if q is not None]
    return (parts, required) if len(parts) >= 2 else None


def most_words(evaluate, parts: list[wq.Query], allowed: np.ndarray):
    """(mask, scores, counts): the allowed passages that have at least half of the parts,
    with their scores summed as an OR query sums them and how many parts each has."""
    counts = np.zeros(allowed.size, np.int16)
    scores = np.zeros(allowed.size, np.float64)
    for part in parts:
        mask, part_scores = evaluate(part)
        counts += mask
        scores += np.where(mask, part_scores, 0.0)
    counts[~allowed] = 0
    need = max(1, math.ceil(len(parts) / 2))
    mask = counts >= need
    return mask, np.where(mask, scores, 0.0), np.where(mask, counts, 0)
