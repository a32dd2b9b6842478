"""Two readers of the follow-up truth (bench.followup_agreement, bench.followup_sample): a
reader scored against itself is right everywhere, kappa and the scores on plain rows, and on
the real corpus the second reader's file and the seeded sample agree, every quote is found,
the counts add up both ways and the repo command runs whole."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from bench import followup, followup_sample
from bench import followup_agreement as agreement

ROOT = Path(__file__).resolve().parents[1]


def _rec(later: dict, addressee: str = "local_authority") -> dict:
    return {"authority": "x", "addressee": addressee, "later": later, "quote": "q"}


def test_a_reader_against_itself_is_right_everywhere():
    recs = {("r", "1"): _rec({("l", "a"): "improved", ("l", "b"): "mixed"}),
            ("r", "2"): _rec({}),
            ("r", "3"): _rec({("l", "c"): "still_a_concern"}, "lscb")}
    f = agreement.score(recs, *agreement.as_shown(recs))
    assert f["shown"] == f["shown_true"] == f["status_right"] == 3
    assert f["found"] == f["with_later"] == 2
    assert f["none_right"] == f["none_truth"] == 1
    assert f["addressee_right"] == f["recs"] == 3
    assert agreement.kappa(recs, recs) == (3, 3, 1.0)
    assert agreement.status_confusion(recs, recs) == {("improved", "improved"): 1,
                                                      ("mixed", "mixed"): 1,
                                                      ("still_a_concern", "still_a_concern"): 1}


def test_a_second_reader_who_lists_more_on_plain_rows():
    first = {("r", "1"): _rec({("l", "a"): "mixed"}), ("r", "2"): _rec({("l", "b"): "improved"}),
             ("r", "3"): _rec({}), ("r", "4"): _rec({})}
    second = {("r", "1"): _rec({("l", "a"): "still_a_concern", ("l", "z"): "mixed"}),
              ("r", "2"): _rec({}), ("r", "3"): _rec({}), ("r", "4"): _rec({}, "police")}
    f = agreement.score(first, *agreement.as_shown(second))
    assert (f["shown_true"], f["shown"], f["found"], f["with_later"]) == (1, 2, 1, 2)
    assert (f["none_right"], f["none_truth"], f["status_right"]) == (2, 2, 0)
    assert f["addressee_right"] == 3
    # has a follow-up: first T T F F, second T F F F: 3 of 4 agree, expected 0.5, kappa 0.5
    assert agreement.kappa(first, second) == (3, 4, 0.5)
    assert agreement.status_confusion(first, second) == {("mixed", "still_a_concern"): 1}
    merged = agreement.either(first, second)
    assert merged[("r", "1")]["later"] == {("l", "a"): "mixed", ("l", "z"): "mixed"}
    assert merged[("r", "2")]["later"] == {("l", "b"): "improved"}


def test_the_second_reader_against_the_first_on_the_corpus(corpus_build):
    from indexer.search.service import SearchIndex
    records = SearchIndex(corpus_build[0]).records()
    first, second, lost = agreement.read_readers(records, agreement.SECOND)
    assert lost == [] and len(second) == 64 and set(first) == set(second)
    assert {followup.half(rec["authority"]) for rec in second.values()} == {"dev"}
    keys = followup_sample.recommendations(followup.read_truth(), followup.Locator(records))
    batch_1, batch_2 = (followup_sample.batch(records, keys, 13, n) for n in (1, 2))
    assert (len(batch_1), len(batch_2)) == (40, 24)
    assert {where for _, where in batch_1 + batch_2} == set(second)
    authorities = [{second[w]["authority"] for _, w in b} for b in (batch_1, batch_2)]
    assert len(authorities[0]) == 10 and not authorities[0] & authorities[1]
    assert all(set(rec) == {"authority", "quote"} for rec in followup_sample.recommendations(
        followup.read_truth(), followup.Locator(records)).values())
    self_score = agreement.score(first, *agreement.as_shown(first))
    assert self_score["shown_true"] == self_score["shown"] == self_score["status_right"] > 0
    assert self_score["found"] == self_score["with_later"] > 0
    assert self_score["none_right"] == self_score["none_truth"] > 0
    result = agreement.compare(first, second, None)
    two, one = result["second vs first"], result["first vs second"]
    shared = sum(len(first[k]["later"].keys() & second[k]["later"].keys()) for k in first)
    assert two["shown_true"] == one["shown_true"] == shared == sum(result["status"].values())
    assert two["shown"] == sum(len(rec["later"]) for rec in second.values())
    assert one["shown"] == sum(len(rec["later"]) for rec in first.values())
    assert two["with_later"] + two["none_truth"] == one["with_later"] + one["none_truth"] == 64
    both = sum(bool(first[k]["later"]) and bool(second[k]["later"]) for k in first)
    assert result["kappa"][:2] == (both + two["none_right"], 64)
    assert two["none_right"] == one["none_right"] and two["found"] <= both
    assert len(agreement.exposed_keys(records, agreement.SECOND) & set(second)) == 21


def test_the_repo_command_prints_every_comparison(corpus_build):
    out = subprocess.run([sys.executable, "-m", "bench.followup_agreement", "--index",
                          str(corpus_build[0]), "--exposed"], cwd=ROOT, check=True,
                         capture_output=True, text=True).stdout
    assert "64 recommendations of 16 authorities" in out
    assert "quotes found in no passage: 0" in out
    assert "without the 21 exposed" in out
    for name in ("second vs first", "first vs second", "engine vs first", "engine vs second",
                 "engine vs either", "Cohen's kappa"):
        assert out.count(name) == 2, name
