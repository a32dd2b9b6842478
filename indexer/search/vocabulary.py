"""The social-care vocabulary (indexer/domain/data/social_care_vocabulary.toml): acronyms
and long forms, and the natural names of report sections ("what needs to improve").

Vocabulary.find() looks for the vocabulary's forms in a run of plain query words, compared
after analysis (so case, apostrophes, hyphens and word endings do not matter), and says
which other forms to search as well, or which section the words name. indexer.search.querying
turns that into OR alternatives or a section term.
"""
from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from indexer.index.analysis import make_analyzer, unmarked

VOCABULARY_FILE = Path(__file__).parents[1] / "domain" / "data" / "social_care_vocabulary.toml"
MAX_ALTERNATIVES = 4  # other forms searched for one match, in the order of the file
_ANALYZER = make_analyzer()


def analyse(text: str) -> tuple[str, ...]:
    """The terms a query word or form stands for (the same analysis as the index)."""
    return tuple(t.text for t in _ANALYZER(text, mode="query"))


def _key(text: str) -> tuple[str, ...]:
    """analyse() with the parts of opaque compounds unmarked: how the vocabulary compares
    forms, so "multi-agency hub", "multiagency hub" and "multi agency hub" are one form."""
    return tuple(unmarked(t) for t in analyse(text))


@dataclass(frozen=True)
class Concept:
    forms: tuple[str, ...]  # equivalent forms, the usual one first
    one_way: tuple[str, ...] = ()  # narrower forms: they expand to `forms`, not back


@dataclass(frozen=True)
class Match:
    first: int  # index of the first matched word in the run
    last: int  # index of the last matched word (inclusive)
    alternatives: tuple[str, ...] = ()  # the other forms to search, as written in the file
    section: str | None = None  # the section key the words name, if they name one


class Vocabulary:
    """Concepts, case-sensitive acronyms and section names, indexed by their first term."""

    def __init__(self, concepts: list[Concept], case_sensitive: set[str] = frozenset(),
                 sections: dict[str, tuple[str, ...]] | None = None):
        self.concepts = concepts
        self.case_sensitive = set(case_sensitive)
        # first term -> [(terms of the form, the form, its concept or section key)]
        self._by_first: dict[str, list[tuple[tuple[str, ...], str, object]]] = {}
        for concept in concepts:
            for form in concept.forms + concept.one_way:
                self._add(form, concept)
        for key, phrases in (sections or {}).items():
            for phrase in phrases:
                self._add(phrase, key)
        for entries in self._by_first.values():
            entries.sort(key=lambda e: -len(e[0]))

    def _add(self, form: str, target) -> None:
        terms = _key(form)
        if terms:
            self._by_first.setdefault(terms[0], []).append((terms, form, target))

    @classmethod
    def load(cls, path: Path = VOCABULARY_FILE) -> "Vocabulary":
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
        concepts = [Concept(tuple(c["forms"]), tuple(c.get("one_way", ())))
                    for c in data.get("concept", [])]
        sections = {s["key"]: tuple(s["phrases"]) for s in data.get("section", [])}
        return cls(concepts, set(data.get("case_sensitive", ())), sections)

    def find(self, words: list[str]) -> list[Match]:
        """Vocabulary forms among consecutive plain words, longest match first, left to right."""
        analysed = [_key(w) for w in words]
        matches, i = [], 0
        while i < len(words):
            match = self._match_at(words, analysed, i)
            if match is None:
                i += 1
                continue
            matches.append(match)
            i = match.last + 1
        return matches

    def _match_at(self, words, analysed, i) -> Match | None:
        if not analysed[i]:
            return None
        for terms, form, target in self._by_first.get(analysed[i][0], ()):
            last = _covering(analysed, i, terms)
            if last is None or not self._case_ok(form, words[i:last + 1]):
                continue
            if isinstance(target, str):
                return Match(i, last, section=target)
            alternatives = self._alternatives(" ".join(words[i:last + 1]), target)
            if alternatives:
                return Match(i, last, alternatives)
        return None

    def _case_ok(self, form: str, words: list[str]) -> bool:
        if form not in self.case_sensitive:
            return True
        raw = " ".join(words)
        return raw in (form, form + "s")

    @staticmethod
    def _alternatives(typed: str, concept: Concept) -> tuple[str, ...]:
        """The concept's other forms that could find something the matched words cannot
        (never its one-way forms: a match on one of those expands to all the forms).
        Compared as searched, opaque compound parts marked: "multi agency safeguarding hub"
        does not find "multi-agency safeguarding hub", so that form is searched too."""
        terms, found = analyse(typed), []
        for form in concept.forms:
            other = analyse(form)
            if other and other != terms and not _contains(other, terms):
                found.append(form)
        return tuple(found[:MAX_ALTERNATIVES])


def _covering(analysed: list[tuple[str, ...]], i: int, terms: tuple[str, ...]) -> int | None:
    """The index of the last word if words i.. analyse exactly to `terms`, else None."""
    got: list[str] = []
    for j in range(i, len(analysed)):
        got.extend(analysed[j])
        if tuple(got) == terms:
            return j
        if len(got) >= len(terms) or tuple(got) != terms[:len(got)]:
            return None
    return None


def _contains(longer: tuple[str, ...], shorter: tuple[str, ...]) -> bool:
    n = len(shorter)
    return any(longer[k:k + n] == shorter for k in range(len(longer) - n + 1))


@lru_cache(maxsize=1)
def default_vocabulary() -> Vocabulary:
    """The vocabulary of VOCABULARY_FILE, loaded once per process."""
    return Vocabulary.load()


@lru_cache(maxsize=1)
def acronyms() -> frozenset[str]:
    """Every acronym of the vocabulary (a one-word form in capitals: LSCB, MASH, SEND), for
    labels made from keys (indexer.answers.wording.key_label)."""
    vocabulary = default_vocabulary()
    return frozenset(form for concept in vocabulary.concepts
                     for form in concept.forms + concept.one_way
                     if form.isupper() and " " not in form)
