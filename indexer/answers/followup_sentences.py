"""Which sentence of a follow-up speaks to the recommendation: each sentence of a shown
passage against the recommendation (docs/decisions/0036-follow-ups-by-meaning-and-topic.md,
session 11).

A later paragraph often answers a recommendation in one sentence and speaks of something
else in the rest. Each sentence (indexer.answers.followup_status.sentences) is embedded
with the passages' own model (`vectors`: WordLlama, indexer.index.embedding) and given a
relevance: its cosine with the recommendation, plus the share of the recommendation's
topic weight it carries, plus the share of the recommendation's telling-word weight (the
pool's weights, indexer.answers.followups). The status sentence shown and highlighted is
the most relevant one that says the passage's status (indexer.answers.followup_status).

Scoring passages by their best sentence was measured on the development half and not
kept: the sentence-level features move along the same precision/recall curve (0036).
"""
from __future__ import annotations

import numpy as np

from indexer.answers.followup_status import sentences
from indexer.domain.topics import topics


class Sentences:
    """The sentences of a pool's passages, each with its unit vector, topics and telling
    words, worked out once per pool and only for the passages that are shown."""

    def __init__(self, texts: list[str], vectors, tell):
        self.texts, self.vectors, self.tell = texts, vectors, tell
        self.rows: dict[int, tuple] = {}

    def of(self, rows: list[int]) -> list[tuple]:
        """(sentences, unit vectors, topic sets, word sets) of each row; the rows not seen
        yet are embedded in one batch."""
        new = [row for row in dict.fromkeys(rows) if row not in self.rows]
        if new:
            split = [sentences(self.texts[row]) or (self.texts[row],) for row in new]
            found = np.asarray(self.vectors([s for group in split for s in group]), np.float64)
            norms = np.linalg.norm(found, axis=1, keepdims=True)
            np.divide(found, norms, out=found, where=norms > 0)
            at = 0
            for row, group in zip(new, split):
                self.rows[row] = (group, found[at:at + len(group)],
                                  [topics(s) for s in group], [self.tell(s) for s in group])
                at += len(group)
        return [self.rows[row] for row in rows]


def relevance(found: tuple, vector: np.ndarray, wanted: dict[str, float],
              weighed: dict[str, float]) -> dict[str, float]:
    """sentence -> its relevance to a recommendation (see the module's docstring), for one
    passage (`found`: one of Sentences.of); `wanted` and `weighed` are the
    recommendation's topics and telling words with their weights."""
    group, block, held, words = found
    total, said = sum(wanted.values()), sum(weighed.values())
    unit = np.asarray(vector, np.float64)
    unit = unit / (np.linalg.norm(unit) or 1.0)
    cosines = block @ unit
    out: dict[str, float] = {}
    for sentence, cosine, names, told in zip(group, cosines, held, words):
        share = sum(wanted.get(name, 0.0) for name in names) / total if total else 0.0
        telling = sum(weighed.get(word, 0.0) for word in told) / said if said else 0.0
        out.setdefault(sentence, float(cosine) + share + telling)
    return out
