"""Load test of per-tenant rate limits and budgets across ingress replicas (issue 10, "Done when").

    make serve                                     # the graph, its Ray cluster (token auth) and Redis
    .venv/bin/python -m bench.tenancy_load [--duration 60] [--url http://127.0.0.1:8000] [--ingress-replicas 2]

In order:
  1. scales the Ingress to `--ingress-replicas` fixed replicas: `serve deploy` of a copy of the live serve
     config (.rollout/serve_config.deployed.yaml if `make rollout` wrote one, else serve_config.yaml) whose
     `deployments` entry of the Ingress is {num_replicas: N, autoscaling_config: null} (see
     `bench._serve.fixed_replicas_config`; --scale-method args edits args.ingress.deployment instead), and waits until
     the application is RUNNING with exactly N RUNNING Ingress replicas; the live config is deployed
     again at the end, also after an error or Ctrl-C;
  2. calibrates: tokens charged per load request (usage.prompt_tokens + completion_tokens, temperature 0);
  3. creates keys (tenancy.KeyStore, fresh tenant names per run) for three tenants:
       A  rpm 30,  no tpm                              -> rpm binds
       B  rpm 60,  tpm 10x what 60 rpm uses             -> rpm binds, tpm present but never reached
       C  rpm 120, tpm = tokens of --tpm-share x 120 rpm -> tpm binds
     and drives each above its limit for `--duration` s: closed loop, `--concurrency` workers per tenant,
     each pausing `--refusal-pause` s after a refusal (a 429 answers in milliseconds);
  4. budget: a fourth tenant with $0.01 (budget_period total) sends rounds of `--budget-concurrency`
     (20) simultaneous long-prompt requests until a whole round is refused with insufficient_quota;
  5. revokes every key it created.

Checks (exit 0 when all pass, 1 otherwise):
  * rate: per tenant, admitted per minute in the binding unit (requests for rpm, usage tokens for tpm),
    counted over the run's full minutes by response time, is within [0.95, 1.00] x the limit;
  * never above: no 60 s window holds more than the limit. A request was admitted by the server
    somewhere between its send and response times, so a window [t, t+60) surely holds every request
    sent at or after t and answered by t+60; the largest such count (weighted by tokens for tpm) must not
    exceed the limit (no false alarm from client-side timing);
  * headers: every 200/429 of A, B, C carries x-ratelimit-limit-requests (and -tokens where the key has a
    tpm) equal to the key's limit;
  * budget: the budget was reached (insufficient_quota seen) and spend (Redis, via tenancy.BudgetLedger,
    after every reservation settled) exceeds $0.01 by at most one request's reservation, computed like
    the ingress does (pipeline.access.estimate_prompt_tokens + max_tokens, at the dearest pool's prices
    from GET /v1/models).

Prints a table per tenant (sent, admitted, refused by reason, other, rate vs limit, spend) and writes
bench/results/tenancy_load_<time>.json (settings, rows, checks, every request's times and outcome).
Every address is loopback. Generations are short (max_tokens 8, cache bypassed with Cache-Control:
no-cache) so a CPU machine's model is not what limits the rate.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import time
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

import httpx

from bench._serve import (
    REPO_ROOT, RESULTS, SCALE_METHODS, FixedReplicas, ServeAdmin, require_loopback, wait_for,
)

LOAD_PROMPT = "Say hello in one word."
RATE_TOLERANCE = 0.05  # admitted rate within [1 - this, 1] x limit (issue 10)
BUDGET_PARAGRAPH = (
    "A small garden needs steady care through the seasons. In spring the soil is turned and fed with "
    "compost, seeds are sown in shallow rows, and young plants are protected from late frost. Summer "
    "brings long days of watering, weeding and tying up tall stems, while the first beans and lettuces "
    "are picked. In autumn the beds are cleared, bulbs are planted for the next year, and leaves are "
    "gathered to rot into mould. Winter is for planning, mending tools and reading seed catalogues. "
)


# ---------------------------------------------------------------- cluster plumbing (shared with bench.chaos)


def create_key(store, tenant: str, **limits) -> tuple[str, str]:
    """(key_id, secret) of a new key of `tenant` (tenancy.KeyStore.create's fields)."""
    record, secret = store.create(tenant, **limits)
    return record.key_id, secret


def pool_prices(api: str) -> dict[str, dict[str, float]]:
    """Pool -> {input_per_million, output_per_million} (USD), from GET /v1/models."""
    cards = httpx.get(f"{api}/v1/models", timeout=10, trust_env=False).json()["data"]
    return {card["id"]: card["prices"] for card in cards if card.get("prices")}


def reservation_usd(prompt: str, max_tokens: int, prices: dict[str, dict[str, float]]) -> float:
    """What the ingress reserves against a budget for one chat request with one user message `prompt`
    (pipeline/pipeline.py `_admit`): the prompt estimate plus max_tokens at the dearest pool the key may
    use (every pool: the bench's keys have no model allow-list)."""
    from pipeline.access import estimate_prompt_tokens

    tokens = estimate_prompt_tokens([prompt])
    return max((tokens * p["input_per_million"] + max_tokens * p["output_per_million"]) / 1e6 for p in prices.values())


# ---------------------------------------------------------------- one request, recorded


@dataclass
class Outcome:
    """One request: times in s since the phase started; reason 'ok', 'rpm', 'tpm', 'budget', 'http_<status>'
    or 'error:<exception>'; tokens from the response's usage (200 only)."""

    tenant: str
    sent_s: float
    done_s: float
    status: int
    reason: str
    prompt_tokens: int = 0
    completion_tokens: int = 0
    route: str = ""
    escalated: bool = False
    limit_headers: dict[str, str] = field(default_factory=dict)

    @property
    def admitted(self) -> bool:
        return self.status == 200

    @property
    def tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens


def refusal_reason(status: int, body: dict) -> str:
    """'rpm', 'tpm' or 'budget' for the ingress' 429s (code insufficient_quota: budget; rate_limit_exceeded:
    tpm when the message is about tokens, else rpm), else 'http_<status>' or 'http_<status>:<code>'."""
    error = body.get("error") if isinstance(body, dict) else None
    code = (error or {}).get("code") or ""
    if status == 429 and code == "insufficient_quota":
        return "budget"
    if status == 429 and code == "rate_limit_exceeded":
        return "tpm" if "tokens" in (error.get("message") or "") else "rpm"
    return f"http_{status}:{code}" if code else f"http_{status}"


async def chat(client: httpx.AsyncClient, api: str, secret: str, body: dict, tenant: str, t0: float) -> Outcome:
    """POST /v1/chat/completions (non-streaming, cache bypassed) as the key `secret`."""
    headers = {"Authorization": f"Bearer {secret}", "Cache-Control": "no-cache"}
    sent = time.monotonic() - t0
    try:
        response = await client.post(f"{api}/v1/chat/completions", json=body, headers=headers)
    except httpx.HTTPError as error:
        return Outcome(tenant, sent, time.monotonic() - t0, 0, f"error:{type(error).__name__}")
    done = time.monotonic() - t0
    try:
        payload = response.json()
    except ValueError:
        payload = {}
    limit_headers = {k: v for k, v in response.headers.items() if k.startswith("x-ratelimit-limit-")}
    if response.status_code != 200:
        return Outcome(tenant, sent, done, response.status_code, refusal_reason(response.status_code, payload),
                       limit_headers=limit_headers)
    usage = payload.get("usage") or {}
    return Outcome(tenant, sent, done, 200, "ok", int(usage.get("prompt_tokens") or 0), int(usage.get("completion_tokens") or 0),
                   response.headers.get("x-route", ""), "x-escalated-from" in response.headers, limit_headers)


# ---------------------------------------------------------------- rate-limited tenants


@dataclass
class Tenant:
    label: str
    name: str
    rpm: int | None
    tpm: int | None
    concurrency: int
    key_id: str = ""
    secret: str = field(default="", repr=False)
    outcomes: list[Outcome] = field(default_factory=list)

    def binding(self, tokens_per_request: float) -> tuple[str, int]:
        """('rpm', limit) or ('tpm', limit): the limit this tenant's traffic reaches first."""
        if self.tpm is not None and (self.rpm is None or self.tpm / tokens_per_request < self.rpm):
            return "tpm", self.tpm
        return "rpm", int(self.rpm or 0)


async def drive(tenants: list[Tenant], api: str, body: dict, duration_s: float, pause_s: float, t0: float,
                client: httpx.AsyncClient) -> None:
    """Closed loop per tenant until `duration_s` after t0: each worker sends, waits for the answer, and
    after anything but a 200 pauses `pause_s` (refusals answer in milliseconds; without a pause the
    workers would spin on the CPU the model needs)."""
    end = t0 + duration_s

    async def worker(tenant: Tenant) -> None:
        while time.monotonic() < end:
            outcome = await chat(client, api, tenant.secret, body, tenant.name, t0)
            tenant.outcomes.append(outcome)
            if not outcome.admitted:
                await asyncio.sleep(min(pause_s, max(0.0, end - time.monotonic())))

    async def progress() -> None:
        while time.monotonic() < end:
            await asyncio.sleep(min(10.0, max(0.1, end - time.monotonic())))
            elapsed = time.monotonic() - t0
            parts = []
            for t in tenants:
                admitted = sum(o.admitted for o in t.outcomes)
                parts.append(f"{t.label} sent {len(t.outcomes)} admitted {admitted}")
            print(f"  [{elapsed:4.0f}s] " + " | ".join(parts), flush=True)

    await asyncio.gather(progress(), *(worker(t) for t in tenants for _ in range(t.concurrency)))


def surely_in_window(outcomes: list[Outcome], window_s: float, weight: Callable[[Outcome], float]) -> tuple[float, float]:
    """(largest weight admitted inside some window [t, t+window_s), its t). The server admitted each
    request between its send and response times, so a window surely holds the requests sent at or after
    t and answered by t + window_s; the best t is some request's send time."""
    admitted = sorted((o for o in outcomes if o.admitted), key=lambda o: o.sent_s)
    best, best_t = 0.0, 0.0
    for i, first in enumerate(admitted):
        total = sum(weight(o) for o in admitted[i:] if o.done_s <= first.sent_s + window_s)
        if total > best:
            best, best_t = total, first.sent_s
    return best, best_t


def tenant_row(tenant: Tenant, tokens_per_request: float, duration_s: float, window_s: float, spend_usd: float | None) -> dict:
    """The table row and checks of one rate-limited tenant (see the module docstring)."""
    kind, limit = tenant.binding(tokens_per_request)
    reasons = Counter(o.reason for o in tenant.outcomes)
    minutes = int(duration_s // window_s)
    in_minutes = [o for o in tenant.outcomes if o.admitted and o.done_s < minutes * window_s]
    requests_per_min = len(in_minutes) / minutes
    tokens_per_min = sum(o.tokens for o in in_minutes) / minutes
    rate = tokens_per_min if kind == "tpm" else requests_per_min
    weight = (lambda o: o.tokens) if kind == "tpm" else (lambda o: 1)
    max_window, max_window_at = surely_in_window(tenant.outcomes, window_s, weight)
    expected = {"x-ratelimit-limit-requests": str(tenant.rpm)} if tenant.rpm is not None else {}
    if tenant.tpm is not None:
        expected["x-ratelimit-limit-tokens"] = str(tenant.tpm)
    answered = [o for o in tenant.outcomes if o.status in (200, 429)]
    missing_headers = sum(any(o.limit_headers.get(k) != v for k, v in expected.items()) for o in answered)
    return {
        "tenant": tenant.label, "name": tenant.name, "key_id": tenant.key_id, "rpm": tenant.rpm, "tpm": tenant.tpm,
        "concurrency": tenant.concurrency, "binding": kind, "limit": limit,
        "sent": len(tenant.outcomes), "admitted": sum(o.admitted for o in tenant.outcomes),
        "refused": {r: reasons.get(r, 0) for r in ("rpm", "tpm", "budget")},
        "other": {r: n for r, n in reasons.items() if r not in ("ok", "rpm", "tpm", "budget")},
        "full_minutes": minutes, "admitted_requests_per_min": requests_per_min, "admitted_tokens_per_min": tokens_per_min,
        "rate_vs_limit": rate / limit if limit else float("nan"),
        "max_in_any_window": max_window, "max_window_starts_s": max_window_at,
        "tokens_per_admitted_request": (sum(o.tokens for o in in_minutes) / len(in_minutes)) if in_minutes else 0.0,
        "escalated": sum(o.escalated for o in tenant.outcomes),
        "responses_missing_limit_headers": missing_headers, "spend_usd": spend_usd,
    }


def rate_checks(row: dict) -> list[dict]:
    unit = "tokens" if row["binding"] == "tpm" else "requests"
    ratio, limit = row["rate_vs_limit"], row["limit"]
    return [
        {"check": f"{row['tenant']}: admitted {unit}/min within [{1 - RATE_TOLERANCE:.2f}, 1.00] x {row['binding']} {limit}",
         "passed": bool(1 - RATE_TOLERANCE <= ratio <= 1.0), "value": round(ratio, 4)},
        {"check": f"{row['tenant']}: never above {row['binding']} {limit} in any {unit} window",
         "passed": row["max_in_any_window"] <= limit, "value": row["max_in_any_window"]},
        {"check": f"{row['tenant']}: x-ratelimit-limit-* headers on every 200/429",
         "passed": row["responses_missing_limit_headers"] == 0, "value": row["responses_missing_limit_headers"]},
    ]


# ---------------------------------------------------------------- budget tenant


def budget_prompt(chars: int) -> str:
    """A plain English prompt of about `chars` characters (a paragraph repeated, numbered) and a short question."""
    parts, n = [], 1
    while sum(len(p) for p in parts) < chars:
        parts.append(f"Note {n}. {BUDGET_PARAGRAPH}")
        n += 1
    return "".join(parts)[:chars] + "\nIn one word, what is this text about?"


async def budget_rounds(api: str, secret: str, body: dict, tenant: str, concurrency: int, timeout_s: float,
                        client: httpx.AsyncClient, t0: float) -> list[list[Outcome]]:
    """Rounds of `concurrency` simultaneous requests until one round is refused whole with
    insufficient_quota, or `timeout_s` passes (-> the rounds)."""
    rounds: list[list[Outcome]] = []
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        outcomes = list(await asyncio.gather(*(chat(client, api, secret, body, tenant, t0) for _ in range(concurrency))))
        rounds.append(outcomes)
        reasons = Counter(o.reason for o in outcomes)
        print(f"  round {len(rounds)}: " + ", ".join(f"{r} {n}" for r, n in sorted(reasons.items())), flush=True)
        if reasons.get("budget", 0) == concurrency:
            break
    return rounds


# ---------------------------------------------------------------- main


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", default="http://127.0.0.1:8000", help="the graph (loopback only)")
    parser.add_argument("--dashboard", default="http://127.0.0.1:8265", help="Ray dashboard (Serve REST API)")
    parser.add_argument("--redis-url", default=os.environ.get("LLM_SERVE_REDIS_URL") or "redis://127.0.0.1:6380/0",
                        help="tenancy's Redis (keys, limits, spend)")
    parser.add_argument("--prefix", default="llmtenancy", help="tenancy.key_prefix of the deployment")
    parser.add_argument("--duration", type=float, default=60, help="seconds of load; at least --window (one full window)")
    parser.add_argument("--window", type=float, default=60, help="tenancy.window_s of the deployment (rpm/tpm window)")
    parser.add_argument("--rpm", default="30,60,120", help="rpm of tenants A,B,C")
    parser.add_argument("--concurrency", default="2,2,3", help="closed-loop workers of tenants A,B,C")
    parser.add_argument("--tpm-share", type=float, default=0.4,
                        help="tenant C's tpm = tokens of this share of its rpm (below 1: tpm binds)")
    parser.add_argument("--model", default="small", help="model of the load requests")
    parser.add_argument("--max-tokens", type=int, default=8)
    parser.add_argument("--refusal-pause", type=float, default=0.2, help="seconds a worker waits after a refusal")
    parser.add_argument("--budget-usd", type=float, default=0.01)
    parser.add_argument("--budget-concurrency", type=int, default=20)
    parser.add_argument("--budget-model", default="large",
                        help="model of the budget requests (large: its prices make $0.01 last ~15 requests)")
    parser.add_argument("--budget-prompt-chars", type=int, default=6000,
                        help="prompt length of the budget requests (~chars/4 tokens; must fit max_model_len)")
    parser.add_argument("--budget-timeout", type=float, default=240, help="seconds for the budget rounds")
    parser.add_argument("--ingress-replicas", type=int, default=2, help="fixed Ingress replicas during the test (0: leave as deployed)")
    parser.add_argument("--scale-method", choices=SCALE_METHODS, default="override",
                        help="override: the config's `deployments` entry of the Ingress (only the Ingress changes); "
                             "args: args.ingress.deployment (Serve restarts every deployment, models included)")
    parser.add_argument("--scale-timeout", type=float, default=300, help="seconds for the Ingress to reach/leave that scale")
    parser.add_argument("--request-timeout", type=float, default=180)
    args = parser.parse_args(argv)
    args.url = require_loopback(args.url, "--url")
    args.dashboard = require_loopback(args.dashboard, "--dashboard")
    require_loopback(args.redis_url.replace("redis://", "http://", 1), "--redis-url")
    if args.duration < args.window:
        parser.error(f"--duration must be at least --window ({args.window:g} s): the rate is measured over full windows")
    args.rpm_list = [int(v) for v in args.rpm.split(",")]
    args.concurrency_list = [int(v) for v in args.concurrency.split(",")]
    if len(args.rpm_list) != 3 or len(args.concurrency_list) != 3:
        parser.error("--rpm and --concurrency take three comma-separated values (tenants A, B, C)")
    return args


def format_table(rows: list[dict], budget: dict | None) -> str:
    head = (f"{'tenant':<6} {'limits':<22} {'binds':<5} {'sent':>5} {'admitted':>8} {'rpm-429':>7} {'tpm-429':>7} "
            f"{'budget-429':>10} {'other':>5} {'req/min':>7} {'tok/min':>8} {'rate/limit':>10} {'max win':>8} {'spend $':>10}")
    lines = [head, "-" * len(head)]
    for row in rows:
        limits = f"rpm {row['rpm']}" + (f", tpm {row['tpm']}" if row["tpm"] is not None else "")
        lines.append(
            f"{row['tenant']:<6} {limits:<22} {row['binding']:<5} {row['sent']:>5} {row['admitted']:>8} "
            f"{row['refused']['rpm']:>7} {row['refused']['tpm']:>7} {row['refused']['budget']:>10} "
            f"{sum(row['other'].values()):>5} {row['admitted_requests_per_min']:>7.1f} {row['admitted_tokens_per_min']:>8.0f} "
            f"{row['rate_vs_limit']:>10.3f} {row['max_in_any_window']:>8.0f} "
            f"{row['spend_usd'] if row['spend_usd'] is not None else float('nan'):>10.6f}"
        )
    if budget is not None:
        lines.append(
            f"{'D':<6} {'budget $' + format(budget['budget_usd'], 'g'):<22} {'$':<5} {budget['sent']:>5} {budget['admitted']:>8} "
            f"{budget['refused']['rpm']:>7} {budget['refused']['tpm']:>7} {budget['refused']['budget']:>10} "
            f"{sum(budget['other'].values()):>5} {'':>7} {'':>8} {'':>10} {'':>8} {budget['spent_usd']:>10.6f}"
        )
    return "\n".join(lines)


async def run(args: argparse.Namespace) -> dict:
    from tenancy import BudgetLedger, KeyStore, connect

    redis_client = connect(args.redis_url, 2.0)
    store = KeyStore(redis_client, args.prefix)
    ledger = BudgetLedger(redis_client, args.prefix)
    run_id = uuid.uuid4().hex[:6]
    created: list[str] = []
    timeout = httpx.Timeout(args.request_timeout, connect=5)
    limits = httpx.Limits(max_connections=200, max_keepalive_connections=50)
    body = {"model": args.model, "messages": [{"role": "user", "content": LOAD_PROMPT}], "max_tokens": args.max_tokens,
            "temperature": 0}
    report: dict[str, Any] = {"run_id": run_id, "started": time.strftime("%Y-%m-%dT%H:%M:%S"),
                              "settings": {k: v for k, v in vars(args).items() if not k.endswith("_list")}}
    try:
        async with httpx.AsyncClient(timeout=timeout, limits=limits, trust_env=False) as client:
            # calibration: the tokens one load request is charged (tpm settles to usage prompt + completion)
            key_id, secret = create_key(store, f"bench-calib-{run_id}")
            created.append(key_id)
            calibration = [await chat(client, args.url, secret, body, "calibration", time.monotonic()) for _ in range(2)]
            if not all(o.admitted for o in calibration):
                raise SystemExit(f"calibration requests failed: {[o.reason for o in calibration]}")
            tokens_per_request = max(o.tokens for o in calibration)
            from pipeline.access import estimate_prompt_tokens

            reserved_tokens = estimate_prompt_tokens([LOAD_PROMPT]) + args.max_tokens
            print(f"calibration: {tokens_per_request} tokens charged per load request "
                  f"(usage prompt {calibration[-1].prompt_tokens} + completion {calibration[-1].completion_tokens}); "
                  f"{reserved_tokens} reserved up front", flush=True)
            report["calibration"] = {"tokens_per_request": tokens_per_request, "reserved_tokens_per_request": reserved_tokens,
                                     "outcomes": [asdict(o) for o in calibration]}

            rpm_a, rpm_b, rpm_c = args.rpm_list
            con_a, con_b, con_c = args.concurrency_list
            tenants = [
                Tenant("A", f"bench-a-{run_id}", rpm_a, None, con_a),
                Tenant("B", f"bench-b-{run_id}", rpm_b, int(tokens_per_request * rpm_b * 10), con_b),
                Tenant("C", f"bench-c-{run_id}", rpm_c, max(1, round(tokens_per_request * rpm_c * args.tpm_share)), con_c),
            ]
            for tenant in tenants:
                tenant.key_id, tenant.secret = create_key(store, tenant.name, rpm=tenant.rpm, tpm=tenant.tpm)
                created.append(tenant.key_id)
                kind, limit = tenant.binding(tokens_per_request)
                print(f"tenant {tenant.label} ({tenant.name}, {tenant.key_id}): rpm {tenant.rpm}, tpm {tenant.tpm}, "
                      f"{tenant.concurrency} workers; binds on {kind} {limit}", flush=True)

            print(f"==> driving A, B, C above their limits for {args.duration:g} s", flush=True)
            t0 = time.monotonic()
            await drive(tenants, args.url, body, args.duration, args.refusal_pause, t0, client)
            print(f"  load done in {time.monotonic() - t0:.0f} s", flush=True)

            rows = []
            for tenant in tenants:
                spend = ledger.spend(tenant.name, "total").spent_usd
                rows.append(tenant_row(tenant, tokens_per_request, args.duration, args.window, spend))
            report["tenants"] = rows
            report["requests"] = {t.label: [asdict(o) for o in t.outcomes] for t in tenants}

            # budget tenant
            prices = pool_prices(args.url)
            prompt = budget_prompt(args.budget_prompt_chars)
            budget_body = {"model": args.budget_model, "messages": [{"role": "user", "content": prompt}],
                           "max_tokens": args.max_tokens, "temperature": 0}
            reservation = reservation_usd(prompt, args.max_tokens, prices)
            name = f"bench-budget-{run_id}"
            key_id, secret = create_key(store, name, budget_usd=args.budget_usd, budget_period="total")
            created.append(key_id)
            print(f"==> budget tenant D ({name}): ${args.budget_usd:g} total, rounds of {args.budget_concurrency} "
                  f"concurrent {args.budget_model} requests; one reservation ${reservation:.6f} "
                  f"(budget = {args.budget_usd / reservation:.1f} reservations)", flush=True)
            t1 = time.monotonic()
            rounds = await budget_rounds(args.url, secret, budget_body, name, args.budget_concurrency, args.budget_timeout,
                                         client, t1)
        settled = wait_for(lambda: (s := ledger.spend(name, "total")).reserved_usd == 0 and s, 60,
                           "every budget reservation settled", interval_s=0.5)
        outcomes = [o for r in rounds for o in r]
        reasons = Counter(o.reason for o in outcomes)
        overspend = max(0.0, settled.spent_usd - args.budget_usd)
        budget = {
            "tenant": "D", "name": name, "key_id": key_id, "budget_usd": args.budget_usd, "model": args.budget_model,
            "concurrency": args.budget_concurrency, "rounds": len(rounds), "sent": len(outcomes),
            "admitted": sum(o.admitted for o in outcomes),
            "refused": {r: reasons.get(r, 0) for r in ("rpm", "tpm", "budget")},
            "other": {r: n for r, n in reasons.items() if r not in ("ok", "rpm", "tpm", "budget")},
            "spent_usd": settled.spent_usd, "reservation_usd": reservation, "overspend_usd": overspend,
            "overspend_reservations": overspend / reservation, "prices": prices,
            "routes": dict(Counter(o.route for o in outcomes if o.admitted)),
            "requests": [asdict(o) for o in outcomes],
        }
        report["budget"] = budget
    finally:
        for key_id in created:
            try:
                store.revoke(key_id)
            except Exception as error:  # noqa: BLE001 - cleanup must not hide the run's own error
                print(f"  warning: could not revoke {key_id}: {error}", file=sys.stderr)

    checks = [c for row in report["tenants"] for c in rate_checks(row)]
    checks.append({"check": "D: the budget was reached (insufficient_quota seen)", "passed": budget["refused"]["budget"] > 0,
                   "value": budget["refused"]["budget"]})
    checks.append({"check": "D: overspend at most one request's reservation", "passed": budget["overspend_reservations"] <= 1.0,
                   "value": round(budget["overspend_reservations"], 3)})
    report["checks"] = checks
    return report


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    try:
        httpx.get(f"{args.url}/healthz", timeout=5, trust_env=False).raise_for_status()
    except httpx.HTTPError:
        raise SystemExit(f"the graph is not up at {args.url}: run `make serve` first")
    RESULTS.mkdir(exist_ok=True)
    with FixedReplicas(ServeAdmin(args.dashboard), args.url, {"Ingress": args.ingress_replicas}, args.scale_timeout, args.scale_method):
        report = asyncio.run(run(args))
    rows, budget = report["tenants"], report["budget"]
    print("\n" + format_table(rows, budget))
    print(f"\nrate: admitted per minute over {rows[0]['full_minutes']} full window(s) of {args.window:g} s, by response time; "
          "'max win' = the most (requests, or tokens for tpm) surely admitted in one window")
    print(f"budget D: spent ${budget['spent_usd']:.6f} of ${budget['budget_usd']:g}; overspend ${budget['overspend_usd']:.6f} "
          f"= {budget['overspend_reservations']:.2f} reservation(s) of ${budget['reservation_usd']:.6f} (goal: at most 1); "
          f"{budget['admitted']} admitted, {budget['refused']['budget']} refused insufficient_quota in {budget['rounds']} round(s)")
    print()
    for check in report["checks"]:
        print(f"  [{'PASS' if check['passed'] else 'FAIL'}] {check['check']}: {check['value']}")
    path = RESULTS / f"tenancy_load_{time.strftime('%Y%m%d_%H%M%S')}.json"
    path.write_text(json.dumps(report, indent=1, default=str))
    print(f"\nsaved {path.relative_to(REPO_ROOT)}")
    sys.exit(0 if all(c["passed"] for c in report["checks"]) else 1)


if __name__ == "__main__":
    main()
