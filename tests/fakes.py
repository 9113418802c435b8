"""Test doubles for the engine interface (engines/base.py).

`FixedLatencyEngine` stands in for a model where scaling behaviour, not the model, is under test: every
request takes a known time and uses no CPU while it waits, so the number of requests in flight (what Serve
autoscales on) is set by the test, not by how fast this machine can run a model. Plug it in with

    engine: {kind: custom, engine_class: "tests.fakes:FixedLatencyEngine", model: <dir>,
             engine_kwargs: {latency_s: 0.1, tokens: 10}}

(the pool still loads the tokenizer from `model`, so `model` must be a real model directory).
"""

from __future__ import annotations

import asyncio
from typing import AsyncIterator

from engines import EngineDeadError, GenerationChunk, GenerationRequest


class FixedLatencyEngine:
    """A StreamingEngine that yields up to `tokens` tokens, each `latency_s` after the previous one.

    A request gets min(tokens, max_tokens) tokens: finish_reason "length" when max_tokens cut it short,
    "stop" otherwise. Each token is the text " tok"; prompt_tokens is the prompt's real length."""

    TOKEN_TEXT = " tok"

    def __init__(self, model_path: str, latency_s: float = 0.05, tokens: int = 8):
        if latency_s < 0 or tokens < 1:
            raise ValueError("latency_s must be >= 0 and tokens >= 1")
        self.model_path = model_path
        self.latency_s = latency_s
        self.tokens = tokens
        self.started = False

    async def start(self) -> None:
        self.started = True

    async def generate(self, request: GenerationRequest) -> AsyncIterator[GenerationChunk]:
        if not self.started:
            raise EngineDeadError("FixedLatencyEngine.generate called before start() or after shutdown()")
        count = min(self.tokens, request.max_tokens)
        for produced in range(1, count + 1):
            await asyncio.sleep(self.latency_s)
            finish_reason = None
            if produced == count:
                finish_reason = "length" if request.max_tokens < self.tokens else "stop"
            yield GenerationChunk(
                text=self.TOKEN_TEXT,
                completion_tokens=produced,
                prompt_tokens=len(request.prompt_token_ids),
                finish_reason=finish_reason,
            )

    async def check_health(self) -> None:
        if not self.started:
            raise EngineDeadError("FixedLatencyEngine is not running")

    async def shutdown(self) -> None:
        self.started = False
