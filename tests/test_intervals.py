"""The Wilson 95% interval against Newcombe's (1998) published worked examples, and the
share fields trends and compare carry (percent, one decimal; None without reports)."""
from __future__ import annotations

import pytest

from indexer.answers.intervals import SMALL_SAMPLE, share_fields, wilson


@pytest.mark.parametrize("matching, reports, low, high", [
    # Newcombe RG (1998) Statistics in Medicine 17:857-872, Table II, method 3 (Wilson)
    (81, 263, 0.2553, 0.3662),
    (15, 148, 0.0624, 0.1605),
    (0, 20, 0.0000, 0.1611),
    (1, 29, 0.0061, 0.1718),
])
def test_wilson_matches_newcombes_examples(matching, reports, low, high):
    got = wilson(matching, reports)
    assert got is not None
    assert (round(got[0], 4), round(got[1], 4)) == (low, high)


def test_one_of_one_is_not_certain():
    low, high = wilson(1, 1)
    assert round(low, 4) == 0.2065 and high == 1.0
    assert share_fields(1, 1) == {"share": 100.0, "share_low": 20.7, "share_high": 100.0,
                                  "small_sample": True}


def test_no_reports_is_no_share_never_zero():
    assert wilson(0, 0) is None
    assert share_fields(0, 0) == {"share": None, "share_low": None, "share_high": None,
                                  "small_sample": True}


def test_small_sample_rule_and_units():
    assert share_fields(2, SMALL_SAMPLE - 1)["small_sample"] is True
    fields = share_fields(3, SMALL_SAMPLE)
    assert fields["small_sample"] is False
    assert fields["share"] == 60.0 and fields["share_low"] < 60.0 < fields["share_high"]
    assert share_fields(30, 30)["share_high"] == 100.0 and share_fields(0, 30)["share_low"] == 0.0


def test_interval_narrows_as_reports_grow():
    widths = [share_fields(n // 2, n)["share_high"] - share_fields(n // 2, n)["share_low"]
              for n in (4, 16, 64, 256)]
    assert widths == sorted(widths, reverse=True) and widths[-1] < 13


def test_impossible_counts_are_refused():
    with pytest.raises(ValueError):
        wilson(3, 2)
