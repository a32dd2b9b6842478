"""The error listing of the follow-up truth (bench.followup_errors): its causes on plain
rows, and on the real corpus that its misses are exactly the recommendations bench.followup
counts as missed, with every false positive it counts."""
from __future__ import annotations

from bench import followup, followup_errors
from indexer.answers import followups


def _row(report: str, n: int, p: float | None, share: float) -> dict:
    return {"report": report, "n": n, "p": p, "quote_share": share}


def test_the_first_cause_that_applies():
    cause = followup_errors.miss_cause
    assert cause([_row("a", 3, None, 1.0)], []) == "candidate generation"
    assert cause([_row("a", 3, 0.1, 1.0)], [{"passage_id": "x"}]) == \
        "outranked by a passage shown instead"
    assert cause([_row("a", 3, 0.35, 0.2), _row("b", 1, 0.1, 0.4)], []) == \
        "the truth's quote is one sentence of a paragraph on another point"
    near = followups.MIN_PROBABILITY - followup_errors.NEAR / 2
    assert cause([_row("a", 3, near, 0.9)], []) == "just under the threshold"
    assert cause([_row("a", 3, 0.05, 0.9)], []) == "far below the threshold"
    rows, rec = [_row("a", 3, 0.2, 1.0)], {"later": {("a", "p"): "improved"}}
    assert followup_errors.fp_hint(("a", 4), rows, rec) == "the paragraph next to a truth passage"
    assert followup_errors.fp_hint(("a", 9), rows, rec) == \
        "another paragraph of a report the truth follows it in"
    assert followup_errors.fp_hint(("b", 4), rows, rec) == \
        "a report the truth does not follow it in"
    assert followup_errors.fp_hint(("a", 4), rows, {"later": {}}) == "the truth: not mentioned"


def test_the_listing_agrees_with_the_figures(corpus_build):
    from indexer.answers.followup_store import StoredVectors
    from indexer.search.service import SearchIndex
    index = SearchIndex(corpus_build[0])
    records = index.records()
    rows, locate = followup.read_truth(), followup.Locator(records)
    truth, _ = followup.truth_recommendations(rows, locate)
    vectors = StoredVectors(index.generation_path())
    keys = sorted({rec["authority"] for rec in truth.values()})
    figures = followup.measure(truth, *followup.after_method(index, records, keys, vectors), "dev")
    fps, misses = followup_errors.errors(records, truth, followup_errors.quotes(rows, locate),
                                         vectors, "dev")
    assert len(fps) == figures["shown"] - figures["shown_true"] > 0
    assert len(misses) == figures["with_later"] - figures["found"] > 0
    assert all(followup.half(m["truth"]["authority"]) == "dev" for m in misses)
    assert all(row["lost"] for m in misses for row in m["truth_rows"])


def test_the_figures_by_template_pair_add_up_to_the_figures(corpus_build):
    from indexer.answers.followup_store import StoredVectors
    from indexer.search.service import SearchIndex
    index = SearchIndex(corpus_build[0])
    records = index.records()
    truth, _ = followup.truth_recommendations(followup.read_truth(),
                                              followup.Locator(records))
    vectors = StoredVectors(index.generation_path())
    keys = sorted({rec["authority"] for rec in truth.values()})
    whole = followup.measure(truth, *followup.after_method(index, records, keys, vectors), "dev")
    pairs = followup_errors.by_pair(index, records, truth, vectors, "dev")
    assert pairs["jtai -> focused_visit+ilacs_standard"]["recs"] > 20
    for figure in ("recs", "with_later", "found", "shown", "shown_true", "none_right"):
        assert sum(f[figure] for f in pairs.values()) == whole[figure], figure
    # Haringey's 2009 joint area review is followed by its 2017 JTAI, 2018 ILACS and 2019 visit
    groups = followup_errors.authority_history.by_authority(records)
    assert followup_errors.template_pair(records, groups, "haringey-joint-area-review-2009-07-03") \
        == "joint_area_review -> focused_visit+ilacs_standard+jtai"
