"""Shared fixtures. The integration fixture deploys ONE graph per test session (a private local Ray
cluster, so a `make serve` cluster on the same machine is left alone) and every integration test uses it."""

from __future__ import annotations

import copy
import os
import socket
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from deployments.config import serve_config_args, serve_config_file


@pytest.fixture(scope="session")
def model_dir() -> Path:
    """The default model, prepared once (a no-op when `make model` already ran)."""
    from engines.model_prep import prepare

    return prepare()


API_KEYS = {"key-tenant-a": "tenant-a", "key-tenant-b": "tenant-b"}


def integration_app_args(model_dir: Path) -> dict[str, Any]:
    """serve_config.yaml as deployed, fitted to a 2-core CI machine: one replica per deployment, the
    large pool on the transformers engine so that both engines are exercised through the same graph,
    and two API keys (two tenants)."""
    args = copy.deepcopy(serve_config_args())
    args["ingress"]["api_keys"] = dict(API_KEYS)
    args["pools"]["large"]["engine"] = {
        "kind": "transformers",
        "model": str(model_dir),
        "engine_kwargs": {"max_model_len": 2048},
        "max_batch_size": 4,
    }
    for section in [args["ingress"], args["classifier"], args["fact_checker"], *args["pools"].values()]:
        section["deployment"]["autoscaling_config"] = {"min_replicas": 1, "max_replicas": 1}
    return args


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class DeployedApp:
    """The session's application. `reconfigured(...)` redeploys it with changed args for the duration
    of a `with` block; Serve then restarts only the deployments whose arguments changed (normally just
    the Ingress), so the model pools keep running."""

    def __init__(self, url: str, args: dict[str, Any], metrics_url: str):
        self.url, self.args, self.metrics_url = url, args, metrics_url

    def deploy(self, args: dict[str, Any]) -> None:
        from ray import serve

        from deployments.app import build_app

        logging_config = serve_config_file()["logging_config"]  # as `serve deploy` would apply it
        serve.run(build_app(args), name="llm", route_prefix="/", logging_config=logging_config)

    @contextmanager
    def reconfigured(self, **sections: dict[str, Any]):
        changed = copy.deepcopy(self.args)
        for section, values in sections.items():
            _deep_update(changed[section], values)
        self.deploy(changed)
        try:
            yield self
        finally:
            self.deploy(self.args)


def _deep_update(target: dict, values: dict) -> None:
    for key, value in values.items():
        if isinstance(value, dict) and isinstance(target.get(key), dict):
            _deep_update(target[key], value)
        else:
            target[key] = value


@pytest.fixture(scope="session")
def deployed_app(model_dir: Path):
    """The deployed application (one per test session), on a private local Ray cluster."""
    import ray
    from ray import serve

    port, metrics_port = _free_port(), _free_port()
    os.environ.setdefault("VLLM_CPU_KVCACHE_SPACE", "1")
    # A private cluster needs no token; without this Ray 2.60 writes ~/.ray/auth_token as a side effect.
    os.environ.setdefault("RAY_AUTH_MODE", "disabled")
    ray.init(address="local", num_cpus=8, include_dashboard=False, log_to_driver=False, _metrics_export_port=metrics_port)
    try:
        serve.start(http_options={"host": "127.0.0.1", "port": port})
        app = DeployedApp(f"http://127.0.0.1:{port}", integration_app_args(model_dir), f"http://127.0.0.1:{metrics_port}/metrics")
        app.deploy(app.args)
        yield app
    finally:
        serve.shutdown()
        ray.shutdown()


def _client(app: DeployedApp, api_key: str):
    import httpx

    return httpx.Client(base_url=app.url, timeout=120, headers={"Authorization": f"Bearer {api_key}"})


@pytest.fixture(scope="session")
def client(deployed_app):
    with _client(deployed_app, "key-tenant-a") as http:
        yield http


@pytest.fixture(scope="session")
def client_b(deployed_app):
    """A second tenant."""
    with _client(deployed_app, "key-tenant-b") as http:
        yield http
