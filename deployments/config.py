"""The application's configuration: one pydantic model per deployment, composed into `AppConfig`,
which `serve_config.yaml`'s `args` fill. Validation runs in `build_app`, so a wrong field fails at
`serve deploy` with its name and the reason, before any replica starts."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

import yaml

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from ray.serve.config import AutoscalingConfig

from engines import EngineConfig
from cache import CacheConfig
from router import RouterConfig
from validators import FactCheckerConfig

PoolName = Literal["small", "large"]
POOL_NAMES: tuple[PoolName, ...] = ("small", "large")


class StrictModel(BaseModel):
    model_config = ConfigDict(extra="forbid")


class DeploymentOptions(StrictModel):
    """The Ray Serve options of one deployment (applied with `.options()` when the graph is bound)."""

    num_replicas: int | Literal["auto"] | None = Field(None, description="Fixed replica count; leave unset to autoscale.")
    autoscaling_config: dict[str, Any] | None = Field(None, description="Ray Serve AutoscalingConfig fields.")
    max_ongoing_requests: int = Field(8, ge=1, description="Requests one replica works on at once.")
    max_queued_requests: int = Field(
        64, ge=-1, description="Requests waiting per caller before new ones are refused with 503 (-1: unbounded)."
    )
    ray_actor_options: dict[str, Any] = Field(default_factory=dict, description="num_cpus, num_gpus, memory, resources, runtime_env …")
    health_check_period_s: float = Field(10.0, gt=0)
    health_check_timeout_s: float = Field(30.0, gt=0)
    graceful_shutdown_timeout_s: float = Field(20.0, ge=0)

    @field_validator("autoscaling_config")
    @classmethod
    def _known_autoscaling_fields(cls, value: dict[str, Any] | None) -> dict[str, Any] | None:
        if value is None:
            return value
        # Ray's own model silently ignores unknown keys; a typo there would quietly disable scaling.
        unknown = set(value) - set(AutoscalingConfig.model_fields)
        if unknown:
            raise ValueError(f"unknown autoscaling_config fields {sorted(unknown)}")
        AutoscalingConfig(**value)
        return value

    @field_validator("ray_actor_options")
    @classmethod
    def _known_actor_options(cls, value: dict[str, Any]) -> dict[str, Any]:
        allowed = {"num_cpus", "num_gpus", "memory", "resources", "runtime_env", "accelerator_type", "object_store_memory"}
        unknown = set(value) - allowed
        if unknown:
            raise ValueError(f"unknown ray_actor_options {sorted(unknown)}; allowed: {sorted(allowed)}")
        return value

    @model_validator(mode="after")
    def _replicas_or_autoscaling(self) -> "DeploymentOptions":
        if isinstance(self.num_replicas, int) and self.autoscaling_config is not None:
            raise ValueError("num_replicas: set either a fixed num_replicas or autoscaling_config, not both")
        return self

    def serve_options(self) -> dict[str, Any]:
        return self.model_dump(exclude_none=True)


class SamplingLimits(StrictModel):
    max_tokens_limit: int = Field(1024, ge=1, description="Largest max_tokens a request may ask for.")
    default_max_tokens: int = Field(256, ge=1, description="max_tokens when a request sets none.")

    @model_validator(mode="after")
    def _default_within_limit(self) -> "SamplingLimits":
        if self.default_max_tokens > self.max_tokens_limit:
            raise ValueError("default_max_tokens must not exceed max_tokens_limit")
        return self


class TokenPrices(StrictModel):
    """Prices in USD per million tokens, for the cost metrics."""

    input_per_million: float = Field(0.0, ge=0)
    output_per_million: float = Field(0.0, ge=0)


class PoolConfig(StrictModel):
    engine: EngineConfig
    served_model_name: str | None = Field(None, description="Name shown in responses; defaults to the model's directory name.")
    sampling: SamplingLimits = Field(default_factory=SamplingLimits)
    prices: TokenPrices = Field(default_factory=TokenPrices)
    deployment: DeploymentOptions = Field(default_factory=DeploymentOptions)

    @property
    def display_name(self) -> str:
        return self.served_model_name or self.engine.model.rstrip("/").rsplit("/", 1)[-1]


class IngressConfig(StrictModel):
    default_pool: PoolName = Field("small", description="Pool for model='auto' when no classifier decides.")
    api_keys: dict[str, str] = Field(
        default_factory=dict, description="API key → tenant. Empty: no auth, every request is tenant 'default'."
    )
    max_request_bytes: int = Field(1_000_000, ge=1024, description="Larger bodies are refused with 413.")
    retry_after_s: int = Field(2, ge=1, description="Retry-After sent with 503 when a pool is saturated.")
    deployment: DeploymentOptions = Field(default_factory=DeploymentOptions)


class ClassifierDeploymentConfig(StrictModel):
    enabled: bool = Field(True, description="If false, model='auto' goes to ingress.default_pool.")
    router: RouterConfig = Field(default_factory=lambda: RouterConfig(threshold=0.5))
    timeout_s: float = Field(0.25, gt=0, description="Past this, the request goes to fallback_pool (x-route-fallback).")
    fallback_pool: PoolName = "small"
    max_batch_size: int = Field(32, ge=1, le=1024)
    batch_wait_timeout_s: float = Field(0.002, ge=0, le=1)
    deployment: DeploymentOptions = Field(default_factory=DeploymentOptions)


class CacheDeploymentConfig(StrictModel):
    enabled: bool = True
    cache: CacheConfig = Field(default_factory=CacheConfig)
    timeout_s: float = Field(0.25, gt=0, description="A lookup slower than this counts as a miss.")
    deployment: DeploymentOptions = Field(default_factory=DeploymentOptions)


ValidationPolicy = Literal["annotate", "escalate", "block"]


class FactCheckerDeploymentConfig(StrictModel):
    enabled: bool = True
    checker: FactCheckerConfig = Field(default_factory=FactCheckerConfig)
    policy: dict[PoolName, ValidationPolicy] = Field(
        default_factory=lambda: {"small": "escalate", "large": "annotate"},
        description="Per pool, what a contradicted answer gets: annotate (verdict in header and body), escalate "
        "(regenerate once on the large pool, then validate again), block (replace with a refusal citing the fact).",
    )
    timeout_s: float = Field(0.5, gt=0, description="Past this the answer goes out unvalidated (x-validation: skipped).")
    fail_closed: bool = Field(False, description="If true, an answer that could not be validated is refused with 503.")
    deployment: DeploymentOptions = Field(default_factory=DeploymentOptions)

    @field_validator("policy")
    @classmethod
    def _escalate_only_from_small(cls, policy: dict[str, str]) -> dict[str, str]:
        if policy.get("large") == "escalate":
            raise ValueError("policy.large: 'escalate' regenerates on the large pool, so it only applies to 'small'")
        return policy


class AppConfig(StrictModel):
    """Everything `serve_config.yaml` passes as the application's `args`."""

    pools: dict[PoolName, PoolConfig]
    ingress: IngressConfig = Field(default_factory=IngressConfig)
    classifier: ClassifierDeploymentConfig = Field(default_factory=ClassifierDeploymentConfig)
    fact_checker: FactCheckerDeploymentConfig = Field(default_factory=FactCheckerDeploymentConfig)
    cache: CacheDeploymentConfig = Field(default_factory=CacheDeploymentConfig)

    @field_validator("pools")
    @classmethod
    def _both_pools(cls, pools: dict[str, PoolConfig]) -> dict[str, PoolConfig]:
        missing = [name for name in POOL_NAMES if name not in pools]
        if missing:
            raise ValueError(f"missing pool(s) {missing}: both 'small' and 'large' must be configured")
        return pools


REPO_ROOT = Path(__file__).resolve().parents[1]


def serve_config_file(file_name: str = "serve_config.yaml") -> dict[str, Any]:
    """A serve config file of the repository, parsed."""
    return yaml.safe_load((REPO_ROOT / file_name).read_text())


def serve_config_args(file_name: str = "serve_config.yaml") -> dict[str, Any]:
    """The application `args` of a serve config file in the repository (its one application)."""
    return serve_config_file(file_name)["applications"][0]["args"]


def load_app_config(args: dict[str, Any], check_model_paths: bool = True) -> AppConfig:
    """Validate `args`; local model directories must exist when the graph is really being deployed."""
    return AppConfig.model_validate(args, context={"check_model_paths": check_model_paths})
