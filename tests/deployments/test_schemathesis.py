"""A bounded schemathesis run against the OpenAPI document the graph serves (/openapi.json): bodies
generated from the published request schemas (vLLM's own models), valid and invalid. Every response must
be below 500, and every error body JSON in OpenAI's shape. Generation is capped (max_tokens <= 4, n <= 2)
so that the run stays short on a CPU; the inputs are otherwise what schemathesis makes of the schema."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

pytestmark = pytest.mark.integration

EXAMPLES_PER_OPERATION = 30


def _bounded(body):
    """Keep a generated body's generation short: the API surface is under test, not the model's speed."""
    if isinstance(body, dict):
        for field in ("max_tokens", "max_completion_tokens"):
            if isinstance(body.get(field), int) and body[field] > 4:
                body[field] = 4
        if isinstance(body.get("n"), int) and body["n"] > 2:
            body["n"] = 2
        if body.get("max_tokens") is None and body.get("max_completion_tokens") is None:
            body["max_tokens"] = 4
    return body


def test_no_5xx_and_errors_in_openai_shape(deployed_app):
    # Schemathesis' Python API with hypothesis directly (its pytest plugin does not support pytest 9 yet).
    from hypothesis import given

    schema = schemathesis.openapi.from_url(f"{deployed_app.url}/openapi.json")
    headers = {"authorization": f"Bearer {deployed_app.keys['tenant-a']}", "cache-control": "no-cache"}
    checked = []
    for result in schema.get_all_operations():
        operation = result.ok()

        @given(case=operation.as_strategy())
        @settings(max_examples=EXAMPLES_PER_OPERATION, deadline=None, database=None,
                  suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large])
        def run(case):
            case.body = _bounded(case.body)
            response = case.call(base_url=deployed_app.url, timeout=120, headers=headers)
            checked.append(response.status_code)
            assert response.status_code < 500, (
                f"{case.method} {case.path} -> {response.status_code}: {response.text[:300]}\n{case.as_curl_command()}")
            if response.status_code >= 400:
                body = response.json()  # JSON, never plain text
                assert set(body["error"]) == {"message", "type", "param", "code"}, response.text[:300]

        run()
    statuses = {status: checked.count(status) for status in sorted(set(checked))}
    print(f"\nschemathesis: {len(checked)} requests over {len(list(schema.get_all_operations()))} operations, statuses {statuses}")
    assert any(200 <= status < 300 for status in checked) and any(400 <= status < 500 for status in checked)
