"""The one proportion interval every eval reports: Wilson's score interval (scipy's binomtest)."""

from __future__ import annotations


def wilson_interval(successes: int, n: int, confidence: float = 0.95) -> tuple[float, float]:
    """(low, high) of the Wilson score interval of successes / n; (0, 1) when n is 0."""
    if n == 0:
        return 0.0, 1.0
    from scipy.stats import binomtest

    interval = binomtest(int(round(successes)), n).proportion_ci(confidence_level=confidence, method="wilson")
    return float(interval.low), float(interval.high)
