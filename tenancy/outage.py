"""Redis outage handling shared by the key store, the limiter and the budget ledger of one process,
so that one outage is counted and logged once, whichever of them noticed it first.

While Redis is down, calls fail at once for `retry_interval_s` (no timeout paid per request); the
first call after that interval tries Redis again, and on success the outage is over (logged once,
recovery callbacks run, e.g. replaying settlements kept in memory). redis-py reconnects by itself,
so there is no state to reset beyond this flag."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import TypeVar

import redis
from redis.backoff import NoBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.retry import Retry

from tenancy.errors import LimitsUnavailable

logger = logging.getLogger(__name__)
T = TypeVar("T")


def connect(url: str, timeout_s: float = 0.25) -> redis.Redis:
    """A Redis client that fails fast: `timeout_s` to connect and per reply, and one immediate retry
    on a connection error only (after Redis restarts, the first command on a pooled socket fails).
    A timeout is not retried: the script may have run, and running it twice would charge twice."""
    return redis.Redis.from_url(
        url,
        socket_timeout=timeout_s,
        socket_connect_timeout=timeout_s,
        retry=Retry(NoBackoff(), 1, supported_errors=(RedisConnectionError,)),
    )


class RedisGuard:
    """Runs Redis calls, tracks outages. Thread-safe.

    Read by callers (metrics): `down` (bool), `outages` (count of outages begun), `outage_admissions`
    (requests admitted unlimited because of an outage, fail-open only), `last_error` (str)."""

    def __init__(self, fail_open: bool = False, retry_interval_s: float = 1.0, clock: Callable[[], float] = time.monotonic):
        self.fail_open = fail_open
        self.retry_interval_s = retry_interval_s
        self.outages = 0
        self.outage_admissions = 0
        self.last_error = ""
        self._clock = clock
        self._down = False
        self._retry_at = 0.0
        self._lock = threading.Lock()
        self._on_recovery: list[Callable[[], None]] = []

    @property
    def down(self) -> bool:
        return self._down

    def on_recovery(self, callback: Callable[[], None]) -> None:
        """`callback()` runs (in the calling thread) after the first successful call of each recovery."""
        self._on_recovery.append(callback)

    def call(self, fn: Callable[[], T]) -> T:
        """fn() -> its result. Raises LimitsUnavailable when Redis fails or an outage is still cooling down."""
        if self._down and self._clock() < self._retry_at:
            raise LimitsUnavailable(retry_after_s=self.retry_interval_s)
        try:
            result = fn()
        except redis.RedisError as exc:
            if isinstance(exc, redis.ResponseError) and not _is_outage_reply(exc):
                raise  # a bug (bad script, wrong type), not an outage: never mask it as one
            self._mark_down(exc)
            raise LimitsUnavailable(f"rate limits are unavailable: {exc}", retry_after_s=self.retry_interval_s) from exc
        if self._down:
            self._mark_up()
        return result

    def count_outage_admission(self) -> None:
        with self._lock:
            self.outage_admissions += 1

    def _mark_down(self, exc: Exception) -> None:
        with self._lock:
            self._retry_at = self._clock() + self.retry_interval_s
            self.last_error = f"{type(exc).__name__}: {exc}"
            if self._down:
                return
            self._down = True
            self.outages += 1
        mode = "fail-open: serving without limits" if self.fail_open else "fail-closed: refusing requests"
        logger.warning("tenancy: Redis unreachable (%s); %s until it returns", self.last_error, mode)

    def _mark_up(self) -> None:
        with self._lock:
            if not self._down:
                return
            self._down = False
        logger.warning("tenancy: Redis reachable again; limits enforced")
        for callback in self._on_recovery:
            try:
                callback()
            except LimitsUnavailable:
                break  # down again; the next recovery runs the callbacks again


def _is_outage_reply(exc: redis.ResponseError) -> bool:
    # Replies Redis gives while it cannot serve yet (restarting, loading its data, a read-only replica).
    return str(exc).startswith(("LOADING", "BUSY", "MASTERDOWN", "READONLY", "TRYAGAIN", "CLUSTERDOWN"))
