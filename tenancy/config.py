"""Configuration of tenancy (keys, rate limits, budgets): one pydantic model that fails fast with the
field's name. The ingress holds one `TenancyConfig`; live knobs (limits of anonymous traffic,
fail_open) may change through its user_config without touching Redis data."""

from __future__ import annotations

import re
from typing import Literal

from common.redis_url import check_redis_url
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

ModelName = Literal["auto", "small", "large"]
BudgetPeriod = Literal["day", "month", "total"]

DEFAULT_REDIS_URL = "redis://127.0.0.1:6380/0"  # make serve's Redis (6379 is the Ray head's GCS port)
_HEX64 = re.compile(r"^[0-9a-f]{64}$")


class StrictModel(BaseModel):
    model_config = ConfigDict(extra="forbid")


class AnonymousLimits(StrictModel):
    """Limits shared by all anonymous callers together (one tenant, 'anonymous')."""

    rpm: int | None = Field(60, ge=1, description="Requests per window; None: unlimited.")
    tpm: int | None = Field(20_000, ge=1, description="Tokens (prompt + completion) per window; None: unlimited.")
    budget_usd: float | None = Field(None, ge=0, description="Spend allowed per budget_period; None: unlimited.")
    budget_period: BudgetPeriod = "day"
    models: list[ModelName] | None = Field(None, description="Models anonymous callers may use; None: all.")


class TenancyConfig(StrictModel):
    """Settings of `Tenancy` (one per ingress replica; every replica points at the same Redis)."""

    enabled: bool = Field(True, description="False: no keys, no limits; every request is the anonymous tenant, unlimited.")
    redis_url: str = Field(DEFAULT_REDIS_URL, description="Redis holding keys, limit windows and spend (redis://, rediss://, unix://).")
    key_prefix: str = Field("llmtenancy", min_length=1, description="Prefix of every Redis key, so tenancy can share a Redis database.")
    redis_timeout_s: float = Field(0.25, gt=0, description="Connect and read timeout of one Redis call.")
    redis_retry_interval_s: float = Field(
        1.0, gt=0, description="After Redis fails, calls skip Redis for this long before trying again (no timeout paid per request)."
    )
    fail_open: bool = Field(
        False,
        description="Redis down: True serves requests unlimited (counted in `outage_admissions`, logged once per outage); "
        "False refuses them (LimitsUnavailable -> 503).",
    )
    allow_anonymous: bool = Field(False, description="Requests without an API key are served as tenant 'anonymous'.")
    anonymous: AnonymousLimits = Field(default_factory=AnonymousLimits)
    window_s: int = Field(60, ge=1, le=3600, description="Length of the rpm/tpm sliding window in seconds (60: per minute).")
    reservation_ttl_s: int = Field(
        900, ge=10, description="A budget reservation never settled (its process died) is released after this many seconds."
    )
    admin_key_hash: str | None = Field(
        None, description="Hex hash of the admin key (`python -m deployments.keys admin-key` prints one); None: no admin API."
    )
    known_keys_cache: int = Field(
        10_000, ge=0, description="Keys this process authenticated, remembered to serve them while Redis is down (fail_open only)."
    )
    pending_settlements: int = Field(
        100_000, ge=0, description="Settlements kept in memory while Redis is down, replayed when it returns; older ones are dropped."
    )

    @field_validator("redis_url")
    @classmethod
    def _redis_url_has_known_scheme(cls, url: str) -> str:
        return check_redis_url(url)

    @field_validator("admin_key_hash")
    @classmethod
    def _admin_hash_is_hex_sha256(cls, value: str | None) -> str | None:
        if value is not None and not _HEX64.match(value):
            raise ValueError("admin_key_hash must be 64 lowercase hex characters (the hash, not the key itself)")
        return value

    @model_validator(mode="after")
    def _timeout_shorter_than_retry(self) -> "TenancyConfig":
        if self.redis_timeout_s >= self.redis_retry_interval_s:
            raise ValueError("redis_timeout_s must be shorter than redis_retry_interval_s")
        return self
