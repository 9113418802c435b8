"""The fixed-latency test engine (tests/fakes.py) behaves as the StreamingEngine the pools expect."""

from __future__ import annotations

import asyncio

import pytest

from engines import EngineDeadError, EngineConfig, GenerationRequest, StreamingEngine, create_engine
from tests.fakes import FixedLatencyEngine


def collect(engine: FixedLatencyEngine, max_tokens: int) -> list:
    async def run():
        return [chunk async for chunk in engine.generate(GenerationRequest("r1", [1, 2, 3], max_tokens=max_tokens))]

    return asyncio.run(run())


def started_engine(**kwargs) -> FixedLatencyEngine:
    engine = FixedLatencyEngine("/unused", latency_s=0, **kwargs)
    asyncio.run(engine.start())
    return engine


def test_is_a_streaming_engine_built_by_the_custom_engine_kind():
    config = EngineConfig(kind="custom", engine_class="tests.fakes:FixedLatencyEngine", model="/m",
                          engine_kwargs={"latency_s": 0.5, "tokens": 3})
    engine = create_engine(config)
    assert isinstance(engine, StreamingEngine)
    assert (engine.latency_s, engine.tokens) == (0.5, 3)


def test_yields_its_tokens_then_stops():
    chunks = collect(started_engine(tokens=4), max_tokens=16)
    assert [c.completion_tokens for c in chunks] == [1, 2, 3, 4]
    assert [c.finish_reason for c in chunks] == [None, None, None, "stop"]
    assert all(c.prompt_tokens == 3 for c in chunks)


def test_max_tokens_cuts_it_short_with_length():
    chunks = collect(started_engine(tokens=8), max_tokens=2)
    assert [c.completion_tokens for c in chunks] == [1, 2]
    assert chunks[-1].finish_reason == "length"


def test_unhealthy_and_refuses_work_after_shutdown():
    engine = started_engine()
    asyncio.run(engine.check_health())
    asyncio.run(engine.shutdown())
    with pytest.raises(EngineDeadError):
        asyncio.run(engine.check_health())
    with pytest.raises(EngineDeadError):
        collect(engine, max_tokens=1)
