"""Per-key rate limits (rpm, tpm) and per-tenant budgets, enforced across every ingress replica that
shares one Redis: `Limiter.admit` before a request runs, `Limiter.settle` after it (also when it
failed or the client cancelled a stream).

Requests per window: the `limits` library's moving window on its Redis storage (exact: at most
`rpm` admissions in any `window_s` seconds).

Tokens per window: the request reserves `estimated_tokens` (prompt + max_tokens) up front and
settles to the real usage afterwards, refunding the unused part. `limits` does not fit here: it has
no refund (a negative cost is undocumented, ignored by its moving window, and rejected by a pending
upstream change, limits PR #362), and its moving window stores one Redis list element per token.
Measured with `python -m tenancy.measure` (200 admissions of 4096 tokens under a 1M tokens/min
limit): `limits` 4.96 ms per admission and 16.4 MB of Redis per key; the script below 0.27 ms and
0.03 MB. So tokens use our own Lua script: a moving window of weighted entries (sorted set request
id -> time, hash request id -> tokens, a running total), exact like the request window, refundable
per request, O(log n) per admission plus the entries that left the window. A token bucket was not
chosen: its burst capacity lets `tpm` + the refill through in the first window, which breaks "never
above the limit" over a 60 s measurement; the window does not.

Headers follow OpenAI: x-ratelimit-{limit,remaining,reset}-{requests,tokens}; reset is the time until
the window is back to its initial state (all counted requests/tokens left it), in OpenAI's duration
format ('1s', '6m0s', '250ms'). A key without a limit gets no headers for that dimension.

Refusals: reason 'budget' (-> 429 code insufficient_quota), 'tpm', 'rpm' (-> 429 rate_limit_exceeded),
each with `retry_after_s`; 'request_too_large' (more tokens than the whole tpm window: no retry helps,
retry_after_s None). A refused request consumes nothing (checked in the order budget, tpm, rpm;
the releasable reservations come first, the request hit last).
"""

from __future__ import annotations

import logging
import math
import secrets
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Literal

import redis
from limits import RateLimitItemPerSecond
from limits.storage import RedisStorage
from limits.strategies import MovingWindowRateLimiter

from tenancy.budget import BudgetLedger, BudgetReservation
from tenancy.config import TenancyConfig
from tenancy.errors import LimitsUnavailable
from tenancy.keys import ApiKey
from tenancy.outage import RedisGuard

logger = logging.getLogger(__name__)

RefusalReason = Literal["rpm", "tpm", "budget", "request_too_large"]

# Shared by the token scripts: forget entries that left the window; -> tokens still in it.
_TOKENS_PURGE = """
local function now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local function purge(log, amounts, total, cutoff)
  local expired = redis.call('ZRANGEBYSCORE', log, '-inf', cutoff)
  local used = tonumber(redis.call('GET', total) or '0')
  if #expired == 0 then return used end
  local freed = 0
  for i = 1, #expired do freed = freed + tonumber(redis.call('HGET', amounts, expired[i]) or '0') end
  for i = 1, #expired, 5000 do redis.call('HDEL', amounts, unpack(expired, i, math.min(i + 4999, #expired))) end
  redis.call('ZREMRANGEBYSCORE', log, '-inf', cutoff)
  used = used - freed
  if used < 0 then used = 0 end
  redis.call('SET', total, used)
  return used
end
local function reset_ms(log, window, now)
  local newest = redis.call('ZRANGE', log, -1, -1, 'WITHSCORES')
  if #newest == 0 then return 0 end
  return tonumber(newest[2]) + window - now
end
"""

# KEYS: log, amounts, total.  ARGV: window ms, limit, tokens, entry id ('' = only read the window).
# -> {admitted 0|1, tokens in window (after), ms until the window is empty, ms until `tokens` fit (-1: never)}
_TOKENS_ACQUIRE = _TOKENS_PURGE + """
local log, amounts, total = KEYS[1], KEYS[2], KEYS[3]
local window, limit, tokens, id = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), ARGV[4]
local now = now_ms()
local used = purge(log, amounts, total, now - window)
if id == '' then return {0, used, reset_ms(log, window, now), 0} end
if used + tokens > limit then
  local wait = -1
  if tokens <= limit then
    local need, freed = used + tokens - limit, 0
    local entries = redis.call('ZRANGE', log, 0, -1, 'WITHSCORES')
    for i = 1, #entries, 2 do
      freed = freed + tonumber(redis.call('HGET', amounts, entries[i]) or '0')
      if freed >= need then wait = tonumber(entries[i + 1]) + window - now; break end
    end
  end
  return {0, used, reset_ms(log, window, now), wait}
end
redis.call('ZADD', log, now, id)
redis.call('HSET', amounts, id, tokens)
used = redis.call('INCRBY', total, tokens)
for i = 1, 3 do redis.call('PEXPIRE', KEYS[i], window + 1000) end
return {1, used, window, 0}
"""

# KEYS: log, amounts, total.  ARGV: window ms, entry id, actual tokens, reserved tokens.
# The entry keeps its time and takes the actual count. Gone from the window already: tokens beyond
# the reservation are charged now as a new entry. -> tokens in window (after)
_TOKENS_SETTLE = _TOKENS_PURGE + """
local log, amounts, total = KEYS[1], KEYS[2], KEYS[3]
local window, id, actual, reserved = tonumber(ARGV[1]), ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[4])
local now = now_ms()
local used = purge(log, amounts, total, now - window)
local current = redis.call('HGET', amounts, id)
if current then
  redis.call('HSET', amounts, id, actual)
  used = redis.call('INCRBY', total, actual - tonumber(current))
  if used < 0 then redis.call('SET', total, 0); used = 0 end
elseif actual > reserved then
  redis.call('ZADD', log, now, id .. ':late')
  redis.call('HSET', amounts, id .. ':late', actual - reserved)
  used = redis.call('INCRBY', total, actual - reserved)
  for i = 1, 3 do redis.call('PEXPIRE', KEYS[i], window + 1000) end
end
return used
"""


def format_duration(seconds: float) -> str:
    """OpenAI's reset format (Go's duration style): 0.25 -> '250ms', 1 -> '1s', 1.5 -> '1.5s',
    360 -> '6m0s', 3725 -> '1h2m5s'. Negative values count as 0 ('0s')."""
    if seconds <= 0:
        return "0s"
    if seconds < 1:
        return f"{max(1, round(seconds * 1000))}ms"
    seconds = round(seconds, 3)
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    secs_text = f"{secs:.3f}".rstrip("0").rstrip(".") + "s"
    if hours:
        return f"{int(hours)}h{int(minutes)}m{secs_text}"
    if minutes:
        return f"{int(minutes)}m{secs_text}"
    return secs_text


@dataclass
class Admission:
    """Outcome of `Limiter.admit`; pass it to `Limiter.settle` once the request ends (whatever happened).

    allowed: False -> answer 429 (`reason` 'budget' -> code insufficient_quota; 'rpm'/'tpm' ->
      rate_limit_exceeded) with `Retry-After: retry_after_header`, body message `message`; `reason`
      'request_too_large' -> 400 (no Retry-After: it can never be admitted).
    headers: OpenAI's x-ratelimit-* values, for every response (refusals included).
    degraded: admitted without limits because Redis was down (fail-open).
    reserved_tokens / reserved_cost_usd: what the request holds until settle."""

    allowed: bool
    key_id: str
    tenant: str
    reason: RefusalReason | None = None
    retry_after_s: float | None = None
    message: str = ""
    headers: dict[str, str] = field(default_factory=dict)
    reserved_tokens: int = 0
    reserved_cost_usd: float = 0.0
    budget_remaining_usd: float | None = None
    degraded: bool = False
    settled: bool = False
    token_entry: str = ""
    token_limit: int | None = None
    budget: BudgetReservation | None = None

    @property
    def retry_after_header(self) -> str | None:
        """Retry-After value (whole seconds, at least 1), or None when admitted."""
        return None if self.retry_after_s is None else str(max(1, math.ceil(self.retry_after_s)))


@dataclass
class _Settlement:
    admission: Admission
    total_tokens: int
    cost_usd: float


class Limiter:
    """admit/settle against Redis; one per ingress replica, any number sharing one Redis.

    Redis down: with `config.fail_open` requests are admitted unlimited (`degraded`; counted in
    `guard.outage_admissions`; logged once per outage), else `admit` raises LimitsUnavailable (503).
    Settlements that fail meanwhile are kept (up to `config.pending_settlements`) and replayed when
    Redis returns, so spend is not lost. Thread-safe."""

    def __init__(
        self,
        redis_client: redis.Redis,
        config: TenancyConfig,
        guard: RedisGuard | None = None,
        budget: BudgetLedger | None = None,
    ):
        self.config = config
        self.guard = guard or RedisGuard(config.fail_open, config.redis_retry_interval_s)
        self.budget = budget or BudgetLedger(redis_client, config.key_prefix, self.guard, config.reservation_ttl_s)
        self._prefix = config.key_prefix
        self._window_s = config.window_s
        self._redis = redis_client
        # The `limits` storage shares this client's connection pool (same timeouts and retry policy).
        self._storage = RedisStorage(
            config.redis_url, connection_pool=redis_client.connection_pool, key_prefix=f"{config.key_prefix}:rpm"
        )
        self._requests = MovingWindowRateLimiter(self._storage)
        self._acquire_tokens = redis_client.register_script(_TOKENS_ACQUIRE)
        self._settle_tokens = redis_client.register_script(_TOKENS_SETTLE)
        self._pending: deque[_Settlement] = deque(maxlen=config.pending_settlements or None)
        self._pending_lock = threading.Lock()
        self._flushing = False
        self.dropped_settlements = 0
        self.guard.on_recovery(self._replay_in_background)

    @property
    def pending_settlements(self) -> int:
        return len(self._pending)

    # ---- admission ----------------------------------------------------------------------------

    def admit(self, key: ApiKey, estimated_tokens: int, estimated_cost_usd: float = 0.0) -> Admission:
        """Check and reserve for one request of `key`: `estimated_tokens` = prompt tokens + max_tokens,
        `estimated_cost_usd` = its worst-case cost (`tenancy.budget.estimate_cost_usd`).
        -> Admission (allowed or refused with reason). Raises LimitsUnavailable (fail-closed, Redis down)."""
        try:
            return self._admit(key, max(0, int(estimated_tokens)), max(0.0, estimated_cost_usd))
        except LimitsUnavailable:
            if not self.guard.fail_open:
                raise
            self.guard.count_outage_admission()
            return Admission(True, key.key_id, key.tenant, degraded=True)

    def _admit(self, key: ApiKey, tokens: int, cost: float) -> Admission:
        admission = Admission(True, key.key_id, key.tenant, reserved_tokens=tokens, reserved_cost_usd=cost, token_limit=key.tpm)
        reservation = self.budget.reserve(key.tenant, key.budget_usd, key.budget_period, cost)
        admission.budget = reservation
        admission.budget_remaining_usd = reservation.remaining_usd
        if not reservation.allowed:
            return self._refuse(admission, key, "budget", self.budget.seconds_until_renewal(key.budget_period),
                                f"budget of ${key.budget_usd:g} per {key.budget_period} exhausted for tenant '{key.tenant}'")
        try:
            if key.tpm is not None:
                admission.token_entry = secrets.token_hex(8)
                admitted, used, reset_ms, wait_ms = self._tokens(key, tokens, admission.token_entry)
                self._token_headers(admission, key.tpm, used, reset_ms)
                if not admitted:
                    admission.token_entry = ""
                    self._release(admission)
                    if wait_ms < 0:  # larger than the whole window: waiting never helps
                        return self._refuse(admission, key, "request_too_large", None,
                                            f"request needs up to {tokens} tokens (input estimate + max_tokens x n), more than "
                                            f"this key's limit of {key.tpm} per {self._window_s}s; lower max_tokens, n or the input",
                                            read_tokens=False)
                    return self._refuse(admission, key, "tpm", wait_ms / 1000,
                                        f"rate limit of {key.tpm} tokens per {self._window_s}s reached", read_tokens=False)
            if key.rpm is not None:
                item = self._rpm_item(key.rpm)
                hit = self.guard.call(lambda: self._requests.hit(item, key.key_id))
                self._request_headers(admission, key.rpm)
                if not hit:
                    self._release(admission)
                    stats = self.guard.call(lambda: self._requests.get_window_stats(item, key.key_id))
                    return self._refuse(admission, key, "rpm", stats.reset_time - time.time(),
                                        f"rate limit of {key.rpm} requests per {self._window_s}s reached",
                                        read_requests=False)
        except BaseException:
            self._release(admission, quiet=True)
            raise
        return admission

    def _refuse(self, admission: Admission, key: ApiKey, reason: RefusalReason, retry_after_s: float | None, message: str,
                read_tokens: bool = True, read_requests: bool = True) -> Admission:
        admission.allowed = False
        admission.reason = reason
        admission.retry_after_s = None if retry_after_s is None else max(0.001, retry_after_s)
        admission.message = message
        admission.reserved_tokens = 0
        admission.reserved_cost_usd = 0.0
        admission.settled = True  # nothing held
        if read_tokens and key.tpm is not None:  # after any release: the window without this request
            _, used, reset_ms, _ = self._tokens(key, 0, "")
            self._token_headers(admission, key.tpm, used, reset_ms)
        if read_requests and key.rpm is not None:
            self._request_headers(admission, key.rpm)
        return admission

    # ---- settlement ---------------------------------------------------------------------------

    def settle(self, admission: Admission, prompt_tokens: int, completion_tokens: int, cost_usd: float) -> None:
        """Charge the real usage of an admitted request and free the rest of its reservation: tokens
        settle to prompt + completion tokens, budget to `cost_usd`. Call it for every admitted request
        (errors and cancelled streams too: the tokens actually generated; nothing generated: zeros).
        Idempotent: a second call does nothing. Never raises for Redis: while it is down the settlement
        is kept and replayed when Redis returns."""
        if admission.settled or not admission.allowed:
            return
        admission.settled = True
        settlement = _Settlement(admission, max(0, prompt_tokens) + max(0, completion_tokens), max(0.0, cost_usd))
        try:
            self._apply(settlement)
        except LimitsUnavailable:
            self._keep(settlement)
            return
        if self._pending:  # kept by a settle that failed just as Redis came back
            self._replay_in_background()

    def _replay_in_background(self) -> None:
        """Replay kept settlements off the request path: the first request after an outage must not
        wait for thousands of them."""
        with self._pending_lock:
            if self._flushing or not self._pending:
                return
            self._flushing = True

        def replay() -> None:
            try:
                self.flush_pending()
            except LimitsUnavailable:
                pass  # down again: the next recovery replays the rest
            finally:
                with self._pending_lock:
                    self._flushing = False

        threading.Thread(target=replay, name="tenancy-settlement-replay", daemon=True).start()

    def flush_pending(self) -> int:
        """Replay settlements kept during an outage, in this thread (recovery does it by itself in a
        background thread). -> how many were applied. Raises LimitsUnavailable if Redis fails again."""
        applied = 0
        while True:
            with self._pending_lock:
                if not self._pending:
                    return applied
                settlement = self._pending.popleft()
            try:
                self._apply(settlement)
            except LimitsUnavailable:
                with self._pending_lock:
                    self._pending.appendleft(settlement)
                raise
            applied += 1

    def _apply(self, settlement: _Settlement) -> None:
        admission = settlement.admission
        if admission.token_entry:
            keys = self._token_keys(admission.key_id)
            args = [self._window_s * 1000, admission.token_entry, settlement.total_tokens, admission.reserved_tokens]
            self.guard.call(lambda: self._settle_tokens(keys=keys, args=args))
            admission.token_entry = ""  # applied: a replay of the budget part must not repeat it
        if admission.budget is not None and not admission.degraded:
            self.budget.settle(admission.budget, settlement.cost_usd)
        else:
            self.budget.record(admission.tenant, settlement.cost_usd)

    def _keep(self, settlement: _Settlement) -> None:
        with self._pending_lock:
            if self._pending.maxlen is not None and len(self._pending) == self._pending.maxlen:
                self.dropped_settlements += 1
                logger.warning("tenancy: pending settlements full (%d); dropping the oldest", self._pending.maxlen)
            self._pending.append(settlement)

    def _release(self, admission: Admission, quiet: bool = False) -> None:
        """Give back what a refused (or failed) admission reserved."""
        try:
            if admission.token_entry:
                keys = self._token_keys(admission.key_id)
                args = [self._window_s * 1000, admission.token_entry, 0, admission.reserved_tokens]
                self.guard.call(lambda: self._settle_tokens(keys=keys, args=args))
                admission.token_entry = ""
            if admission.budget is not None and admission.budget.reservation_id:
                self.budget.settle(admission.budget, 0.0)
                admission.budget = None
        except LimitsUnavailable:
            if not quiet:
                raise

    # ---- Redis helpers ------------------------------------------------------------------------

    def _rpm_item(self, rpm: int) -> RateLimitItemPerSecond:
        return RateLimitItemPerSecond(rpm, self._window_s)

    def _token_keys(self, key_id: str) -> list[str]:
        base = f"{{{self._prefix}:tpm:{key_id}}}"
        return [f"{base}:log", f"{base}:amounts", f"{base}:total"]

    def _tokens(self, key: ApiKey, tokens: int, entry: str) -> tuple[int, int, int, int]:
        keys = self._token_keys(key.key_id)
        args = [self._window_s * 1000, key.tpm, tokens, entry]
        admitted, used, reset_ms, wait_ms = self.guard.call(lambda: self._acquire_tokens(keys=keys, args=args))
        return int(admitted), int(used), int(reset_ms), int(wait_ms)

    def _token_headers(self, admission: Admission, limit: int, used: int, reset_ms: int) -> None:
        admission.headers["x-ratelimit-limit-tokens"] = str(limit)
        admission.headers["x-ratelimit-remaining-tokens"] = str(max(0, limit - used))
        admission.headers["x-ratelimit-reset-tokens"] = format_duration(reset_ms / 1000)

    def _request_headers(self, admission: Admission, limit: int) -> None:
        item = self._rpm_item(limit)
        stats = self.guard.call(lambda: self._requests.get_window_stats(item, admission.key_id))
        # limits sets the window list's TTL to the window at each hit: its PTTL is the time until the
        # newest request leaves the window, i.e. until the limit is back to its initial state.
        key = self._storage.prefixed_key(item.key_for(admission.key_id))
        pttl = self.guard.call(lambda: self._redis.pttl(key))
        admission.headers["x-ratelimit-limit-requests"] = str(limit)
        admission.headers["x-ratelimit-remaining-requests"] = str(max(0, stats.remaining))
        admission.headers["x-ratelimit-reset-requests"] = format_duration(max(0, pttl) / 1000)
