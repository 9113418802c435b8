"""The one app builder: validated config → bound Ray Serve graph.

`serve_config.yaml` points at `deployments.app:build_app` and passes `AppConfig` as `args`. Each pool
version is a Ray Serve LLM `LLMServer` deployment (`PoolServer`, which sends a stream's first chunks at once)
built from Ray's `LLMConfig` (`build_llm_deployment`), named `<Pool>Pool:<version>`, with its own autoscaling
from `llm_config.deployment_config`."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError
from ray.serve import Application

from deployments.classifier import ComplexityClassifier
from deployments.config import AppConfig, ModelVersionConfig, load_app_config
from deployments.fact_checker import FactChecker
from deployments.ingress import Ingress
from deployments.response_cache import ResponseCache


class ConfigError(ValueError):
    """Raised at deploy time with every invalid field named."""


def pool_deployment_name(pool: str, version: str) -> str:
    return f"{pool.capitalize()}Pool:{version}"


def build_app(args: dict[str, Any]) -> Application:
    try:
        config = load_app_config(args)
    except ValidationError as error:
        raise ConfigError(f"invalid application config (serve_config.yaml args):\n{error}") from None
    return bind_graph(config)


def build_pool_version(pool: str, version: str, section: ModelVersionConfig, max_tokens_limit: int) -> Application:
    """A Ray Serve LLM `LLMServer` deployment for one version of one pool; engines other than vLLM are
    injected as LLMServer's `engine_cls` (its extension point), so every pool has the same handle methods."""
    from ray.serve.llm import build_llm_deployment

    from deployments.engines import PoolServer
    from ray.llm._internal.common.utils.import_utils import load_class

    engine_class = section.engine_class_path
    return build_llm_deployment(
        section.ray_llm_config(max_tokens_limit),
        name_prefix="",
        deployment_cls=PoolServer,
        bind_kwargs={"engine_cls": load_class(engine_class)} if engine_class else None,
        override_serve_options={"name": pool_deployment_name(pool, version)},
    )


def bind_graph(config: AppConfig) -> Application:
    # Every version of every pool is its own deployment (own replicas and autoscaling); the ingress splits
    # a pool's traffic between its versions.
    pools = {
        name: {version: build_pool_version(name, version, section, pool.max_tokens_limit) for version, section in pool.versions.items()}
        for name, pool in config.pools.items()
    }
    classifier = fact_checker = cache = None
    if config.classifier.enabled:
        section = config.classifier
        classifier = ComplexityClassifier.options(**section.deployment.serve_options()).bind(
            section.router, section.max_batch_size, section.batch_wait_timeout_s
        )
    if config.fact_checker.enabled:
        fact_checker = FactChecker.options(**config.fact_checker.deployment.serve_options()).bind(config.fact_checker.checker)
    if config.cache.enabled:
        cache = ResponseCache.options(**config.cache.deployment.serve_options()).bind(config.cache.cache)
    return Ingress.options(**config.ingress.deployment.serve_options()).bind(config, pools, classifier, fact_checker, cache)
