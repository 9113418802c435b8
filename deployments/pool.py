"""`LLMPool`: one deployment class serving one model; the app binds it twice (small, large), each
with its own replicas and autoscaling.

The pool owns the tokenizer: it applies the chat template, counts prompt tokens, refuses prompts
that do not fit the model's context, and then streams from the engine. A replica finishes
construction (and so becomes healthy) only after the engine has generated a token.
"""

from __future__ import annotations

import logging
import os
import uuid
from dataclasses import dataclass, field
from typing import AsyncIterator

from ray import serve

from engines import BatchEngine, EngineConfig, GenerationChunk, GenerationRequest, create_engine

logger = logging.getLogger("ray.serve")


class PromptTooLongError(ValueError):
    """The prompt plus max_tokens does not fit the model's context window (a client error)."""


@dataclass
class PoolRequest:
    request_id: str
    max_tokens: int
    messages: list[dict[str, str]] | None = None  # chat: templated by the pool
    prompt: str | None = None  # completions: used as is
    temperature: float = 1.0
    top_p: float = 1.0
    stop: list[str] = field(default_factory=list)
    seed: int | None = None


@serve.deployment
class LLMPool:
    # Only what the replica needs is passed in, so changing a pool's scaling options in the config
    # reconfigures Serve without restarting (and reloading) its engines.
    async def __init__(self, pool_name: str, engine_config: EngineConfig, model_name: str):
        from transformers import AutoConfig, AutoTokenizer

        self.pool_name = pool_name
        self.engine_config = engine_config
        self.model_name = model_name
        model_path = engine_config.model_path
        self.tokenizer = AutoTokenizer.from_pretrained(model_path)
        self.max_model_len = int(
            engine_config.engine_kwargs.get("max_model_len")
            or AutoConfig.from_pretrained(model_path).max_position_embeddings
        )
        self.engine = create_engine(engine_config)
        self.batched = isinstance(self.engine, BatchEngine)
        if self.batched:
            self._generate_batched.set_max_batch_size(engine_config.max_batch_size)
            self._generate_batched.set_batch_wait_timeout_s(engine_config.batch_wait_timeout_s)
        await self.engine.start()
        await self._warm_up()
        logger.info("pool %s ready: %s on %s", pool_name, model_name, engine_config.kind)

    async def _warm_up(self) -> None:
        warm_up = PoolRequest(request_id=f"warmup-{uuid.uuid4().hex[:8]}", max_tokens=1, messages=[{"role": "user", "content": "Hi"}])
        async for _ in self.generate(warm_up):
            pass

    def _prepare(self, request: PoolRequest) -> GenerationRequest:
        if request.messages is not None:
            prompt_token_ids = self.tokenizer.apply_chat_template(
                request.messages, add_generation_prompt=True, tokenize=True, return_dict=False
            )
        else:
            prompt_token_ids = self.tokenizer.encode(request.prompt)
        prompt_token_ids = list(prompt_token_ids)
        needed = len(prompt_token_ids) + request.max_tokens
        if needed > self.max_model_len:
            raise PromptTooLongError(
                f"This model's maximum context length is {self.max_model_len} tokens. However, you requested "
                f"{needed} tokens ({len(prompt_token_ids)} in the messages, {request.max_tokens} in the completion). "
                "Please reduce the length of the messages or completion."
            )
        return GenerationRequest(
            request_id=request.request_id,
            prompt_token_ids=prompt_token_ids,
            max_tokens=request.max_tokens,
            temperature=request.temperature,
            top_p=request.top_p,
            stop=request.stop,
            seed=request.seed,
        )

    async def generate(self, request: PoolRequest) -> AsyncIterator[GenerationChunk]:
        generation = self._prepare(request)
        stream = self._generate_batched(generation) if self.batched else self.engine.generate(generation)
        async for chunk in stream:
            yield chunk

    @serve.batch(max_batch_size=8, batch_wait_timeout_s=0.02)
    async def _generate_batched(self, requests: list[GenerationRequest]) -> AsyncIterator[list]:
        # Serve hands each caller its own entry of every yielded list; StopIteration ends that caller's stream.
        async for step in self.engine.generate_batch(requests):
            yield [StopIteration if chunk is None else chunk for chunk in step]

    def describe(self) -> dict:
        return {
            "pid": os.getpid(),
            "pool": self.pool_name,
            "model": self.model_name,
            "engine": self.engine_config.kind,
            "max_model_len": self.max_model_len,
        }

    async def check_health(self) -> None:
        # Raising marks this replica unhealthy; Serve then replaces it.
        await self.engine.check_health()

    async def __del__(self):
        await self.engine.shutdown()
