"""Shared fixtures. The integration fixture deploys ONE graph per test session (a private local Ray
cluster, so a `make serve` cluster on the same machine is left alone) and every integration test uses it."""

from __future__ import annotations

import copy
import os
import socket
from pathlib import Path
from typing import Any

import pytest
import yaml

REPO = Path(__file__).resolve().parents[1]


def serve_config_args(name: str = "serve_config.yaml") -> dict[str, Any]:
    config = yaml.safe_load((REPO / name).read_text())
    return config["applications"][0]["args"]


@pytest.fixture(scope="session")
def model_dir() -> Path:
    """The default model, prepared once (a no-op when `make model` already ran)."""
    from engines.model_prep import prepare

    return prepare()


def integration_app_args(model_dir: Path) -> dict[str, Any]:
    """serve_config.yaml as deployed, fitted to a 2-core CI machine: one replica per deployment, and the
    large pool on the transformers engine so that both engines are exercised through the same graph."""
    args = copy.deepcopy(serve_config_args())
    args["pools"]["large"]["engine"] = {
        "kind": "transformers",
        "model": str(model_dir),
        "engine_kwargs": {"max_model_len": 2048},
        "max_batch_size": 4,
    }
    for section in [args["ingress"], *args["pools"].values()]:
        section["deployment"]["autoscaling_config"] = {"min_replicas": 1, "max_replicas": 1}
    return args


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def deployed_app(model_dir: Path):
    """Base URL of the deployed application."""
    import ray
    from ray import serve

    from deployments.app import build_app

    port = _free_port()
    os.environ.setdefault("VLLM_CPU_KVCACHE_SPACE", "1")
    ray.init(address="local", num_cpus=8, include_dashboard=False, log_to_driver=False)
    try:
        serve.start(http_options={"host": "127.0.0.1", "port": port})
        serve.run(build_app(integration_app_args(model_dir)), name="llm", route_prefix="/")
        yield f"http://127.0.0.1:{port}"
    finally:
        serve.shutdown()
        ray.shutdown()


@pytest.fixture(scope="session")
def client(deployed_app):
    import httpx

    with httpx.Client(base_url=deployed_app, timeout=120) as http:
        yield http
