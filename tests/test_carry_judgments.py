"""bench/carry_judgments.py: judgments follow their text into joined passages."""
from __future__ import annotations

from bench.carry_judgments import carry

OLD = {"r1": {"p-a": "immediately", "p-b": "ensure that plans are reviewed on time",
              "p-c": "strengths of the service are clear", "p-d": "good"}}
NEW = {"r1": {"p-ab": "immediately ensure that plans are reviewed on time",
              "p-c": "strengths of the service are clear", "p-x": "good", "p-y": "good"}}


def test_a_joined_passage_inherits_the_judgment_of_its_part():
    rows = [["# header"], ["q1", "r1/p-b", "2"], ["q1", "r1/p-c", "1"]]
    out, stats = carry(rows, [OLD], NEW)
    assert stats == {"kept": 1, "carried": 1, "superseded": 0, "orphaned": 0}
    assert out == [["# header"], ["q1", "r1/p-c", "1"], ["q1", "r1/p-ab", "2", "carried from p-b"]]


def test_existing_judgments_stand_and_ambiguous_short_texts_are_not_placed():
    rows = [["q1", "r1/p-ab", "0"], ["q1", "r1/p-b", "2"], ["q1", "r1/p-d", "2"]]
    out, stats = carry(rows, [OLD], NEW)
    assert stats == {"kept": 1, "carried": 0, "superseded": 1, "orphaned": 1}
    assert out == [["q1", "r1/p-ab", "0"], ["q1", "r1/p-d", "2"]]
