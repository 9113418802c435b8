"""Closed-loop load against an OpenAI-compatible endpoint: N concurrent workers, each sending its share
of the prompts as streaming chat requests, recording latency, time to first token and tokens."""

from __future__ import annotations

import asyncio
import json
import statistics
import time
from dataclasses import dataclass, field
from typing import Iterable

import httpx


@dataclass
class Sample:
    latency_s: float
    ttft_s: float
    completion_tokens: int
    status: int


@dataclass
class LevelResult:
    target: str
    concurrency: int
    samples: list[Sample] = field(default_factory=list)
    wall_s: float = 0.0

    def ok(self) -> list[Sample]:
        return [s for s in self.samples if s.status == 200]

    def percentile(self, attr: str, q: float) -> float:
        return percentile([getattr(s, attr) for s in self.ok()], q)

    @property
    def tokens_per_s(self) -> float:
        return sum(s.completion_tokens for s in self.ok()) / self.wall_s if self.wall_s else 0.0

    @property
    def errors(self) -> int:
        return len(self.samples) - len(self.ok())

    @classmethod
    def pooled(cls, results: list["LevelResult"]) -> "LevelResult":
        """Several runs of one target and level as one: all samples, and the summed wall time (so tokens/s
        is all tokens over all the time spent generating them)."""
        first = results[0]
        return cls(first.target, first.concurrency, [s for r in results for s in r.samples], sum(r.wall_s for r in results))


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))] if ordered else float("nan")


async def stream_one(client: httpx.AsyncClient, url: str, body: dict, headers: dict) -> Sample:
    started = time.perf_counter()
    ttft = None
    tokens = 0
    async with client.stream("POST", url, json=body, headers=headers) as response:
        if response.status_code != 200:
            await response.aread()
            return Sample(time.perf_counter() - started, float("nan"), 0, response.status_code)
        async for line in response.aiter_lines():
            if not line.startswith("data: ") or line == "data: [DONE]":
                continue
            event = json.loads(line[6:])
            if ttft is None and event.get("choices") and event["choices"][0].get("delta", {}).get("content"):
                ttft = time.perf_counter() - started
            if event.get("usage"):
                tokens = event["usage"]["completion_tokens"]
    latency = time.perf_counter() - started
    return Sample(latency, ttft if ttft is not None else latency, tokens, 200)


async def run_level(
    target: str, base_url: str, model: str, prompts: list[str], concurrency: int, max_tokens: int, headers: dict
) -> LevelResult:
    result = LevelResult(target, concurrency)
    queue: asyncio.Queue[str] = asyncio.Queue()
    for prompt in prompts:
        queue.put_nowait(prompt)

    async def worker(client: httpx.AsyncClient) -> None:
        while not queue.empty():
            prompt = queue.get_nowait()
            body = {
                "model": model,
                "messages": [{"role": "user", "content": prompt}],
                "max_tokens": max_tokens,
                "temperature": 0,
                "stream": True,
                "stream_options": {"include_usage": True},
            }
            result.samples.append(await stream_one(client, f"{base_url}/v1/chat/completions", body, headers))

    async with httpx.AsyncClient(timeout=300) as client:
        started = time.perf_counter()
        await asyncio.gather(*(worker(client) for _ in range(concurrency)))
        result.wall_s = time.perf_counter() - started
    return result


def summary_row(result: LevelResult) -> dict:
    return {
        "target": result.target,
        "concurrency": result.concurrency,
        "requests": len(result.samples),
        "errors": result.errors,
        "p50_s": result.percentile("latency_s", 0.50),
        "p95_s": result.percentile("latency_s", 0.95),
        "ttft_p50_s": result.percentile("ttft_s", 0.50),
        "ttft_p95_s": result.percentile("ttft_s", 0.95),
        "tokens_per_s": result.tokens_per_s,
        "mean_tokens": statistics.mean([s.completion_tokens for s in result.ok()]) if result.ok() else 0,
    }


def cpu_busy_ticks(cpus: Iterable[int]) -> tuple[int, int]:
    """(busy, total) clock ticks summed over `cpus` since boot, from /proc/stat's per-CPU lines (busy = all
    but idle and iowait)."""
    wanted, busy, total = {f"cpu{c}" for c in cpus}, 0, 0
    with open("/proc/stat") as stat:
        for line in stat:
            name, *fields = line.split()
            if name in wanted:
                ticks = [int(f) for f in fields]
                total += sum(ticks[:8])  # user nice system idle iowait irq softirq steal (guest is in user)
                busy += sum(ticks[:8]) - ticks[3] - ticks[4]
    return busy, total


def wait_for_quiet_cpus(cpus: Iterable[int], busy_below: float = 0.1, window_s: float = 0.25,
                        timeout_s: float = 15.0) -> tuple[bool, float]:
    """Wait until `cpus` were busy less than `busy_below` (a fraction, 0-1) of one `window_s`-second window,
    or `timeout_s` passed -> (quiet, seconds waited).

    Why: targets that share the compute cores must not measure each other. After its last step a vLLM
    worker busy-polls its shared-memory queue for 1 s with sched_yield (vLLM's shm_broadcast `busy_loop_s`),
    and from another scheduler autogroup (bare vLLM runs in its own session) that spin took 60-80 % of the
    core from the next target's engine: the graph's first-wave time to first token went from 0.37 to
    1.2 s when it ran straight after bare vLLM, and not the other way round."""
    cpus = list(cpus)
    started = time.monotonic()
    before = cpu_busy_ticks(cpus)
    while True:
        time.sleep(window_s)
        after = cpu_busy_ticks(cpus)
        busy, total = after[0] - before[0], after[1] - before[1]
        waited = time.monotonic() - started
        if total and busy / total < busy_below:
            return True, waited
        if waited >= timeout_s:
            return False, waited
        before = after
