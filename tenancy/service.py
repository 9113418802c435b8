"""`Tenancy`: the one object the ingress holds: authenticate -> ApiKey, admit -> Admission, settle.
Builds the Redis client, the outage guard, the key store, the budget ledger and the limiter from a
`TenancyConfig`; all of them share one guard, so an outage is counted and logged once per process."""

from __future__ import annotations

import logging
from typing import Any

import redis

from tenancy.budget import BudgetLedger
from tenancy.config import TenancyConfig
from tenancy.errors import MissingKey
from tenancy.keys import ApiKey, KeyStore, secret_matches
from tenancy.limits import Admission, Limiter
from tenancy.outage import RedisGuard, connect

logger = logging.getLogger(__name__)

ANONYMOUS_TENANT = "anonymous"


def bearer_secret(authorization: str | None) -> str | None:
    """The secret of an `Authorization: Bearer <secret>` header value; None when absent or empty."""
    if not authorization:
        return None
    scheme, _, value = authorization.strip().partition(" ")
    if scheme.lower() != "bearer":
        return authorization.strip() or None
    return value.strip() or None


class Tenancy:
    """Keys, limits and budgets of one ingress replica. Redis is contacted lazily (first request).

    Errors: authenticate raises MissingKey/InvalidKey/ExpiredKey/RevokedKey (401); ApiKey.check_model
    raises ModelNotAllowed (403); authenticate and admit raise LimitsUnavailable (503) when Redis is
    down and the configuration is fail-closed. Each error carries http_status, error_type and code."""

    def __init__(self, config: TenancyConfig, redis_client: redis.Redis | None = None):
        self.config = config
        self.guard = RedisGuard(config.fail_open, config.redis_retry_interval_s)
        self.redis = redis_client or connect(config.redis_url, config.redis_timeout_s)
        self.keys = KeyStore(self.redis, config.key_prefix, self.guard, config.known_keys_cache)
        self.budget = BudgetLedger(self.redis, config.key_prefix, self.guard, config.reservation_ttl_s)
        self.limiter = Limiter(self.redis, config, self.guard, self.budget)
        self.anonymous_key = ApiKey(
            key_id=ANONYMOUS_TENANT, tenant=ANONYMOUS_TENANT, models=config.anonymous.models,
            rpm=config.anonymous.rpm, tpm=config.anonymous.tpm, budget_usd=config.anonymous.budget_usd,
            budget_period=config.anonymous.budget_period,
        )
        self._unlimited = ApiKey(key_id=ANONYMOUS_TENANT, tenant=ANONYMOUS_TENANT)

    @property
    def auth_required(self) -> bool:
        return self.config.enabled and not self.config.allow_anonymous

    def describe(self) -> str:
        """One line for the start-up log."""
        if not self.config.enabled:
            return "tenancy disabled: no API keys, no limits"
        anonymous = "anonymous traffic allowed" if self.config.allow_anonymous else "API key required"
        mode = "fail-open" if self.config.fail_open else "fail-closed"
        return f"auth on ({anonymous}); limits in Redis {self.config.redis_url} ({mode} when Redis is down)"

    def authenticate(self, secret: str | None) -> ApiKey:
        """-> the caller's key: its record, or the anonymous key when no secret is sent and anonymous
        traffic is allowed (a secret that is sent must be valid, even then)."""
        if not self.config.enabled:
            return self._unlimited
        if not secret:
            if self.config.allow_anonymous:
                return self.anonymous_key
            raise MissingKey("an API key is required (Authorization: Bearer sk-ls-...)")
        return self.keys.authenticate(secret)

    def is_admin(self, secret: str | None) -> bool:
        """True when `secret` is the admin key (constant-time compare against admin_key_hash)."""
        return bool(secret) and secret_matches(secret, self.config.admin_key_hash)

    def admit(self, key: ApiKey, estimated_tokens: int, estimated_cost_usd: float = 0.0) -> Admission:
        """See `Limiter.admit`. Disabled tenancy: always allowed, no headers, no Redis."""
        if not self.config.enabled:
            return Admission(True, key.key_id, key.tenant, settled=True)
        return self.limiter.admit(key, estimated_tokens, estimated_cost_usd)

    def settle(self, admission: Admission, prompt_tokens: int, completion_tokens: int, cost_usd: float) -> None:
        """See `Limiter.settle` (idempotent, never raises for Redis)."""
        self.limiter.settle(admission, prompt_tokens, completion_tokens, cost_usd)

    def status(self) -> dict[str, Any]:
        """For /healthz and metrics: whether auth is on, and the Redis outage counters."""
        return {
            "auth": self.auth_required,
            "anonymous_allowed": (not self.config.enabled) or self.config.allow_anonymous,
            "limits": self.config.enabled,
            "fail_open": self.config.fail_open,
            "redis_down": self.guard.down,
            "redis_outages": self.guard.outages,
            "outage_admissions": self.guard.outage_admissions,
            "pending_settlements": self.limiter.pending_settlements,
        }
