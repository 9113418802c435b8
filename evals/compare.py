"""Compares two runs metric by metric: the quality gate before a rollout.

    python -m evals compare RUN_A RUN_B [--tolerance 0.02] [--metric-tolerance qa/large/f1=0.05 ...]

RUN_A is the baseline (today's model), RUN_B the candidate; each is a results folder or its results.json.
A gated metric fails when B is worse than A by more than tolerance × |A| (relative; an absolute floor of
tolerance × 1 point for metrics at 0), or when A has it and B does not. Exit status 0 = pass, 1 = fail."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class MetricDelta:
    key: str
    a: float | None
    b: float | None
    delta: float | None  # b - a
    worse_by: float | None  # > 0 when B is worse, in the metric's units
    allowed: float | None
    gate: bool
    passed: bool
    reason: str


def load_results(path: str | Path) -> dict:
    path = Path(path)
    return json.loads((path / "results.json" if path.is_dir() else path).read_text())


def compare_runs(a: dict, b: dict, tolerance: float = 0.02, per_metric: dict[str, float] | None = None) -> list[MetricDelta]:
    """One MetricDelta per metric in either run (A's order, then B's new ones)."""
    per_metric = per_metric or {}
    deltas = []
    for key in [*a["metrics"], *[k for k in b["metrics"] if k not in a["metrics"]]]:
        ma, mb = a["metrics"].get(key), b["metrics"].get(key)
        gate = bool((ma or mb).get("gate", True))
        if ma is None:
            deltas.append(MetricDelta(key, None, mb["value"], None, None, None, gate, True, "new in B"))
            continue
        if mb is None:
            deltas.append(MetricDelta(key, ma["value"], None, None, None, None, gate, not gate, "missing in B"))
            continue
        va, vb = float(ma["value"]), float(mb["value"])
        worse_by = (va - vb) if ma.get("higher_is_better", True) else (vb - va)
        allowed = per_metric.get(key, tolerance) * (abs(va) if va else 1.0)
        passed = not gate or worse_by <= allowed
        reason = "" if passed else f"worse by {worse_by:.4g} > allowed {allowed:.4g}"
        deltas.append(MetricDelta(key, va, vb, vb - va, worse_by, allowed, gate, passed, reason))
    return deltas


def render(deltas: list[MetricDelta]) -> str:
    lines = [f"{'metric':<40} {'A':>10} {'B':>10} {'delta':>10}  gate"]
    for d in deltas:
        value = lambda v: "–" if v is None else f"{v:.4f}"  # noqa: E731
        verdict = ("PASS" if d.passed else "FAIL") if d.gate else "info"
        lines.append(f"{d.key:<40} {value(d.a):>10} {value(d.b):>10} {value(d.delta):>10}  {verdict} {d.reason}".rstrip())
    failed = [d for d in deltas if not d.passed]
    lines.append(f"quality gate: {'FAIL' if failed else 'PASS'} ({len(failed)} of {sum(d.gate for d in deltas)} gated metrics failed)")
    return "\n".join(lines)
