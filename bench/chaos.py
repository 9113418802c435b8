"""Chaos test (issue 10, "Done when"): a pool replica killed, then Redis stopped and restarted, both under
steady `auto` traffic.

    make serve                                     # the graph, its Ray cluster (token auth) and Redis
    .venv/bin/python -m bench.chaos [--url http://127.0.0.1:8000] [--skip-kill] [--skip-redis]

Traffic: `--clients` (4) closed-loop clients with one unlimited API key (a fresh tenant, revoked at the
end), model `auto`, easy prompts, cache bypassed (Cache-Control: no-cache); half of the clients stream
(`--stream-max-tokens`, long enough for a kill to land mid-stream), the others do not
(`--max-tokens`). Every request is recorded: status, latency, x-route, x-route-fallback, and for streams
whether an error event came, whether it ended with `data: [DONE]`, and when it ended.

(a) Pool replica killed. After `--kill-at` s of `--duration` s of traffic every ALIVE replica actor of
    `--pool-deployment` (SmallPool:v1; normally the only one) is killed with `ray.kill` (found with
    ray.util.state.list_actors, class name ending ':SmallPool:v1'; ray.init(address="auto") with the
    cluster's token auth). Prints failed non-streaming requests (goal 0: failover to the other pool),
    p50/p99 latency, failovers (x-route-fallback: pool-unavailable), stream opens that failed (goal 0),
    streams cut mid-way and how long after the kill each ended (goal: an error event and [DONE] within
    `--stream-end-goal` = 5 s; none may hang or end without [DONE]). Then waits (`--recover-timeout`) until
    the deployment is HEALTHY with a new RUNNING replica.
(b) Redis stopped and restarted. After `--redis-stop-at` s of traffic: reads the tenant's recorded spend
    (tenancy.BudgetLedger), stops Redis with `redis-cli shutdown` (it keeps an append-only file, so the
    data survives; refused when appendonly is off), keeps the traffic on for `--redis-down` s, starts it
    again with `make serve`'s command line (dir and log file read from the running server), and keeps the
    traffic on for `--redis-after` s more. Checks against the deployment's `tenancy.fail_open` (from
    /healthz): fail-closed, every request sent and answered while Redis was down is a 503 with Retry-After,
    p99 latency of those refusals <= `--refusal-p99-goal` (1 s); fail-open, they are served (200).
    Service is back (from then on every request succeeds) within `--recovery-goal` (10 s) of Redis
    answering again, and the tenant's spend afterwards is not lower than before the stop.
    Redis is started again whatever happens (finally).

Exit 0 when every goal of the parts run is met, 1 otherwise. Writes bench/results/chaos_<time>.json.
Every address is loopback.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import shlex
import shutil
import subprocess
import sys
import time
import uuid
from collections import Counter
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import httpx

from bench._load import percentile
from bench._serve import REPO_ROOT, RESULTS, ServeAdmin, require_loopback, use_ray_auth, wait_for
from bench.tenancy_load import create_key

PROMPTS = [
    "Say hello.",
    "What is 2 + 2?",
    "Name a color.",
    "Write one short sentence about the sun.",
    "Give me a word that rhymes with cat.",
    "Count from one to five.",
    "What day comes after Monday?",
    "Say something kind.",
]


@dataclass
class Record:
    """One request. Times in s since the part started (first_token_s: first content, streams only);
    code: the error code of a non-200 body, or 'error:<exception>' when the transport failed."""

    part: str
    client: int
    stream: bool
    sent_s: float
    done_s: float
    status: int
    code: str = ""
    route: str = ""
    fallback: str = ""
    retry_after: str | None = None
    first_token_s: float | None = None
    tokens: int = 0
    done: bool = False  # streams: ended with data: [DONE]
    error_event: dict | None = None  # streams: the in-band error event

    @property
    def latency_s(self) -> float:
        return self.done_s - self.sent_s

    @property
    def outcome(self) -> str:
        """'ok', the error code / exception, 'stream_error' (in-band error event) or 'no_done'."""
        if self.ok:
            return "ok"
        if self.code or self.status != 200:
            return self.code or f"http_{self.status}"
        return "stream_error" if self.error_event is not None else "no_done"

    @property
    def ok(self) -> bool:
        """Served: 200, and for a stream, [DONE] with no error event."""
        return self.status == 200 and not self.code and (not self.stream or (self.done and self.error_event is None))


async def send(client: httpx.AsyncClient, api: str, secret: str, body: dict, part: str, index: int, t0: float) -> Record:
    """One chat request (streaming when body['stream']), recorded."""
    stream = bool(body.get("stream"))
    record = Record(part, index, stream, time.monotonic() - t0, 0.0, 0)
    headers = {"Authorization": f"Bearer {secret}", "Cache-Control": "no-cache"}
    try:
        async with client.stream("POST", f"{api}/v1/chat/completions", json=body, headers=headers) as response:
            record.status = response.status_code
            record.route = response.headers.get("x-route", "")
            record.fallback = response.headers.get("x-route-fallback", "")
            record.retry_after = response.headers.get("retry-after")
            if response.status_code != 200 or not stream:
                raw = await response.aread()
                try:
                    payload = json.loads(raw)
                except ValueError:
                    payload = {}
                if response.status_code != 200:
                    record.code = str(((payload.get("error") or {}) if isinstance(payload, dict) else {}).get("code") or "")
            else:
                async for line in response.aiter_lines():
                    if not line.startswith("data: "):
                        continue
                    data = line[6:].strip()
                    if data == "[DONE]":
                        record.done = True
                        continue
                    event = json.loads(data)
                    if "error" in event:
                        record.error_event = event["error"]
                        continue
                    for choice in event.get("choices") or []:
                        if (choice.get("delta") or {}).get("content"):
                            record.tokens += 1
                            if record.first_token_s is None:
                                record.first_token_s = time.monotonic() - t0
    except (httpx.HTTPError, json.JSONDecodeError) as error:
        record.code = f"error:{type(error).__name__}"
    record.done_s = time.monotonic() - t0
    return record


async def traffic(api: str, secret: str, args: argparse.Namespace, part: str, t0: float, stop: asyncio.Event,
                  records: list[Record], client: httpx.AsyncClient, hard_deadline_s: float) -> None:
    """`args.clients` closed-loop clients (the first half non-streaming, the rest streaming) until `stop` is
    set or `hard_deadline_s` after t0; a client pauses `args.failure_pause` s after a request that failed."""
    streaming_from = args.clients // 2

    async def client_loop(index: int) -> None:
        n = index
        while not stop.is_set() and time.monotonic() - t0 < hard_deadline_s:
            stream = index >= streaming_from
            body = {"model": "auto", "messages": [{"role": "user", "content": PROMPTS[n % len(PROMPTS)]}],
                    "max_tokens": args.stream_max_tokens if stream else args.max_tokens, "temperature": 0}
            if stream:
                body["stream"] = True
            n += args.clients
            record = await send(client, api, secret, body, part, index, t0)
            records.append(record)
            if not record.ok:
                await asyncio.sleep(args.failure_pause)

    async def progress() -> None:
        while not stop.is_set() and time.monotonic() - t0 < hard_deadline_s:
            await asyncio.sleep(5)
            counts = Counter(r.outcome for r in records)
            failovers = sum("pool-unavailable" in r.fallback for r in records)
            print(f"  [{time.monotonic() - t0:4.0f}s] {len(records)} requests: "
                  + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())) + f"; failovers {failovers}", flush=True)

    ticker = asyncio.create_task(progress())
    await asyncio.gather(*(client_loop(i) for i in range(args.clients)))
    ticker.cancel()


# ---------------------------------------------------------------- (a) pool replica killed


def connect_ray() -> None:
    use_ray_auth()
    import ray

    ray.init(address="auto", log_to_driver=False, logging_level=logging.WARNING)


def pool_replicas(deployment: str) -> list[Any]:
    """ALIVE actors whose class name ends with ':<deployment>' (Serve names them ServeReplica:<app>:<deployment>)."""
    from ray.util.state import list_actors

    return [a for a in list_actors(filters=[("state", "=", "ALIVE")], limit=10_000)
            if str(a.class_name).endswith(f":{deployment}")]


def kill_replicas(deployment: str) -> list[str]:
    """ray.kill every ALIVE replica of `deployment` (no restart; Serve's controller starts new ones).
    -> the killed actor ids."""
    import ray

    killed = []
    for actor in pool_replicas(deployment):
        ray.kill(ray.get_actor(actor.name, namespace=actor.ray_namespace), no_restart=True)
        killed.append(actor.actor_id)
    return killed


def summarize_kill(records: list[Record], kill_s: float, stream_goal_s: float) -> dict:
    plain = [r for r in records if not r.stream]
    streams = [r for r in records if r.stream]
    failed_plain = [r for r in plain if not r.ok]
    failed_opens = [r for r in streams if r.status != 200 or (r.code and r.first_token_s is None and not r.done)]
    in_flight = [r for r in streams if r.sent_s <= kill_s < r.done_s]
    cut = [r for r in streams if r.status == 200 and r.error_event is not None]
    broken = [r for r in streams if r.status == 200 and not r.done]  # no [DONE]: dropped or timed out
    latencies = [r.latency_s for r in plain]
    return {
        "kill_s": kill_s,
        "requests": len(records), "non_streaming": len(plain), "streams": len(streams),
        "failed_non_streaming": len(failed_plain),
        "failed_non_streaming_detail": dict(Counter(r.outcome for r in failed_plain)),
        "p50_s": percentile(latencies, 0.50), "p99_s": percentile(latencies, 0.99), "max_s": max(latencies, default=float("nan")),
        "stream_p50_s": percentile([r.latency_s for r in streams], 0.50),
        "stream_p99_s": percentile([r.latency_s for r in streams], 0.99),
        "failovers": sum("pool-unavailable" in r.fallback for r in records),
        "routes": dict(Counter(r.route or "-" for r in records)),
        "failed_stream_opens": len(failed_opens),
        "streams_in_flight_at_kill": [{"client": r.client, "route": r.route, "tokens": r.tokens, "done": r.done,
                                       "error": (r.error_event or {}).get("code"), "ended_after_kill_s": r.done_s - kill_s}
                                      for r in in_flight],
        "streams_cut": len(cut),
        "cut_end_after_kill_s": [r.done_s - kill_s for r in cut],
        "cut_without_done": sum(not r.done for r in cut),
        "streams_without_done": len(broken),
        "stream_goal_s": stream_goal_s,
    }


def kill_checks(summary: dict) -> list[dict]:
    ends = summary["cut_end_after_kill_s"]
    goal = summary["stream_goal_s"]
    return [
        {"check": "a: failed non-streaming requests = 0 (failover)", "passed": summary["failed_non_streaming"] == 0,
         "value": summary["failed_non_streaming"]},
        {"check": "a: failed stream opens = 0 (failover before the first token)", "passed": summary["failed_stream_opens"] == 0,
         "value": summary["failed_stream_opens"]},
        {"check": "a: at least one stream cut mid-way by the kill (else the stream goal is not exercised; rerun)",
         "passed": summary["streams_cut"] > 0, "value": summary["streams_cut"]},
        {"check": f"a: every cut stream ends with an error event and [DONE] within {goal:g} s of the kill",
         "passed": summary["cut_without_done"] == 0 and all(e <= goal for e in ends),
         "value": round(max(ends), 3) if ends else None},
        {"check": "a: no stream ends without [DONE] (hang or dropped connection)", "passed": summary["streams_without_done"] == 0,
         "value": summary["streams_without_done"]},
    ]


async def part_kill(args: argparse.Namespace, secret: str, admin: ServeAdmin, client: httpx.AsyncClient) -> dict:
    print(f"==> (a) {args.clients} clients of auto traffic for {args.duration:g} s; every {args.pool_deployment} "
          f"replica killed at {args.kill_at:g} s", flush=True)
    before = await asyncio.to_thread(pool_replicas, args.pool_deployment)
    if not before:
        raise SystemExit(f"no ALIVE replica of {args.pool_deployment}: is the graph deployed (make serve)?")
    print(f"  {len(before)} ALIVE {args.pool_deployment} replica(s): {[a.actor_id for a in before]}"
          + ("  (more than one: all are killed)" if len(before) > 1 else ""), flush=True)
    records: list[Record] = []
    stop = asyncio.Event()
    kill: dict[str, Any] = {}
    t0 = time.monotonic()

    async def killer() -> None:
        await asyncio.sleep(max(0.0, t0 + args.kill_at - time.monotonic()))
        kill["kill_s"] = time.monotonic() - t0
        kill["killed"] = await asyncio.to_thread(kill_replicas, args.pool_deployment)
        kill["kill_call_s"] = time.monotonic() - t0 - kill["kill_s"]
        print(f"  [{kill['kill_s']:4.0f}s] killed {len(kill['killed'])} replica(s) of {args.pool_deployment}: {kill['killed']}",
              flush=True)
        await asyncio.sleep(max(0.0, t0 + args.duration - time.monotonic()))
        stop.set()

    await asyncio.gather(killer(), traffic(args.url, secret, args, "kill", t0, stop, records, client, args.duration + 5))
    if not kill.get("killed"):
        raise SystemExit(f"no replica of {args.pool_deployment} was found to kill at {args.kill_at:g} s")
    summary = summarize_kill(records, kill["kill_s"], args.stream_end_goal)
    summary.update(killed=kill["killed"], kill_call_s=kill["kill_call_s"])

    print(f"  waiting for {args.pool_deployment} to be HEALTHY with a new replica (up to {args.recover_timeout:g} s)", flush=True)

    def recovered() -> bool:
        _, details = admin.deployment(args.pool_deployment)
        fresh = [r for r in details.get("replicas") or [] if r.get("state") == "RUNNING" and r.get("actor_id") not in kill["killed"]]
        return details.get("status") == "HEALTHY" and bool(fresh)

    try:
        wait_for(recovered, args.recover_timeout, f"{args.pool_deployment} HEALTHY", progress=lambda: admin.describe(args.pool_deployment))
        summary["healthy_again_after_kill_s"] = time.monotonic() - t0 - kill["kill_s"]
        print(f"  {args.pool_deployment} HEALTHY again {summary['healthy_again_after_kill_s']:.0f} s after the kill", flush=True)
    except TimeoutError as error:
        summary["healthy_again_after_kill_s"] = None
        print(f"  {error}", flush=True)
    summary["records"] = [asdict(r) for r in records]
    return summary


def print_kill(summary: dict) -> None:
    print(f"\n(a) replica kill at {summary['kill_s']:.1f} s: {summary['requests']} requests "
          f"({summary['non_streaming']} non-streaming, {summary['streams']} streams), routes {summary['routes']}")
    print(f"  failed non-streaming requests: {summary['failed_non_streaming']} (goal 0) {summary['failed_non_streaming_detail'] or ''}")
    print(f"  non-streaming latency: p50 {summary['p50_s']:.3f} s, p99 {summary['p99_s']:.3f} s, max {summary['max_s']:.3f} s; "
          f"streams p50 {summary['stream_p50_s']:.3f} s, p99 {summary['stream_p99_s']:.3f} s")
    print(f"  failovers (x-route-fallback: pool-unavailable): {summary['failovers']}; failed stream opens: "
          f"{summary['failed_stream_opens']} (goal 0)")
    ends = ", ".join(f"{e:.2f}" for e in summary["cut_end_after_kill_s"]) or "-"
    print(f"  streams cut mid-way: {summary['streams_cut']}, ended {ends} s after the kill (goal <= {summary['stream_goal_s']:g} s, "
          f"with an error event and [DONE]); streams without [DONE]: {summary['streams_without_done']}")
    for s in summary["streams_in_flight_at_kill"]:
        print(f"    in flight at the kill: client {s['client']} route {s['route'] or '-'} tokens {s['tokens']} "
              f"error {s['error'] or '-'} [DONE] {s['done']} ended {s['ended_after_kill_s']:.2f} s after")
    healthy = summary.get("healthy_again_after_kill_s")
    print(f"  pool HEALTHY again: {f'{healthy:.0f} s after the kill' if healthy is not None else 'not within the deadline'}")


# ---------------------------------------------------------------- (b) Redis stopped and restarted


class LocalRedis:
    """The loopback redis-server of `make serve`: stopped with `redis-cli shutdown`, started again with the
    Makefile's command line (`redis-server --port P --bind 127.0.0.1 --daemonize yes --dir D --appendonly yes
    --save "" --logfile D/redis.log`), D and the log file as the running server reports them."""

    def __init__(self, url: str):
        parsed = urlparse(url)
        self.host = parsed.hostname or "127.0.0.1"
        self.port = parsed.port or 6380
        self.url = url
        default_dir = Path(os.environ.get("LLM_SERVE_CACHE") or Path.home() / ".cache" / "llm-serve") / "redis"
        self.dir, self.logfile, self.appendonly = str(default_dir), str(default_dir / "redis.log"), ""

    def _client(self):
        import redis
        from redis.backoff import NoBackoff
        from redis.retry import Retry

        # no retries: redis-py's default backs off for seconds, which would blur when Redis stopped
        return redis.Redis(host=self.host, port=self.port, socket_timeout=0.5, socket_connect_timeout=0.5,
                           retry=Retry(NoBackoff(), 0))

    def ping(self) -> bool:
        import redis

        try:
            return bool(self._client().ping())
        except redis.RedisError:
            return False

    def read_config(self) -> None:
        """dir, logfile, appendonly of the running server (CONFIG GET)."""
        client = self._client()
        for name in ("dir", "logfile", "appendonly"):
            value = client.config_get(name).get(name)
            if value:
                setattr(self, name, value)

    def start_command(self) -> list[str]:
        return ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--daemonize", "yes", "--dir", self.dir,
                "--appendonly", "yes", "--save", "", "--logfile", self.logfile]

    def stop(self) -> None:
        subprocess.run(["redis-cli", "-h", self.host, "-p", str(self.port), "shutdown"], capture_output=True, text=True, timeout=30)

    def start(self) -> None:
        Path(self.dir).mkdir(parents=True, exist_ok=True)
        done = subprocess.run(self.start_command(), capture_output=True, text=True, timeout=30)
        if done.returncode != 0:
            raise RuntimeError(f"redis-server did not start ({done.returncode}): {done.stderr.strip() or done.stdout.strip()} "
                               f"(log: {self.logfile})")


def summarize_redis(records: list[Record], marks: dict, fail_open: bool, refusal_goal_s: float, recovery_goal_s: float) -> dict:
    down_s, up_s = marks["down_s"], marks["up_s"]
    during = [r for r in records if r.sent_s >= down_s and r.done_s < up_s]  # sent and answered while Redis was down
    if fail_open:
        as_configured = [r for r in during if r.ok]
    else:
        as_configured = [r for r in during if r.status == 503 and r.retry_after]
    refusals = [r.latency_s for r in during if r.status == 503]
    ordered = sorted((r for r in records if r.sent_s >= down_s), key=lambda r: r.sent_s)
    streak_start = len(ordered)
    while streak_start > 0 and ordered[streak_start - 1].ok:
        streak_start -= 1
    streak = ordered[streak_start:]
    recovered = bool(streak) and streak[-1].sent_s > up_s
    recovery_s = max(0.0, streak[0].done_s - up_s) if recovered else None
    return {
        **marks, "fail_open": fail_open,
        "requests": len(records), "during_outage": len(during),
        "during_outage_statuses": dict(Counter(f"{r.status} {r.code}".strip() for r in during)),
        "during_outage_as_configured": len(as_configured),
        "during_outage_with_retry_after": sum(bool(r.retry_after) for r in during),
        "refusal_p50_s": percentile(refusals, 0.50), "refusal_p99_s": percentile(refusals, 0.99),
        "refusal_goal_s": refusal_goal_s,
        "recovered": recovered, "recovery_s": recovery_s, "recovery_goal_s": recovery_goal_s,
        "successes_after_recovery": len(streak) if recovered else 0,
    }


def redis_checks(summary: dict) -> list[dict]:
    expected = "served (200)" if summary["fail_open"] else "503 with Retry-After"
    checks = [
        {"check": f"b: every request sent and answered while Redis was down: {expected} (configured "
                  f"fail_open={summary['fail_open']})",
         "passed": summary["during_outage"] > 0 and summary["during_outage_as_configured"] == summary["during_outage"],
         "value": f"{summary['during_outage_as_configured']}/{summary['during_outage']}"},
    ]
    if not summary["fail_open"]:
        checks.append({"check": f"b: p99 latency of those refusals <= {summary['refusal_goal_s']:g} s",
                       "passed": summary["refusal_p99_s"] <= summary["refusal_goal_s"],
                       "value": round(summary["refusal_p99_s"], 3)})
    checks.append({"check": f"b: every request succeeds again within {summary['recovery_goal_s']:g} s of Redis answering",
                   "passed": summary["recovery_s"] is not None and summary["recovery_s"] <= summary["recovery_goal_s"],
                   "value": None if summary["recovery_s"] is None else round(summary["recovery_s"], 3)})
    checks.append({"check": "b: recorded spend after the restart >= before the stop",
                   "passed": summary.get("spend_after_usd") is not None and summary["spend_after_usd"] >= summary["spend_before_usd"],
                   "value": f"{summary.get('spend_before_usd')} -> {summary.get('spend_after_usd')}"})
    return checks


async def part_redis(args: argparse.Namespace, secret: str, tenant: str, fail_open: bool, client: httpx.AsyncClient) -> dict:
    from tenancy import BudgetLedger, connect

    server = LocalRedis(args.redis_url)
    server.read_config()
    if server.appendonly != "yes":
        raise SystemExit(f"Redis at {args.redis_url} has appendonly={server.appendonly!r}: stopping it would lose its data; "
                         "start it the way `make serve` does (--appendonly yes)")
    for binary in ("redis-cli", "redis-server"):
        if shutil.which(binary) is None:
            raise SystemExit(f"{binary} is not on PATH (make redis installs it)")
    ledger = BudgetLedger(connect(args.redis_url, 1.0), args.prefix)
    print(f"==> (b) {args.clients} clients of auto traffic; Redis ({args.redis_url}, dir {server.dir}) stopped at "
          f"{args.redis_stop_at:g} s for {args.redis_down:g} s; configured fail_open={fail_open}", flush=True)
    records: list[Record] = []
    stop = asyncio.Event()
    marks: dict[str, Any] = {}
    t0 = time.monotonic()

    async def operator() -> None:
        try:
            await asyncio.sleep(max(0.0, t0 + args.redis_stop_at - time.monotonic()))
            marks["spend_before_usd"] = (await asyncio.to_thread(ledger.spend, tenant, "total")).spent_usd
            marks["stop_s"] = time.monotonic() - t0
            await asyncio.to_thread(server.stop)
            await asyncio.to_thread(wait_for, lambda: not server.ping(), 15, "Redis to stop", 0.05)
            marks["down_s"] = time.monotonic() - t0
            print(f"  [{marks['down_s']:4.0f}s] Redis stopped (spend recorded before: ${marks['spend_before_usd']:.9f})", flush=True)
            await asyncio.sleep(args.redis_down)
            marks["start_s"] = time.monotonic() - t0
            await asyncio.to_thread(server.start)
            await asyncio.to_thread(wait_for, server.ping, 30, "Redis to answer", 0.05)
            marks["up_s"] = time.monotonic() - t0
            print(f"  [{marks['up_s']:4.0f}s] Redis answering again ({shlex.join(server.start_command())})", flush=True)
            await asyncio.sleep(args.redis_after)
        finally:
            stop.set()

    hard_deadline = args.redis_stop_at + args.redis_down + args.redis_after + 60
    try:
        await asyncio.gather(operator(), traffic(args.url, secret, args, "redis", t0, stop, records, client, hard_deadline))
    finally:
        if not server.ping():  # whatever failed, Redis must not stay down
            print("  Redis is down after part (b): starting it again", flush=True)
            server.start()
            wait_for(server.ping, 30, "Redis to answer", 0.05)
    if "up_s" not in marks:
        raise SystemExit(f"part (b) did not complete its stop/start of Redis: {marks}")
    summary = summarize_redis(records, marks, fail_open, args.refusal_p99_goal, args.recovery_goal)
    # settlements kept in memory during the outage are replayed in the background after it
    try:
        summary["spend_after_usd"] = wait_for(
            lambda: (s := ledger.spend(tenant, "total").spent_usd) >= marks["spend_before_usd"] and s or None,
            15, "the spend to be back", 0.5) if marks["spend_before_usd"] > 0 else ledger.spend(tenant, "total").spent_usd
    except TimeoutError:
        summary["spend_after_usd"] = ledger.spend(tenant, "total").spent_usd
    summary["records"] = [asdict(r) for r in records]
    return summary


def print_redis(summary: dict) -> None:
    print(f"\n(b) Redis down from {summary['down_s']:.1f} s to {summary['up_s']:.1f} s (fail_open={summary['fail_open']}): "
          f"{summary['during_outage']} requests sent and answered meanwhile: {summary['during_outage_statuses']}, "
          f"{summary['during_outage_with_retry_after']} with Retry-After")
    if summary["during_outage"]:
        print(f"  refusal latency p50 {summary['refusal_p50_s']:.3f} s, p99 {summary['refusal_p99_s']:.3f} s "
              f"(goal <= {summary['refusal_goal_s']:g} s)")
    recovery = f"{summary['recovery_s']:.2f} s" if summary["recovery_s"] is not None else "not recovered"
    print(f"  service back {recovery} after Redis answered (goal <= {summary['recovery_goal_s']:g} s); "
          f"{summary['successes_after_recovery']} successes since")
    print(f"  spend: ${summary['spend_before_usd']:.9f} before the stop, ${summary['spend_after_usd']:.9f} after (must not be lower)")


# ---------------------------------------------------------------- main


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", default="http://127.0.0.1:8000", help="the graph (loopback only)")
    parser.add_argument("--dashboard", default="http://127.0.0.1:8265", help="Ray dashboard (Serve REST API)")
    parser.add_argument("--redis-url", default=os.environ.get("LLM_SERVE_REDIS_URL") or "redis://127.0.0.1:6380/0",
                        help="tenancy's Redis, the one part (b) stops (loopback only)")
    parser.add_argument("--prefix", default="llmtenancy", help="tenancy.key_prefix of the deployment")
    parser.add_argument("--clients", type=int, default=4, help="concurrent clients (half of them stream); at least 4")
    parser.add_argument("--max-tokens", type=int, default=8, help="max_tokens of non-streaming requests")
    parser.add_argument("--stream-max-tokens", type=int, default=48, help="max_tokens of streams (long enough to be cut)")
    parser.add_argument("--failure-pause", type=float, default=0.1, help="seconds a client waits after a failed request")
    parser.add_argument("--request-timeout", type=float, default=60, help="per request (a stream that hangs ends here)")
    parser.add_argument("--skip-kill", action="store_true", help="skip part (a)")
    parser.add_argument("--skip-redis", action="store_true", help="skip part (b)")
    parser.add_argument("--duration", type=float, default=60, help="(a) seconds of traffic")
    parser.add_argument("--kill-at", type=float, default=15, help="(a) seconds of traffic before the kill")
    parser.add_argument("--pool-deployment", default="SmallPool:v1", help="(a) the deployment whose replicas are killed")
    parser.add_argument("--stream-end-goal", type=float, default=5.0, help="(a) seconds from the kill to a cut stream's end")
    parser.add_argument("--recover-timeout", type=float, default=600, help="(a) seconds to wait for the pool to be HEALTHY again")
    parser.add_argument("--redis-stop-at", type=float, default=10, help="(b) seconds of traffic before Redis stops")
    parser.add_argument("--redis-down", type=float, default=10, help="(b) seconds Redis stays down")
    parser.add_argument("--redis-after", type=float, default=20, help="(b) seconds of traffic after Redis answers again")
    parser.add_argument("--refusal-p99-goal", type=float, default=1.0, help="(b) p99 latency of the 503s while Redis is down")
    parser.add_argument("--recovery-goal", type=float, default=10.0, help="(b) seconds until every request succeeds again")
    args = parser.parse_args(argv)
    args.url = require_loopback(args.url, "--url")
    args.dashboard = require_loopback(args.dashboard, "--dashboard")
    require_loopback(args.redis_url.replace("redis://", "http://", 1), "--redis-url")
    if args.clients < 2:
        parser.error("--clients must be at least 2 (half stream)")
    if not args.skip_kill and not 0 < args.kill_at < args.duration:
        parser.error("--kill-at must fall inside --duration")
    return args


async def run(args: argparse.Namespace, health: dict) -> dict:
    from tenancy import KeyStore, connect

    store = KeyStore(connect(args.redis_url, 2.0), args.prefix)
    tenant = f"chaos-{uuid.uuid4().hex[:6]}"
    key_id, secret = create_key(store, tenant)  # unlimited: only the chaos may refuse requests
    fail_open = bool((health.get("tenancy") or {}).get("fail_open"))
    report: dict[str, Any] = {"started": time.strftime("%Y-%m-%dT%H:%M:%S"), "tenant": tenant, "key_id": key_id,
                              "settings": vars(args), "healthz": health, "checks": []}
    timeout = httpx.Timeout(args.request_timeout, connect=5)
    try:
        async with httpx.AsyncClient(timeout=timeout, trust_env=False) as client:
            if not args.skip_kill:
                report["kill"] = await part_kill(args, secret, ServeAdmin(args.dashboard), client)
                report["checks"] += kill_checks(report["kill"])
            if not args.skip_redis:
                report["redis"] = await part_redis(args, secret, tenant, fail_open, client)
                report["checks"] += redis_checks(report["redis"])
    finally:
        try:
            store.revoke(key_id)
        except Exception as error:  # noqa: BLE001 - cleanup must not hide the run's own error
            print(f"  warning: could not revoke {key_id}: {error}", file=sys.stderr)
    return report


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    try:
        health = httpx.get(f"{args.url}/healthz", timeout=5, trust_env=False).raise_for_status().json()
    except httpx.HTTPError:
        raise SystemExit(f"the graph is not up at {args.url}: run `make serve` first")
    RESULTS.mkdir(exist_ok=True)
    if not args.skip_kill:
        connect_ray()  # in the main thread: ray.init installs signal handlers
    try:
        report = asyncio.run(run(args, health))
    finally:
        if not args.skip_kill:
            import ray

            ray.shutdown()
    if "kill" in report:
        print_kill(report["kill"])
    if "redis" in report:
        print_redis(report["redis"])
    print()
    for check in report["checks"]:
        print(f"  [{'PASS' if check['passed'] else 'FAIL'}] {check['check']}: {check['value']}")
    path = RESULTS / f"chaos_{time.strftime('%Y%m%d_%H%M%S')}.json"
    path.write_text(json.dumps(report, indent=1, default=str))
    print(f"\nsaved {path.relative_to(REPO_ROOT)}")
    sys.exit(0 if report["checks"] and all(c["passed"] for c in report["checks"]) else 1)


if __name__ == "__main__":
    main()
