"""Rate limits: rpm/tpm refusals with Retry-After and OpenAI's headers, token reservations settled
from real usage, and one limit enforced by several Limiter instances (ingress replicas) at once."""

from __future__ import annotations

import re
import threading
import time

import pytest

from tenancy import ApiKey, format_duration
from tests.tenancy.conftest import wait_until

HEADERS = [f"x-ratelimit-{what}-{unit}" for unit in ("requests", "tokens") for what in ("limit", "remaining", "reset")]
DURATION = re.compile(r"^(\d+h)?(\d+m)?(\d+(\.\d+)?s|\d+ms)$")


def _seconds(duration: str) -> float:
    """Parse OpenAI's duration format back ('6m0s' -> 360)."""
    assert DURATION.match(duration), duration
    if duration.endswith("ms"):
        return int(duration[:-2]) / 1000
    total, number = 0.0, ""
    for char in duration:
        if char in "hms":
            total += float(number) * {"h": 3600, "m": 60, "s": 1}[char]
            number = ""
        else:
            number += char
    return total


def _key(name: str = "k", **limits) -> ApiKey:
    return ApiKey(key_id=name, tenant=f"tenant-{name}", **limits)


def test_format_duration_follows_openai():
    assert [format_duration(s) for s in (0, 0.017, 0.25, 1, 1.5, 59.9996, 60, 360, 3725.5)] == [
        "0s", "17ms", "250ms", "1s", "1.5s", "1m0s", "1m0s", "6m0s", "1h2m5.5s"]
    for seconds in (0.003, 0.5, 2.25, 61, 359.5, 7200):
        assert _seconds(format_duration(seconds)) == pytest.approx(seconds, abs=0.001)


def test_rpm_refusal_carries_retry_after_and_headers(make_tenancy):
    limiter = make_tenancy().limiter
    key = _key(rpm=3, tpm=10_000)
    remaining = []
    for _ in range(3):
        admission = limiter.admit(key, 100)
        assert admission.allowed and sorted(admission.headers) == sorted(HEADERS)
        remaining.append(int(admission.headers["x-ratelimit-remaining-requests"]))
        assert 0 < _seconds(admission.headers["x-ratelimit-reset-requests"]) <= 60
    assert remaining == [2, 1, 0]

    refused = limiter.admit(key, 100)
    assert not refused.allowed and refused.reason == "rpm"
    assert 0 < refused.retry_after_s <= 60 and int(refused.retry_after_header) >= 1
    assert refused.headers["x-ratelimit-limit-requests"] == "3"
    assert refused.headers["x-ratelimit-remaining-requests"] == "0"
    # the refused request held no tokens: 3 x 100 were reserved, not 4 x 100
    assert refused.headers["x-ratelimit-remaining-tokens"] == str(10_000 - 300)
    assert "3 requests" in refused.message


def test_tpm_reserves_up_front_and_settles_to_real_usage(make_tenancy):
    limiter = make_tenancy().limiter
    key = _key(tpm=1000)
    first = limiter.admit(key, 600)
    assert first.allowed and first.headers["x-ratelimit-remaining-tokens"] == "400"
    assert "x-ratelimit-limit-requests" not in first.headers  # no rpm on this key: nothing to report

    second = limiter.admit(key, 600)
    assert not second.allowed and second.reason == "tpm"
    assert 0 < second.retry_after_s <= 60
    assert second.headers["x-ratelimit-remaining-tokens"] == "400"

    limiter.settle(first, prompt_tokens=40, completion_tokens=60, cost_usd=0.0)  # 500 of 600 refunded
    limiter.settle(first, prompt_tokens=40, completion_tokens=60, cost_usd=0.0)  # idempotent
    third = limiter.admit(key, 600)
    assert third.allowed and third.headers["x-ratelimit-remaining-tokens"] == str(1000 - 100 - 600)


def test_usage_above_the_reservation_is_charged(make_tenancy):
    limiter = make_tenancy().limiter
    key = _key(tpm=1000)
    admission = limiter.admit(key, 100)
    limiter.settle(admission, prompt_tokens=150, completion_tokens=100, cost_usd=0.0)  # prompt was under-estimated
    assert limiter.admit(key, 0).headers["x-ratelimit-remaining-tokens"] == str(1000 - 250)


def test_request_larger_than_the_whole_tpm_window_is_refused_as_too_large_without_retry_after(make_tenancy):
    limiter = make_tenancy(window_s=30).limiter
    key = _key(tpm=1000)
    refused = limiter.admit(key, 1001)
    assert not refused.allowed and refused.reason == "request_too_large"
    assert refused.retry_after_s is None and refused.retry_after_header is None  # waiting never helps
    assert "1001" in refused.message and "1000 per 30s" in refused.message and "max_tokens" in refused.message
    assert limiter.admit(key, 1000).allowed  # it consumed nothing; a request of the window's size still fits


def test_retry_after_is_when_the_request_fits_again(make_tenancy):
    limiter = make_tenancy(window_s=2).limiter
    key = _key(rpm=2, tpm=500)
    assert limiter.admit(key, 300).allowed and limiter.admit(key, 100).allowed
    refused = limiter.admit(key, 300)  # 400 in the window; needs the first (300) to leave
    refused_at = time.monotonic()
    assert refused.reason == "tpm" and 1 < refused.retry_after_s <= 2
    wait_until(lambda: limiter.admit(key, 300).allowed, timeout_s=refused.retry_after_s + 2, what="window to free")
    # not admitted well before the promised time (Redis and this process share a clock)
    assert time.monotonic() - refused_at >= refused.retry_after_s - 0.25


def test_refusal_by_rpm_releases_the_tokens_and_budget_it_reserved(make_tenancy):
    tenancy = make_tenancy()
    key = _key(rpm=1, tpm=1000, budget_usd=1.0, budget_period="total")
    assert tenancy.admit(key, 100, 0.1).allowed
    refused = tenancy.admit(key, 100, 0.1)
    assert refused.reason == "rpm"
    assert refused.headers["x-ratelimit-remaining-tokens"] == "900"
    assert tenancy.budget.spend(key.tenant, "total").reserved_usd == pytest.approx(0.1)


def _hammer(limiters, key: ApiKey, attempts: int, tokens: int) -> int:
    """`attempts` admissions from as many threads, spread over `limiters`; -> how many were allowed."""
    allowed, lock, start = [], threading.Lock(), threading.Barrier(attempts)

    def one(index: int) -> None:
        start.wait()
        admission = limiters[index % len(limiters)].admit(key, tokens)
        with lock:
            allowed.append(admission.allowed)

    threads = [threading.Thread(target=one, args=(index,)) for index in range(attempts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(allowed)


def test_two_replicas_sharing_redis_enforce_one_rpm(make_tenancy):
    replicas = [make_tenancy().limiter, make_tenancy().limiter]  # two ingress processes: two clients
    assert _hammer(replicas, _key("shared-rpm", rpm=10), attempts=30, tokens=1) == 10


def test_two_replicas_sharing_redis_enforce_one_tpm(make_tenancy):
    replicas = [make_tenancy().limiter, make_tenancy().limiter]
    assert _hammer(replicas, _key("shared-tpm", tpm=1000), attempts=30, tokens=100) == 10


def test_limits_are_per_key(make_tenancy):
    limiter = make_tenancy().limiter
    assert limiter.admit(_key("a", rpm=1), 1).allowed
    assert not limiter.admit(_key("a", rpm=1), 1).allowed
    assert limiter.admit(_key("b", rpm=1), 1).allowed
