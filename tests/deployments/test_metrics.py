"""After some traffic, Ray's Prometheus endpoint carries the application's metrics with non-zero values."""

import re
import time

import httpx
import pytest

pytestmark = pytest.mark.integration


def _samples(text: str) -> dict[str, float]:
    """Sum of every sample per metric name (labels dropped)."""
    totals: dict[str, float] = {}
    for line in text.splitlines():
        match = re.match(r"^([a-zA-Z_:][\w:]*)(?:\{[^}]*\})?\s+([-+\d.eE]+|NaN|\+Inf)$", line)
        if match and match.group(2) not in ("NaN", "+Inf"):
            totals[match.group(1)] = totals.get(match.group(1), 0.0) + float(match.group(2))
    return totals


def test_application_metrics_are_exported(deployed_app, client):
    client.post("/v1/chat/completions", json={"model": "auto", "messages": [{"role": "user", "content": "What is the capital of France?"}],
                                              "max_tokens": 16, "temperature": 0}, headers={"cache-control": "no-cache"})
    client.post("/v1/chat/completions", json={"model": "small", "messages": [{"role": "user", "content": "What is the capital of France?"}],
                                              "max_tokens": 20, "temperature": 0})  # a supported answer: cached
    expected = ["llm_requests", "llm_stage_latency_ms", "llm_time_to_first_token_ms", "llm_tokens", "llm_cost_usd",
                "llm_cache_results", "llm_validation_verdicts", "llm_cache_entries", "llm_cache_bytes"]
    deadline = time.monotonic() + 90  # Ray's metrics agent exports on an interval
    missing = expected
    while missing and time.monotonic() < deadline:
        samples = _samples(httpx.get(deployed_app.metrics_url, timeout=10).text)
        missing = [name for name in expected if not any(key.startswith(f"ray_{name}") and value > 0 for key, value in samples.items())]
        if missing:
            time.sleep(2)
    assert not missing, f"not exported with a non-zero value: {missing}"
    assert samples.get("ray_llm_tokens_total", samples.get("ray_llm_tokens", 0)) > 0


def _ingress_log_lines() -> list[str]:
    import ray

    serve_logs = __import__("pathlib").Path(ray._private.worker._global_node.get_logs_dir_path()) / "serve"
    return [line for path in serve_logs.glob("replica_llm_Ingress_*.log") for line in path.read_text().splitlines()]


def _summaries_for(request_id: str) -> list[dict]:
    import json

    deadline = time.monotonic() + 30  # the log file is written asynchronously
    while time.monotonic() < deadline:
        summaries = [json.loads(line) for line in _ingress_log_lines() if request_id in line and "request_summary" in line]
        if summaries:
            time.sleep(2)  # a duplicate line would be written right after the first
            return [json.loads(line) for line in _ingress_log_lines() if request_id in line and "request_summary" in line]
        time.sleep(1)
    return []


def test_one_json_summary_line_per_request(deployed_app, client):
    import json

    response = client.post("/v1/chat/completions", json={"model": "small", "messages": [{"role": "user", "content": "Name a color."}],
                                                         "max_tokens": 8, "temperature": 0}, headers={"cache-control": "no-cache"})
    summaries = _summaries_for(response.headers["x-request-id"])
    assert len(summaries) == 1, "exactly one summary line per request"
    flat = json.dumps(summaries[0])
    for field in ("tenant-a", '"small"', "completion_tokens", "stages_ms", "validation", "cache"):
        assert field in flat, f"{field} missing from the summary line"


def test_streamed_cache_hit_is_recorded_once(deployed_app, client):
    body = {"model": "small", "messages": [{"role": "user", "content": "What is the capital of France?"}], "max_tokens": 24, "temperature": 0}
    client.post("/v1/chat/completions", json=body)  # stored (a supported, complete answer)
    with client.stream("POST", "/v1/chat/completions", json={**body, "stream": True}) as response:
        assert response.headers["x-cache"] == "exact"
        request_id = response.headers["x-request-id"]
        response.read()
    assert len(_summaries_for(request_id)) == 1
