"""What a later inspection concluded about a recommendation it follows up: `improved`,
`still_a_concern` or `mixed`, with the sentence that says so.

The sentence is the one of the follow-up passage that speaks most of the recommendation's
topics (indexer.domain.topics), ties to the earlier sentence. Its verdict: a passage the
later report prints as something to improve (areas for improvement, priority action) is
`still_a_concern`, one it prints as a strength `improved`; otherwise the sentence's words
decide: only words of progress -> improved, only words of weakness -> still_a_concern,
as many of each -> mixed, neither -> improved (practice described as it now is).
"""
from __future__ import annotations

import re

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
_TURNED = re.compile(r"\b(?:however|although|but)\b", re.I)
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


def sentences(text: str) -> list[str]:
    return [s for s in _SENTENCE.split(text) if s.strip()]


def _best_sentence(text: str, wanted: frozenset[str], words: set[str]) -> str:
    """The sentence that shares most topics (then most words) with the recommendation,
    with the next one when that turns it round ("However, ...")."""
    found = sentences(text) or [text]
    best, best_key = 0, (-1, -1)
    for at, sentence in enumerate(found):
        key = (len(topics(sentence) & wanted),
               len(words & set(re.findall(r"[a-z]{4,}", sentence.lower()))))
        if key > best_key:
            best, best_key = at, key
    if best + 1 < len(found) and _TURN.match(found[best + 1]):
        return f"{found[best]} {found[best + 1]}"
    return found[best]


def _verdict(text: str) -> str:
    """More words of progress than of weakness: improved; more of weakness: still a
    concern; as many of each: mixed; none: improved (practice described as it now is)."""
    better = len(_BETTER.findall(_NEGATED.sub(" not ", text)))
    worse = len(_WORSE.findall(text))
    if better == worse:
        return "mixed" if better else "improved"
    return "improved" if better > worse else "still_a_concern"


def status(recommendation: str, passage: str, section: str) -> tuple[str, str]:
    """(status, the sentence of `passage` that says so) for a follow-up printed in
    `section` of the later report."""
    words = set(re.findall(r"[a-z]{4,}", recommendation.lower()))
    sentence = _best_sentence(passage, topics(recommendation), words)
    if section in CONCERN_SECTIONS:
        return "still_a_concern", sentence
    if section == "strengths":
        return "improved", sentence
    verdict = _verdict(sentence)
    if verdict != "mixed" and _TURNED.search(passage) and _verdict(passage) != verdict:
        return "mixed", passage  # "... is effective. However, ..." : both in the passage
    return verdict, sentence
