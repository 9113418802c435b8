"""The transformers engine's request and chunk types (engines/transformers_openai.py turns OpenAI
requests into these and the chunks back into OpenAI responses)."""

from __future__ import annotations

from dataclasses import dataclass, field


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
