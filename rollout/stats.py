"""One-sided tests with a margin: is the canary worse than the stable version by more than the margin
("worse"), or is it significantly not (non-inferiority, "no worse")?

Every test returns both p-values at the same boundary (canary = stable + margin):
- `p_worse`: H0 "canary <= stable + margin" against H1 "canary > stable + margin";
- `p_no_worse`: H0 "canary >= stable + margin" against H1 "canary < stable + margin".
One-sided because only a worse canary matters; the margin keeps noise-level differences (and differences
too small to care about) from ever counting as "worse".

Tests (scipy.stats for the distributions):
- rates (`rate_difference_test`): the Farrington-Manning score test for a difference of proportions with
  a non-zero margin. Fisher's exact test would be the textbook choice for small counts, but it only tests
  "no difference" (odds ratio 1) and cannot carry a margin; the score test uses the variance under H0
  (the maximum-likelihood proportions restricted to the boundary), which keeps it defined with zero events
  and near its nominal size from a few dozen requests per arm (Farrington & Manning 1990, Stat Med 9:1447;
  the same statistic as statsmodels' `test_proportions_2indep(method="score")`).
- a high quantile such as p95 latency (`quantile_exceedance_test`): distribution-free. The stable
  quantile gets an order-statistic confidence bound (at alpha/2), the canary's exceedances of
  (1 + margin) x that bound are a binomial count tested against 1 - q (at alpha/2); Bonferroni over the two
  steps keeps the whole test at level alpha although the stable quantile is itself estimated. Latencies are
  skewed and heavy-tailed, so no normal approximation of a quantile is used.
- a mean such as cost per answer (`mean_ratio_test`): Welch's t-test of canary against stable scaled by
  (1 + margin), i.e. H0 mean_c <= (1 + margin) mean_s. Welch because the arms differ in size and variance;
  means of ~100+ answers are near normal (central limit), and a mean is what the cost per answer is.

Measured at the boundary (canary exactly `margin` worse; tests/rollout/test_rollout_stats.py and seeded
simulations): the score test rejects at ~nominal rate for moderate rates (0.0095 at alpha 0.01 for
10 % vs 15 %, n = 300/300) and up to ~2x nominal for rare events on small arms (0.020 at alpha 0.01 for
1 % vs 3 %, n = 100/400); the quantile test is conservative (~0.002 at alpha 0.05); Welch on skewed costs
is approximate with unequal arms (0.036 / 0.074 for the two directions at alpha 0.05, n = 100/400).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
from scipy import stats


@dataclass(frozen=True)
class TestResult:
    """p-values at the boundary canary = stable + margin, and test-specific figures for the evidence."""

    p_worse: float
    p_no_worse: float
    detail: dict[str, float | None] = field(default_factory=dict)


def _restricted_mle(p1: float, n1: int, p2: float, n2: int, delta: float) -> tuple[float, float]:
    """Maximum-likelihood (p1, p2) under p1 - p2 = delta: the closed-form root of the likelihood's cubic
    (Farrington & Manning 1990; Miettinen & Nurminen 1985, appendix)."""
    theta = n2 / n1
    a = 1.0 + theta
    b = -(1.0 + theta + p1 + theta * p2 + delta * (theta + 2.0))
    c = delta * delta + delta * (2.0 * p1 + theta + 1.0) + p1 + theta * p2
    d = -p1 * delta * (1.0 + delta)
    v = b**3 / (3.0 * a) ** 3 - b * c / (6.0 * a * a) + d / (2.0 * a)
    u_squared = b * b / (3.0 * a) ** 2 - c / (3.0 * a)
    u = math.copysign(math.sqrt(max(u_squared, 0.0)), v)
    if u == 0.0:
        ratio = 1.0
    else:
        ratio = max(-1.0, min(1.0, v / u**3))  # rounding can push it a hair outside [-1, 1]
    w = (math.pi + math.acos(ratio)) / 3.0
    r1 = 2.0 * u * math.cos(w) - b / (3.0 * a)
    r1 = min(max(r1, max(delta, 0.0)), min(1.0, 1.0 + delta))  # keep both inside [0, 1] on the boundary
    return r1, r1 - delta


def rate_difference_test(events_canary: int, n_canary: int, events_stable: int, n_stable: int, margin: float) -> TestResult:
    """Farrington-Manning score test of p_canary - p_stable against `margin` (an absolute difference of
    proportions, e.g. 0.02 = two percentage points). Counts are events / trials per arm; both n >= 1.
    Returns p = 1 for both directions when the restricted variance is 0 (no information)."""
    if n_canary < 1 or n_stable < 1:
        raise ValueError("each arm needs at least one trial")
    p1, p2 = events_canary / n_canary, events_stable / n_stable
    r1, r2 = _restricted_mle(p1, n_canary, p2, n_stable, margin)
    variance = r1 * (1.0 - r1) / n_canary + r2 * (1.0 - r2) / n_stable
    if variance <= 0.0:
        return TestResult(1.0, 1.0, {"z": None})
    z = (p1 - p2 - margin) / math.sqrt(variance)
    return TestResult(float(stats.norm.sf(z)), float(stats.norm.cdf(z)), {"z": z})


def _upper_order_statistic(n: int, q: float, level: float) -> int | None:
    """0-based index k of the sorted sample with P(x_(k) >= true q-quantile) >= 1 - level, the smallest
    such; None when even the maximum is not high enough (too few samples)."""
    if n < 1:
        return None
    # P(x_(k) >= Q) = P(#{x < Q} <= k) = Binom(n, q).cdf(k) for 0-based k.
    k = int(stats.binom.ppf(1.0 - level, n, q))
    while k < n and stats.binom.cdf(k, n, q) < 1.0 - level:  # ppf is exact up to float rounding
        k += 1
    return k if k < n else None


def _lower_order_statistic(n: int, q: float, level: float) -> int | None:
    """0-based index k with P(x_(k) <= true q-quantile) >= 1 - level, the largest such; None if none."""
    if n < 1:
        return None
    # P(x_(k) <= Q) = P(#{x <= Q} >= k + 1) = Binom(n, q).sf(k) for 0-based k.
    k = int(stats.binom.isf(1.0 - level, n, q))
    while k >= 0 and stats.binom.sf(k, n, q) < 1.0 - level:
        k -= 1
    return k if k >= 0 else None


def quantile_exceedance_test(
    canary: np.ndarray, stable: np.ndarray, margin: float, alpha_worse: float, alpha_no_worse: float, q: float = 0.95
) -> TestResult:
    """Is the canary's q-quantile above (1 + margin) x the stable's (worse), or significantly below it
    (no worse)? `margin` is relative (0.25 = 25 % slower). Distribution-free:

    worse: U = upper confidence bound of the stable q-quantile at alpha_worse/2 (an order statistic);
      e = #canary > (1 + margin) U ~ Binomial(n_canary, <= 1 - q) under H0; p = P(X >= e).
    no worse: L = lower bound at alpha_no_worse/2; e = #canary > (1 + margin) L ~ Binomial(n, >= 1 - q)
      under H0; p = P(X <= e).
    Each reported p is the binomial p doubled (Bonferroni with the bound), capped at 1, so "p <= alpha"
    is the test's decision at that alpha. With too few stable samples for a bound, p = 1."""
    canary = np.asarray(canary, dtype=float)
    stable = np.sort(np.asarray(stable, dtype=float))
    n_c, n_s = canary.size, stable.size
    exceed_p = 1.0 - q
    detail: dict[str, float | None] = {"threshold_worse": None, "threshold_no_worse": None}
    p_worse = p_no_worse = 1.0
    upper = _upper_order_statistic(n_s, q, alpha_worse / 2.0)
    if upper is not None and n_c > 0:
        threshold = (1.0 + margin) * stable[upper]
        exceedances = int(np.count_nonzero(canary > threshold))
        p_worse = min(1.0, 2.0 * float(stats.binom.sf(exceedances - 1, n_c, exceed_p)))
        detail.update(threshold_worse=float(threshold), exceedances_worse=float(exceedances))
    lower = _lower_order_statistic(n_s, q, alpha_no_worse / 2.0)
    if lower is not None and n_c > 0:
        threshold = (1.0 + margin) * stable[lower]
        exceedances = int(np.count_nonzero(canary > threshold))
        p_no_worse = min(1.0, 2.0 * float(stats.binom.cdf(exceedances, n_c, exceed_p)))
        detail.update(threshold_no_worse=float(threshold), exceedances_no_worse=float(exceedances))
    return TestResult(p_worse, p_no_worse, detail)


def mean_ratio_test(canary: np.ndarray, stable: np.ndarray, margin: float) -> TestResult:
    """Welch's t-test of mean(canary) against (1 + margin) x mean(stable) (`margin` relative: 0.1 = 10 %
    dearer). Needs >= 2 samples per arm (else p = 1). When both arms have zero variance the comparison
    is exact: worse iff mean_c > (1 + margin) mean_s, no worse otherwise."""
    canary = np.asarray(canary, dtype=float)
    scaled = (1.0 + margin) * np.asarray(stable, dtype=float)
    if canary.size < 2 or scaled.size < 2:
        return TestResult(1.0, 1.0)
    if np.ptp(canary) == 0.0 and np.ptp(scaled) == 0.0:
        worse = canary.mean() > scaled.mean()
        return TestResult(0.0 if worse else 1.0, 1.0 if worse else 0.0, {"t": None})
    greater = stats.ttest_ind(canary, scaled, equal_var=False, alternative="greater")
    return TestResult(float(greater.pvalue), float(1.0 - greater.pvalue), {"t": float(greater.statistic)})
