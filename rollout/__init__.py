"""Model versions of a pool: the traffic split, sticky assignment, and automatic canary analysis.

    from rollout import VersionSplit, assign, sticky_key, CanaryAnalyzer, CanaryAnalysisConfig, Outcome
    split = VersionSplit(versions=["v1", "v2"], stable="v1", traffic={"v1": 90, "v2": 10})
    version = assign(split, sticky_key(tenant, messages), pool="small")
    change = split.rollout("v2", 25, pool="small")      # change.split, change.diff
    analyzer = CanaryAnalyzer(CanaryAnalysisConfig(), stable="v1", canary="v2")
    analyzer.observe(version, Outcome(...)); analyzer.evaluate(now).action

Plain Python (no Ray): the ingress holds the split (live, through its user_config) and the analyzer."""

from rollout.analysis import (
    METRIC_REGISTRY,
    CanaryAnalysisConfig,
    CanaryAnalyzer,
    CanaryMetric,
    Decision,
    MetricEvidence,
    Outcome,
)
from rollout.assignment import assign, bucket, conversation_key, sticky_key
from rollout.monitor import CanaryMonitor, PoolAnalysis
from rollout.split import SplitChange, VersionSplit

__all__ = [
    "METRIC_REGISTRY",
    "CanaryAnalysisConfig",
    "CanaryAnalyzer",
    "CanaryMetric",
    "CanaryMonitor",
    "PoolAnalysis",
    "Decision",
    "MetricEvidence",
    "Outcome",
    "SplitChange",
    "VersionSplit",
    "assign",
    "bucket",
    "conversation_key",
    "sticky_key",
]
