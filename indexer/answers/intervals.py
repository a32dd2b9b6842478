"""Uncertainty of a share: the Wilson score interval (95%) of matching / reports, and the
small-sample rule, for trends and compare (docs/decisions/0034-honest-numbers.md).

A share is in percent with one decimal; its interval is in the same unit. A year (or side)
with no reports has no share at all (None), never 0%.
"""
from __future__ import annotations

import math

Z95 = 1.959963984540054  # the two-sided 95% quantile of the normal distribution
SMALL_SAMPLE = 5  # fewer reports than this: the share is marked as a small sample


def wilson(matching: int, reports: int, z: float = Z95) -> tuple[float, float] | None:
    """(low, high) as fractions of 1 for `matching` successes in `reports` trials
    (Wilson 1927, without continuity correction); None when there are no reports."""
    if reports <= 0:
        return None
    if not 0 <= matching <= reports:
        raise ValueError(f"{matching} matching of {reports} reports")
    p = matching / reports
    z2 = z * z
    centre = (p + z2 / (2 * reports)) / (1 + z2 / reports)
    half = z * math.sqrt(p * (1 - p) / reports + z2 / (4 * reports * reports)) / (1 + z2 / reports)
    return max(0.0, centre - half), min(1.0, centre + half)


def share_fields(matching: int, reports: int) -> dict:
    """{"share", "share_low", "share_high", "small_sample"} in percent, one decimal;
    all None (and small_sample True) when there are no reports."""
    interval = wilson(matching, reports)
    if interval is None:
        return {"share": None, "share_low": None, "share_high": None, "small_sample": True}
    low, high = interval
    return {"share": round(100.0 * matching / reports, 1),
            "share_low": round(100.0 * low, 1), "share_high": round(100.0 * high, 1),
            "small_sample": reports < SMALL_SAMPLE}
