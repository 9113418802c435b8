"""Redis stopped and started again: fail-closed refuses (503), fail-open serves and counts the outage,
logs once, keeps spend; both are back to enforcing limits within seconds of Redis returning."""

from __future__ import annotations

import logging
import time

import pytest

from tenancy import InvalidKey, LimitsUnavailable, Tenancy, TenancyConfig
from tests.tenancy.conftest import wait_until


def _tenancy(server, **fields) -> Tenancy:
    return Tenancy(TenancyConfig(redis_url=server.url, redis_timeout_s=0.2, redis_retry_interval_s=0.5, **fields))


def _outage_warnings(caplog) -> int:
    return sum("Redis unreachable" in record.getMessage() for record in caplog.records if record.levelno == logging.WARNING)


def test_fail_closed_refuses_fast_while_down_and_recovers(persistent_redis, caplog):
    tenancy = _tenancy(persistent_redis, fail_open=False)
    _, secret = tenancy.keys.create("acme", rpm=100)
    key = tenancy.authenticate(secret)
    assert tenancy.admit(key, 10).allowed

    persistent_redis.stop()
    with caplog.at_level(logging.WARNING, logger="tenancy"):
        with pytest.raises(LimitsUnavailable) as caught:
            tenancy.admit(key, 10)
        assert caught.value.http_status == 503 and caught.value.retry_after_s > 0
        with pytest.raises(LimitsUnavailable):
            tenancy.authenticate(secret)  # fail-closed: not even a known key
        started = time.monotonic()
        for _ in range(50):
            with pytest.raises(LimitsUnavailable):
                tenancy.admit(key, 10)
        assert time.monotonic() - started < 0.5  # refused at once, no timeout paid per request
    assert _outage_warnings(caplog) == 1 and tenancy.guard.outages == 1
    assert tenancy.status()["redis_down"] is True

    persistent_redis.start()
    returned = time.monotonic()
    wait_until(lambda: _admits(tenancy, key), timeout_s=10, what="admission after Redis returned")
    assert time.monotonic() - returned < 5
    assert tenancy.authenticate(secret).key_id == key.key_id and tenancy.status()["redis_down"] is False


def _admits(tenancy: Tenancy, key) -> bool:
    try:
        return tenancy.admit(key, 10).allowed
    except LimitsUnavailable:
        return False


def test_fail_open_serves_counts_logs_once_and_loses_no_spend(persistent_redis, caplog):
    tenancy = _tenancy(persistent_redis, fail_open=True)
    _, secret = tenancy.keys.create("acme", rpm=2, budget_usd=10.0, budget_period="total")
    key = tenancy.authenticate(secret)
    before = tenancy.admit(key, 10, 0.1)
    tenancy.settle(before, 5, 5, 0.1)

    persistent_redis.stop()
    with caplog.at_level(logging.WARNING, logger="tenancy"):
        admissions = [tenancy.admit(key, 10, 0.1) for _ in range(5)]  # more than rpm=2: limits are off
        assert all(admission.allowed and admission.degraded for admission in admissions)
        assert tenancy.authenticate(secret).key_id == key.key_id  # known to this process: still served
        with pytest.raises(LimitsUnavailable):
            tenancy.authenticate("sk-ls-never-seen-by-this-process")  # unknown: cannot be told from a guess
        for admission in admissions:
            tenancy.settle(admission, 5, 5, 0.05)  # kept in memory while Redis is down
    assert _outage_warnings(caplog) == 1
    assert tenancy.guard.outages == 1 and tenancy.guard.outage_admissions == 5
    assert tenancy.status()["pending_settlements"] == 5

    persistent_redis.start()
    returned = time.monotonic()
    wait_until(lambda: not tenancy.admit(key, 10).degraded, timeout_s=10, what="limits enforced again")
    assert time.monotonic() - returned < 5
    wait_until(lambda: tenancy.status()["pending_settlements"] == 0, timeout_s=5, what="settlements replayed")
    # spend recorded before the outage survived it, and spend made during it was added on return
    assert tenancy.budget.spend("acme", "total").spent_usd == pytest.approx(0.1 + 5 * 0.05)
    limited = [tenancy.admit(key, 10) for _ in range(3)]
    assert [admission.reason for admission in limited][-1] == "rpm"  # rpm=2 holds again

    persistent_redis.stop()  # a second outage is counted (and logged) again
    assert tenancy.admit(key, 10).degraded and tenancy.guard.outages == 2


def test_revoked_key_is_forgotten_by_the_fail_open_memory(persistent_redis):
    tenancy = _tenancy(persistent_redis, fail_open=True)
    record, secret = tenancy.keys.create("acme")
    tenancy.authenticate(secret)
    tenancy.keys.rotate(record.key_id)
    persistent_redis.stop()
    with pytest.raises((LimitsUnavailable, InvalidKey)):
        tenancy.authenticate(secret)  # the old secret must not live on in memory during an outage
