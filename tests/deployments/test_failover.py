"""A pool replica whose vLLM engine dies: requests fail over to the other pool meanwhile, the replica
turns unhealthy, Serve replaces it, and the pool answers again."""

import time

import psutil
import pytest

pytestmark = pytest.mark.integration

QUESTION = {"model": "small", "messages": [{"role": "user", "content": "What is the capital of France?"}], "max_tokens": 16, "temperature": 0}


def _replica_pids(deployment: str) -> set[int]:
    """Ray titles each replica's process `ray::ServeReplica:<app>:<deployment>` (read without the dashboard)."""
    title = f"ServeReplica:llm:{deployment}"
    pids = set()
    for process in psutil.process_iter(["cmdline"]):
        if title in " ".join(process.info["cmdline"] or []):
            pids.add(process.pid)
    return pids


def test_dead_vllm_engine_fails_over_and_the_replica_is_replaced(deployed_app, client):
    before = _replica_pids("SmallPool:v1")
    assert len(before) == 1, before
    engine_processes = [
        p for pid in before for p in psutil.Process(pid).children(recursive=True)
        if "EngineCore" in " ".join(p.cmdline()) or "EngineCore" in p.name()
    ]
    assert engine_processes, "vLLM runs its engine core in a child process"
    for process in engine_processes:
        process.kill()

    # Meanwhile the request is answered by the other pool (x-route-fallback), not lost.
    response = client.post("/v1/chat/completions", json=QUESTION, headers={"cache-control": "no-cache"})
    assert response.status_code == 200, response.text
    if response.headers["x-route"] == "large":
        assert "pool-unavailable" in response.headers["x-route-fallback"]

    assert "Paris" in _wait_until_small_answers(client, before).json()["choices"][0]["message"]["content"]


def _wait_until_small_answers(client, before: set[int]):
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        after = _replica_pids("SmallPool:v1")
        if after and not (after & before):
            probe = client.post("/v1/chat/completions", json=QUESTION, headers={"cache-control": "no-cache"})
            if probe.status_code == 200 and probe.headers["x-route"] == "small":
                return probe
        time.sleep(2)
    pytest.fail("the dead replica was not replaced in time")


def test_requests_fail_over_while_the_only_replica_is_dead_not_wait_for_its_replacement(deployed_app, client):
    """Serve's router holds a request until some replica takes it; with the only replica dead, that is until
    the replacement has loaded its model (tens of seconds). Once the pool has failed a request, it is suspect:
    the next requests that no replica takes within the assignment deadline fail over, marked as such. The
    stream in flight at the kill ends with an error event and [DONE]."""
    import threading

    before = _replica_pids("SmallPool:v1")
    assert len(before) == 1, before
    started, events = threading.Event(), []
    body = {**QUESTION, "messages": [{"role": "user", "content": "Write a long story about a lighthouse."}],
            "max_tokens": 400, "stream": True}

    def in_flight():
        with client.stream("POST", "/v1/chat/completions", json=body, headers={"cache-control": "no-cache"}) as response:
            for line in response.iter_lines():
                if not line:
                    continue
                events.append(line)
                if '"content"' in line:
                    started.set()
        started.set()

    thread = threading.Thread(target=in_flight)
    thread.start()
    assert started.wait(120), "the stream never produced a token"
    for pid in before:
        psutil.Process(pid).kill()
    thread.join(120)
    assert not thread.is_alive(), "the stream in flight at the kill never ended"
    assert events[-1] == "data: [DONE]" and any('"error"' in e for e in events[-3:]), events[-3:]

    answered = []
    for _ in range(3):
        response = client.post("/v1/chat/completions", json=QUESTION, headers={"cache-control": "no-cache"})
        assert response.status_code == 200, response.text
        answered.append((response.headers["x-route"], response.headers.get("x-route-fallback", "")))
    # A replacement replica needs far longer than three short answers to load its model and engine.
    assert all(route == "large" and "pool-unavailable" in fallback for route, fallback in answered[:2]), answered
    assert "Paris" in _wait_until_small_answers(client, before).json()["choices"][0]["message"]["content"]


def test_a_replica_killed_with_nothing_in_flight_still_fails_over(deployed_app, client):
    """No request sees the death here: the ingress learns from Serve's status that the pool has no RUNNING
    replica, so the requests queued for it fail over after the assignment deadline instead of waiting
    for the replacement."""
    before = _replica_pids("SmallPool:v1")
    assert len(before) == 1, before
    for pid in before:
        psutil.Process(pid).kill()
    response = client.post("/v1/chat/completions", json=QUESTION, headers={"cache-control": "no-cache"})
    assert response.status_code == 200, response.text
    assert response.headers["x-route"] == "large" and "pool-unavailable" in response.headers["x-route-fallback"]
    assert "Paris" in _wait_until_small_answers(client, before).json()["choices"][0]["message"]["content"]
