"""The values the deployment passes in and gets back: a query, a hit, and why a store was refused."""

from __future__ import annotations

from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field


class CacheQuery(BaseModel):
    """One chat request as the cache sees it."""

    model_config = ConfigDict(extra="forbid")

    tenant: str = Field(min_length=1, description="Tenant the request belongs to; entries never cross tenants.")
    model: str = Field(min_length=1, description="Model name as requested: 'auto', 'small' or 'large'.")
    messages: list[dict[str, Any]] = Field(
        min_length=1, description="OpenAI chat messages: {'role', 'content', ...}."
    )
    sampling: dict[str, Any] = Field(
        default_factory=dict,
        description="Sampling parameters of the request (temperature, top_p, max_tokens, seed, stop, ...).",
    )
    paraphrases: bool = Field(
        True,
        description="Whether a paraphrase of the last user turn may take this answer (the semantic tier): true "
        "for chat questions, false for raw text completions, which the model continues verbatim.",
    )


class CacheHit(BaseModel):
    """A cached answer: `response` is the stored chat.completion body (a fresh copy per hit)."""

    model_config = ConfigDict(extra="forbid")

    kind: Literal["exact", "semantic"]
    response: dict[str, Any]
    similarity: float = Field(description="Cosine similarity of the last user turns; 1.0 for exact hits.")


class StoreOutcome(StrEnum):
    """The reason `ResponseCacheStore.store` returns; only STORED means the entry was written."""

    STORED = "stored"
    ERROR = "error"
    BLOCKED = "blocked"
    CONTRADICTED = "contradicted"
    TRUNCATED = "truncated"  # finish_reason "length": cut off by max_tokens
    UNFINISHED = "unfinished"  # any other finish_reason than stop / tool_calls (content_filter, None, ...)
    NONDETERMINISTIC = "nondeterministic"
    TOO_LARGE = "too_large"  # the entry alone is bigger than max_bytes
    BACKEND_UNAVAILABLE = "backend_unavailable"  # Redis down: the cache is bypassed
