"""Complexity router: decides whether a chat request goes to the small or the large model pool.

    from router import load_router, calibrate_threshold
    router = load_router(kind="features")
    decision = router.decide(messages, threshold=calibrate_threshold(router.heldout_scores, 0.3))

Plain Python (no Ray): the serving layer wraps it."""

from router.calibration import calibrate_threshold
from router.config import DEFAULT_ROUTER_KIND, RouterConfig
from router.routers import (
    ROUTER_REGISTRY,
    ComplexityRouter,
    EmbeddingRouter,
    FeatureRouter,
    RouteDecision,
    load_router,
    register_router,
)

__all__ = [
    "DEFAULT_ROUTER_KIND",
    "ROUTER_REGISTRY",
    "ComplexityRouter",
    "EmbeddingRouter",
    "FeatureRouter",
    "RouteDecision",
    "RouterConfig",
    "calibrate_threshold",
    "load_router",
    "register_router",
]
