"""cluster/alerts.yml under Prometheus's own tool: `promtool check rules` (syntax, PromQL, templates) and
`promtool test rules cluster/alerts_test.yml` (each important alert fires on synthetic series shaped like
Ray's export, with its labels and rendered annotations, and stays silent where it should).

promtool comes with Debian's `prometheus` package (`apt-get install prometheus`). Without it these tests
skip, except under CI (env CI set), where a missing promtool is a broken setup and fails."""

from __future__ import annotations

import ast
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

REPO_ROOT = Path(__file__).resolve().parents[2]
CLUSTER = REPO_ROOT / "cluster"
ALERTS = CLUSTER / "alerts.yml"
ALERTS_TEST = CLUSTER / "alerts_test.yml"


@pytest.fixture(scope="module")
def promtool() -> str:
    path = shutil.which("promtool")
    if path is None:
        message = "promtool not found: install Debian's `prometheus` package (apt-get install -y prometheus)"
        if os.environ.get("CI"):
            pytest.fail(f"{message}; CI must have it")
        pytest.skip(message)
    return path


def run(promtool: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([promtool, *args], cwd=REPO_ROOT, capture_output=True, text=True, timeout=120)


def alert_rules() -> list[dict]:
    return [rule for group in yaml.safe_load(ALERTS.read_text())["groups"] for rule in group["rules"] if "alert" in rule]


def test_alert_rules_pass_promtool_check(promtool):
    result = run(promtool, "check", "rules", str(ALERTS))
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"SUCCESS: {len(alert_rules())} rules found" in result.stdout


def test_alert_rules_pass_their_unit_tests(promtool):
    result = run(promtool, "test", "rules", str(ALERTS_TEST))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "SUCCESS" in result.stdout


def test_every_alert_has_for_severity_and_annotations():
    for rule in alert_rules():
        assert rule.get("for"), f"{rule['alert']}: no `for:`, one bad scrape would page"
        assert rule["labels"]["severity"] in {"warning", "critical"}, rule["alert"]
        assert {"summary", "description"} <= set(rule["annotations"]), rule["alert"]


def test_the_important_alerts_are_unit_tested():
    tested = {case["alertname"] for test in yaml.safe_load(ALERTS_TEST.read_text())["tests"]
              for case in test.get("alert_rule_test", [])}
    fired = {case["alertname"] for test in yaml.safe_load(ALERTS_TEST.read_text())["tests"]
             for case in test.get("alert_rule_test", []) if case.get("exp_alerts")}
    important = {"LLMContradictedRateDrift", "LLMSatisfactionDrift", "LLMHighErrorRate", "LLMHighP95Latency",
                 "LLMTenantBudgetNearlySpent", "LLMEscalationRateHigh"}
    assert important <= fired, f"never shown to fire: {sorted(important - fired)}"
    assert important <= tested


def exported_series() -> set[str]:
    """Series names Ray exports for the metrics created in deployments/metrics.py (read from its source, as
    tests/cluster/test_configs.py does, without importing Ray): counters `_total`, histograms
    `_bucket/_sum/_count`, gauges as named (cluster/METRICS.md)."""
    suffixes = {"Counter": ("_total",), "Histogram": ("_bucket", "_sum", "_count"), "Gauge": ("",)}
    names = set()
    for node in ast.walk(ast.parse((REPO_ROOT / "deployments" / "metrics.py").read_text())):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in suffixes:
            names |= {f"ray_{ast.literal_eval(node.args[0])}{suffix}" for suffix in suffixes[node.func.id]}
    return names


def test_alerts_query_only_exported_metric_names():
    """Every `ray_*` series an alert reads is one the application exports, or one of issue 13's quality
    signals (feedback scores, tenant budgets) until deployments/metrics.py creates them."""
    planned = {"ray_llm_feedback_score_sum", "ray_llm_feedback_score_count", "ray_llm_feedback_score_bucket",
               "ray_llm_tenant_budget_remaining_ratio"}
    exported = exported_series()
    assert "ray_llm_requests_total" in exported  # the parse found the metrics
    for rule in alert_rules():
        names = set(re.findall(r"\bray_\w+", rule["expr"]))
        assert names, rule["alert"]
        assert names <= exported | planned, f"{rule['alert']} reads unknown series {sorted(names - exported - planned)}"
