"""Routing, fact-checking and caching through the deployed graph (real model, real deployments)."""

import json

import pytest

pytestmark = pytest.mark.integration

NO_CACHE = {"cache-control": "no-cache"}
EASY = "Hi! How are you today?"
HARD = (
    "Write a Python function that parses a CSV file of transactions, groups them by month, computes the "
    "rolling 3-month average per account, and explain the time complexity step by step."
)
# The model repeats the user's sentence, so its answer states a known falsehood (Canberra is the capital).
REPEAT_FALSEHOOD = [
    {"role": "system", "content": "Repeat the user's message exactly, word for word."},
    {"role": "user", "content": "The capital of Australia is Sydney."},
]


def _chat(client, messages, headers=NO_CACHE, **body):
    payload = {"model": "auto", "messages": messages, "temperature": 0, "max_tokens": 32, **body}
    return client.post("/v1/chat/completions", json=payload, headers=headers)


def _sse(response):
    return [json.loads(line[6:]) if line != "data: [DONE]" else "[DONE]" for line in response.iter_lines() if line.startswith("data: ")]


# ---- routing -----------------------------------------------------------------------------------


def test_auto_routes_easy_small_and_hard_large(client):
    easy = _chat(client, [{"role": "user", "content": EASY}])
    hard = _chat(client, [{"role": "user", "content": HARD}], max_tokens=8)
    assert easy.status_code == hard.status_code == 200
    assert easy.headers["x-route"] == "small" and hard.headers["x-route"] == "large"
    assert float(easy.headers["x-complexity-score"]) < float(hard.headers["x-complexity-score"])


@pytest.mark.parametrize("pool", ["small", "large"])
def test_forced_route_skips_the_classifier(client, pool):
    response = _chat(client, [{"role": "user", "content": HARD if pool == "small" else EASY}], model=pool, max_tokens=4)
    assert response.headers["x-route"] == pool
    assert "x-complexity-score" not in response.headers


def test_classify_endpoint(client):
    for body in ({"prompt": HARD}, {"messages": [{"role": "user", "content": HARD}]}):
        decision = client.post("/v1/classify", json=body).json()
        assert decision["route"] == "large"
        assert decision["score"] >= decision["threshold"]
        assert decision["signals"]


@pytest.mark.parametrize(
    "body",
    [{}, {"prompt": ""}, {"prompt": "a", "messages": [{"role": "user", "content": "b"}]}, {"messages": [{"role": "x", "content": "b"}]}, {"prompt": 3}],
)
def test_classify_bad_input(client, body):
    response = client.post("/v1/classify", json=body)
    assert response.status_code == 400 and set(response.json()["error"]) == {"message", "type", "param", "code"}


def test_classifier_over_time_budget_falls_back(deployed_app, client):
    with deployed_app.reconfigured({"classifier": {"timeout_s": 0.000001, "fallback_pool": "large"}}):
        response = _chat(client, [{"role": "user", "content": EASY}], max_tokens=4)
    assert response.status_code == 200
    assert response.headers["x-route"] == "large"
    assert response.headers["x-route-fallback"] == "classifier-unavailable"


# ---- validation ----------------------------------------------------------------------------------


def test_validate_endpoint(client):
    result = client.post("/v1/validate", json={"text": "The capital of Australia is Sydney.", "question": "Capital of Australia?"}).json()
    assert result["verdict"] == "contradicted"
    assert result["claims"][0]["evidence"]["value"] == "Canberra"
    assert client.post("/v1/validate", json={"text": "Paris is the capital of France."}).json()["verdict"] == "supported"


@pytest.mark.parametrize("body", [{}, {"text": ""}, {"text": 5}, {"text": "x", "extra": 1}])
def test_validate_bad_input(client, body):
    assert client.post("/v1/validate", json=body).status_code == 400


def test_supported_answer_is_annotated(client):
    response = _chat(client, [{"role": "user", "content": "What is the capital of France?"}], model="small")
    assert response.headers["x-validation"] == "supported"
    assert response.json()["validation"]["verdict"] == "supported"


def test_escalate_policy_regenerates_on_the_large_pool(client):
    # serve_config.yaml: small pool escalates, large pool annotates.
    response = _chat(client, REPEAT_FALSEHOOD, model="small")
    assert response.status_code == 200
    assert response.headers["x-escalated-from"] == "small"
    assert response.headers["x-route"] == "large"
    assert response.headers["x-validation"] == "contradicted"  # the large pool repeats it too
    assert response.json()["validation"]["action"] == "escalated"


def test_annotate_policy_keeps_the_answer(client):
    response = _chat(client, REPEAT_FALSEHOOD, model="large")
    assert response.headers["x-validation"] == "contradicted"
    assert "Sydney" in response.json()["choices"][0]["message"]["content"]
    assert response.json()["validation"]["action"] == "annotated"


def test_block_policy_replaces_the_answer_with_a_refusal(deployed_app, client):
    with deployed_app.reconfigured({"fact_checker": {"policy": {"small": "block", "large": "block"}}}):
        response = _chat(client, REPEAT_FALSEHOOD, model="small")
    body = response.json()
    assert response.headers["x-validation"] == "contradicted"
    assert response.headers["x-validation-action"] == "blocked"
    assert "Canberra" in body["choices"][0]["message"]["content"]
    assert body["choices"][0]["finish_reason"] == "content_filter"


def test_streaming_verdict_is_the_last_event_before_done(client):
    body = {"model": "large", "messages": REPEAT_FALSEHOOD, "temperature": 0, "max_tokens": 32, "stream": True}
    with client.stream("POST", "/v1/chat/completions", json=body, headers=NO_CACHE) as response:
        events = _sse(response)
    assert events[-1] == "[DONE]"
    assert events[-2]["validation"]["verdict"] == "contradicted"  # on the last chunk: no choices-less event
    assert events[-2]["choices"][0]["finish_reason"] == "stop"
    assert all(e["choices"] for e in events[:-1])
    assert "Sydney" in "".join(e["choices"][0]["delta"].get("content") or "" for e in events[:-1])


def test_validator_over_time_budget_fails_open(deployed_app, client):
    with deployed_app.reconfigured({"fact_checker": {"timeout_s": 0.000001}}):
        response = _chat(client, REPEAT_FALSEHOOD, model="small")
    assert response.status_code == 200
    assert response.headers["x-validation"] == "skipped"
    assert "Sydney" in response.json()["choices"][0]["message"]["content"]


def test_validator_fail_closed_refuses(deployed_app, client):
    with deployed_app.reconfigured({"fact_checker": {"timeout_s": 0.000001, "fail_closed": True}}):
        response = _chat(client, [{"role": "user", "content": "What is the capital of France?"}], model="small")
    assert response.status_code == 503
    assert response.headers["retry-after"]
    assert response.json()["error"]["code"] == "validation_unavailable"


# ---- cache ---------------------------------------------------------------------------------------


def test_exact_then_semantic_hit(client):
    first = _chat(client, [{"role": "user", "content": "What is the capital of Germany?"}], headers={}, model="small")
    again = _chat(client, [{"role": "user", "content": "What is the capital of Germany?"}], headers={}, model="small")
    paraphrase = _chat(client, [{"role": "user", "content": "What's the capital city of Germany?"}], headers={}, model="small")
    assert first.headers["x-cache"] == "miss"
    assert again.headers["x-cache"] == "exact"
    assert paraphrase.headers["x-cache"] == "semantic"
    assert again.json()["choices"] == first.json()["choices"] == paraphrase.json()["choices"]
    assert again.json()["id"] != first.json()["id"]


def test_streaming_request_hit_is_replayed_as_sse(client):
    question = [{"role": "user", "content": "What is the capital of France?"}]
    stored = _chat(client, question, headers={}, model="small", max_tokens=40).json()
    # only complete, uncontradicted answers are cached
    assert stored["choices"][0]["finish_reason"] == "stop" and stored["validation"]["verdict"] == "supported"
    body = {"model": "small", "messages": question, "temperature": 0, "max_tokens": 40, "stream": True}
    with client.stream("POST", "/v1/chat/completions", json=body) as response:
        assert response.headers["x-cache"] == "exact"
        events = _sse(response)
    assert events[-1] == "[DONE]"
    text = "".join(e["choices"][0]["delta"].get("content", "") for e in events[:-1] if e["choices"])
    assert text == stored["choices"][0]["message"]["content"]


def test_no_cache_header_bypasses(client):
    question = [{"role": "user", "content": "Name a primary color."}]
    _chat(client, question, headers={}, model="small")
    assert _chat(client, question, headers=NO_CACHE, model="small").headers["x-cache"] == "miss"


def test_tenants_do_not_share_entries(client, client_b):
    question = [{"role": "user", "content": "What is the capital of Spain?"}]
    _chat(client, question, headers={}, model="small")
    assert _chat(client, question, headers={}, model="small").headers["x-cache"] == "exact"
    assert _chat(client_b, question, headers={}, model="small").headers["x-cache"] == "miss"


@pytest.mark.parametrize("path, body", [
    ("/v1/chat/completions", {"model": "small", "messages": []}),
    ("/v1/chat/completions", {"model": "auto", "messages": [], "stream": True}),
    ("/v1/completions", {"model": "small", "prompt": []}),
])
def test_nothing_to_key_is_the_engines_400_with_the_cache_in_play(client, path, body):
    """An empty conversation or prompt list had failed building its cache query: 500 unless no-cache."""
    response = client.post(path, json={**body, "temperature": 0})
    assert response.status_code == 400 and response.json()["error"]["message"]


def test_cache_entries_in_redis_are_sealed(deployed_app, client):
    """The shared cache (serve_config.yaml: Redis, encryption required) never stores an answer or a question
    in clear; the ingress still answers the exact hit, so it opens them too."""
    question = [{"role": "user", "content": "What is the capital of Portugal?"}]
    answer = _chat(client, question, headers={}, model="small").json()["choices"][0]["message"]["content"]
    assert _chat(client, question, headers={}, model="small").headers["x-cache"] == "exact"
    redis = deployed_app.redis.client()
    entries = [redis.hgetall(key) for key in redis.scan_iter("{llmcache}:entry:*")]
    assert entries
    for entry in entries:
        for field in (b"payload", b"text"):
            assert answer.encode() not in entry.get(field, b"") and b"Portugal" not in entry.get(field, b"")


def test_contradicted_answers_are_not_cached_and_cut_ones_only_under_their_max_tokens(client):
    _chat(client, REPEAT_FALSEHOOD, headers={}, model="large")
    assert _chat(client, REPEAT_FALSEHOOD, headers={}, model="large").headers["x-cache"] == "miss"
    cut = [{"role": "user", "content": "Tell me a long story about a lighthouse keeper."}]
    assert _chat(client, cut, headers={}, model="small", max_tokens=3).json()["choices"][0]["finish_reason"] == "length"
    assert _chat(client, cut, headers={}, model="small", max_tokens=3).headers["x-cache"] == "exact"
    assert _chat(client, cut, headers={}, model="small", max_tokens=4).headers["x-cache"] == "miss"


def test_sampled_requests_are_not_cached(client):
    question = [{"role": "user", "content": "Suggest a name for a dog."}]
    _chat(client, question, headers={}, model="small", temperature=0.9)
    assert _chat(client, question, headers={}, model="small", temperature=0.9).headers["x-cache"] == "miss"


def test_classifier_replica_killed_falls_back_and_recovers(deployed_app, client):
    """The classifier deployment's only replica dies: requests still succeed on the fallback pool."""
    import time

    import ray
    from ray import serve

    replicas = [a for a in ray.util.list_named_actors(all_namespaces=True) if "ComplexityClassifier" in a["name"]]
    assert replicas, "the classifier replica is a named Serve actor"
    for actor in replicas:
        ray.kill(ray.get_actor(actor["name"], namespace=actor["namespace"]), no_restart=True)

    response = _chat(client, [{"role": "user", "content": HARD}], max_tokens=4)
    assert response.status_code == 200
    assert response.headers["x-route-fallback"] == "classifier-unavailable"
    assert response.headers["x-route"] == deployed_app.args["classifier"]["fallback_pool"]

    deadline = time.monotonic() + 120  # Serve replaces the dead replica; leave the graph whole
    while time.monotonic() < deadline:
        classifier = serve.status().applications["llm"].deployments["ComplexityClassifier"]
        if classifier.status == "HEALTHY" and classifier.replica_states.get("RUNNING", 0) >= 1:
            decision = client.post("/v1/classify", json={"prompt": HARD})
            if decision.status_code == 200:
                break
        time.sleep(1)
    assert client.post("/v1/classify", json={"prompt": HARD}).json()["route"] == "large"


# ---- feedback ------------------------------------------------------------------------------------


def test_feedback_is_tenant_scoped(client, client_b):
    answered = _chat(client, [{"role": "user", "content": "Name a color."}], model="small", max_tokens=4)
    request_id = answered.headers["x-request-id"]
    import time

    deadline = time.monotonic() + 30  # the record is written right after the answer, off the event loop
    while True:
        rated = client.post("/v1/feedback", json={"request_id": request_id, "score": 1.0, "comment": "good"})
        if rated.status_code != 404 or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    assert rated.status_code == 200 and rated.json()["route"] == "small" and rated.json()["version"] == "v1"
    other = client_b.post("/v1/feedback", json={"request_id": request_id, "score": 0.0})
    assert other.status_code == 404 and other.json()["error"]["code"] == "request_not_found"
    assert client.post("/v1/feedback", json={"request_id": "no-such-request", "score": 0.5}).status_code == 404
    bad = client.post("/v1/feedback", json={"request_id": request_id, "score": 7})
    assert bad.status_code == 400 and bad.json()["error"]["param"] == "score"
