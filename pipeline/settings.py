"""What the pipeline needs to know about the deployment, as plain values (the HTTP layer converts the
application's pydantic config into these once per (re)configuration)."""

from __future__ import annotations

from dataclasses import dataclass, field

from rollout import VersionSplit


@dataclass(frozen=True)
class PoolSpec:
    """One model pool as the pipeline sees it."""

    name: str  # "small" | "large"
    model_ids: dict[str, str]  # version -> the name its engine serves (the `model` vLLM expects and answers with)
    max_tokens_limit: int  # the most completion tokens a request may ask of it
    max_model_len: int | None  # its context window in tokens, when configured
    input_usd_per_million: float = 0.0
    output_usd_per_million: float = 0.0
    split: VersionSplit | None = None  # the traffic split between versions (None: the only version)

    @property
    def versions(self) -> list[str]:
        return list(self.model_ids)

    def default_split(self) -> VersionSplit:
        if self.split is not None:
            return self.split
        only = next(iter(self.model_ids))
        return VersionSplit(versions=[only], stable=only)

    def cost_usd(self, prompt_tokens: int, completion_tokens: int) -> float:
        return (prompt_tokens * self.input_usd_per_million + completion_tokens * self.output_usd_per_million) / 1e6


@dataclass(frozen=True)
class PipelineSettings:
    pools: dict[str, PoolSpec]
    default_pool: str = "small"  # model=auto without a classifier
    escalation_pool: str = "large"  # where 'escalate' regenerates
    classifier_timeout_s: float = 0.25
    classifier_fallback_pool: str = "small"
    cache_timeout_s: float = 0.25
    validation_timeout_s: float = 0.5
    validation_fail_closed: bool = False
    policies: dict[str, str] = field(default_factory=lambda: {"small": "escalate", "large": "annotate"})
    retry_after_s: int = 2
    failover: bool = True  # retry once on the other pool when the chosen one is unavailable before any token

    def pools_by_capacity(self) -> list[PoolSpec]:
        """Pools ordered by how many completion tokens they allow, largest first."""
        return sorted(self.pools.values(), key=lambda p: p.max_tokens_limit, reverse=True)
