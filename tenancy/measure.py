"""Why tokens do not use `limits`: measured on a real Redis (see tenancy/limits.py).

    python -m tenancy.measure [--redis-url redis://127.0.0.1:6379/15] [--requests 200]

For reservations of 256 / 1024 / 4096 tokens under a 1,000,000-tokens-per-minute limit, prints the
mean latency of one admission and the Redis memory of the window after `--requests` admissions, for
`limits`' moving window (cost = tokens) and for our token window script; then whether `limits` can
give back an unused reservation (a negative cost). Writes only keys under 'measure:' and deletes them."""

from __future__ import annotations

import argparse
import secrets
import time

from limits import RateLimitItemPerMinute
from limits.storage import RedisStorage
from limits.strategies import MovingWindowRateLimiter, SlidingWindowCounterRateLimiter

from tenancy.config import TenancyConfig
from tenancy.keys import ApiKey
from tenancy.limits import Limiter
from tenancy.outage import connect

PREFIX = "measure"


def _limits_moving_window(url: str, tokens: int, requests: int, limit: int) -> tuple[float, int]:
    client = connect(url, 2.0)
    storage = RedisStorage(url, connection_pool=client.connection_pool, key_prefix=f"{PREFIX}:limits")
    limiter, item = MovingWindowRateLimiter(storage), RateLimitItemPerMinute(limit)
    ident = secrets.token_hex(4)
    start = time.perf_counter()
    for _ in range(requests):
        limiter.hit(item, ident, cost=tokens)
    elapsed = (time.perf_counter() - start) / requests
    memory = client.memory_usage(storage.prefixed_key(item.key_for(ident))) or 0
    limiter.clear(item, ident)
    return elapsed, memory


def _token_window(url: str, tokens: int, requests: int, limit: int) -> tuple[float, int]:
    client = connect(url, 2.0)
    limiter = Limiter(client, TenancyConfig(redis_url=url, key_prefix=PREFIX))
    key = ApiKey(key_id=secrets.token_hex(4), tenant="measure", tpm=limit)
    start = time.perf_counter()
    for _ in range(requests):
        limiter._tokens(key, tokens, secrets.token_hex(8))
    elapsed = (time.perf_counter() - start) / requests
    keys = limiter._token_keys(key.key_id)
    memory = sum(client.memory_usage(name) or 0 for name in keys)
    client.delete(*keys)
    return elapsed, memory


def _negative_cost(url: str) -> str:
    client = connect(url, 2.0)
    storage = RedisStorage(url, connection_pool=client.connection_pool, key_prefix=f"{PREFIX}:limits")
    lines = []
    for name, strategy in (("moving window", MovingWindowRateLimiter), ("sliding window counter", SlidingWindowCounterRateLimiter)):
        limiter, item, ident = strategy(storage), RateLimitItemPerMinute(1000), secrets.token_hex(4)
        limiter.hit(item, ident, cost=800)
        before = limiter.get_window_stats(item, ident).remaining
        limiter.hit(item, ident, cost=-500)
        after = limiter.get_window_stats(item, ident).remaining
        lines.append(f"  {name}: remaining after cost=800: {before}; after cost=-500: {after}")
        limiter.clear(item, ident)
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/15")
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--limit", type=int, default=1_000_000)
    args = parser.parse_args(argv)
    print(f"{args.requests} admissions per row, limit {args.limit} tokens/min")
    print(f"{'tokens':>7} | {'limits moving window':>28} | {'token window script':>28}")
    for tokens in (256, 1024, 4096):
        ours = _token_window(args.redis_url, tokens, args.requests, args.limit)
        theirs = _limits_moving_window(args.redis_url, tokens, args.requests, args.limit)
        print(f"{tokens:>7} | {theirs[0] * 1e3:8.3f} ms {theirs[1] / 1e6:9.2f} MB memory | "
              f"{ours[0] * 1e3:8.3f} ms {ours[1] / 1e6:9.2f} MB memory")
    print("refund of an unused reservation with limits (negative cost):")
    print(_negative_cost(args.redis_url))


if __name__ == "__main__":
    main()
