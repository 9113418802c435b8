"""Spend per tenant per period in Redis, with reservations, atomic across processes.

A request reserves its worst-case cost before it runs (`estimate_cost_usd`: prompt tokens at the
pool's input price + max_tokens at its output price) and settles with the actual cost afterwards
(cancelled streams: the tokens actually generated). A reservation is refused when
spent + reserved + estimate would exceed the budget; the check and the reservation are one Lua
script, so N concurrent requests can never reserve more than the budget together. Overspend comes
only from an actual cost above its estimate (e.g. an under-counted prompt).

Amounts are kept as integer nano-USD (exact sums; Redis integers), reported in USD.

Redis layout (prefix p; the hash tag keeps one tenant's keys in one cluster slot):
    {p:spend:<tenant>}:<period>:<id>        hash: spent, reserved (nano-USD); id = YYYY-MM-DD | YYYY-MM | all
    {p:spend:<tenant>}:<period>:<id>:res    sorted set reservation id -> deadline (ms, Redis clock)
    {p:spend:<tenant>}:<period>:<id>:amt    hash reservation id -> amount (nano-USD)
Spend is recorded in all three periods at every settle (reports per day, month and total); a
reservation lives only in the period the key's budget is counted in. A reservation never settled
(its process died) is released after `reservation_ttl_s`.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

import redis

from tenancy.config import BudgetPeriod
from tenancy.outage import RedisGuard

NANO = 1_000_000_000
PERIODS: tuple[BudgetPeriod, ...] = ("day", "month", "total")
_PERIOD_TTL_S = {"day": 40 * 86400, "month": 400 * 86400, "total": 0}  # 0: kept for ever

# Shared by both scripts: release reservations past their deadline (Redis clock).
_PURGE = """
local function now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local function purge(main, res, amt, now)
  local expired = redis.call('ZRANGEBYSCORE', res, '-inf', now)
  if #expired == 0 then return end
  local freed = 0
  for i = 1, #expired do freed = freed + tonumber(redis.call('HGET', amt, expired[i]) or '0') end
  for i = 1, #expired, 5000 do redis.call('HDEL', amt, unpack(expired, i, math.min(i + 4999, #expired))) end
  redis.call('ZREMRANGEBYSCORE', res, '-inf', now)
  -- 0 - x, not -x: Lua formats -0 as '-0', which HINCRBY rejects
  if redis.call('HINCRBY', main, 'reserved', 0 - freed) < 0 then redis.call('HSET', main, 'reserved', 0) end
end
"""

# KEYS: main, res, amt.  ARGV: budget, estimate, reservation id, reservation ttl ms, key ttl s (0: none).
# -> {admitted 0|1, spent, reserved (after)}
_RESERVE = _PURGE + """
local main, res, amt = KEYS[1], KEYS[2], KEYS[3]
local budget, estimate, id = tonumber(ARGV[1]), tonumber(ARGV[2]), ARGV[3]
local now = now_ms()
purge(main, res, amt, now)
local spent = tonumber(redis.call('HGET', main, 'spent') or '0')
local reserved = tonumber(redis.call('HGET', main, 'reserved') or '0')
if spent >= budget or spent + reserved + estimate > budget then return {0, spent, reserved} end
redis.call('ZADD', res, now + tonumber(ARGV[4]), id)
redis.call('HSET', amt, id, estimate)
reserved = redis.call('HINCRBY', main, 'reserved', estimate)
local key_ttl = tonumber(ARGV[5])
if key_ttl > 0 then
  for i = 1, 3 do redis.call('EXPIRE', KEYS[i], key_ttl) end
end
return {1, spent, reserved}
"""

# KEYS: main, res, amt of the reserving period, then the day, month and total hashes.
# ARGV: reservation id ('' for none), actual cost, then the TTL (s, 0: none) of the day, month, total hashes.
# -> spent in the reserving period (after)
_SETTLE = _PURGE + """
local main, res, amt, id = KEYS[1], KEYS[2], KEYS[3], ARGV[1]
if id ~= '' then
  local amount = redis.call('HGET', amt, id)
  if amount then
    redis.call('HDEL', amt, id)
    redis.call('ZREM', res, id)
    if redis.call('HINCRBY', main, 'reserved', 0 - tonumber(amount)) < 0 then redis.call('HSET', main, 'reserved', 0) end
  end
end
local actual = tonumber(ARGV[2])
for i = 4, #KEYS do
  if actual > 0 then redis.call('HINCRBY', KEYS[i], 'spent', actual) end
  local ttl = tonumber(ARGV[i - 1])
  if ttl > 0 then redis.call('EXPIRE', KEYS[i], ttl) end
end
return tonumber(redis.call('HGET', main, 'spent') or '0')
"""


def estimate_cost_usd(prompt_tokens: int, max_tokens: int, input_per_million: float, output_per_million: float) -> float:
    """Worst-case cost in USD of one request: prompt at the input price + max_tokens at the output price
    (prices in USD per million tokens, as in the pools' `TokenPrices`)."""
    return cost_usd(prompt_tokens, max_tokens, input_per_million, output_per_million)


def cost_usd(prompt_tokens: int, completion_tokens: int, input_per_million: float, output_per_million: float) -> float:
    """Cost in USD of `prompt_tokens` + `completion_tokens` at prices in USD per million tokens."""
    return (prompt_tokens * input_per_million + completion_tokens * output_per_million) / 1e6


def to_nano(usd: float) -> int:
    return int(round(usd * NANO))


def period_id(period: BudgetPeriod, now: datetime) -> str:
    """The calendar bucket of `now` (UTC): '2026-05-17' for day, '2026-05' for month, 'all' for total."""
    now = now.astimezone(timezone.utc)
    return {"day": now.strftime("%Y-%m-%d"), "month": now.strftime("%Y-%m"), "total": "all"}[period]


@dataclass
class BudgetReservation:
    """Outcome of `BudgetLedger.reserve`. `allowed` False: over budget, nothing reserved.
    Amounts in USD; `spent_usd`/`reserved_usd` are the period's totals as seen by the reservation."""

    allowed: bool
    tenant: str
    period: BudgetPeriod
    period_ids: dict[str, str]  # period -> id, fixed at reservation (settle charges the same buckets)
    reservation_id: str
    estimate_usd: float
    budget_usd: float | None
    spent_usd: float
    reserved_usd: float

    @property
    def remaining_usd(self) -> float | None:
        """Budget left after this reservation (None: unlimited)."""
        if self.budget_usd is None:
            return None
        return max(0.0, round(self.budget_usd - self.spent_usd - self.reserved_usd, 9))  # nano-USD: no float dust


@dataclass
class Spend:
    spent_usd: float
    reserved_usd: float


class BudgetLedger:
    """Reserve, settle and report spend per tenant in Redis (shared by every ingress replica).

    Redis errors raise LimitsUnavailable (through `guard`). `clock` gives the UTC time that picks the
    period bucket (injectable for tests); reservation deadlines use Redis's own clock."""

    def __init__(
        self,
        redis_client: redis.Redis,
        prefix: str = "llmtenancy",
        guard: RedisGuard | None = None,
        reservation_ttl_s: float = 900,
        clock: Callable[[], datetime] = lambda: datetime.now(timezone.utc),
    ):
        self._redis = redis_client
        self._prefix = prefix
        self._guard = guard or RedisGuard()
        self._reservation_ttl_ms = int(reservation_ttl_s * 1000)
        self._clock = clock
        self._reserve = redis_client.register_script(_RESERVE)
        self._settle = redis_client.register_script(_SETTLE)

    def _keys(self, tenant: str, period: str, pid: str) -> tuple[str, str, str]:
        main = f"{{{self._prefix}:spend:{tenant}}}:{period}:{pid}"
        return main, f"{main}:res", f"{main}:amt"

    def reserve(self, tenant: str, budget_usd: float | None, period: BudgetPeriod, estimate_usd: float) -> BudgetReservation:
        """Reserve `estimate_usd` against `tenant`'s `budget_usd` for the current `period`.
        budget None: nothing is reserved or checked (always allowed; spend is still recorded at settle).
        Raises LimitsUnavailable."""
        ids = {p: period_id(p, self._clock()) for p in PERIODS}
        reservation_id = secrets.token_hex(8)
        if budget_usd is None:
            return BudgetReservation(True, tenant, period, ids, "", estimate_usd, None, 0.0, 0.0)
        keys = self._keys(tenant, period, ids[period])
        args = [to_nano(budget_usd), to_nano(estimate_usd), reservation_id, self._reservation_ttl_ms, _PERIOD_TTL_S[period]]
        admitted, spent, reserved = self._guard.call(lambda: self._reserve(keys=list(keys), args=args))
        return BudgetReservation(
            bool(admitted), tenant, period, ids, reservation_id if admitted else "", estimate_usd, budget_usd,
            spent / NANO, reserved / NANO,
        )

    def settle(self, reservation: BudgetReservation, actual_usd: float) -> None:
        """Release the reservation and add `actual_usd` to the tenant's day, month and total spend
        (the buckets current at reservation). Raises LimitsUnavailable."""
        self._apply(reservation.tenant, reservation.period, reservation.period_ids, reservation.reservation_id, actual_usd)

    def record(self, tenant: str, actual_usd: float) -> None:
        """Add spend without a reservation (e.g. a request admitted while Redis was down)."""
        ids = {p: period_id(p, self._clock()) for p in PERIODS}
        self._apply(tenant, "total", ids, "", actual_usd)

    def spend(self, tenant: str, period: BudgetPeriod = "total", at: datetime | None = None) -> Spend:
        """Spent and currently reserved USD of `tenant` in the `period` bucket containing `at` (default now)."""
        main = self._keys(tenant, period, period_id(period, at or self._clock()))[0]
        spent, reserved = self._guard.call(lambda: self._redis.hmget(main, "spent", "reserved"))
        return Spend(int(spent or 0) / NANO, int(reserved or 0) / NANO)

    def seconds_until_renewal(self, period: BudgetPeriod) -> float:
        """Seconds until `period`'s next bucket starts (next UTC midnight / first of the month). 'total'
        never renews: a day, as a Retry-After that stops clients from hammering."""
        now = self._clock().astimezone(timezone.utc)
        if period == "day":
            nxt = (now + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
        elif period == "month":
            nxt = now.replace(year=now.year + (now.month == 12), month=now.month % 12 + 1, day=1,
                              hour=0, minute=0, second=0, microsecond=0)
        else:
            return 86400.0
        return (nxt - now).total_seconds()

    def _apply(self, tenant: str, period: str, ids: dict[str, str], reservation_id: str, actual_usd: float) -> None:
        reserving = self._keys(tenant, period, ids[period])
        totals = [self._keys(tenant, p, ids[p])[0] for p in PERIODS]
        args = [reservation_id, to_nano(max(0.0, actual_usd)), *(_PERIOD_TTL_S[p] for p in PERIODS)]
        self._guard.call(lambda: self._settle(keys=[*reserving, *totals], args=args))
