"""Threshold calibration from a target share of large-model requests."""

import random

import pytest

from router import calibrate_threshold, load_router


@pytest.mark.parametrize("large_fraction", [0.1, 0.25, 0.5, 0.7, 0.9])
def test_calibration_hits_target_share_on_heldout_scores(large_fraction):
    scores = load_router("features").heldout_scores
    threshold = calibrate_threshold(scores, large_fraction)
    share = sum(s >= threshold for s in scores) / len(scores)
    assert abs(share - large_fraction) <= 0.05


def test_calibration_on_uniform_scores_is_the_matching_quantile():
    rng = random.Random(0)
    scores = [rng.random() for _ in range(10_000)]
    assert calibrate_threshold(scores, 0.3) == pytest.approx(0.7, abs=0.02)


def test_extreme_fractions_send_nothing_or_everything_large():
    scores = [0.1, 0.4, 0.9, 1.0]
    assert not any(s >= calibrate_threshold(scores, 0.0) for s in scores)
    assert all(s >= calibrate_threshold(scores, 1.0) for s in scores)


def test_invalid_inputs_are_rejected():
    with pytest.raises(ValueError, match="large_fraction"):
        calibrate_threshold([0.5], 1.5)
    with pytest.raises(ValueError, match="no scores"):
        calibrate_threshold([], 0.5)
