"""Test doubles for the pools' engines.

`FixedLatencyEngine` is a Ray Serve LLM `LLMEngine` that stands in for a model where scaling and
failover behaviour, not the model, is under test: every token takes a known time and uses no CPU while
it waits, so the number of requests in flight (what Serve autoscales on) is set by the test, not by how
fast this machine runs a model. It speaks the same OpenAI shapes as the transformers engine (it is that
server with the decoding replaced). Plug it in as a pool version with

    engine: custom
    engine_class: "tests.fakes:FixedLatencyEngine"
    llm_config:
      model_loading_config: {model_id: fake, model_source: <a model dir, for its tokenizer>}
      experimental_configs: {fixed_latency: {latency_s: 0.1, tokens: 10, text: " tok"}}
"""

from __future__ import annotations

import asyncio
from typing import Any, AsyncIterator

from deployments.engines import TransformersLLMEngine
from engines import EngineDeadError, GenerationChunk, GenerationRequest
from engines.transformers_openai import TransformersOpenAIServer


class FixedLatencyServer(TransformersOpenAIServer):
    """Up to `tokens` tokens per request, each `latency_s` after the previous one: finish_reason "length"
    when max_tokens cut it short, "stop" otherwise. Each token is `text`; prompt tokens are real."""

    def __init__(self, model_path: str, model_id: str, latency_s: float = 0.05, tokens: int = 8, text: str = " tok",
                 max_model_len: int = 2048, max_tokens_limit: int | None = None):
        if latency_s < 0 or tokens < 1:
            raise ValueError("latency_s must be >= 0 and tokens >= 1")
        self.model_id, self.model_path = model_id, model_path
        self.latency_s, self.tokens, self.text = latency_s, tokens, text
        self.max_model_len, self.max_tokens_limit = max_model_len, max_tokens_limit
        self._tokenizer = None
        self.started = False

    @property
    def tokenizer(self) -> Any:
        return self._tokenizer

    async def start(self) -> None:
        from transformers import AutoTokenizer

        self._tokenizer = AutoTokenizer.from_pretrained(self.model_path)
        self.started = True

    async def check_health(self) -> None:
        if not self.started:
            raise EngineDeadError("FixedLatencyEngine is not running")

    async def shutdown(self) -> None:
        self.started = False

    async def _generate(self, request: GenerationRequest) -> AsyncIterator[GenerationChunk]:
        if not self.started:
            raise EngineDeadError("FixedLatencyEngine used before start() or after shutdown()")
        count = min(self.tokens, request.max_tokens)
        for produced in range(1, count + 1):
            await asyncio.sleep(self.latency_s)
            finish = None if produced < count else ("length" if request.max_tokens < self.tokens else "stop")
            yield GenerationChunk(self.text, produced, len(request.prompt_token_ids), finish)


class FixedLatencyEngine(TransformersLLMEngine):
    """FixedLatencyServer as a Ray Serve LLM engine (options in experimental_configs.fixed_latency)."""

    def __init__(self, llm_config: Any):
        loading = llm_config.model_loading_config
        options = dict(llm_config.experimental_configs.get("fixed_latency") or {})
        limit = (llm_config.engine_kwargs.get("override_generation_config") or {}).get("max_new_tokens")
        self.server = FixedLatencyServer(loading.model_source or loading.model_id, loading.model_id, max_tokens_limit=limit, **options)
