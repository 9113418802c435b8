"""Model versions through a deployed graph: a second application ("canary", at /canary) next to the
session's graph, whose small pool has two versions on the fixed-latency test engine (behaviour, not the
model, is under test): v1 answers a true sentence, v2 one the fact checker contradicts.

- Under steady load, the canary analysis rolls v2 back on its own; no request fails.
- A rollout 0 -> 25 -> 100 % and a rollback, under steady streaming and non-streaming load, through the
  Ingress user_config (what `make rollout` deploys): no request fails, and each tenant keeps its version
  while the split is unchanged."""

from __future__ import annotations

import copy
import threading
import time
from collections import Counter, defaultdict

import httpx
import pytest

from tests.conftest import create_keys

pytestmark = pytest.mark.integration

APP, PREFIX = "canary", "/canary"
TRUE_ANSWER, FALSE_ANSWER = "The capital of France is Paris.", "The capital of Australia is Sydney."
TENANTS = tuple(f"versions-{i}" for i in range(12))


def _fake_version(model_dir, model_id: str, text: str) -> dict:
    return {
        "engine": "custom",
        "engine_class": "tests.fakes:FixedLatencyEngine",
        "llm_config": {
            "model_loading_config": {"model_id": model_id, "model_source": str(model_dir)},
            "engine_kwargs": {"max_model_len": 2048},
            "experimental_configs": {"fixed_latency": {"latency_s": 0.02, "tokens": 1, "text": text}},
            "placement_group_config": {"bundles": [{"CPU": 0.05}]},
            "deployment_config": {"num_replicas": 1, "max_ongoing_requests": 64, "max_queued_requests": 256,
                                  "graceful_shutdown_timeout_s": 10, "ray_actor_options": {"num_cpus": 0.05}},
        },
    }


def canary_app(deployed_app, model_dir, user_config: dict | None = None, bad_canary: bool = True) -> dict:
    args = copy.deepcopy(deployed_app.args)
    for section in ("classifier", "cache"):
        args[section]["enabled"] = False
    args["guardrails"] = {"enabled": False}
    # Anonymous callers (one conversation per request) for the rollback test; no limits in the way.
    args["tenancy"] = {**args["tenancy"], "allow_anonymous": True, "anonymous": {"rpm": 1_000_000, "tpm": 100_000_000}}
    args["fact_checker"]["policy"] = {"small": "annotate", "large": "annotate"}
    args["pools"]["small"] = {
        "max_tokens_limit": 64,
        "versions": {"v1": _fake_version(model_dir, "fake-v1", TRUE_ANSWER),
                     "v2": _fake_version(model_dir, "fake-v2", FALSE_ANSWER if bad_canary else "Paris is the capital of France.")},
        "traffic": {"v1": 100, "v2": 0},
        "stable": "v1",
        "canary_analysis": {"window_s": 600, "min_requests": 20},
    }
    args["pools"]["large"] = {"max_tokens_limit": 64, "versions": {"v1": _fake_version(model_dir, "fake-large", TRUE_ANSWER)}}
    return {"name": APP, "route_prefix": PREFIX, "import_path": "deployments.app:build_app", "args": args,
            "deployments": [{"name": "Ingress", "user_config": user_config or {}}]}


def split(traffic: dict[str, int]) -> dict:
    return {"traffic": {"small": {"traffic": traffic, "stable": "v1"}}}


class Load:
    """Steady load on the canary app: `clients` threads, each a tenant (or anonymous with a new conversation
    per request), alternating streaming and non-streaming requests; records every outcome."""

    def __init__(self, url: str, keys: dict[str, str] | None, clients: int = 4):
        self.url, self.keys, self.clients = url, keys, clients
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.results: list[dict] = []
        self.threads = [threading.Thread(target=self._run, args=(i,), daemon=True) for i in range(clients)]

    def __enter__(self) -> "Load":
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join(60)

    def _run(self, worker: int) -> None:
        n = 0
        with httpx.Client(timeout=60) as http:
            while not self.stop.is_set():
                n += 1
                tenant = TENANTS[(worker * 7 + n) % len(TENANTS)] if self.keys else None
                headers = {"authorization": f"Bearer {self.keys[tenant]}"} if tenant else {}
                question = f"What is the capital of France? ({worker}-{n})"
                body = {"model": "small", "messages": [{"role": "user", "content": question}], "max_tokens": 8, "stream": n % 2 == 0}
                outcome = {"tenant": tenant, "stream": body["stream"], "at": time.monotonic()}
                try:
                    if body["stream"]:
                        with http.stream("POST", f"{self.url}/v1/chat/completions", json=body, headers=headers) as response:
                            text = response.read().decode()
                            ok = response.status_code == 200 and "data: [DONE]" in text and '"error"' not in text
                            outcome.update(status=response.status_code, ok=ok, version=response.headers.get("x-model-version"))
                    else:
                        response = http.post(f"{self.url}/v1/chat/completions", json=body, headers=headers)
                        outcome.update(status=response.status_code, ok=response.status_code == 200,
                                       version=response.headers.get("x-model-version"))
                except httpx.HTTPError as error:
                    outcome.update(status=0, ok=False, version=None, error=repr(error))
                with self.lock:
                    self.results.append(outcome)

    def snapshot(self) -> list[dict]:
        with self.lock:
            return list(self.results)


@pytest.fixture(scope="module")
def canary(deployed_app, model_dir):
    deployed_app.deploy_extra(canary_app(deployed_app, model_dir))
    keys = create_keys(deployed_app.redis.url, tenants=TENANTS)
    yield deployed_app, keys
    deployed_app.remove_extra(APP)


def _wait(condition, timeout_s: float, what: str):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.5)
    raise AssertionError(f"timed out after {timeout_s:.0f} s waiting for {what}")


def test_a_worse_canary_is_rolled_back_on_its_own_with_no_failed_request(canary, model_dir):
    deployed_app, _ = canary
    deployed_app.deploy_extra(canary_app(deployed_app, model_dir, split({"v1": 50, "v2": 50})))
    url = deployed_app.url + PREFIX
    started = time.monotonic()
    with Load(url, keys=None) as load:  # anonymous: one conversation per request, so both versions get traffic
        def rolled_back():
            state = httpx.get(f"{url}/v1/rollout", timeout=10).json()["pools"]["small"]
            return state if state["rollbacks"] else None

        state = _wait(rolled_back, 180, "the canary analysis to roll v2 back")
        rolled_at = time.monotonic()
        _wait(lambda: sum(1 for r in load.snapshot() if r["at"] > rolled_at + 1) >= 20, 60, "traffic after the rollback")
    results = load.snapshot()
    decision = state["rollbacks"][0]["decision"]
    print(f"\nrollback after {rolled_at - started:.1f} s: {state['rollbacks'][0]['diff']}; {decision['reason']}")
    print(f"window: requests {decision['requests']}")
    for name, evidence in decision["metrics"].items():
        print(f"  {name:<18} stable {evidence.get('stable')}  canary {evidence.get('canary')}  -> {evidence['verdict']}")
    failed = [r for r in results if not r["ok"]]
    assert not failed, failed[:5]
    assert decision["metrics"]["contradicted_rate"]["verdict"] == "worse"
    assert state["traffic"] == {"v1": 100}
    after = [r["version"] for r in results if r["at"] > rolled_at + 1]
    assert after and set(after) == {"v1"}, Counter(after)


def test_rollout_25_then_100_then_rollback_under_load_loses_nothing_and_is_sticky(canary, model_dir):
    deployed_app, keys = canary
    url = deployed_app.url + PREFIX
    steps = [("0%", {"v1": 100, "v2": 0}), ("25%", {"v1": 75, "v2": 25}), ("100%", {"v1": 0, "v2": 100}),
             ("rollback", {"v1": 100, "v2": 0})]
    per_step: dict[str, list[dict]] = {}
    # A good canary here (the analysis has no reason to roll it back): the operator moves the split.
    deployed_app.deploy_extra(canary_app(deployed_app, model_dir, split(steps[0][1]), bad_canary=False))
    with Load(url, keys=keys) as load:
        for name, traffic in steps:
            deployed_app.deploy_extra(canary_app(deployed_app, model_dir, split(traffic), bad_canary=False))
            live = {v: p for v, p in traffic.items() if p}
            _wait(lambda: httpx.get(f"{url}/v1/rollout", timeout=10).json()["pools"]["small"]["traffic"] == live
                  or httpx.get(f"{url}/v1/rollout", timeout=10).json()["pools"]["small"]["traffic"] == traffic,
                  60, f"the ingress to apply {name}")
            step_started = time.monotonic()  # requests sent from here on see this split
            _wait(lambda: sum(1 for r in load.snapshot() if r["at"] > step_started + 1) >= 40, 120, f"traffic at step {name}")
            per_step[name] = [r for r in load.snapshot() if r["at"] > step_started + 1]
    results = load.snapshot()
    print()
    for name, rows in per_step.items():
        print(f"  step {name:<9} {dict(Counter(r['version'] for r in rows))}  ({len(rows)} requests)")
    failed = [r for r in results if not r["ok"]]
    assert not failed, failed[:5]
    assert {r["version"] for r in per_step["0%"]} == {"v1"} and {r["version"] for r in per_step["100%"]} == {"v2"}
    assert {r["version"] for r in per_step["rollback"]} == {"v1"}
    assert {r["version"] for r in per_step["25%"]} == {"v1", "v2"}
    versions_by_tenant = defaultdict(set)
    for row in per_step["25%"]:
        versions_by_tenant[row["tenant"]].add(row["version"])
    assert all(len(v) == 1 for v in versions_by_tenant.values()), dict(versions_by_tenant)  # sticky while unchanged
