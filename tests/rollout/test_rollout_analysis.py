"""CanaryAnalyzer: rolls back a clearly worse canary on each metric, does not roll back equal arms,
waits for min_requests, forgets what left the window, and serves its evidence as JSON."""

import json

import numpy as np
import pytest
from pydantic import ValidationError

from rollout import METRIC_REGISTRY, CanaryAnalysisConfig, CanaryAnalyzer, Outcome

STABLE_ARM = {"error": 0.01, "latency_ms": 500.0, "contradicted": 0.05, "checked": 0.8, "escalated": 0.10, "cost_usd": 0.001}


def feed(analyzer, version, n, rng, start=0.0, end=100.0, **overrides):
    """`n` outcomes of `version` spread over [start, end): a lognormal latency, gamma costs, Bernoulli
    errors/contradictions/escalations, with STABLE_ARM's parameters unless overridden."""
    arm = {**STABLE_ARM, **overrides}
    ok = rng.random(n) >= arm["error"]
    latency = arm["latency_ms"] * rng.lognormal(0.0, 0.3, n)
    checked = rng.random(n) < arm["checked"]
    contradicted = rng.random(n) < arm["contradicted"]
    escalated = rng.random(n) < arm["escalated"]
    cost = rng.gamma(2.0, arm["cost_usd"] / 2.0, n)
    at = np.linspace(start, end, n, endpoint=False)
    for i in range(n):
        analyzer.observe(
            version,
            Outcome(
                ok=bool(ok[i]),
                latency_ms=float(latency[i]),
                contradicted=bool(contradicted[i]) if ok[i] and checked[i] else None,
                escalated=bool(escalated[i]) if ok[i] else False,
                cost_usd=float(cost[i]) if ok[i] else 0.0,
                at=float(at[i]),
            ),
        )


def run(seed, n_canary=300, n_stable=1200, config=None, **canary):
    analyzer = CanaryAnalyzer(config or CanaryAnalysisConfig(), stable="v1", canary="v2")
    rng = np.random.default_rng(seed)
    feed(analyzer, "v1", n_stable, rng)
    feed(analyzer, "v2", n_canary, rng, **canary)
    return analyzer, analyzer.evaluate(100.0)


@pytest.mark.parametrize(
    "metric, canary",
    [
        ("error_rate", {"error": 0.10}),
        ("contradicted_rate", {"contradicted": 0.25}),
        ("escalation_rate", {"escalated": 0.30}),
        ("p95_latency", {"latency_ms": 1000.0}),
        ("mean_cost", {"cost_usd": 0.0015}),
    ],
)
def test_a_clearly_worse_canary_is_rolled_back_naming_the_metric(metric, canary):
    for seed in range(3):
        _, decision = run(seed, **canary)
        assert decision.action == "rollback", decision.reason
        assert decision.metrics[metric].verdict == "worse"
        assert metric in decision.reason
        evidence = decision.metrics[metric]
        assert evidence.canary > evidence.stable and evidence.p_worse <= decision.alpha / len(METRIC_REGISTRY)


def test_equal_arms_are_rarely_rolled_back():
    # 150 seeded canaries identical to stable; the Bonferroni-split alpha (0.01 per evaluation) bounds the
    # false-rollback rate, and the margins keep it far below that.
    runs = [run(seed, n_canary=150, n_stable=600)[1] for seed in range(150)]
    false_rollbacks = sum(decision.action == "rollback" for decision in runs)
    assert false_rollbacks / len(runs) <= 0.01, [d.reason for d in runs if d.action == "rollback"]


def test_an_equal_canary_with_enough_traffic_is_promotable():
    _, decision = run(1, n_canary=1500, n_stable=1500)
    assert decision.action == "promotable", decision.reason
    assert {e.verdict for e in decision.metrics.values()} == {"no_worse"}


def test_no_decision_before_min_requests_per_arm():
    config = CanaryAnalysisConfig(min_requests=100)
    _, early = run(0, n_canary=60, config=config, error=0.5)
    assert early.action == "continue" and "waiting" in early.reason
    assert early.metrics["error_rate"].verdict == "worse"  # the evidence is there; the rule waits
    _, later = run(0, n_canary=120, config=config, error=0.5)
    assert later.action == "rollback"


def test_observations_leave_the_window():
    config = CanaryAnalysisConfig(window_s=100.0, min_requests=50)
    analyzer = CanaryAnalyzer(config, stable="v1", canary="v2")
    rng = np.random.default_rng(2)
    feed(analyzer, "v1", 500, rng, start=0.0, end=100.0)
    feed(analyzer, "v2", 200, rng, start=0.0, end=100.0, error=0.5)  # a bad first window...
    assert analyzer.evaluate(100.0).action == "rollback"
    feed(analyzer, "v1", 500, rng, start=100.0, end=200.0)
    feed(analyzer, "v2", 200, rng, start=100.0, end=200.0)  # ...then a good one
    later = analyzer.evaluate(200.0)
    assert later.action != "rollback", later.reason
    # The window is (100, 200]: the second batches, less their first outcome, which lies exactly at 100.0.
    assert later.requests == {"stable": 499, "canary": 199}
    assert analyzer.evaluate(400.0).requests == {"stable": 0, "canary": 0}


def two_arms(seed, n, stable=None, canary=None):
    analyzer = CanaryAnalyzer(CanaryAnalysisConfig(), stable="v1", canary="v2")
    rng = np.random.default_rng(seed)
    feed(analyzer, "v1", n, rng, **(stable or {}))
    feed(analyzer, "v2", n, rng, **(canary or {}))
    return analyzer.evaluate(100.0)


def test_no_data_metrics_are_skipped_and_one_sided_data_blocks_promotion():
    fact_checker_off = two_arms(1, 1500, stable={"checked": 0.0}, canary={"checked": 0.0})
    assert fact_checker_off.metrics["contradicted_rate"].verdict == "no_data"
    assert fact_checker_off.action == "promotable", fact_checker_off.reason
    canary_unchecked = two_arms(1, 1500, canary={"checked": 0.0})
    assert canary_unchecked.metrics["contradicted_rate"].verdict == "insufficient"
    assert canary_unchecked.action == "continue"


def test_without_a_canary_nothing_is_decided_and_arms_can_be_retargeted():
    analyzer, decision = run(0, error=0.5)
    assert decision.action == "rollback"
    analyzer.set_arms(stable="v1", canary=None)  # after the rollback
    after = analyzer.evaluate(100.0)
    assert after.action == "continue" and after.canary is None
    analyzer.set_arms(stable="v2", canary="v1")  # arms swapped: the old stable is now judged as canary
    assert analyzer.evaluate(100.0).action != "rollback"


def test_decision_serialises_with_its_evidence():
    _, decision = run(0, error=0.10)
    served = json.loads(json.dumps(decision.to_dict()))
    assert served["action"] == "rollback" and served["canary"] == "v2" and served["stable"] == "v1"
    assert set(served["metrics"]) == set(METRIC_REGISTRY)
    for evidence in served["metrics"].values():
        assert {"stable", "canary", "n_stable", "n_canary", "p_worse", "p_no_worse", "margin", "verdict", "test"} <= set(evidence)


def test_config_rejects_unknown_metrics_and_fields():
    with pytest.raises(ValidationError, match="margins"):
        CanaryAnalysisConfig(margins={"error_rates": 0.01})
    with pytest.raises(ValidationError, match="metrics"):
        CanaryAnalysisConfig(metrics=["latency"])
    with pytest.raises(ValidationError, match="window"):
        CanaryAnalysisConfig(window=60)
    config = CanaryAnalysisConfig(margins={"error_rate": 0.05}, metrics=["error_rate"])
    assert config.margin("error_rate") == 0.05
    _, decision = run(0, config=config, latency_ms=5000.0)  # latency is not judged
    assert set(decision.metrics) == {"error_rate"} and decision.action != "rollback"
