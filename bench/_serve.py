"""What the benches share for driving a deployed graph: loopback checks, Ray's CLI environment and CPU
placement, the live serve config, a polling wait, the Serve application's state (dashboard REST API),
and `FixedReplicas`, which holds chosen deployments at a fixed replica count for a measurement and
restores the live config."""

from __future__ import annotations

import copy
import os
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import httpx
import yaml

from engines.placement import CpuPlacement, node_cpus

REPO_ROOT = Path(__file__).resolve().parents[1]
RESULTS = Path(__file__).parent / "results"
LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1"}


def require_loopback(url: str, what: str) -> str:
    """`url` unchanged; exits naming `what` unless its host is a loopback address (the benches never
    send traffic, or stop servers, anywhere else)."""
    host = urlparse(url).hostname or ""
    if host not in LOOPBACK_HOSTS:
        raise SystemExit(f"{what} must be a loopback address (127.0.0.1, localhost, ::1), got {url!r}")
    return url.rstrip("/")


def ray_env() -> dict[str, str]:
    """The environment for Ray's CLI and client: token auth when ~/.ray/auth_token exists (the cluster
    `make serve` starts uses it; Ray reads the token from that file)."""
    env = dict(os.environ)
    env.setdefault("RAY_AUTH_MODE", "token" if Path("~/.ray/auth_token").expanduser().exists() else "disabled")
    return env


def use_ray_auth() -> None:
    """Sets this process's RAY_AUTH_MODE as `ray_env` does, for a bench that connects to Ray itself. Call it
    before anything imports Ray, which reads the mode once."""
    os.environ.setdefault("RAY_AUTH_MODE", ray_env()["RAY_AUTH_MODE"])


def ray_placement() -> CpuPlacement:
    """The CPU placement of the local Ray cluster: its raylet's affinity as the serving cores (confined by
    `make serve`, engines/placement.py). Unconfined if no raylet runs here."""
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            if Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")[0].endswith(b"/raylet"):
                return CpuPlacement.of(int(pid))
        except OSError:  # a process that ended meanwhile (ProcessLookupError included)
            continue
    return CpuPlacement(node_cpus(), node_cpus())


def serve_cli() -> str:
    """`serve` of the interpreter running this script (the project's .venv)."""
    candidate = Path(sys.executable).parent / "serve"
    return str(candidate if candidate.exists() else REPO_ROOT / ".venv" / "bin" / "serve")


def live_config_path() -> Path:
    """The serve config now deployed: the one `deployments.rollout` last deployed, else serve_config.yaml."""
    from deployments.rollout import DEPLOYED  # lazy: imports Ray Serve's config models

    return DEPLOYED if DEPLOYED.is_file() else REPO_ROOT / "serve_config.yaml"


def wait_for(condition: Callable[[], Any], timeout_s: float, what: str, interval_s: float = 2.0,
              progress: Callable[[], str] | None = None, every_s: float = 10.0) -> Any:
    """Poll `condition` until truthy (-> its value); SystemExit naming `what` after `timeout_s`. Prints
    `progress()` every `every_s` seconds. Exceptions of `condition` count as not yet."""
    started = time.monotonic()
    last_print = started
    while True:
        try:
            value = condition()
        except (httpx.HTTPError, KeyError, ValueError, TypeError, OSError, StopIteration):
            value = None
        if value:
            return value
        now = time.monotonic()
        if now - started > timeout_s:
            raise TimeoutError(f"timed out after {timeout_s:.0f} s waiting for {what}")
        if progress is not None and now - last_print >= every_s:
            print(f"  [{now - started:4.0f}s] waiting for {what}: {progress()}", flush=True)
            last_print = now
        time.sleep(interval_s)


class ServeAdmin:
    """Reads the Serve application through the Ray dashboard's REST API (what `serve status` shows) and
    deploys configs with `serve deploy`."""

    def __init__(self, dashboard: str):
        self.dashboard = dashboard

    def application(self, name: str | None = None) -> dict:
        from deployments.wait_ready import ray_auth_headers

        details = httpx.get(f"{self.dashboard}/api/serve/applications/", headers=ray_auth_headers(), timeout=10,
                            trust_env=False).json()
        apps = details.get("applications") or {}
        if name is not None:
            return apps[name]
        return next(iter(apps.values()))

    def deployment(self, deployment: str, app: str | None = None) -> tuple[str, dict]:
        """(application status, the deployment's details: status, deployment_config, replicas[{state, actor_id, ...}])."""
        details = self.application(app)
        return details.get("status", "?"), details["deployments"][deployment]

    def describe(self, deployment: str, app: str | None = None) -> str:
        try:
            status, details = self.deployment(deployment, app)
        except (httpx.HTTPError, KeyError, ValueError, StopIteration) as error:
            return f"not readable ({type(error).__name__})"
        states = Counter(replica.get("state", "?") for replica in details.get("replicas") or [])
        return f"application {status}, {deployment} {details.get('status')}, replicas {dict(states)}"

    def deploy(self, config_path: Path) -> None:
        command = [serve_cli(), "deploy", str(config_path)]
        print(f"  $ {' '.join(command)}", flush=True)
        done = subprocess.run(command, env=ray_env(), cwd=REPO_ROOT, capture_output=True, text=True, timeout=300)
        if done.returncode != 0:
            raise RuntimeError(f"serve deploy {config_path} failed ({done.returncode}): {done.stderr.strip() or done.stdout.strip()}")


SCALE_METHODS = ("override", "args")


def fixed_replicas_config(config: dict, replicas: dict[str, int], method: str = "override") -> dict:
    """A copy of a serve config with each deployment of `replicas` (name -> N, e.g. {"Ingress": 2,
    "SmallPool:v1": 1}) at N fixed replicas.

    method 'override' (default): the application's `deployments` entry of each gets
    {num_replicas: N, autoscaling_config: null} (null, explicitly: Serve merges the entry over the code's
    options, and an int num_replicas next to the code's autoscaling_config would leave autoscaling on).
    `args` stay as they are, so the application's code version (a hash of import_path, runtime_env and
    args) is unchanged and only those deployments change, in place: no pool replica reloads its model.
    method 'args' (Ingress only): `args.ingress.deployment` gets num_replicas and loses autoscaling_config
    (the two exclude each other in deployments.config). Changing args changes the code version: Serve
    restarts every deployment of the application, the pools' models included (minutes on a CPU machine),
    and again when the live config comes back. Raises ValueError for another method, or 'args' with
    another deployment."""
    if method not in SCALE_METHODS:
        raise ValueError(f"method must be one of {SCALE_METHODS}, got {method!r}")
    if method == "args" and set(replicas) != {"Ingress"}:
        raise ValueError(f"method 'args' sets the Ingress only, got {sorted(replicas)}")
    scaled = copy.deepcopy(config)
    app = scaled["applications"][0]
    overrides = app.setdefault("deployments", [])
    for name, count in replicas.items():
        entry = next((o for o in overrides if o.get("name") == name), None)
        if entry is None:
            entry = {"name": name}
            overrides.append(entry)
        if method == "override":
            entry.update(num_replicas=count, autoscaling_config=None)
            continue
        entry.pop("autoscaling_config", None)
        entry.pop("num_replicas", None)
        if entry == {"name": name}:
            overrides.remove(entry)
        deployment = app.setdefault("args", {}).setdefault("ingress", {}).setdefault("deployment", {})
        deployment.pop("autoscaling_config", None)
        deployment["num_replicas"] = count
    if not overrides:
        del app["deployments"]
    return scaled


def replica_settings(config: dict, deployment: str) -> dict:
    """A deployment's replica settings in a serve config: its `deployments` entry's num_replicas /
    autoscaling_config where it sets them (they win over the code's), else, for the Ingress,
    args.ingress.deployment's; {} where the config leaves them to the code."""
    app = config["applications"][0]
    for entry in app.get("deployments") or []:
        if entry.get("name") == deployment and ({"num_replicas", "autoscaling_config"} & set(entry)):
            return {k: entry[k] for k in ("num_replicas", "autoscaling_config") if k in entry}
    if deployment != "Ingress":
        return {}
    return ((app.get("args") or {}).get("ingress") or {}).get("deployment") or {}


class FixedReplicas:
    """Context manager: the deployments of `replicas` (name -> N) at N fixed replicas inside, the live
    config again after (also on errors and Ctrl-C). An empty `replicas` leaves everything as it is."""

    def __init__(self, admin: ServeAdmin, api: str, replicas: dict[str, int], timeout_s: float, method: str = "override"):
        self.admin, self.api, self.timeout_s, self.method = admin, api, timeout_s, method
        self.replicas = {name: count for name, count in replicas.items() if count > 0}
        self.original: Path | None = None
        self.app_name: str | None = None

    def describe(self) -> str:
        return "; ".join(self.admin.describe(name, self.app_name) for name in self.replicas)

    def __enter__(self) -> "FixedReplicas":
        if not self.replicas:
            return self
        self.original = live_config_path()
        config = yaml.safe_load(self.original.read_text())
        self.app_name = config["applications"][0].get("name")
        RESULTS.mkdir(exist_ok=True)
        suffix = "_".join(f"{name.replace(':', '-')}{count}" for name, count in self.replicas.items())
        scaled_path = RESULTS / f"serve_config.fixed_{suffix}.yaml"
        scaled_path.write_text(yaml.safe_dump(fixed_replicas_config(config, self.replicas, self.method), sort_keys=False))
        print(f"==> fixed replicas {self.replicas}: {scaled_path.relative_to(REPO_ROOT)} (a copy of "
              f"{self.original.relative_to(REPO_ROOT)}, replicas set by {self.method})", flush=True)
        started = time.monotonic()
        self.admin.deploy(scaled_path)
        try:
            wait_for(self._scaled, self.timeout_s, f"fixed RUNNING replicas {self.replicas}", progress=self.describe)
            wait_for(self._answers, 60, f"{self.api}/healthz")
        except BaseException:
            self.__exit__(None, None, None)
            raise
        print(f"  {self.describe()} after {time.monotonic() - started:.0f} s", flush=True)
        return self

    def __exit__(self, *exc_info) -> None:
        if self.original is None:
            return
        original, self.original = self.original, None
        print(f"==> restoring the live config: serve deploy {original.relative_to(REPO_ROOT)}", flush=True)
        self.admin.deploy(original)
        live = yaml.safe_load(original.read_text())
        try:
            wait_for(lambda: all(self._restored(name, replica_settings(live, name)) for name in self.replicas),
                     self.timeout_s, "the deployments back on their configured scaling", progress=self.describe)
            wait_for(self._answers, 60, f"{self.api}/healthz")
            print(f"  {self.describe()}", flush=True)
        except TimeoutError as error:
            print(f"  warning: {error}; check `serve status`", file=sys.stderr, flush=True)

    def _scaled(self) -> bool:
        for name, count in self.replicas.items():
            status, details = self.admin.deployment(name, self.app_name)
            replicas = details.get("replicas") or []
            config = details.get("deployment_config") or {}
            if not (config.get("num_replicas") == count and not config.get("autoscaling_config")
                    and len(replicas) == count and _settled(status, details)):
                return False
        return True

    def _restored(self, name: str, wanted: dict) -> bool:
        status, details = self.admin.deployment(name, self.app_name)
        config = details.get("deployment_config") or {}
        replicas = details.get("replicas") or []
        if wanted.get("autoscaling_config"):
            applied = bool(config.get("autoscaling_config"))
        elif not wanted:
            applied = True  # the config leaves scaling to the code: any setting is the code's
        else:
            applied = config.get("num_replicas") == wanted.get("num_replicas", 1)
        return applied and bool(replicas) and _settled(status, details)

    def _answers(self) -> bool:
        return httpx.get(f"{self.api}/healthz", timeout=5, trust_env=False).status_code == 200


def _settled(app_status: str, details: dict) -> bool:
    """The application RUNNING, the deployment HEALTHY and every one of its replicas RUNNING."""
    return (app_status == "RUNNING" and details.get("status") == "HEALTHY"
            and all(r.get("state") == "RUNNING" for r in details.get("replicas") or []))
