"""The one app builder: validated config → bound Ray Serve graph.

`serve_config.yaml` points at `deployments.app:build_app` and passes `AppConfig` as `args`.
"""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError
from ray.serve import Application

from deployments.classifier import ComplexityClassifier
from deployments.config import AppConfig, load_app_config
from deployments.fact_checker import FactChecker
from deployments.ingress import Ingress
from deployments.pool import LLMPool
from deployments.response_cache import ResponseCache

POOL_DEPLOYMENT_NAMES = {"small": "SmallPool", "large": "LargePool"}


class ConfigError(ValueError):
    """Raised at deploy time with every invalid field named."""


def build_app(args: dict[str, Any]) -> Application:
    try:
        config = load_app_config(args)
    except ValidationError as error:
        raise ConfigError(f"invalid application config (serve_config.yaml args):\n{error}") from None
    return bind_graph(config)


def bind_graph(config: AppConfig) -> Application:
    pools = {
        name: LLMPool.options(name=POOL_DEPLOYMENT_NAMES[name], **pool.deployment.serve_options()).bind(
            name, pool.engine, pool.display_name
        )
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
    return Ingress.options(**config.ingress.deployment.serve_options()).bind(
        config, pools["small"], pools["large"], classifier, fact_checker, cache
    )
