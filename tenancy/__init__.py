"""Tenancy: hashed API keys, per-key rpm/tpm limits and per-tenant budgets shared through Redis by
every ingress replica. Imports nothing from Ray.

    tenancy = Tenancy(TenancyConfig(redis_url=..., fail_open=False))
    key = tenancy.authenticate(bearer_secret(request.headers.get("authorization")))   # 401s
    key.check_model(body.model)                                                        # 403
    admission = tenancy.admit(key, prompt_tokens + max_tokens, estimate_cost_usd(...)) # 429 unless allowed
    ... generate ...
    tenancy.settle(admission, prompt_tokens, completion_tokens, cost_usd)              # always, cancelled too
"""

from tenancy.budget import BudgetLedger, BudgetReservation, Spend, cost_usd, estimate_cost_usd
from tenancy.config import AnonymousLimits, TenancyConfig
from tenancy.errors import (
    AuthError,
    ExpiredKey,
    InvalidKey,
    KeyNotFound,
    LimitsUnavailable,
    MissingKey,
    ModelNotAllowed,
    RevokedKey,
    TenancyError,
)
from tenancy.keys import ApiKey, KeyStore, hash_secret, new_secret
from tenancy.limits import Admission, Limiter, format_duration
from tenancy.outage import RedisGuard, connect
from tenancy.service import ANONYMOUS_TENANT, Tenancy, bearer_secret

__all__ = [
    "ANONYMOUS_TENANT", "Admission", "AnonymousLimits", "ApiKey", "AuthError", "BudgetLedger", "BudgetReservation",
    "ExpiredKey", "InvalidKey", "KeyNotFound", "KeyStore", "Limiter", "LimitsUnavailable", "MissingKey",
    "ModelNotAllowed", "RedisGuard", "RevokedKey", "Spend", "Tenancy", "TenancyConfig", "TenancyError",
    "bearer_secret", "connect", "cost_usd", "estimate_cost_usd", "format_duration", "hash_secret", "new_secret",
]
