"""evals.compare: per-metric deltas and the quality gate, and its command line (exit status)."""

from __future__ import annotations

import json

import pytest

from evals.cli import main
from evals.compare import compare_runs


def results(**metrics) -> dict:
    """metrics: key with '__' for '/' -> (value, higher_is_better[, gate])."""
    return {"metrics": {key.replace("__", "/"): {"value": spec[0], "higher_is_better": spec[1],
                                                  "gate": spec[2] if len(spec) > 2 else True}
                        for key, spec in metrics.items()}}


BASE = results(qa__large__f1=(0.60, True), perplexity__small__ppl=(10.0, False), routing__all__cost=(2.0, False, False))


def by_key(deltas):
    return {d.key: d for d in deltas}


def test_small_changes_within_tolerance_pass():
    candidate = results(qa__large__f1=(0.595, True), perplexity__small__ppl=(10.1, False), routing__all__cost=(3.0, False, False))
    deltas = by_key(compare_runs(BASE, candidate, tolerance=0.02))
    assert all(d.passed for d in deltas.values())
    assert deltas["qa/large/f1"].delta == pytest.approx(-0.005)
    assert not deltas["routing/all/cost"].gate  # informational: a cost rise does not fail the quality gate


def test_worse_quality_beyond_tolerance_fails_in_the_metrics_direction():
    candidate = results(qa__large__f1=(0.55, True), perplexity__small__ppl=(10.5, False), routing__all__cost=(2.0, False, False))
    deltas = by_key(compare_runs(BASE, candidate, tolerance=0.02))
    assert not deltas["qa/large/f1"].passed and deltas["qa/large/f1"].worse_by == pytest.approx(0.05)
    assert not deltas["perplexity/small/ppl"].passed  # perplexity up 5 % is worse
    better = by_key(compare_runs(BASE, results(qa__large__f1=(0.9, True), perplexity__small__ppl=(5.0, False)), 0.02))
    assert better["qa/large/f1"].passed and better["perplexity/small/ppl"].passed


def test_per_metric_tolerance_and_missing_metrics():
    candidate = results(qa__large__f1=(0.55, True), new__metric__x=(1.0, True))
    deltas = by_key(compare_runs(BASE, candidate, tolerance=0.02, per_metric={"qa/large/f1": 0.1}))
    assert deltas["qa/large/f1"].passed  # 0.05 <= 0.1 * 0.6
    assert not deltas["perplexity/small/ppl"].passed and deltas["perplexity/small/ppl"].reason == "missing in B"
    assert deltas["routing/all/cost"].passed  # ungated metrics may go missing
    assert deltas["new/metric/x"].passed and deltas["new/metric/x"].reason == "new in B"


def test_compare_command_exit_status(tmp_path, capsys):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "results.json").write_text(json.dumps(BASE))
    (tmp_path / "b.json").write_text(json.dumps(results(qa__large__f1=(0.5, True), perplexity__small__ppl=(10.0, False))))
    assert main(["compare", str(tmp_path / "a"), str(tmp_path / "a")]) == 0
    assert "quality gate: PASS" in capsys.readouterr().out
    assert main(["compare", str(tmp_path / "a"), str(tmp_path / "b.json")]) == 1
    out = capsys.readouterr().out
    assert "quality gate: FAIL" in out and "qa/large/f1" in out
    assert main(["compare", str(tmp_path / "a"), str(tmp_path / "b.json"), "--metric-tolerance", "qa/large/f1=0.5"]) == 0
