"""Fakes for the pipeline's collaborators (no Ray, no model): the requests are vLLM's real request
models; the pools answer with vLLM-shaped bodies and chunks built from a scripted answer per pool."""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass, field
from typing import Any

import pytest

from pipeline import CHAT, COMPLETION, APIError, Caller, Collaborators, Job, Pipeline, PipelineSettings, PoolSpec, PoolUnavailable


@dataclass
class FakePools:
    """Answers `answers[pool]` (split into word chunks when streaming, sent `batch_size` chunks per batch);
    `fail[pool]` raises before any token, `fail_after[pool]` after that many chunks."""

    answers: dict[str, str] = field(default_factory=lambda: {"small": "Paris is the capital.", "large": "Paris is the capital."})
    fail: dict[str, BaseException] = field(default_factory=dict)
    fail_after: dict[str, int] = field(default_factory=dict)
    calls: list[tuple[str, Any]] = field(default_factory=list)
    versions: list[tuple[str, str]] = field(default_factory=list)
    prompt_tokens: int = 7
    batch_size: int = 1

    def _body(self, endpoint, pool, request) -> dict:
        text = self.answers[pool]
        n = request.n or 1
        completion = len(text.split())
        if endpoint is CHAT:
            choices = [{"index": i, "message": {"role": "assistant", "content": text}, "logprobs": None, "finish_reason": "stop"} for i in range(n)]
        else:
            choices = [{"index": i, "text": text, "logprobs": None, "finish_reason": "stop"} for i in range(n)]
        return {
            "id": "chatcmpl-x", "object": endpoint.object_name, "created": 1, "model": request.model, "choices": choices,
            "usage": {"prompt_tokens": self.prompt_tokens, "completion_tokens": completion * n, "total_tokens": self.prompt_tokens + completion * n},
        }

    async def complete(self, pool, version, endpoint, request):
        self.calls.append((pool, request))
        self.versions.append((pool, version))
        if pool in self.fail:
            raise self.fail[pool]
        await asyncio.sleep(0)
        return self._body(endpoint, pool, request)

    async def stream(self, pool, version, endpoint, request):
        self.calls.append((pool, request))
        self.versions.append((pool, version))
        if pool in self.fail:
            raise self.fail[pool]
        words = self.answers[pool].split(" ")
        batch: list[dict] = []
        envelope = {"id": "chatcmpl-x", "object": endpoint.chunk_object_name, "created": 1, "model": request.model}
        for i, word in enumerate(words):
            if self.fail_after.get(pool) == i:
                if batch:
                    yield batch
                raise PoolUnavailable("unavailable", "replica died")
            piece = word if i == 0 else " " + word
            finish = "stop" if i == len(words) - 1 else None
            usage = {"prompt_tokens": self.prompt_tokens, "completion_tokens": i + 1, "total_tokens": self.prompt_tokens + i + 1}
            if endpoint is CHAT:
                choice = {"index": 0, "delta": {"content": piece}, "logprobs": None, "finish_reason": finish}
            else:
                choice = {"index": 0, "text": piece, "logprobs": None, "finish_reason": finish}
            batch.append({**envelope, "choices": [choice], "usage": usage})
            if len(batch) == self.batch_size:
                await asyncio.sleep(0)
                yield batch
                batch = []
        yield [*batch, {**envelope, "choices": [], "usage": usage}]


class FakeChecker:
    """'contradicted' when the answer mentions Sydney as a capital, else 'supported'."""

    def __init__(self, delay_s: float = 0.0):
        self.delay_s = delay_s
        self.calls = 0

    async def __call__(self, text: str, question: str) -> dict:
        self.calls += 1
        await asyncio.sleep(self.delay_s)
        if "Sydney" in text:
            claim = {"text": text, "verdict": "contradicted",
                     "evidence": {"subject": "Australia", "relation": "capital", "value": "Canberra", "source": "countryinfo"}}
            return {"verdict": "contradicted", "score": 0.0, "claims": [claim]}
        return {"verdict": "supported", "score": 1.0, "claims": [{"text": text, "verdict": "supported", "evidence": None}]}


class FakeCache:
    def __init__(self):
        self.entries: dict[str, dict] = {}
        self.stores: list[tuple] = []

    @staticmethod
    def key(query) -> str:
        return json.dumps([query.tenant, query.model, query.messages, query.sampling], sort_keys=True, default=str)

    async def lookup(self, query):
        body = self.entries.get(self.key(query))
        return {"kind": "exact", "response": body, "similarity": 1.0} if body else None

    async def store(self, query, body, finish_reason, verdict):
        self.stores.append((query, finish_reason, verdict))
        if verdict not in ("contradicted", "blocked") and finish_reason == "stop":
            self.entries[self.key(query)] = body


@dataclass
class FakeGrant:
    headers: dict[str, str]
    estimated_tokens: int
    estimated_cost_usd: float


class FakeLimits:
    """Admits `allow` requests, then refuses with a 429; records every settlement."""

    def __init__(self, allow: int = 100):
        self.allow = allow
        self.grants: list[FakeGrant] = []
        self.settled: list[tuple[FakeGrant, int, int, float]] = []

    async def admit(self, caller, estimated_tokens, estimated_cost_usd):
        if len(self.grants) >= self.allow:
            raise APIError(429, "rate limit reached", code="rate_limit_exceeded", headers={"Retry-After": "7"})
        grant = FakeGrant({"x-ratelimit-limit-requests": str(self.allow),
                           "x-ratelimit-remaining-requests": str(self.allow - len(self.grants) - 1)},
                          estimated_tokens, estimated_cost_usd)
        self.grants.append(grant)
        return grant

    async def settle(self, grant, prompt_tokens, completion_tokens, cost_usd):
        self.settled.append((grant, prompt_tokens, completion_tokens, cost_usd))


def settings(**overrides) -> PipelineSettings:
    pools = {
        "small": PoolSpec("small", {"v1": "small-model"}, max_tokens_limit=512, max_model_len=2048, input_usd_per_million=1, output_usd_per_million=2),
        "large": PoolSpec("large", {"v1": "large-model"}, max_tokens_limit=1024, max_model_len=2048, input_usd_per_million=10, output_usd_per_million=20),
    }
    return PipelineSettings(pools=pools, **overrides)


@dataclass
class Harness:
    pools: FakePools = field(default_factory=FakePools)
    checker: FakeChecker | None = field(default_factory=FakeChecker)
    cache: FakeCache | None = None
    route: str = "small"
    classifier_delay_s: float = 0.0
    traces: list = field(default_factory=list)
    keys: dict[str, str] = field(default_factory=dict)
    limits: FakeLimits | None = None
    classifier_calls: int = 0

    async def classify(self, messages):
        self.classifier_calls += 1
        await asyncio.sleep(self.classifier_delay_s)
        return {"route": self.route, "score": 0.9 if self.route == "large" else 0.1, "threshold": 0.5, "signals": {}}

    async def authenticate(self, authorization):
        if not self.keys:
            return Caller("default")
        token = (authorization or "").removeprefix("Bearer ")
        if token not in self.keys:
            raise APIError(401, "Incorrect API key provided.", code="invalid_api_key")
        return self.keys[token] if isinstance(self.keys[token], Caller) else Caller(self.keys[token])

    def pipeline(self, **setting_overrides) -> Pipeline:
        return Pipeline(
            settings(**setting_overrides),
            Collaborators(
                pools=self.pools,
                authenticate=self.authenticate,
                admit=self.limits.admit if self.limits else None,
                settle=self.limits.settle if self.limits else None,
                classify=self.classify,
                check_facts=self.checker,
                cache_lookup=self.cache.lookup if self.cache else None,
                cache_store=self.cache.store if self.cache else None,
                observe=self.traces.append,
            ),
        )


def chat_request(content: str = "What is the capital of France?", **fields):
    from vllm.entrypoints.openai.chat_completion.protocol import ChatCompletionRequest

    return ChatCompletionRequest.model_validate({"model": "auto", "messages": [{"role": "user", "content": content}], **fields})


def completion_request(prompt: str = "The capital of France is", **fields):
    from vllm.entrypoints.openai.completion.protocol import CompletionRequest

    return CompletionRequest.model_validate({"model": "auto", "prompt": prompt, **fields})


def job(request, endpoint=None, **fields) -> Job:
    endpoint = endpoint or (COMPLETION if hasattr(request, "prompt") and not hasattr(request, "messages") else CHAT)
    return Job(endpoint=endpoint, request=request, request_id="req-1", **fields)


def run(coro):
    return asyncio.run(coro)


def run_stream(pipeline, job_) -> tuple[object, list]:
    """Runs a streaming request and reads its events on one event loop: (reply, events)."""

    async def go():
        reply = await pipeline.run(job_)
        return reply, await collect(reply)

    return asyncio.run(go())


async def collect(reply) -> list:
    """The SSE payloads of a stream reply, parsed ("[DONE]" kept as a string)."""
    return [event for write in [w async for w in reply.events] for event in sse_events(write)]


def sse_events(write: str) -> list:
    """The SSE payloads of one write of a stream (one or more whole `data: ...\\n\\n` events)."""
    assert write.startswith("data: ") and write.endswith("\n\n")
    events = []
    for event in write[:-2].split("\n\n"):
        assert event.startswith("data: ")
        data = event[len("data: "):]
        events.append(data if data == "[DONE]" else json.loads(data))
    return events


@pytest.fixture
def harness() -> Harness:
    return Harness()
