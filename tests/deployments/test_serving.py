"""The deployed graph on the real model: both pools (small on vLLM, large on transformers), streaming,
usage counts, headers, and every bad-input case answered with a 4xx in OpenAI's error shape."""

import json

import pytest
from transformers import AutoTokenizer

pytestmark = pytest.mark.integration

QUESTION = [{"role": "user", "content": "What is the capital of France?"}]
NO_CACHE = {"cache-control": "no-cache"}


def _chat(client, **body):
    # no-cache: these tests are about generation, not the cache in front of it
    return client.post("/v1/chat/completions", json={"messages": QUESTION, "temperature": 0, "max_tokens": 24, **body},
                       headers=NO_CACHE)


@pytest.mark.parametrize("pool", ["small", "large"])
def test_each_pool_answers_with_real_usage(client, model_dir, pool):
    response = _chat(client, model=pool)
    assert response.status_code == 200, response.text
    assert response.headers["x-route"] == pool
    assert response.headers["x-request-id"]
    body = response.json()
    answer = body["choices"][0]["message"]["content"]
    assert "Paris" in answer
    tokenizer = AutoTokenizer.from_pretrained(model_dir)
    prompt_ids = tokenizer.apply_chat_template(QUESTION, add_generation_prompt=True, tokenize=True, return_dict=False)
    usage = body["usage"]
    assert usage["prompt_tokens"] == len(prompt_ids)
    # The completion's tokens re-encode to (about) the count the engine reports; exactness is per-engine.
    assert abs(usage["completion_tokens"] - len(tokenizer.encode(answer))) <= 2
    assert usage["total_tokens"] == usage["prompt_tokens"] + usage["completion_tokens"]


def test_max_tokens_cuts_generation_with_length(client):
    body = _chat(client, model="small", max_tokens=3, messages=[{"role": "user", "content": "Tell me a long story."}]).json()
    assert body["usage"]["completion_tokens"] == 3
    assert body["choices"][0]["finish_reason"] == "length"


def test_auto_uses_a_pool(client):
    response = _chat(client, model="auto")
    assert response.status_code == 200
    assert response.headers["x-route"] in {"small", "large"}


def _sse_events(response):
    events = []
    for line in response.iter_lines():
        if line.startswith("data: "):
            payload = line[len("data: "):]
            events.append(payload if payload == "[DONE]" else json.loads(payload))
    return events


@pytest.mark.parametrize("pool", ["small", "large"])
def test_streaming_chat(client, pool):
    body = {"model": pool, "messages": QUESTION, "temperature": 0, "max_tokens": 24, "stream": True,
            "stream_options": {"include_usage": True}}
    with client.stream("POST", "/v1/chat/completions", json=body, headers=NO_CACHE) as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        events = _sse_events(response)
    assert events[-1] == "[DONE]"
    chunks = [e for e in events[:-1] if e["choices"]]
    text = "".join(c["choices"][0]["delta"].get("content", "") for c in chunks)
    assert "Paris" in text
    assert len(chunks) > 3, "tokens should arrive as several chunks"
    assert chunks[-1]["choices"][0]["finish_reason"] == "stop"
    usage = events[-2]["usage"]
    assert usage["completion_tokens"] > 0 and usage["prompt_tokens"] > 0


def test_streaming_completion(client):
    body = {"model": "small", "prompt": "The capital of Italy is", "max_tokens": 6, "temperature": 0, "stream": True}
    with client.stream("POST", "/v1/completions", json=body, headers=NO_CACHE) as response:
        events = _sse_events(response)
    assert events[-1] == "[DONE]"
    token_events = [e for e in events[:-1] if e["choices"]]  # the rest carry usage or the validation verdict
    assert "".join(e["choices"][0]["text"] for e in token_events).strip()
    assert token_events[-1]["choices"][0]["finish_reason"] == "length"
    assert all(e["object"] == "text_completion" for e in events[:-1])


def test_text_completion(client):
    body = client.post("/v1/completions", json={"model": "large", "prompt": "1, 2, 3, 4,", "max_tokens": 4, "temperature": 0},
                       headers=NO_CACHE).json()
    assert body["object"] == "text_completion"
    assert body["usage"]["completion_tokens"] == 4


def test_models_and_health(client):
    ids = [m["id"] for m in client.get("/v1/models").json()["data"]]
    assert ids == ["auto", "small", "large"]
    assert client.get("/healthz").json()["status"] == "ok"


def test_openai_client_streaming_and_not(deployed_app):
    from openai import OpenAI

    openai = OpenAI(base_url=f"{deployed_app.url}/v1", api_key=deployed_app.keys["tenant-a"], max_retries=0)
    answer = openai.chat.completions.create(model="small", messages=QUESTION, temperature=0, max_tokens=24, extra_headers=NO_CACHE)
    assert "Paris" in answer.choices[0].message.content
    stream = openai.chat.completions.create(model="large", messages=QUESTION, temperature=0, max_tokens=24, stream=True, extra_headers=NO_CACHE)
    assert "Paris" in "".join(chunk.choices[0].delta.content or "" for chunk in stream if chunk.choices)


def _assert_openai_error(response, status, param=None):
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert set(error) == {"message", "type", "param", "code"} and error["message"]
    if param is not None:
        assert error["param"] == param
    return error


@pytest.mark.parametrize(
    "body, param",
    [
        ({"model": "small"}, "messages"),
        ({"model": "small", "messages": "hello"}, "messages"),
        ({"model": "small", "messages": [{"content": "x"}]}, "messages.0.role"),
        ({"model": "small", "messages": QUESTION, "max_tokens": -1}, "max_tokens"),
        ({"model": "small", "messages": QUESTION, "max_tokens": 0}, "max_tokens"),
        ({"model": "small", "messages": QUESTION, "max_tokens": 100000}, "max_tokens"),
        ({"model": "small", "messages": QUESTION, "temperature": "hot"}, "temperature"),
        ({"model": "small", "messages": QUESTION, "seed": 18446744073709551616}, "seed"),
        ({"model": "small", "messages": QUESTION, "max_completion_tokens": 100000}, "max_completion_tokens"),
    ],
)
def test_bad_input_is_a_400_naming_the_field(client, body, param):
    _assert_openai_error(client.post("/v1/chat/completions", json=body), 400, param)


def test_malformed_json_is_a_400(client):
    response = client.post("/v1/chat/completions", content=b'{"model": "small", "messages": [', headers={"content-type": "application/json"})
    assert _assert_openai_error(response, 400)["code"] == "invalid_json"


def test_unknown_model_is_a_404(client):
    assert _assert_openai_error(_chat(client, model="gpt-99"), 404, "model")["code"] == "model_not_found"


@pytest.mark.parametrize("stream", [False, True])
def test_over_long_prompt_is_a_400(client, stream):
    long_prompt = [{"role": "user", "content": "lorem ipsum " * 2000}]
    response = client.post("/v1/chat/completions", json={"model": "small", "messages": long_prompt, "max_tokens": 8, "stream": stream})
    error = _assert_openai_error(response, 400, "messages")
    assert error["code"] == "context_length_exceeded" and "2048" in error["message"]


def test_bad_completion_input(client):
    _assert_openai_error(client.post("/v1/completions", json={"model": "small", "prompt": ""}), 400, "prompt")


def test_missing_or_wrong_api_key_is_a_401(deployed_app):
    import httpx

    for headers in ({}, {"Authorization": "Bearer wrong"}):
        response = httpx.post(f"{deployed_app.url}/v1/chat/completions", json={"model": "small", "messages": QUESTION}, headers=headers)
        assert _assert_openai_error(response, 401)["code"] == "invalid_api_key"


def test_replicas_recover_after_bad_input(client):
    """Bad requests leave nothing broken: a good request still succeeds afterwards."""
    assert _chat(client, model="small").status_code == 200


def test_saturated_pool_answers_503_with_retry_after(deployed_app, client):
    """Overload is refused quickly with 503 + Retry-After (Serve's max_queued_requests), never a hang.
    (Failover is off here: with it on, the other pool takes the overflow. A long assignment deadline keeps
    the one queued request waiting for the running one even if an earlier test left the pool suspect.)"""
    from concurrent.futures import ThreadPoolExecutor

    body = {"model": "small", "messages": [{"role": "user", "content": "Write a story about a fox."}], "max_tokens": 48}
    with deployed_app.reconfigured(
        {"ingress": {"failover": False, "pool_assign_timeout_s": 300}}, deployment_options={"SmallPool:v1": {"max_ongoing_requests": 1, "max_queued_requests": 1}}
    ):
        with ThreadPoolExecutor(max_workers=8) as threads:
            responses = list(threads.map(lambda _: client.post("/v1/chat/completions", json=body, headers=NO_CACHE), range(8)))
    statuses = sorted(r.status_code for r in responses)
    assert 200 in statuses and 503 in statuses, statuses
    assert set(statuses) == {200, 503}, statuses
    for response in responses:
        if response.status_code == 503:
            assert int(response.headers["retry-after"]) > 0
            assert response.json()["error"]["code"] == "overloaded"
