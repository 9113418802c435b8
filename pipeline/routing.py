"""Choosing the pool: a forced `model`, or `auto` through the complexity classifier, never a pool that
cannot serve the request's `max_tokens`."""

from __future__ import annotations

from dataclasses import dataclass, field

from pipeline.errors import APIError
from pipeline.settings import PipelineSettings, PoolSpec

AUTO = "auto"


@dataclass(frozen=True)
class RouteDecision:
    pool: str
    reason: str  # forced | classifier | default | fallback | capacity
    score: float | None = None
    threshold: float | None = None
    fallbacks: tuple[str, ...] = field(default_factory=tuple)


def check_model(settings: PipelineSettings, model: str) -> None:
    """404 in OpenAI's shape for a model we do not serve."""
    if model != AUTO and model not in settings.pools:
        available = ", ".join([AUTO, *settings.pools])
        raise APIError(404, f"The model '{model}' does not exist. Available models: {available}.", param="model", code="model_not_found")


def pools_that_fit(settings: PipelineSettings, max_tokens: int | None, allowed: tuple[str, ...] | None = None) -> list[str]:
    """Pools the caller may use whose max_tokens_limit admits the request (all of them when it sets
    none: each then defaults to the room left in its context, bounded by its own limit)."""
    return [
        p.name for p in settings.pools.values()
        if (max_tokens is None or max_tokens <= p.max_tokens_limit) and (allowed is None or p.name in allowed)
    ]


def too_many_tokens(pool: PoolSpec | None, largest: PoolSpec, max_tokens: int, param: str) -> APIError:
    limit = pool.max_tokens_limit if pool is not None else largest.max_tokens_limit
    where = f"the '{pool.name}' model" if pool is not None else f"any model (the largest limit is the '{largest.name}' model's)"
    return APIError(
        400,
        f"{param} is too large: {max_tokens}. {where[0].upper() + where[1:]} supports at most {limit} completion tokens.",
        param=param,
        code="max_tokens_exceeded",
    )


def forced_route(settings: PipelineSettings, model: str, max_tokens: int | None, param: str) -> RouteDecision:
    pool = settings.pools[model]
    if max_tokens is not None and max_tokens > pool.max_tokens_limit:
        raise too_many_tokens(pool, settings.pools_by_capacity()[0], max_tokens, param)
    return RouteDecision(pool=model, reason="forced")


def require_fit(settings: PipelineSettings, max_tokens: int | None, param: str, allowed: tuple[str, ...] | None = None) -> list[str]:
    """The pools `auto` may choose for this max_tokens (`pools_that_fit`). None: 403 when only pools the
    caller may not use could serve it, else 400 naming the largest limit."""
    fitting = pools_that_fit(settings, max_tokens, allowed)
    if not fitting and allowed is not None and pools_that_fit(settings, max_tokens):
        raise APIError(403, f"This API key may not use a pool that can serve this request (allowed: {', '.join(allowed)}).",
                       type="permission_error", param=param, code="model_not_allowed")
    if not fitting:
        raise too_many_tokens(None, settings.pools_by_capacity()[0], max_tokens or 0, param)
    return fitting


def check_servable(settings: PipelineSettings, model: str, max_tokens: int | None, param: str,
                   allowed: tuple[str, ...] | None = None) -> None:
    """Raise the 400 (or 403) routing would give a request that no pool can serve, without classifying
    it. The pipeline asks before the caller's limits: such a request is the client's error, never a 429
    that a client would retry."""
    if model == AUTO:
        require_fit(settings, max_tokens, param, allowed)
    else:
        forced_route(settings, model, max_tokens, param)


def fit_decision(
    settings: PipelineSettings, decision: RouteDecision, max_tokens: int | None, param: str, allowed: tuple[str, ...] | None = None
) -> RouteDecision:
    """`auto`: keep the chosen pool if it can serve the request (and the caller may use it), else move to
    the allowed pool with the most room."""
    fitting = require_fit(settings, max_tokens, param, allowed)
    if decision.pool in fitting:
        return decision
    best = max(fitting, key=lambda name: settings.pools[name].max_tokens_limit)
    return RouteDecision(best, "capacity", decision.score, decision.threshold, decision.fallbacks)


def failover_order(settings: PipelineSettings, pool: str, max_tokens: int | None, allowed: tuple[str, ...] | None = None) -> list[str]:
    """The chosen pool first, then (when failover is on) every other pool that can serve the request."""
    others = [p for p in pools_that_fit(settings, max_tokens, allowed) if p != pool] if settings.failover else []
    return [pool, *others]
