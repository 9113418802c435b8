"""Budgets: reserve the worst case, settle the actual cost (cancelled streams too), refuse past the
budget, and hold under concurrent requests from several processes."""

from __future__ import annotations

import multiprocessing
import threading
from datetime import datetime, timedelta, timezone

import pytest

from tenancy import ApiKey, BudgetLedger, Tenancy, TenancyConfig, connect, cost_usd, estimate_cost_usd
from tests.tenancy.conftest import wait_until

PRICES = dict(input_per_million=1.0, output_per_million=3.0)  # USD per million tokens


class Clock:
    def __init__(self):
        self.now = datetime(2026, 5, 17, 23, 0, tzinfo=timezone.utc)

    def __call__(self) -> datetime:
        return self.now


def _key(tenant: str, budget_usd: float | None, period: str = "day") -> ApiKey:
    return ApiKey(key_id=f"key-{tenant}", tenant=tenant, budget_usd=budget_usd, budget_period=period)


def test_estimate_is_prompt_at_input_price_plus_max_tokens_at_output_price():
    assert estimate_cost_usd(100, 256, **PRICES) == pytest.approx((100 * 1.0 + 256 * 3.0) / 1e6)
    assert cost_usd(100, 0, **PRICES) == pytest.approx(100 / 1e6)


def test_reservation_is_visible_until_settled_with_the_actual_cost(make_tenancy):
    tenancy = make_tenancy()
    key = _key("acme", 0.01)
    admission = tenancy.admit(key, 356, estimate_cost_usd(100, 256, **PRICES))
    assert admission.allowed and admission.budget_remaining_usd == pytest.approx(0.01 - 0.000868)
    assert tenancy.budget.spend("acme", "day").reserved_usd == pytest.approx(0.000868)
    tenancy.settle(admission, 100, 40, cost_usd(100, 40, **PRICES))
    for period in ("day", "month", "total"):
        spend = tenancy.budget.spend("acme", period)
        assert (spend.spent_usd, spend.reserved_usd) == (pytest.approx(0.00022), 0.0)


def test_budget_refusal_is_insufficient_quota_until_the_period_renews(redis_server):
    clock = Clock()
    config = TenancyConfig(redis_url=redis_server.url)
    client = connect(config.redis_url)
    tenancy = Tenancy(config, client)
    tenancy.budget = tenancy.limiter.budget = BudgetLedger(client, config.key_prefix, tenancy.guard, clock=clock)
    key = _key("acme", 0.001)
    spent = tenancy.admit(key, 0, 0.0008)
    tenancy.settle(spent, 0, 0, 0.0008)
    refused = tenancy.admit(key, 0, 0.0003)
    assert not refused.allowed and refused.reason == "budget"
    assert refused.retry_after_s == pytest.approx(3600)  # 23:00 -> next UTC midnight
    assert "budget" in refused.message and refused.budget_remaining_usd == pytest.approx(0.0002)
    assert tenancy.admit(key, 0, 0.0002).allowed  # what still fits is admitted

    clock.now += timedelta(hours=1)  # a new day: a fresh daily budget, the month keeps counting
    assert tenancy.admit(key, 0, 0.0009).allowed
    assert tenancy.budget.spend("acme", "month").spent_usd == pytest.approx(0.0008)


def test_zero_budget_admits_nothing_and_unlimited_budget_still_records_spend(make_tenancy):
    tenancy = make_tenancy()
    assert tenancy.admit(_key("broke", 0.0), 0, 0.0).reason == "budget"
    admission = tenancy.admit(_key("rich", None), 10, 0.5)
    assert admission.allowed and admission.budget_remaining_usd is None
    tenancy.settle(admission, 5, 5, 0.25)
    assert tenancy.budget.spend("rich", "total").spent_usd == pytest.approx(0.25)


def test_cancelled_stream_is_charged_for_the_tokens_it_generated(make_tenancy):
    tenancy = make_tenancy()
    key = ApiKey(key_id="k", tenant="acme", tpm=10_000, budget_usd=1.0)
    admission = tenancy.admit(key, 50 + 1000, estimate_cost_usd(50, 1000, **PRICES))
    # the client disconnected after 37 tokens: settle from what was generated, not zero, not max_tokens
    tenancy.settle(admission, 50, 37, cost_usd(50, 37, **PRICES))
    assert tenancy.budget.spend("acme", "month").spent_usd == pytest.approx(cost_usd(50, 37, **PRICES))
    assert tenancy.budget.spend("acme", "month").reserved_usd == 0
    assert tenancy.admit(key, 0).headers["x-ratelimit-remaining-tokens"] == str(10_000 - 87)


def test_reservation_of_a_process_that_never_settles_is_released(redis_server):
    ledger = BudgetLedger(connect(redis_server.url), "t", reservation_ttl_s=0.3)
    assert ledger.reserve("acme", 0.01, "day", 0.008).allowed  # its process "dies": never settled
    assert not ledger.reserve("acme", 0.01, "day", 0.008).allowed
    wait_until(lambda: ledger.reserve("acme", 0.01, "day", 0.008).allowed, timeout_s=5, what="stale reservation released")


BUDGET, ESTIMATE = 0.01, 0.0009  # 11 requests fit, the 12th does not


def _spend_worker(url: str, threads: int, results) -> None:
    """One ingress replica: its own Tenancy (own Redis client), `threads` concurrent requests, each
    retried until the budget refuses it; every request actually costs its full estimate."""
    tenancy = Tenancy(TenancyConfig(redis_url=url))
    key = _key("hammered", BUDGET, "total")
    admitted, lock = [0], threading.Lock()

    def client() -> None:
        while True:
            admission = tenancy.admit(key, 0, ESTIMATE)
            if not admission.allowed:
                assert admission.reason == "budget"
                return
            with lock:
                admitted[0] += 1
            tenancy.settle(admission, 0, 0, ESTIMATE)

    workers = [threading.Thread(target=client) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    results.put(admitted[0])


def test_twenty_concurrent_requests_over_two_processes_do_not_overspend(redis_server):
    context = multiprocessing.get_context("fork")  # two processes, each its own client: two ingress replicas
    results = context.Queue()
    processes = [context.Process(target=_spend_worker, args=(redis_server.url, 10, results)) for _ in range(2)]
    for process in processes:
        process.start()
    admitted = sum(results.get(timeout=60) for _ in processes)
    for process in processes:
        process.join(timeout=30)
        assert process.exitcode == 0
    spent = BudgetLedger(connect(redis_server.url)).spend("hammered", "total")
    assert spent.reserved_usd == 0
    assert spent.spent_usd <= BUDGET + ESTIMATE  # the bound: at most one reservation over
    assert spent.spent_usd <= BUDGET  # and here none: every cost equalled its reservation
    assert admitted == int(BUDGET // ESTIMATE) and spent.spent_usd == pytest.approx(admitted * ESTIMATE)


def test_concurrent_requests_with_varying_costs_stay_within_budget(make_tenancy):
    replicas = [make_tenancy(), make_tenancy()]
    key = _key("varied", BUDGET, "total")
    start = threading.Barrier(20)

    def client(index: int) -> None:
        start.wait()
        tenancy = replicas[index % 2]
        for attempt in range(40):
            admission = tenancy.admit(key, 0, ESTIMATE)
            if admission.allowed:  # streams cut short at different points: actual <= estimate
                tenancy.settle(admission, 0, 0, ESTIMATE * ((index + attempt) % 10 + 1) / 10)

    threads = [threading.Thread(target=client, args=(index,)) for index in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    spent = replicas[0].budget.spend("varied", "total")
    assert spent.reserved_usd == 0 and spent.spent_usd <= BUDGET
    # what is left is still usable: admitted exactly when one more estimate fits
    assert replicas[0].admit(key, 0, ESTIMATE).allowed == (spent.spent_usd + ESTIMATE <= BUDGET)


def test_zero_cost_reservations_release_cleanly(make_tenancy):
    # a free request (prices 0) reserves 0; releasing it once failed in Lua ('-0' is no integer for Redis)
    tenancy = make_tenancy()
    key = ApiKey(key_id="free", tenant="free", rpm=1, budget_usd=1.0)
    assert tenancy.admit(key, 10, 0.0).allowed
    assert tenancy.admit(key, 10, 0.0).reason == "rpm"
    assert tenancy.budget.spend("free", "month").reserved_usd == 0
