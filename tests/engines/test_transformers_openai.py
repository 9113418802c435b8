"""The transformers engine behind OpenAI's shapes (vLLM's request and response models) on the real
default model: what it serves, what it refuses with a 400 naming the parameter, and its stream."""

import asyncio
import json

import pytest

from engines.transformers_openai import UNSUPPORTED, TransformersOpenAIServer

QUESTION = [{"role": "user", "content": "What is the capital of France?"}]


def _chat(**fields):
    from vllm.entrypoints.openai.chat_completion.protocol import ChatCompletionRequest

    return ChatCompletionRequest.model_validate({"model": "m", "messages": QUESTION, "temperature": 0, **fields})


async def _items(server, request, method="chat"):
    return [item async for item in getattr(server, method)(request)]


@pytest.fixture(scope="module")
def run_server(model_dir):
    """(server, run) with one event loop for the module: the server's batch worker lives on it."""
    loop = asyncio.new_event_loop()
    server = TransformersOpenAIServer(str(model_dir), "m", max_model_len=2048, max_tokens_limit=64, max_batch_size=4)
    loop.run_until_complete(server.start())
    yield server, loop.run_until_complete
    loop.run_until_complete(server.shutdown())
    loop.close()


def test_chat_answers_with_usage(run_server):
    server, run = run_server
    [response] = run(_items(server, _chat(max_tokens=16)))
    body = response.model_dump()
    assert "Paris" in body["choices"][0]["message"]["content"]
    assert body["usage"]["completion_tokens"] <= 16 and body["usage"]["prompt_tokens"] > 0


def test_default_max_tokens_is_bounded_by_the_pools_limit(run_server):
    server, run = run_server
    [response] = run(_items(server, _chat(messages=[{"role": "user", "content": "Write a very long story."}])))
    assert response.usage.completion_tokens <= 64


@pytest.mark.parametrize(
    "fields, param",
    [({"n": 2, "temperature": 0.5}, "n"), ({"logprobs": True}, "logprobs"), ({"presence_penalty": 0.5}, "presence_penalty"),
     ({"response_format": {"type": "json_object"}}, "response_format"), ({"logit_bias": {"5": 1}}, "logit_bias"),
     ({"top_k": 5}, "top_k"), ({"stop": [""]}, "stop"), ({"max_tokens": 5000}, "messages")],
)
def test_what_it_cannot_do_is_a_400_naming_the_parameter(run_server, fields, param):
    server, run = run_server
    [error] = run(_items(server, _chat(**fields)))
    assert error.error.code == 400 and error.error.param == param


def test_neutral_values_pass():
    assert not any(UNSUPPORTED[p](v) for p, v in [("presence_penalty", 0), ("frequency_penalty", 0.0), ("n", 1), ("top_k", -1)])


def test_stream_is_openai_sse_with_usage_when_asked(run_server):
    server, run = run_server
    request = _chat(max_tokens=12, stream=True, stream_options={"include_usage": True, "continuous_usage_stats": True})
    events = run(_items(server, request))
    assert events[-1] == "data: [DONE]\n\n"
    payloads = [json.loads(e[len("data: "):]) for e in events[:-1]]
    assert payloads[0]["choices"][0]["delta"]["role"] == "assistant"
    assert payloads[-1]["choices"] == [] and payloads[-1]["usage"]["completion_tokens"] > 0
    assert all("usage" in p for p in payloads[1:-1])  # continuous usage
    assert "Paris" in "".join(p["choices"][0]["delta"].get("content") or "" for p in payloads[:-1])


def test_completion(run_server):
    from vllm.entrypoints.openai.completion.protocol import CompletionRequest

    server, run = run_server
    [response] = run(_items(server, CompletionRequest(model="m", prompt="1, 2, 3, 4,", max_tokens=4, temperature=0), "completions"))
    assert response.usage.completion_tokens == 4 and response.choices[0].finish_reason == "length"
