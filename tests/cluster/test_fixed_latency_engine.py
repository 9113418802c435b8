"""The fixed-latency test engine (tests/fakes.py) answers in OpenAI's shapes like the real engines."""

from __future__ import annotations

import asyncio
import json

import pytest

from engines import EngineDeadError
from tests.fakes import FixedLatencyServer


def _request(max_tokens: int, stream: bool = False):
    from vllm.entrypoints.openai.chat_completion.protocol import ChatCompletionRequest

    return ChatCompletionRequest.model_validate(
        {"model": "fake", "messages": [{"role": "user", "content": "hi"}], "max_tokens": max_tokens, "stream": stream}
    )


def _run(server, request):
    async def go():
        await server.start()
        return [item async for item in server.chat(request)]

    return asyncio.run(go())


def test_yields_its_tokens_then_stops(model_dir):
    [response] = _run(FixedLatencyServer(str(model_dir), "fake", latency_s=0, tokens=4), _request(16))
    assert response.choices[0].message.content == " tok" * 4
    assert response.choices[0].finish_reason == "stop" and response.usage.completion_tokens == 4


def test_max_tokens_cuts_it_short_with_length_and_streams(model_dir):
    events = _run(FixedLatencyServer(str(model_dir), "fake", latency_s=0, tokens=8), _request(2, stream=True))
    payloads = [json.loads(e[6:]) for e in events if e != "data: [DONE]\n\n"]
    assert [p["choices"][0].get("finish_reason") for p in payloads][-1] == "length"
    assert "".join(p["choices"][0]["delta"].get("content") or "" for p in payloads) == " tok" * 2


def test_unhealthy_and_refuses_work_after_shutdown(model_dir):
    server = FixedLatencyServer(str(model_dir), "fake", latency_s=0)

    async def go():
        await server.start()
        await server.check_health()
        await server.shutdown()
        with pytest.raises(EngineDeadError):
            await server.check_health()

    asyncio.run(go())
