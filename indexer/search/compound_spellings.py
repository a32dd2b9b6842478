"""The other spellings of an opaque compound in a query: "front line" is also searched as
"front-line", "frontline" and "front-line" also as the two words "front line".

The index keeps the parts of an opaque compound (indexer/index/data/compounds.toml) apart
from the words themselves, so that "line" does not find "frontline" nor "agency" find
"multi-agency". A compound written as one word or hyphenated finds both of those spellings
by itself; written as two words it is two plain words. So every spelling is searched as
the compound (joined/hyphenated, the spelling of nearly every report) OR the two words as a
phrase, the phrase weighted like a vocabulary alternative (Ranking.expansion_boost): the
two words apart are rare in the reports, so their phrase alone would score far above the
compound. Every spelling of the compound finds every spelling in the reports. Not listed
among the expansions: it is the same word, not another concept.
"""
from __future__ import annotations

from whoosh.lang.porter import stem

from indexer.index.analysis import PART_MARK, opaque_compounds, split_compound
from indexer.search.vocabulary import analyse

Word = tuple[str, int, int]  # (word as typed, start, end) in the query string


def edits(run: list[Word], skip: set[int], boost: float
          ) -> tuple[list[tuple[int, int, str]], set[int]]:
    """(query edits (start, end, replacement) for the opaque compounds in a run of plain
    words, the indexes of the words they cover); words whose index is in `skip` (already
    covered by a vocabulary match) are left alone; `boost` weights the two-word phrase."""
    found, covered, i = [], set(), 0
    while i < len(run):
        word, start, end = run[i]
        if i in skip:
            i += 1
            continue
        parts = _opaque_parts(word)
        if parts:
            found.append((start, end, f'({word} OR "{" ".join(parts)}"^{boost:g})'))
            covered.add(i)
            i += 1
            continue
        if i + 1 < len(run) and i + 1 not in skip and _pair_is_opaque(word, run[i + 1][0]):
            second, _, last_end = run[i + 1]
            found.append((start, last_end, f'({word}-{second} OR "{word} {second}"^{boost:g})'))
            covered.update((i, i + 1))
            i += 2
            continue
        i += 1
    return found, covered


def word_terms(words: list[str]) -> list[tuple[str, ...]]:
    """Each word's terms as the index holds them in most reports: analyse(word), except that
    two words written apart that are an opaque compound ("multi agency") take the marked
    parts of its joined and hyphenated spellings, by far the most common in the reports (for
    ranking words that stand together: proximity and adjacency)."""
    terms = [analyse(w) for w in words]
    i = 0
    while i + 1 < len(words):
        if _pair_is_opaque(words[i], words[i + 1]):
            for j in (i, i + 1):
                terms[j] = tuple(PART_MARK + t for t in terms[j])
            i += 2
        else:
            i += 1
    return terms


def _opaque_parts(word: str) -> list[str]:
    """The parts of a word that is an opaque compound, as typed ("Front-line" -> Front,
    line; "frontline" -> front, line), else []."""
    lower = word.lower()
    parts = split_compound(lower)
    if not parts or parts[0][0] == "section":
        return []
    if stem("".join(p for p, _, _ in parts)) not in opaque_compounds():
        return []
    return [word[lo:hi] for _, lo, hi in parts]


def _pair_is_opaque(first: str, second: str) -> bool:
    """Whether two plain words written apart ("front line") are an opaque compound."""
    if split_compound(first.lower()) or split_compound(second.lower()):
        return False
    return stem((first + second).lower()) in opaque_compounds()
