"""Exact + semantic response cache for the serving stack, safe across tenants, with an in-process
and a Redis backend. Imports nothing from Ray; the `ResponseCache` deployment wraps `ResponseCacheStore`.
"""

from cache.config import CacheConfig
from cache.guards import near_miss_reason
from cache.protocol import CacheHit, CacheQuery, StoreOutcome
from cache.store import ResponseCacheStore

__all__ = ["CacheConfig", "CacheHit", "CacheQuery", "ResponseCacheStore", "StoreOutcome", "near_miss_reason"]
