"""The engine interface every model pool talks to.

A pool turns an OpenAI request into a `GenerationRequest` (chat template applied, prompt tokenized,
limits checked) and reads back a stream of `GenerationChunk`s. Engines differ in how they batch:
vLLM batches continuously inside its own scheduler; the transformers engine decodes a batch that the
caller assembles (the pool uses Ray Serve's `@serve.batch` for that).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import AsyncIterator, Protocol, runtime_checkable


@dataclass
class GenerationRequest:
    request_id: str
    prompt_token_ids: list[int]
    max_tokens: int
    temperature: float = 1.0
    top_p: float = 1.0
    stop: list[str] = field(default_factory=list)
    seed: int | None = None


@dataclass
class GenerationChunk:
    """One streamed piece of a completion. `text` is the new text since the previous chunk;
    `completion_tokens` counts all tokens generated so far; `finish_reason` is set on the last chunk."""

    text: str
    completion_tokens: int
    prompt_tokens: int
    finish_reason: str | None = None  # "stop" | "length"


class EngineDeadError(RuntimeError):
    """The engine can no longer generate; the replica must be replaced."""


@runtime_checkable
class StreamingEngine(Protocol):
    """An engine that schedules concurrent requests itself (vLLM)."""

    async def start(self) -> None: ...

    def generate(self, request: GenerationRequest) -> AsyncIterator[GenerationChunk]: ...

    async def check_health(self) -> None: ...

    async def shutdown(self) -> None: ...


@runtime_checkable
class BatchEngine(Protocol):
    """An engine that decodes a batch the caller assembled (transformers). Each step yields one entry
    per request: a chunk, or None once that request has finished."""

    async def start(self) -> None: ...

    def generate_batch(self, requests: list[GenerationRequest]) -> AsyncIterator[list[GenerationChunk | None]]: ...

    async def check_health(self) -> None: ...

    async def shutdown(self) -> None: ...
