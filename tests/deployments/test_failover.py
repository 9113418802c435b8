"""A pool replica whose engine dies turns unhealthy and Serve replaces it; requests succeed again."""

import time

import psutil
import pytest

pytestmark = pytest.mark.integration


def test_dead_vllm_engine_replica_is_replaced(deployed_app, client):
    from ray import serve

    pool = serve.get_deployment_handle("SmallPool", app_name="llm")
    before = pool.describe.remote().result()
    assert before["engine"] == "vllm"
    engine_processes = [p for p in psutil.Process(before["pid"]).children(recursive=True) if "EngineCore" in " ".join(p.cmdline()) or "EngineCore" in p.name()]
    assert engine_processes, "vLLM runs its engine core in a child process"
    for process in engine_processes:
        process.kill()

    deadline = time.monotonic() + 300
    replaced = None
    while time.monotonic() < deadline:
        try:
            replaced = pool.describe.remote().result(timeout_s=10)
            if replaced["pid"] != before["pid"]:
                break
        except Exception:  # noqa: BLE001 - the replica is dying or starting
            pass
        time.sleep(2)
    assert replaced and replaced["pid"] != before["pid"], "the unhealthy replica was not replaced in time"
    response = client.post(
        "/v1/chat/completions",
        json={"model": "small", "messages": [{"role": "user", "content": "What is the capital of France?"}], "max_tokens": 16, "temperature": 0},
        headers={"cache-control": "no-cache"},
    )
    assert response.status_code == 200 and "Paris" in response.json()["choices"][0]["message"]["content"]
