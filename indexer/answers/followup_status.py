"""What a later inspection concluded about a recommendation it follows up: `improved`,
`still_a_concern` or `mixed`, with the sentence that says so.

A passage the later report prints as something to improve (areas for improvement, priority
action) is `still_a_concern`, one it prints as a strength `improved`. Otherwise each
sentence of the passage leans one way by its words (more words of progress than of
weakness, or the reverse; "not always effective" is weakness) and the passage's sentences
decide: only one way -> that way; both ways -> the side with at least DOMINANT times the
sentences of the other (and one more), else `mixed`; neither -> improved (practice
described as it now is). The hand-read truth judges the whole passage this way
(docs/decisions/0036-follow-ups-by-meaning-and-topic.md). The sentence shown is, among
those that lean the passage's way (any sentence of a mixed passage), the most relevant to
the recommendation when the caller gives each sentence's relevance
(indexer.answers.followup_sentences), else the one that speaks most of the
recommendation's topics (indexer.domain.topics); without relevance a mixed passage is
shown whole.
"""
from __future__ import annotations

import re
from functools import lru_cache

from indexer.domain.topics import topics

STATUSES = ("improved", "still_a_concern", "mixed", "not_mentioned")
STATUS_LABELS = {"improved": "Improved", "still_a_concern": "Still a concern",
                 "mixed": "Mixed", "not_mentioned": "Not mentioned"}
CONCERN_SECTIONS = frozenset({"areas_for_improvement", "priority_action",
                              "areas_for_development"})
# "not always effective", "not yet embedded": a word of progress after "not" is none
_NEGATED = re.compile(r"\b(?:not|never|no)\s+(?:always\s+|consistently\s+|yet\s+|sufficiently\s+"
                      r"|fully\s+|routinely\s+|as\s+|so\s+|been\s+|being\s+|well\s+)*[\w-]+(?:\s+[\w-]+)?",
                      re.IGNORECASE)
DOMINANT = 1.5  # chosen on the development half of the truth (sentence leans)
_TURN = re.compile(r"(?:however|but|although|despite|nevertheless|that said)\b", re.I)
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9‘'\"(])")
_BETTER = re.compile(
    r"\b(?:improv(?:ed|ing|ement has|ements have)|now\b|effective(?:ly)?|good|strong(?:er|ly)?"
    r"|well\b|timely|robust|strengthened|better|consistent(?:ly)?|prompt(?:ly)?|swift(?:ly)?"
    r"|appropriate(?:ly)?|has reduced|have reduced|reduced|increased|clear(?:ly)?"
    r"|established|embedded|progress(?:ed)? (?:has|have)|successful(?:ly)?|high-quality)\b",
    re.IGNORECASE)
_WORSE = re.compile(
    r"\b(?:not|no\b|too\b|insufficient(?:ly)?|inconsistent(?:ly)?|weak(?:ness|nesses)?|poor(?:ly)?"
    r"|lack(?:s|ing)?|limited|delay(?:s|ed)?|variable|variability|remains?\b|yet to"
    r"|further work|concern(?:s|ing)?|deficit|gaps?\b|underdeveloped|drift|inadequate"
    r"|requires? improvement|fail(?:s|ed|ing)?|ineffective|unclear|slow|unable|absence"
    r"|vary|varies|does not|do not|cannot|less\b|few(?:er)?\b|backlog)\b",
    re.IGNORECASE)


# A passage is judged again for every recommendation it follows up: what it says of
# itself (its sentences, their topics, words and leans) is kept (CACHED texts of each kind).
CACHED = 1 << 16


@lru_cache(maxsize=CACHED)
def sentences(text: str) -> tuple[str, ...]:
    return tuple(s for s in _SENTENCE.split(text) if s.strip())


@lru_cache(maxsize=CACHED)
def _said(text: str) -> tuple[frozenset[str], frozenset[str]]:
    """A text's topics and its words of four letters or more."""
    return topics(text), frozenset(re.findall(r"[a-z]{4,}", text.lower()))


def _best_sentence(text: str, wanted: frozenset[str], words: frozenset[str],
                   relevance: dict[str, float] | None = None) -> str:
    """The sentence most relevant to the recommendation (`relevance`, sentence -> score),
    else the one that shares most topics (then most words) with it, with the next one when
    that turns it round ("However, ...")."""
    found = sentences(text) or (text,)
    best, best_key = 0, (-float("inf"),)
    for at, sentence in enumerate(found):
        if relevance:  # a sentence the caller did not see (joined anew): its best part
            key = (relevance[sentence] if sentence in relevance else max(
                (v for part, v in relevance.items() if part in sentence), default=-1.0),)
        else:
            held, said = _said(sentence)
            key = (len(held & wanted), len(words & said))
        if key > best_key:
            best, best_key = at, key
    if best + 1 < len(found) and _TURN.match(found[best + 1]):
        return f"{found[best]} {found[best + 1]}"
    return found[best]


@lru_cache(maxsize=CACHED)
def _lean(text: str) -> str | None:
    """One sentence's lean: more words of progress -> improved, more of weakness ->
    still_a_concern, as many of each -> None."""
    better = len(_BETTER.findall(_NEGATED.sub(" not ", text)))
    worse = len(_WORSE.findall(text))
    if better == worse:
        return None
    return "improved" if better > worse else "still_a_concern"


def _verdict(found: tuple[str, ...]) -> str:
    """The passage's verdict from its sentences' leans (see the module's docstring)."""
    leans = [_lean(sentence) for sentence in found]
    up, down = leans.count("improved"), leans.count("still_a_concern")
    if up and down:
        if up >= DOMINANT * down and up > down:
            return "improved"
        if down >= DOMINANT * up and down > up:
            return "still_a_concern"
        return "mixed"
    return "still_a_concern" if down else "improved"


def status(recommendation: str, passage: str, section: str,
           relevance: dict[str, float] | None = None) -> tuple[str, str]:
    """(status, the sentence of `passage` that says so) for a follow-up printed in
    `section` of the later report; `relevance`: each sentence's relevance to the
    recommendation (indexer.answers.followup_sentences), when the caller has it."""
    wanted, words = _said(recommendation)
    if section in CONCERN_SECTIONS:
        return "still_a_concern", _best_sentence(passage, wanted, words, relevance)
    if section == "strengths":
        return "improved", _best_sentence(passage, wanted, words, relevance)
    found = sentences(passage) or (passage,)
    verdict = _verdict(found)
    if verdict == "mixed":
        return "mixed", _best_sentence(passage, wanted, words, relevance) if relevance \
            else passage
    agreeing = [s for s in found if _lean(s) in (verdict, None)]
    return verdict, _best_sentence(" ".join(agreeing) if agreeing else passage, wanted, words,
                                   relevance)
