"""The one-sided margin tests: correct restricted MLE, calibrated size at the margin, power beyond it."""

import numpy as np
import pytest
from scipy import optimize, stats

from rollout.stats import (
    _lower_order_statistic,
    _restricted_mle,
    _upper_order_statistic,
    mean_ratio_test,
    quantile_exceedance_test,
    rate_difference_test,
)


def numeric_restricted_mle(x1, n1, x2, n2, delta):
    """The constrained maximum likelihood found by a bounded optimiser, to check the closed form."""

    def negative_log_likelihood(r1):
        r2, eps = r1 - delta, 1e-12
        return -(x1 * np.log(max(r1, eps)) + (n1 - x1) * np.log(max(1 - r1, eps)) + x2 * np.log(max(r2, eps)) + (n2 - x2) * np.log(max(1 - r2, eps)))

    return optimize.minimize_scalar(negative_log_likelihood, bounds=(max(0, delta), min(1, 1 + delta)), method="bounded", options={"xatol": 1e-10}).x


def test_closed_form_restricted_mle_matches_a_numeric_optimiser():
    rng = np.random.default_rng(7)
    for _ in range(200):
        n1, n2 = (int(n) for n in rng.integers(5, 500, 2))
        x1, x2 = int(rng.integers(0, n1 + 1)), int(rng.integers(0, n2 + 1))
        delta = float(rng.uniform(-0.3, 0.3))
        r1, r2 = _restricted_mle(x1 / n1, n1, x2 / n2, n2, delta)
        assert r1 == pytest.approx(numeric_restricted_mle(x1, n1, x2, n2, delta), abs=1e-6)
        assert r1 - r2 == pytest.approx(delta)


def test_rate_test_holds_its_size_at_the_margin():
    # Canary exactly `margin` worse: H0's boundary, so "worse" must fire at about alpha, not more.
    rng = np.random.default_rng(11)
    p_stable, margin, n_c, n_s, alpha = 0.10, 0.05, 300, 300, 0.05
    canary, stable = rng.binomial(n_c, p_stable + margin, 1500), rng.binomial(n_s, p_stable, 1500)
    p_worse = np.array([rate_difference_test(int(c), n_c, int(s), n_s, margin).p_worse for c, s in zip(canary, stable)])
    assert 0.025 <= np.mean(p_worse <= alpha) <= 0.075


def test_rate_test_directions_and_zero_events():
    clearly_worse = rate_difference_test(30, 200, 2, 200, 0.02)
    assert clearly_worse.p_worse < 1e-4 and clearly_worse.p_no_worse > 0.99
    both_zero = rate_difference_test(0, 150, 0, 600, 0.02)  # defined thanks to the restricted variance
    assert both_zero.p_no_worse < 0.05 and both_zero.p_worse > 0.95
    assert rate_difference_test(5, 100, 5, 100, 0.0).p_worse == pytest.approx(0.5)


def test_order_statistic_bounds_cover_the_true_quantile():
    rng = np.random.default_rng(3)
    n, q, level = 200, 0.95, 0.05
    true_q95 = float(stats.lognorm(s=0.5).ppf(q))
    samples = np.sort(rng.lognormal(0, 0.5, (4000, n)), axis=1)
    upper, lower = _upper_order_statistic(n, q, level), _lower_order_statistic(n, q, level)
    assert lower < int(q * n) < upper
    assert np.mean(samples[:, upper] >= true_q95) >= 1 - level - 0.01
    assert np.mean(samples[:, lower] <= true_q95) >= 1 - level - 0.01


def test_no_bound_from_too_few_samples():
    assert _upper_order_statistic(20, 0.95, 0.005) is None
    assert _upper_order_statistic(0, 0.95, 0.05) is None


def test_quantile_test_is_conservative_at_the_margin_and_finds_a_slower_tail():
    rng = np.random.default_rng(5)
    at_margin = [quantile_exceedance_test(1.25 * rng.lognormal(0, 0.5, 300), rng.lognormal(0, 0.5, 600), 0.25, 0.05, 0.05) for _ in range(300)]
    assert np.mean([r.p_worse <= 0.05 for r in at_margin]) <= 0.05
    twice_as_slow = quantile_exceedance_test(2.0 * rng.lognormal(0, 0.5, 300), rng.lognormal(0, 0.5, 600), 0.25, 0.01, 0.05)
    assert twice_as_slow.p_worse < 0.001
    equal = quantile_exceedance_test(rng.lognormal(0, 0.5, 1000), rng.lognormal(0, 0.5, 1000), 0.25, 0.01, 0.05)
    assert equal.p_worse == 1.0 or equal.p_worse > 0.5
    assert equal.p_no_worse < 0.05


def test_mean_test_compares_against_the_scaled_stable_mean():
    rng = np.random.default_rng(9)
    stable = rng.gamma(2.0, 0.0005, 2000)
    assert mean_ratio_test(1.5 * rng.gamma(2.0, 0.0005, 300), stable, 0.10).p_worse < 0.001
    assert mean_ratio_test(rng.gamma(2.0, 0.0005, 2000), stable, 0.10).p_no_worse < 0.05
    # Within the margin is not "worse", even when detectably dearer.
    assert mean_ratio_test(1.05 * rng.gamma(2.0, 0.0005, 5000), stable, 0.10).p_worse > 0.05


def test_mean_test_without_variance_is_exact():
    free = np.zeros(50)
    assert mean_ratio_test(free, free, 0.1).p_no_worse == 0.0
    assert mean_ratio_test(np.full(50, 2.0), np.ones(50), 0.1).p_worse == 0.0
    assert mean_ratio_test(np.ones(1), np.ones(50), 0.1).p_worse == 1.0  # too few samples
