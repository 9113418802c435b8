"""Automatic canary analysis: over a sliding time window, is the canary worse than the stable version?

    analyzer = CanaryAnalyzer(CanaryAnalysisConfig(), stable="v1", canary="v2")
    analyzer.observe("v2", Outcome(ok=True, latency_ms=812.0, contradicted=False, escalated=False,
                                   cost_usd=0.0004, at=time.monotonic()))
    decision = analyzer.evaluate(time.monotonic())
    decision.action          # "rollback" | "promotable" | "continue"
    decision.to_dict()       # the evidence, JSON-ready, for an endpoint and the log

Metrics (a registry, `METRIC_REGISTRY`, name -> class; what each is computed over):
| metric | over | margin | test (rollout/stats.py) |
| error_rate | every request | absolute (0.02 = 2 points) | Farrington-Manning score test |
| p95_latency | answered requests | relative (0.25 = 25 % slower) | order-statistic bound + binomial exceedances |
| contradicted_rate | answers the fact checker judged | absolute | Farrington-Manning score test |
| escalation_rate | answered requests | absolute | Farrington-Manning score test |
| mean_cost | answered requests | relative | Welch t-test against the scaled stable mean |

Decision rule, per evaluation:
- `continue` until both arms have `min_requests` requests in the window (early canary counts are small;
  no verdict is acted on before then).
- `rollback` when any metric is "worse": p_worse <= alpha / (number of metrics judged). Bonferroni keeps
  the chance that equal arms trigger a rollback in one evaluation <= alpha; the margins make it far smaller
  in practice (equal arms sit a whole margin away from the rejection region). Evaluations on overlapping
  windows are repeated looks at mostly the same data, which is why alpha defaults low (0.01).
- `promotable` when every metric with data is "no worse": p_no_worse <= promote_alpha. All must pass (an
  intersection-union test), which needs no multiplicity correction.
- otherwise `continue`.

Per-metric verdicts: "worse", "no_worse", "inconclusive", "insufficient" (one arm has no samples for the
metric: blocks promotion, never causes rollback) and "no_data" (neither arm has any, e.g. the fact checker
is off: the metric is skipped).

Not thread-safe: call from one event loop (the ingress). Observations are kept in memory for one window.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections import deque
from dataclasses import dataclass
from typing import Any, ClassVar, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, field_validator

from rollout.stats import TestResult, mean_ratio_test, quantile_exceedance_test, rate_difference_test

Action = Literal["rollback", "promotable", "continue"]
Verdict = Literal["worse", "no_worse", "inconclusive", "insufficient", "no_data"]


@dataclass(frozen=True)
class Outcome:
    """One finished request of one version.

    ok: answered without error. latency_ms: end to end (ms). contradicted: the fact checker's verdict was
    "contradicted" (None: not checked). escalated: regenerated on the large pool by the fact-check policy.
    cost_usd: what the answer cost. at: when it finished, seconds on the clock passed to `evaluate`."""

    ok: bool
    latency_ms: float
    contradicted: bool | None
    escalated: bool
    cost_usd: float
    at: float


@dataclass(frozen=True)
class Arm:
    """The window's outcomes of one version as columns (contradicted: 1.0, 0.0, or NaN when not checked)."""

    ok: np.ndarray
    latency_ms: np.ndarray
    contradicted: np.ndarray
    escalated: np.ndarray
    cost_usd: np.ndarray

    @classmethod
    def of(cls, outcomes: list[Outcome]) -> "Arm":
        def column(values: list[float]) -> np.ndarray:
            return np.asarray(values, dtype=float)

        return cls(
            ok=np.asarray([o.ok for o in outcomes], dtype=bool),
            latency_ms=column([o.latency_ms for o in outcomes]),
            contradicted=column([np.nan if o.contradicted is None else float(o.contradicted) for o in outcomes]),
            escalated=np.asarray([o.escalated for o in outcomes], dtype=bool),
            cost_usd=column([o.cost_usd for o in outcomes]),
        )

    @property
    def n(self) -> int:
        return int(self.ok.size)


class MetricEvidence(BaseModel):
    """One metric's comparison: the arms' values (None without samples) and sizes, the margin, both
    one-sided p-values, the verdict, and test-specific figures (`detail`)."""

    model_config = ConfigDict(extra="forbid")

    metric: str
    test: str
    stable: float | None
    canary: float | None
    n_stable: int
    n_canary: int
    margin: float
    margin_kind: Literal["absolute", "relative"]
    p_worse: float | None
    p_no_worse: float | None
    verdict: Verdict
    detail: dict[str, float | None] = Field(default_factory=dict)


class Decision(BaseModel):
    """The outcome of one evaluation and its evidence. `to_dict()` is JSON-ready (endpoint, log)."""

    model_config = ConfigDict(extra="forbid")

    action: Action
    reason: str
    at: float
    window_s: float
    stable: str
    canary: str | None
    requests: dict[str, int] = Field(description="Requests per arm in the window, keyed 'stable'/'canary'.")
    min_requests: int
    alpha: float
    promote_alpha: float
    metrics: dict[str, MetricEvidence]

    def to_dict(self) -> dict[str, Any]:
        return self.model_dump(mode="json")


# -- metrics (extension point: subclass CanaryMetric and add it to METRIC_REGISTRY) ----------------


class CanaryMetric(ABC):
    """A metric compared between arms. Higher is worse for every metric."""

    name: ClassVar[str]
    margin_kind: ClassVar[Literal["absolute", "relative"]]
    default_margin: ClassVar[float]
    test: ClassVar[str]

    @abstractmethod
    def compare(self, canary: Arm, stable: Arm, margin: float, alpha_worse: float, alpha_no_worse: float) -> MetricEvidence:
        """This metric's evidence: values, sizes, p-values of the arms' comparison, and the verdict."""

    def evidence(
        self,
        values: tuple[float | None, float | None],
        sizes: tuple[int, int],
        margin: float,
        result: TestResult | None,
        alpha_worse: float,
        alpha_no_worse: float,
    ) -> MetricEvidence:
        (value_c, value_s), (n_c, n_s) = values, sizes
        if n_c == 0 and n_s == 0:
            verdict: Verdict = "no_data"
        elif result is None or n_c == 0 or n_s == 0:
            verdict = "insufficient"
        elif result.p_worse <= alpha_worse:
            verdict = "worse"
        elif result.p_no_worse <= alpha_no_worse:
            verdict = "no_worse"
        else:
            verdict = "inconclusive"
        return MetricEvidence(
            metric=self.name,
            test=self.test,
            stable=value_s,
            canary=value_c,
            n_stable=n_s,
            n_canary=n_c,
            margin=margin,
            margin_kind=self.margin_kind,
            p_worse=None if result is None else result.p_worse,
            p_no_worse=None if result is None else result.p_no_worse,
            verdict=verdict,
            detail={} if result is None else dict(result.detail),
        )


class RateMetric(CanaryMetric):
    """A proportion of events among the trials each arm selects."""

    margin_kind = "absolute"
    test = "Farrington-Manning score test, one-sided, absolute margin"

    @abstractmethod
    def events(self, arm: Arm) -> tuple[int, int]:
        """(events, trials) of one arm."""

    def compare(self, canary: Arm, stable: Arm, margin: float, alpha_worse: float, alpha_no_worse: float) -> MetricEvidence:
        (x_c, n_c), (x_s, n_s) = self.events(canary), self.events(stable)
        result = rate_difference_test(x_c, n_c, x_s, n_s, margin) if n_c and n_s else None
        values = (x_c / n_c if n_c else None, x_s / n_s if n_s else None)
        return self.evidence(values, (n_c, n_s), margin, result, alpha_worse, alpha_no_worse)


class ErrorRate(RateMetric):
    name = "error_rate"
    default_margin = 0.02

    def events(self, arm: Arm) -> tuple[int, int]:
        return int(np.count_nonzero(~arm.ok)), arm.n


class ContradictedRate(RateMetric):
    name = "contradicted_rate"
    default_margin = 0.03

    def events(self, arm: Arm) -> tuple[int, int]:
        checked = arm.contradicted[arm.ok & ~np.isnan(arm.contradicted)]
        return int(np.count_nonzero(checked == 1.0)), int(checked.size)


class EscalationRate(RateMetric):
    name = "escalation_rate"
    default_margin = 0.05

    def events(self, arm: Arm) -> tuple[int, int]:
        return int(np.count_nonzero(arm.escalated[arm.ok])), int(np.count_nonzero(arm.ok))


class P95Latency(CanaryMetric):
    name = "p95_latency"
    margin_kind = "relative"
    default_margin = 0.25
    test = "stable p95 order-statistic bound + binomial test of canary exceedances, one-sided, relative margin"
    quantile: ClassVar[float] = 0.95

    def compare(self, canary: Arm, stable: Arm, margin: float, alpha_worse: float, alpha_no_worse: float) -> MetricEvidence:
        lat_c, lat_s = canary.latency_ms[canary.ok], stable.latency_ms[stable.ok]
        result = None
        if lat_c.size and lat_s.size:
            result = quantile_exceedance_test(lat_c, lat_s, margin, alpha_worse, alpha_no_worse, q=self.quantile)
        values = tuple(float(np.quantile(x, self.quantile)) if x.size else None for x in (lat_c, lat_s))
        return self.evidence(values, (lat_c.size, lat_s.size), margin, result, alpha_worse, alpha_no_worse)


class MeanCost(CanaryMetric):
    name = "mean_cost"
    margin_kind = "relative"
    default_margin = 0.10
    test = "Welch t-test against the margin-scaled stable mean, one-sided, relative margin"

    def compare(self, canary: Arm, stable: Arm, margin: float, alpha_worse: float, alpha_no_worse: float) -> MetricEvidence:
        cost_c, cost_s = canary.cost_usd[canary.ok], stable.cost_usd[stable.ok]
        result = mean_ratio_test(cost_c, cost_s, margin) if cost_c.size and cost_s.size else None
        values = tuple(float(x.mean()) if x.size else None for x in (cost_c, cost_s))
        return self.evidence(values, (cost_c.size, cost_s.size), margin, result, alpha_worse, alpha_no_worse)


METRIC_REGISTRY: dict[str, type[CanaryMetric]] = {
    metric.name: metric for metric in (ErrorRate, P95Latency, ContradictedRate, EscalationRate, MeanCost)
}


class CanaryAnalysisConfig(BaseModel):
    """Settings of the canary analysis of one pool."""

    model_config = ConfigDict(extra="forbid")

    window_s: float = Field(default=600.0, gt=0, description="Sliding window (seconds) of outcomes compared.")
    min_requests: int = Field(
        default=100, ge=1, description="Requests each arm needs in the window before any decision but 'continue'."
    )
    alpha: float = Field(
        default=0.01,
        gt=0,
        lt=1,
        description="One-sided level of the 'worse' tests per evaluation, shared (Bonferroni) by the metrics judged.",
    )
    promote_alpha: float = Field(
        default=0.05, gt=0, lt=1, description="One-sided level of each 'no worse' (non-inferiority) test."
    )
    metrics: list[str] = Field(
        default_factory=lambda: list(METRIC_REGISTRY), min_length=1, description="Metrics judged (METRIC_REGISTRY names)."
    )
    margins: dict[str, float] = Field(
        default_factory=dict,
        description="Per-metric margin overriding the metric's default: absolute for rates, relative for p95 latency and cost.",
    )

    @field_validator("metrics")
    @classmethod
    def _known_metrics(cls, metrics: list[str]) -> list[str]:
        unknown = [name for name in metrics if name not in METRIC_REGISTRY]
        if unknown:
            raise ValueError(f"unknown metric(s) {unknown}; known: {sorted(METRIC_REGISTRY)}")
        return metrics

    @field_validator("margins")
    @classmethod
    def _known_nonnegative_margins(cls, margins: dict[str, float]) -> dict[str, float]:
        unknown = [name for name in margins if name not in METRIC_REGISTRY]
        if unknown:
            raise ValueError(f"unknown metric(s) {unknown}; known: {sorted(METRIC_REGISTRY)}")
        negative = {name: value for name, value in margins.items() if value < 0}
        if negative:
            raise ValueError(f"margins must be >= 0: {negative}")
        return margins

    def margin(self, metric: str) -> float:
        return self.margins.get(metric, METRIC_REGISTRY[metric].default_margin)


class CanaryAnalyzer:
    """Keeps one window of outcomes per version and compares the canary with the stable version.

    `set_arms` retargets it when the split changes (promotion, rollback, a new canary) without dropping the
    window; outcomes of versions that are neither arm are kept for the window but not judged."""

    def __init__(self, config: CanaryAnalysisConfig, *, stable: str, canary: str | None) -> None:
        self.config = config
        self.stable = stable
        self.canary = canary
        self._metrics = [METRIC_REGISTRY[name]() for name in config.metrics]
        self._outcomes: dict[str, deque[Outcome]] = {}

    def set_arms(self, *, stable: str, canary: str | None) -> None:
        self.stable, self.canary = stable, canary

    def observe(self, version: str, outcome: Outcome) -> None:
        """Record one finished request of `version`; drops that version's outcomes older than the window."""
        outcomes = self._outcomes.setdefault(version, deque())
        outcomes.append(outcome)
        self._expire(outcomes, outcome.at)

    def window(self, version: str, now: float) -> list[Outcome]:
        """`version`'s outcomes with now - window_s < at (expired ones are dropped)."""
        outcomes = self._outcomes.get(version)
        if not outcomes:
            return []
        self._expire(outcomes, now)
        start = now - self.config.window_s
        return [o for o in outcomes if o.at > start]  # appends may be slightly out of order

    def _expire(self, outcomes: deque[Outcome], now: float) -> None:
        start = now - self.config.window_s
        while outcomes and outcomes[0].at <= start:
            outcomes.popleft()

    def evaluate(self, now: float) -> Decision:
        """Compare the arms over (now - window_s, now]; see the module docstring for the rule."""
        config = self.config
        stable = Arm.of(self.window(self.stable, now))
        canary = Arm.of(self.window(self.canary, now)) if self.canary is not None else Arm.of([])
        alpha_worse = config.alpha / len(self._metrics)
        evidence = {
            metric.name: metric.compare(canary, stable, config.margin(metric.name), alpha_worse, config.promote_alpha)
            for metric in self._metrics
        }
        action, reason = self._decide(stable.n, canary.n, evidence)
        return Decision(
            action=action,
            reason=reason,
            at=now,
            window_s=config.window_s,
            stable=self.stable,
            canary=self.canary,
            requests={"stable": stable.n, "canary": canary.n},
            min_requests=config.min_requests,
            alpha=config.alpha,
            promote_alpha=config.promote_alpha,
            metrics=evidence,
        )

    def _decide(self, n_stable: int, n_canary: int, evidence: dict[str, MetricEvidence]) -> tuple[Action, str]:
        if self.canary is None:
            return "continue", "no canary"
        need = self.config.min_requests
        if n_stable < need or n_canary < need:
            return "continue", f"waiting for {need} requests per arm (stable {n_stable}, canary {n_canary})"
        worse = [e for e in evidence.values() if e.verdict == "worse"]
        if worse:
            return "rollback", "canary worse on " + "; ".join(_describe(e) for e in worse)
        judged = [e for e in evidence.values() if e.verdict != "no_data"]
        pending = [e.metric for e in judged if e.verdict != "no_worse"]
        if judged and not pending:
            return "promotable", "canary no worse on " + ", ".join(e.metric for e in judged)
        return "continue", "not yet shown no worse on " + ", ".join(pending or ["any metric"])


def _describe(e: MetricEvidence) -> str:
    margin = f"+{e.margin:g}" if e.margin_kind == "absolute" else f"x{1 + e.margin:g}"
    return f"{e.metric} {e.canary:.4g} vs {e.stable:.4g} (margin {margin}, p={e.p_worse:.2g}, n={e.n_canary}/{e.n_stable})"
