"""Benchmark: what the pipeline's own stages cost, through the whole HTTP graph, next to a no-op Ray
Serve deployment on the same cluster (the floor: proxy + one replica hop).

Prints, in one run:
  - no-op deployment p50/p99, interleaved request by request with the exact cache hits
  - cache hit p50/p99 (exact and semantic) through the graph, and hit p50 / no-op p50
  - the classifier's added latency per request (Server-Timing `classify`) and /v1/classify round trip
  - the fact checker's added latency per request (Server-Timing `validate`)
  - the semantic lookup p50 with 100,000 entries (bench/cache_lookup.py)

    make serve
    .venv/bin/python -m bench.pipeline_latency [--requests 200]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time

import httpx

from bench._load import percentile
from bench._serve import RESULTS, use_ray_auth

NOOP_APP, NOOP_ROUTE = "bench-noop", "/bench-noop"


def deploy_noop() -> None:
    use_ray_auth()  # before Ray is imported: it reads the auth mode once
    import ray
    from ray import serve

    @serve.deployment(ray_actor_options={"num_cpus": 0.1})
    class NoOp:
        async def __call__(self, request) -> dict:
            await request.body()
            return {"ok": True}

    ray.init(address="auto", log_to_driver=False)
    serve.run(NoOp.bind(), name=NOOP_APP, route_prefix=NOOP_ROUTE)


def delete_noop() -> None:
    from ray import serve

    serve.delete(NOOP_APP)


def timed_posts(client: httpx.Client, path: str, body: dict, n: int, headers: dict | None = None) -> tuple[list[float], list[httpx.Response]]:
    latencies, responses = [], []
    for _ in range(n):
        started = time.perf_counter()
        response = client.post(path, json=body, headers=headers or {})
        latencies.append((time.perf_counter() - started) * 1000)
        responses.append(response)
    return latencies, responses


def server_timing(response: httpx.Response, stage: str) -> float | None:
    for part in response.headers.get("server-timing", "").split(","):
        name, _, duration = part.strip().partition(";dur=")
        if name == stage and duration:
            return float(duration)
    return None


def interleaved_posts(client: httpx.Client, a: tuple[str, dict], b: tuple[str, dict], n: int
                      ) -> tuple[list[float], list[float], list[httpx.Response]]:
    """n requests to each of a and b = (path, body), alternating which goes first: -> (a ms, b ms, b's responses)."""
    a_ms, b_ms, b_responses = [], [], []
    for i in range(n):
        for path, body in ((a, b) if i % 2 == 0 else (b, a)):
            latencies, responses = timed_posts(client, path, body, 1)
            if (path, body) == a:
                a_ms += latencies
            else:
                b_ms += latencies
                b_responses += responses
    return a_ms, b_ms, b_responses


def line(label: str, values: list[float]) -> dict:
    row = {"p50_ms": percentile(values, 0.5), "p99_ms": percentile(values, 0.99), "n": len(values)}
    print(f"  {label:42s} p50 {row['p50_ms']:7.2f} ms   p99 {row['p99_ms']:7.2f} ms   (n={row['n']})", flush=True)
    return row


def chat(question: str, model: str = "small", max_tokens: int = 32) -> dict:
    return {"model": model, "messages": [{"role": "user", "content": question}], "temperature": 0, "max_tokens": max_tokens}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--api", default="http://127.0.0.1:8000")
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--generations", type=int, default=30, help="requests that generate (classifier/validator timing)")
    args = parser.parse_args()
    RESULTS.mkdir(exist_ok=True)
    results: dict[str, dict] = {}

    with httpx.Client(base_url=args.api, timeout=120) as client:
        client.get("/healthz").raise_for_status()
        print("no-op Ray Serve deployment (same proxy, one replica hop) and exact cache hits through the whole graph,")
        print("interleaved request by request so that both see the same machine load:")
        stored = client.post("/v1/chat/completions", json=chat("What is the capital of Japan?"))
        if stored.json()["choices"][0]["finish_reason"] != "stop":
            raise SystemExit("the seed answer did not finish; it would not be cached")
        deploy_noop()
        try:
            noop = (NOOP_ROUTE, {"ping": 1})
            exact = ("/v1/chat/completions", chat("What is the capital of Japan?"))
            timed_posts(client, *noop, 20)  # warm-up
            noop_ms, exact_ms, responses = interleaved_posts(client, noop, exact, args.requests)
            assert all(r.headers["x-cache"] == "exact" for r in responses), "expected exact hits"
            results["noop"] = line("no-op", noop_ms)
            results["exact_hit"] = line("exact hit", exact_ms)
        finally:
            delete_noop()
        latencies, responses = timed_posts(client, "/v1/chat/completions", chat("Which city is the capital of Japan?"), args.requests)
        kinds = {r.headers["x-cache"] for r in responses}
        results["semantic_hit"] = line(f"semantic hit ({'/'.join(sorted(kinds))})", latencies)
        results["exact_hit_over_noop"] = {"ratio": results["exact_hit"]["p50_ms"] / results["noop"]["p50_ms"]}
        print(f"  exact hit p50 / no-op p50 = {results['exact_hit_over_noop']['ratio']:.2f}  (target <= 2)")

        print("classifier and fact checker, per generating request (Server-Timing):")
        questions = [f"What is the capital of {c}?" for c in ("Peru", "Chile", "Kenya", "Norway", "Egypt", "Canada")]
        classify_ms, validate_ms = [], []
        for i in range(args.generations):
            response = client.post("/v1/chat/completions", json=chat(questions[i % len(questions)], model="auto", max_tokens=16),
                                   headers={"cache-control": "no-cache"})
            for stage, bucket in (("classify", classify_ms), ("validate", validate_ms)):
                value = server_timing(response, stage)
                if value is not None:
                    bucket.append(value)
        results["classify_stage"] = line("classifier added (in the ingress)", classify_ms)
        results["validate_stage"] = line("fact checker added (in the ingress)", validate_ms)
        latencies, _ = timed_posts(client, "/v1/classify", {"prompt": "Explain quantum entanglement to a physicist."}, args.requests // 2)
        results["classify_endpoint"] = line("/v1/classify round trip", latencies)

    print("semantic lookup with 100,000 entries (bench/cache_lookup.py, in-process store):", flush=True)
    subprocess.run([sys.executable, "-m", "bench.cache_lookup", "--entries", "100000"], check=True)

    out = RESULTS / f"pipeline_latency_{time.strftime('%Y%m%d_%H%M%S')}.json"
    out.write_text(json.dumps(results, indent=2))
    print(f"saved {out}")


if __name__ == "__main__":
    main()
