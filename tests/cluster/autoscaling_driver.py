"""Driver for the independent-autoscaling test: deploys the application graph on a running local cluster
(cluster/local_cluster.sh), sends model="small" load, samples both pools' replica counts over time, and
prints the result as one JSON object on stdout (progress goes to stderr).

    RAY_AUTH_MODE=disabled python tests/cluster/autoscaling_driver.py --address 127.0.0.1:6390 \
        --model-dir ~/.cache/llm-serve/models/SmolLM2-135M-Instruct

It runs in its own process because a pytest session may already hold an in-process `ray.init` cluster.
Run it from the repository root: replicas import `tests.fakes` from the driver's working directory.
"""

from __future__ import annotations

import argparse
import asyncio
import copy
import json
import os
import sys
import time
from typing import Any

# A private test cluster has no token; set before Ray is imported.
os.environ["RAY_AUTH_MODE"] = "disabled"

import httpx  # noqa: E402
import ray  # noqa: E402
from ray import serve  # noqa: E402
from ray.serve._private.common import ReplicaState  # noqa: E402

from deployments.app import build_app, pool_deployment_name  # noqa: E402
from deployments.config import serve_config_args  # noqa: E402

POOL_DEPLOYMENTS = {pool: pool_deployment_name(pool, "v1") for pool in ("small", "large")}

APP_NAME = "llm"
POOL_MAX_REPLICAS = 3
# Each pool replica is pinned to the worker node that carries its custom resource (local_cluster.sh).
POOL_NODE_RESOURCE = {"small": "small_pool", "large": "large_pool"}


def autoscaling_app_args(model_dir: str, token_latency_s: float, tokens: int) -> dict[str, Any]:
    """serve_config.yaml's application, with both pools on the fixed-latency test engine, quick autoscaling,
    each pool pinned to its node, one ingress replica, and the classifier, fact checker and cache off."""
    args = copy.deepcopy(serve_config_args())
    for section in ("classifier", "fact_checker", "cache"):
        args[section]["enabled"] = False
    args["tenancy"] = {"enabled": False}  # no Redis in this cluster: scaling, not keys, is under test
    args["guardrails"] = {"enabled": False}
    args["ingress"]["deployment"] = {"num_replicas": 1, "max_ongoing_requests": 128, "ray_actor_options": {"num_cpus": 0.1}}
    for name, pool in args["pools"].items():
        version = pool["versions"]["v1"]
        version["engine"], version["engine_class"] = "custom", "tests.fakes:FixedLatencyEngine"
        llm_config = version["llm_config"]
        llm_config["model_loading_config"]["model_source"] = model_dir  # the engine loads its tokenizer from here
        llm_config["engine_kwargs"] = {"max_model_len": 2048}
        llm_config["experimental_configs"] = {"fixed_latency": {"latency_s": token_latency_s, "tokens": tokens}}
        llm_config.pop("runtime_env", None)
        # Each replica: its actor plus one engine bundle, pinned to the pool's node by a custom resource.
        llm_config["placement_group_config"] = {"bundles": [{"CPU": 0.5}]}
        llm_config["deployment_config"] = {
            "autoscaling_config": {
                "min_replicas": 1,
                "max_replicas": POOL_MAX_REPLICAS,
                "target_ongoing_requests": 1,
                "upscale_delay_s": 1,
                "downscale_delay_s": 5,
                "metrics_interval_s": 0.5,
                "look_back_period_s": 2,
            },
            # Small, so that queued requests (which count toward target_ongoing_requests) build up.
            "max_ongoing_requests": 2,
            "max_queued_requests": 64,
            "health_check_period_s": 2,
            "graceful_shutdown_timeout_s": 2,
            "ray_actor_options": {"num_cpus": 0.5, "resources": {POOL_NODE_RESOURCE[name]: 1}},
        }
    return args


def log(message: str) -> None:
    print(f"[driver] {message}", file=sys.stderr, flush=True)


def replica_counts() -> dict[str, dict[str, int]]:
    """Per pool: replicas RUNNING, and all the deployment has (starting, running, stopping, ...)."""
    deployments = serve.status().applications[APP_NAME].deployments
    counts = {}
    for pool, deployment_name in POOL_DEPLOYMENTS.items():
        states = deployments[deployment_name].replica_states
        counts[pool] = {"running": states.get(ReplicaState.RUNNING, 0), "all": sum(states.values())}
    return counts


def replica_placement() -> dict[str, list[list[str]]]:
    """Per pool: for each live replica, the custom resources of the node it runs on."""
    from ray.util.state import list_actors

    node_resources = {
        node["NodeID"]: sorted(name for name in node["Resources"] if name in POOL_NODE_RESOURCE.values())
        for node in ray.nodes()
        if node["Alive"]
    }
    placement = {}
    for pool, deployment_name in POOL_DEPLOYMENTS.items():
        actors = list_actors(filters=[("class_name", "=", f"ServeReplica:{APP_NAME}:{deployment_name}"), ("state", "=", "ALIVE")])
        placement[pool] = [node_resources.get(actor.node_id, []) for actor in actors]
    return placement


def exported_metric_names(deadline_s: float) -> list[str]:
    """Names of the ray_llm_* and ray_serve_* samples every node's Prometheus endpoint exports, once the
    Ingress's request counter has been exported (Ray exports on an interval)."""
    names: set[str] = set()
    deadline = time.monotonic() + deadline_s
    while time.monotonic() < deadline:
        names.clear()
        for node in ray.nodes():
            if node["Alive"]:
                text = httpx.get(f"http://{node['NodeManagerAddress']}:{node['MetricsExportPort']}/metrics", timeout=10).text
                names.update(
                    line.split("{", 1)[0].split(" ", 1)[0]
                    for line in text.splitlines()
                    if line.startswith(("ray_llm_", "ray_serve_"))
                )
        if "ray_llm_requests_total" in names:
            break
        time.sleep(1)
    return sorted(names)


class Sampler:
    def __init__(self, started: float):
        self.started = started
        self.timeline: list[dict[str, Any]] = []

    async def sample(self, phase: str) -> dict[str, dict[str, int]]:
        counts = await asyncio.to_thread(replica_counts)
        self.timeline.append(
            {
                "t": round(time.monotonic() - self.started, 1),
                "phase": phase,
                "small": counts["small"]["running"],
                "small_all": counts["small"]["all"],
                "large": counts["large"]["running"],
                "large_all": counts["large"]["all"],
            }
        )
        return counts


async def client_loop(http: httpx.AsyncClient, stop: asyncio.Event, statuses: dict[str, int]) -> None:
    body = {"model": "small", "messages": [{"role": "user", "content": "Say hi."}], "max_tokens": 16}
    while not stop.is_set():
        try:
            response = await http.post("/v1/chat/completions", json=body)
            key = str(response.status_code)
        except httpx.HTTPError as error:
            key = type(error).__name__
        statuses[key] = statuses.get(key, 0) + 1


async def drive(args: argparse.Namespace, sampler: Sampler) -> dict[str, Any]:
    statuses: dict[str, int] = {}
    stop = asyncio.Event()
    placement: dict[str, Any] = {}
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{args.http_port}", timeout=60) as http:
        clients = [asyncio.create_task(client_loop(http, stop, statuses)) for _ in range(args.clients)]
        load_started = time.monotonic()
        at_max_since = None
        # Load until the small pool has held its maximum for hold_s (or load_max_s has passed).
        while time.monotonic() - load_started < args.load_max_s:
            counts = await sampler.sample("load")
            if counts["small"]["running"] >= POOL_MAX_REPLICAS:
                at_max_since = at_max_since or time.monotonic()
                if not placement:
                    placement = await asyncio.to_thread(replica_placement)
                if time.monotonic() - at_max_since >= args.hold_s:
                    break
            await asyncio.sleep(args.sample_interval_s)
        if not placement:
            placement = await asyncio.to_thread(replica_placement)
        log(f"load phase over after {time.monotonic() - load_started:.0f} s; requests by status {statuses}")
        stop.set()
        await asyncio.gather(*clients)

    settle_started = time.monotonic()
    settled = False
    while time.monotonic() - settle_started < args.settle_timeout_s:
        counts = await sampler.sample("idle")
        if all(counts[pool] == {"running": 1, "all": 1} for pool in counts):
            settled = True
            break
        await asyncio.sleep(args.sample_interval_s)
    log(f"{'settled' if settled else 'did NOT settle'} after {time.monotonic() - settle_started:.0f} s idle")
    exported = await asyncio.to_thread(exported_metric_names, 60)
    return {"statuses": statuses, "placement": placement, "settled": settled, "exported_metrics": exported}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--address", required=True, help="the local cluster's GCS address")
    parser.add_argument("--model-dir", required=True, help="a prepared model directory (the pools' tokenizer)")
    parser.add_argument("--http-port", type=int, default=8010)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--token-latency-s", type=float, default=0.1)
    parser.add_argument("--tokens", type=int, default=10)
    parser.add_argument("--load-max-s", type=float, default=120)
    parser.add_argument("--hold-s", type=float, default=5)
    parser.add_argument("--settle-timeout-s", type=float, default=120)
    parser.add_argument("--sample-interval-s", type=float, default=0.5)
    args = parser.parse_args()

    ray.init(address=args.address, log_to_driver=False)
    serve.start(proxy_location="HeadOnly", http_options={"host": "127.0.0.1", "port": args.http_port})
    started = time.monotonic()
    serve.run(
        build_app(autoscaling_app_args(args.model_dir, args.token_latency_s, args.tokens)), name=APP_NAME, route_prefix="/"
    )
    deploy_s = time.monotonic() - started
    log(f"application running after {deploy_s:.0f} s")
    sampler = Sampler(time.monotonic())
    result = asyncio.run(drive(args, sampler))
    print(json.dumps({"deploy_s": round(deploy_s, 1), "max_replicas": POOL_MAX_REPLICAS, "timeline": sampler.timeline, **result}))


if __name__ == "__main__":
    main()
