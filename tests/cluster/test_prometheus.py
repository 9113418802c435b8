"""cluster/prometheus.yml, cluster/alerts.yml and cluster/grafana_dashboard.json against a real Prometheus
(Debian's `prometheus` package) scraping the deployed graph's Ray metrics endpoint.

The server runs with cluster/prometheus.yml's global settings and rule files; only its scrape config is
replaced (one static target: the session's private Ray node instead of Ray's service-discovery file) and
the intervals are 1 s, so that rate() has two samples and every rule group has been evaluated within
seconds. After a little traffic through the graph, every Grafana panel query, with the dashboard's
variables substituted as Grafana does, must parse and return series; the alert rules must evaluate
without errors on the real series."""

from __future__ import annotations

import os
import re
import shutil
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest
import yaml

from tests.cluster.test_configs import dashboard, dashboard_queries
from tests.prometheus_server import PrometheusServer
from tests.redis_server import wait_until

pytestmark = pytest.mark.integration

CLUSTER = Path(__file__).resolve().parents[2] / "cluster"
APPLICATION = "llm"  # the Serve application tests/conftest.py deploys
DATA_TIMEOUT_S = 120  # Ray's metrics agent exports on an interval; then two 1 s scrapes for rate()
# What Grafana puts in for its built-in variables (a 1 h dashboard range; $__rate_interval is
# max($__interval + scrape interval, 4 x scrape interval), 1m with a production 15 s scrape).
GRAFANA_BUILTINS = {"__rate_interval": "1m", "__interval": "15s", "__range": "1h", "__range_s": "3600", "__range_ms": "3600000"}
# Series a short healthy run legitimately does not produce (Ray exports a counter only once it has been
# incremented): a query selecting one of them must parse but need not return data. Keys are a series name,
# or a name with one label matcher as written in the query (a ratio over it is empty without it).
NO_DATA_IN_A_SHORT_RUN = {
    "ray_llm_escalations_total": "needs a small-pool answer the fact checker finds contradicted; a 135M model "
                                 "cannot be steered into one reliably",
    'ray_llm_validation_verdicts_total{verdict="contradicted"}': "the same: no contradicted answer, no numerator series",
    "ray_llm_fallbacks_total": "only when the classifier, checker or cache fails or times out",
    "ray_llm_failovers_total": "only when a pool is unavailable before the first token (test_failover.py)",
    "ray_llm_cache_evictions_total": "only when the cache's 256 MiB LRU bound is exceeded",
    "ray_llm_cache_backend_bypassed_total": "only when the cache's Redis is unreachable",
    "ray_llm_canary_rollbacks_total": "only when the canary analysis sends a version back to 0 %",
}


def allowed_empty(expr: str) -> list[str]:
    """The NO_DATA_IN_A_SHORT_RUN entries that `expr` selects."""
    selected = [(m.group(1), m.group(2) or "") for m in re.finditer(r"\b(ray_\w+)(\{[^}]*\})?", expr)]
    entries = []
    for entry in NO_DATA_IN_A_SHORT_RUN:
        name, _, matcher = entry.partition("{")
        if any(name == series and matcher.rstrip("}") in labels for series, labels in selected):
            entries.append(entry)
    return entries


def grafana_expr(expr: str) -> str:
    """`expr` with the dashboard's variables substituted as Grafana does for a Prometheus query: the
    `application` variable set to the deployed application, built-ins as in GRAFANA_BUILTINS."""
    values = {**GRAFANA_BUILTINS, **{v["name"]: APPLICATION for v in dashboard()["templating"]["list"] if v["type"] == "query"}}

    def value(match: re.Match) -> str:
        name = next(group for group in match.groups() if group)
        assert name in values, f"dashboard variable ${name} has no test value: {expr}"
        return values[name]

    # Grafana's three syntaxes: ${name} (also ${name:format}), $name and the deprecated [[name]].
    return re.sub(r"\$\{(\w+)(?::\w+)?\}|\$(\w+)|\[\[(\w+)\]\]", value, expr)


def config_for(metrics_url: str) -> tuple[dict, dict[str, str]]:
    """cluster/prometheus.yml for one static target, and its rule files (name -> text) to write next to it.
    Rule groups set their own `interval` (30 s, 1 m), which overrides evaluation_interval: set to 1 s."""
    config = yaml.safe_load((CLUSTER / "prometheus.yml").read_text())
    assert config.get("rule_files"), "cluster/prometheus.yml loads no rule files"
    files = {}
    for name in config["rule_files"]:
        assert not Path(name).is_absolute() and "/" not in name, f"rule file {name}: expected a file next to prometheus.yml"
        rules = yaml.safe_load((CLUSTER / name).read_text())
        for group in rules["groups"]:
            group["interval"] = "1s"
        files[name] = yaml.safe_dump(rules, sort_keys=False)
    target = urlsplit(metrics_url)
    config["global"] = {**config["global"], "scrape_interval": "1s", "evaluation_interval": "1s"}
    config["scrape_configs"] = [{"job_name": "ray", "metrics_path": target.path or "/metrics",
                                 "static_configs": [{"targets": [target.netloc]}]}]
    return config, files


@pytest.fixture
def prometheus(deployed_app, tmp_path):
    if shutil.which("prometheus") is None:
        message = "prometheus not found: install Debian's `prometheus` package (apt-get install -y prometheus)"
        if os.environ.get("CI"):
            pytest.fail(f"{message}; CI must have it")
        pytest.skip(message)
    config, files = config_for(deployed_app.metrics_url)
    server = PrometheusServer(tmp_path, config, files)
    server.start()
    try:
        yield server
    finally:
        server.stop()


def send_traffic(deployed_app, client) -> dict[str, int | str]:
    """A few requests of each kind the dashboard shows -> what happened to each (status or cache result)."""
    from tenancy import KeyStore, connect

    def chat(content: str, model: str = "small", max_tokens: int = 16, **extra) -> dict:
        return {"model": model, "messages": [{"role": "user", "content": content}], "max_tokens": max_tokens,
                "temperature": 0, **extra}

    outcome: dict[str, int | str] = {}
    routed = client.post("/v1/chat/completions", json=chat("Explain in two sentences why the sky is blue.", "auto", 24),
                         headers={"cache-control": "no-cache"})
    outcome["auto"] = routed.status_code
    question = chat("What is the capital of France?", max_tokens=20)
    first = client.post("/v1/chat/completions", json=question)  # a supported, complete answer is cached
    outcome["small"] = first.status_code
    again = client.post("/v1/chat/completions", json=question)
    outcome["small again"], outcome["small again x-cache"] = again.status_code, again.headers.get("x-cache", "")
    # Streamed, with an e-mail address for the PII guardrail (redacted on input by default).
    with client.stream("POST", "/v1/chat/completions",
                       json=chat("My address is jane.doe@example.com. Say hello.", stream=True)) as stream:
        stream.read()
        outcome["streamed"] = stream.status_code
    outcome["bad request"] = client.post("/v1/chat/completions", json={"model": "small"}).status_code
    with httpx.Client(base_url=deployed_app.url, timeout=60, headers={"Authorization": "Bearer sk-not-a-key"}) as stranger:
        outcome["unknown key"] = stranger.post("/v1/chat/completions", json=chat("Hi")).status_code
    # A key with a budget: admission reports the tenant's budget gauges.
    secret = KeyStore(connect(deployed_app.redis.url, 1.0)).create("tenant-budget", budget_usd=5.0)[1]
    with httpx.Client(base_url=deployed_app.url, timeout=120, headers={"Authorization": f"Bearer {secret}"}) as budgeted:
        outcome["budgeted"] = budgeted.post("/v1/chat/completions", json=chat("Name a color.", max_tokens=8)).status_code
    # User satisfaction (issue 13): feeds the satisfaction panels where the dashboard has them.
    outcome["feedback"] = client.post("/v1/feedback", json={"request_id": first.headers.get("x-request-id", ""),
                                                            "score": 1.0}).status_code
    return outcome


def test_dashboard_queries_and_alert_rules_on_a_real_prometheus(deployed_app, client, prometheus, capsys):
    queries = [(title, grafana_expr(expr)) for title, expr in dashboard_queries()]
    stale = set(NO_DATA_IN_A_SHORT_RUN) - {entry for _, expr in queries for entry in allowed_empty(expr)}
    assert not stale, f"NO_DATA_IN_A_SHORT_RUN lists series no panel queries any more: {sorted(stale)}"

    # Every panel query parses (before any data: a parse error does not depend on it).
    for title, expr in queries:
        answer = prometheus.query(expr)
        assert answer["status"] == "success", f"{title}: {answer.get('errorType')}: {answer.get('error')}\n{expr}"

    outcome = send_traffic(deployed_app, client)
    for name in ("auto", "small", "small again", "streamed", "budgeted"):
        assert outcome[name] == 200, f"{name}: HTTP {outcome[name]} ({outcome})"
    assert outcome["bad request"] == 400 and outcome["unknown key"] == 401, outcome

    deadline = time.monotonic() + DATA_TIMEOUT_S

    def scraped_application_series() -> bool:
        return prometheus.series_count(f'ray_llm_requests_total{{application="{APPLICATION}"}}') > 0

    try:
        wait_until(scraped_application_series, timeout_s=DATA_TIMEOUT_S, what="the application's series in Prometheus", interval_s=0.5)
    except AssertionError as error:
        targets = [(t["scrapeUrl"], t["health"], t.get("lastError")) for t in prometheus.targets()]
        raise AssertionError(f"{error}; scrape targets: {targets}\n{prometheus.log()[-3000:]}") from None

    def required(expr: str) -> bool:
        return not allowed_empty(expr)

    counts: dict[int, int] = {}

    def every_required_query_has_data() -> bool:
        for index, (_, expr) in enumerate(queries):
            counts[index] = prometheus.series_count(expr)
        return all(counts[index] > 0 for index, (_, expr) in enumerate(queries) if required(expr))

    try:
        wait_until(every_required_query_has_data, timeout_s=max(1.0, deadline - time.monotonic()),
                   what="every dashboard query to return series", interval_s=1.0)
    except AssertionError:
        pass  # reported below, query by query
    table = "\n".join(f"{counts[i]:>6}  {'' if required(expr) else '(allowed empty) '}{title}: {expr}"
                      for i, (title, expr) in enumerate(queries))
    with capsys.disabled():
        print(f"\ntraffic: {outcome}\nseries  dashboard panel: query\n{table}", file=sys.stderr)
    empty = [(title, expr) for i, (title, expr) in enumerate(queries) if required(expr) and not counts[i]]
    assert not empty, (f"{len(empty)} dashboard queries returned no series {DATA_TIMEOUT_S} s after the traffic "
                       f"(feedback: HTTP {outcome['feedback']}): {empty}")

    # The alert rules of cluster/alerts.yml are loaded and evaluate on the real series without errors.
    rule_files = {name: yaml.safe_load(text) for name, text in prometheus.files.items()}
    expected = {(name, group["name"]): {rule.get("alert") or rule.get("record") for rule in group["rules"]}
                for name, rules in rule_files.items() for group in rules["groups"]}
    before = {group["name"]: group["lastEvaluation"] for group in prometheus.rule_groups()}

    def evaluated_since_data() -> list[dict]:
        # Each group evaluated again after the data arrived (a new lastEvaluation): on the application's series.
        groups = prometheus.rule_groups()
        done = all(g["lastEvaluation"] != before.get(g["name"]) and all(r["health"] != "unknown" for r in g["rules"])
                   for g in groups)
        return groups if done else []

    groups = wait_until(evaluated_since_data, timeout_s=30, what="every rule group to be evaluated again", interval_s=0.5)
    loaded = {(Path(g["file"]).name, g["name"]): {r["name"] for r in g["rules"]} for g in groups}
    assert loaded == expected, f"loaded rule groups differ from {sorted(rule_files)}: {loaded}"
    failing = [(g["name"], r["name"], r["health"], r.get("lastError")) for g in groups for r in g["rules"]
               if r["health"] != "ok" or r.get("lastError")]
    assert not failing, f"alert rules failing on the real series: {failing}"
