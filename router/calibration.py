"""Threshold calibration, RouteLLM style: pick the score threshold at which a target share of
requests goes to the large model, using the router's scores on the held-out split."""

from __future__ import annotations

from typing import Sequence


def calibrate_threshold(scores: Sequence[float], large_fraction: float) -> float:
    """The threshold t such that about `large_fraction` of `scores` are >= t (route large at >= t).

    t sits halfway between the k-th highest score and the next one (k = round(fraction * n)), so
    scores exactly on it are rare and small changes in scoring do not flip the share."""
    if not 0.0 <= large_fraction <= 1.0:
        raise ValueError(f"large_fraction must be in [0, 1], got {large_fraction}")
    if not scores:
        raise ValueError("cannot calibrate a threshold from no scores")
    ranked = sorted((float(s) for s in scores), reverse=True)
    k = round(large_fraction * len(ranked))
    if k == 0:
        return ranked[0] + 1e-9  # above every score: nothing goes large
    if k >= len(ranked):
        return ranked[-1]
    return (ranked[k - 1] + ranked[k]) / 2.0
