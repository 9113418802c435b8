"""Shared fixtures. The integration fixture deploys ONE graph per test session (a private local Ray
cluster, so a `make serve` cluster on the same machine is left alone) and every integration test uses it."""

from __future__ import annotations

import base64
import copy
import os
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from deployments.config import serve_config_args, serve_config_file
from tests.ports import free_port


@pytest.fixture(scope="session")
def model_dir() -> Path:
    """The default model, prepared once (a no-op when `make model` already ran)."""
    from engines.model_prep import prepare

    return prepare()


TENANTS = ("tenant-a", "tenant-b")


def integration_app_args(model_dir: Path, redis_url: str) -> dict[str, Any]:
    """serve_config.yaml as deployed, fitted to a 2-core CI machine: one replica per deployment, the
    large pool on the transformers engine so that both engines are exercised through the same graph,
    and tenancy and the cache on the session's Redis, with API keys required (the tests create keys for two tenants)."""
    args = copy.deepcopy(serve_config_args())
    args["tenancy"] = {**args.get("tenancy", {}), "redis_url": redis_url, "allow_anonymous": False}
    args["cache"]["cache"] = {**args["cache"]["cache"], "redis_url": redis_url}
    small = args["pools"]["small"]["versions"]["v1"]["llm_config"]
    small["model_loading_config"]["model_source"] = str(model_dir)  # wherever LLM_SERVE_CACHE put it
    large = args["pools"]["large"]["versions"]["v1"]
    large["engine"] = "transformers"
    large["llm_config"]["model_loading_config"]["model_source"] = str(model_dir)
    large["llm_config"]["engine_kwargs"] = {"max_model_len": 2048}
    large["llm_config"]["experimental_configs"] = {"transformers": {"max_batch_size": 4}}
    for section in [args["ingress"], args["classifier"], args["fact_checker"]]:
        section["deployment"]["autoscaling_config"] = {"min_replicas": 1, "max_replicas": 1}
    for pool in args["pools"].values():
        for version in pool["versions"].values():
            version["llm_config"]["deployment_config"]["autoscaling_config"] = {"min_replicas": 1, "max_replicas": 1}
    return args


POOL_DEPLOYMENTS = {"SmallPool:v1": ("small", "v1"), "LargePool:v1": ("large", "v1")}


class DeployedApp:
    """The session's application, deployed the way `serve deploy serve_config.yaml` does it: the config
    (with the test's args) goes to the Serve controller, which imports `deployments.app:build_app`.

    `reconfigured(...)` changes it for the length of a `with` block the way an operator would without
    reloading models: the Ingress's `user_config` (live policies and timeouts) and deployment options in
    the config's `deployments:` section. Changing `args` instead would restart every replica."""

    def __init__(self, url: str, args: dict[str, Any], metrics_url: str, http_options: dict[str, Any],
                 keys: dict[str, str] | None = None, redis: Any = None):
        self.url, self.args, self.metrics_url, self.http_options = url, args, metrics_url, http_options
        self.keys = keys or {}  # tenant -> API key secret
        self.redis = redis  # the session's RedisServer
        self.extra_apps: dict[str, dict[str, Any]] = {}  # more applications deployed next to "llm" (tests' own)
        self._last = ({}, {})

    def _serve_config(self, ingress_user_config: dict[str, Any], deployment_options: dict[str, dict[str, Any]]) -> dict:
        config = copy.deepcopy(serve_config_file())
        config["http_options"] = self.http_options
        app = config["applications"][0]
        app["args"] = self.args
        # Every override is always present (at its base value when not overridden), so restoring is
        # an explicit change back rather than a removal Serve might not act on.
        app["deployments"] = [{"name": "Ingress", "user_config": ingress_user_config}]
        for name, (pool, version) in POOL_DEPLOYMENTS.items():
            base = self.args["pools"][pool]["versions"][version]["llm_config"]["deployment_config"]
            options = {"max_ongoing_requests": base["max_ongoing_requests"], "max_queued_requests": base["max_queued_requests"]}
            app["deployments"].append({"name": name, **options, **deployment_options.get(name, {})})
        config["applications"].extend(copy.deepcopy(list(self.extra_apps.values())))
        return config

    def deploy(self, ingress_user_config: dict | None = None, deployment_options: dict | None = None, timeout_s: float = 900,
               wait_for: str = "llm") -> None:
        from ray import serve
        from ray.serve.schema import ServeDeploySchema

        self._last = (ingress_user_config or {}, deployment_options or {})
        config = self._serve_config(*self._last)
        previous = serve.status().applications.get(wait_for)
        previous_deploy_time = previous.last_deployed_time_s if previous else None
        serve.context._connect().deploy_apps(ServeDeploySchema.model_validate(config))
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            app = serve.status().applications.get(wait_for)
            if app is not None and app.last_deployed_time_s != previous_deploy_time:
                if app.status == "DEPLOY_FAILED":
                    raise RuntimeError(f"deploy failed: {app.message}")
                healthy = all(d.status == "HEALTHY" for d in app.deployments.values())
                if app.status == "RUNNING" and app.deployments and healthy:
                    return
            time.sleep(0.5)
        raise TimeoutError(f"application not RUNNING after {timeout_s:.0f} s")

    def deploy_extra(self, app: dict[str, Any], timeout_s: float = 900) -> None:
        """Deploy (or update) one more application next to "llm", which stays as it is."""
        self.extra_apps[app["name"]] = app
        self.deploy(*self._last, timeout_s=timeout_s, wait_for=app["name"])

    def remove_extra(self, name: str) -> None:
        from ray import serve
        from ray.serve.schema import ServeDeploySchema

        self.extra_apps.pop(name, None)
        serve.context._connect().deploy_apps(ServeDeploySchema.model_validate(self._serve_config(*self._last)))
        deadline = time.monotonic() + 300
        while name in serve.status().applications and time.monotonic() < deadline:
            time.sleep(0.5)

    @contextmanager
    def reconfigured(self, ingress_user_config: dict | None = None, deployment_options: dict | None = None):
        self.deploy(ingress_user_config, deployment_options)
        try:
            yield self
        finally:
            self.deploy()


@pytest.fixture(scope="session")
def session_redis(tmp_path_factory):
    """A real redis-server for the session's graph (tenancy: keys, limits, spend)."""
    from tests.redis_server import RedisServer

    server = RedisServer(tmp_path_factory.mktemp("redis"), persistent=True)
    server.start()
    yield server
    server.stop()


def create_keys(redis_url: str, tenants=TENANTS, **limits) -> dict[str, str]:
    """tenant -> a new API key's secret (stored hashed in Redis, as `python -m deployments.keys create` does)."""
    from tenancy import KeyStore, connect

    store = KeyStore(connect(redis_url, 1.0))
    return {tenant: store.create(tenant, **limits)[1] for tenant in tenants}


@pytest.fixture(scope="session")
def deployed_app(model_dir: Path, session_redis):
    """The deployed application (one per test session), on a private local Ray cluster."""
    import ray
    from ray import serve

    port, metrics_port = free_port(), free_port()
    os.environ.setdefault("VLLM_CPU_KVCACHE_SPACE", "1")
    # A private cluster needs no token; without this Ray 2.60 writes ~/.ray/auth_token as a side effect.
    os.environ.setdefault("RAY_AUTH_MODE", "disabled")
    # serve_config.yaml requires the cache's encryption key (make serve keeps one); the workers inherit it.
    os.environ.setdefault("LLM_SERVE_CACHE_KEY", base64.urlsafe_b64encode(os.urandom(32)).decode())
    ray.init(address="local", num_cpus=8, include_dashboard=False, log_to_driver=False, _metrics_export_port=metrics_port)
    try:
        http_options = {"host": "127.0.0.1", "port": port}
        serve.start(http_options=http_options)
        app = DeployedApp(
            f"http://127.0.0.1:{port}", integration_app_args(model_dir, session_redis.url), f"http://127.0.0.1:{metrics_port}/metrics",
            http_options, keys=create_keys(session_redis.url), redis=session_redis,
        )
        app.deploy()
        yield app
    finally:
        serve.shutdown()
        ray.shutdown()


def _client(app: DeployedApp, api_key: str):
    import httpx

    return httpx.Client(base_url=app.url, timeout=120, headers={"Authorization": f"Bearer {api_key}"})


@pytest.fixture(scope="session")
def client(deployed_app):
    with _client(deployed_app, deployed_app.keys["tenant-a"]) as http:
        yield http


@pytest.fixture(scope="session")
def client_b(deployed_app):
    """A second tenant."""
    with _client(deployed_app, deployed_app.keys["tenant-b"]) as http:
        yield http
