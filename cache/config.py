"""Configuration of the response cache: one pydantic model that fails fast with the field name."""

from __future__ import annotations

from typing import Literal

from common.redis_url import check_redis_url
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

# Chosen with `python -m cache.eval --set dev` (the dev set only; the test set is never tuned on).
# The cosine threshold only picks candidates; the guards, the alignment rules (cache/alignment.py) and
# the pair verifier (cache/verifier.py) decide. Verifier 0.5 kept: 0.3 adds 4 dev hits but 0.2 already
# lets a near-miss through, too thin a margin for a cache whose false hit is the costly error.
DEFAULT_SIMILARITY_THRESHOLD = 0.70
DEFAULT_VERIFIER_THRESHOLD = 0.5


class CacheConfig(BaseModel):
    """Settings of one `ResponseCacheStore` (one per cache replica)."""

    model_config = ConfigDict(extra="forbid")

    backend: Literal["memory", "redis"] = Field(
        default="memory",
        description="Where entries live: 'memory' (this process only) or 'redis' (shared by every replica).",
    )
    redis_url: str = Field(
        default="redis://127.0.0.1:6379/0",
        description="Redis connection URL (redis://, rediss:// or unix://); used when backend is 'redis'.",
    )
    redis_key_prefix: str = Field(
        default="llmcache",
        description="Prefix of every Redis key, so several caches can share one Redis database.",
    )
    redis_timeout_s: float = Field(
        default=0.25,
        gt=0,
        description="Connect and read timeout of one Redis call; a slow Redis must not stall requests.",
    )
    redis_retry_interval_s: float = Field(
        default=2.0,
        gt=0,
        description="After Redis fails, requests bypass the cache without trying Redis for this long.",
    )
    ttl_s: float = Field(default=3600.0, gt=0, description="Seconds an entry stays valid after it is stored.")
    max_bytes: int = Field(
        default=256 * 1024 * 1024,
        gt=0,
        description="Upper bound on the bytes of stored entries; the least recently used are evicted first.",
    )
    cache_nondeterministic: bool = Field(
        default=False,
        description="Also cache requests that sample (temperature > 0 without a seed).",
    )
    semantic_enabled: bool = Field(
        default=True, description="Answer near-identical last user turns from the cache (embedding match)."
    )
    similarity_threshold: float = Field(
        default=DEFAULT_SIMILARITY_THRESHOLD,
        gt=0.0,
        le=1.0,
        description="Minimum cosine similarity between last user turns for a candidate of a semantic hit.",
    )
    verifier_enabled: bool = Field(
        default=True,
        description="Let the trained pair verifier (cache/verifier.py) confirm each semantic candidate.",
    )
    verifier_threshold: float = Field(
        default=DEFAULT_VERIFIER_THRESHOLD,
        ge=0.0,
        le=1.0,
        description="Minimum verifier probability that a candidate asks for the same thing.",
    )
    encryption: Literal["required", "optional"] = Field(
        default="optional",
        description=(
            "Encryption at rest of Redis entries (AES-256-GCM, key from `encryption_key_env`): 'required' "
            "refuses to start without a key; 'optional' encrypts when the key is set, else stores in clear."
        ),
    )
    encryption_key_env: str = Field(
        default="LLM_SERVE_CACHE_KEY",
        min_length=1,
        description="Environment variable holding the key: URL-safe base64 of 32 random bytes.",
    )
    semantic_candidates: int = Field(
        default=4,
        ge=1,
        le=64,
        description="Nearest neighbours checked against the near-miss guards before declaring a miss.",
    )
    semantic_max_chars: int = Field(
        default=1000,
        ge=1,
        description=(
            "Longer last user turns are cached exactly only: the embedding model reads ~256 tokens, "
            "so two long prompts that differ at the end would look identical."
        ),
    )
    index_probes: int = Field(
        default=8,
        ge=1,
        description="Clusters of the vector index scanned per semantic lookup (recall vs latency).",
    )

    @field_validator("redis_url")
    @classmethod
    def _redis_url_has_known_scheme(cls, url: str) -> str:
        return check_redis_url(url)

    @field_validator("redis_key_prefix")
    @classmethod
    def _prefix_is_plain(cls, prefix: str) -> str:
        if not prefix or any(ch in prefix for ch in "{}: \t\n"):
            raise ValueError("redis_key_prefix must be non-empty without braces, colons or whitespace")
        return prefix

    @model_validator(mode="after")
    def _timeout_shorter_than_retry(self) -> "CacheConfig":
        if self.backend == "redis" and self.redis_timeout_s >= self.redis_retry_interval_s:
            raise ValueError("redis_timeout_s must be shorter than redis_retry_interval_s")
        return self
