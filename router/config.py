"""Router configuration: which router, and either a fixed threshold or a target share of requests
for the large model (calibrated on the held-out scores shipped with the weights)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from router.calibration import calibrate_threshold

if TYPE_CHECKING:
    from router.routers import ComplexityRouter

# Chosen from `python -m router.eval` on the held-out split (793 requests, before the borderline batch of
# issue 14): the feature router scored accuracy 0.972 / AUC 0.997 at ~0.25 ms p50; the embedding router
# 0.961 / 0.995 at ~13 ms p50 (single request, 2 shared CPUs). Now (893 held out): features 0.975
# clear-cut / 0.950 borderline; the embedding router was not retrained on the new rows. The embedding router would be the default only if it were
# clearly more accurate and within 15 ms p50; it is neither more accurate nor much cheaper.
DEFAULT_ROUTER_KIND: Literal["features", "embedding"] = "features"


class RouterConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: Literal["features", "embedding"] = Field(
        default=DEFAULT_ROUTER_KIND, description="Which router scores requests: the fast feature model or the embedding model."
    )
    threshold: float | None = Field(
        default=None, ge=0.0, le=1.0, description="Route to the large pool when the score is >= this. Set this or `large_fraction`."
    )
    large_fraction: float | None = Field(
        default=None,
        ge=0.0,
        le=1.0,
        description="Target share of requests for the large pool; the threshold is calibrated from the held-out scores. Set this or `threshold`.",
    )
    weights_path: Path | None = Field(
        default=None, description="JSON weights file; defaults to the shipped router/weights/<kind>.json."
    )

    @model_validator(mode="after")
    def exactly_one_of_threshold_or_large_fraction(self) -> "RouterConfig":
        if self.threshold is not None and self.large_fraction is not None:
            raise ValueError("set exactly one of `threshold` or `large_fraction`, not both")
        if self.threshold is None and self.large_fraction is None:
            raise ValueError("set exactly one of `threshold` or `large_fraction`; neither was given")
        return self

    def load_router(self) -> "ComplexityRouter":
        from router.routers import load_router

        return load_router(self.kind, self.weights_path)

    def effective_threshold(self, router: "ComplexityRouter | None" = None) -> float:
        """`threshold` as given, or the one that sends `large_fraction` of the held-out requests to
        the large pool (loading the configured router if none is passed)."""
        if self.threshold is not None:
            return self.threshold
        router = router or self.load_router()
        if not router.heldout_scores:
            raise ValueError(f"`large_fraction` needs held-out scores, and the {router.kind!r} weights have none")
        return calibrate_threshold(router.heldout_scores, self.large_fraction)
