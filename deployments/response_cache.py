"""`ResponseCache`: exact and semantic response cache in front of routing (cache/ does the work)."""

from __future__ import annotations

import asyncio
import logging

from ray import serve

from cache import CacheConfig, CacheQuery, ResponseCacheStore
from deployments.metrics import CacheStoreMetrics

logger = logging.getLogger("ray.serve")


STATS_EXPORT_PERIOD_S = 5.0


@serve.deployment
class ResponseCache:
    async def __init__(self, config: CacheConfig):
        try:
            self.cache_store = ResponseCacheStore(config)
        except ValueError as error:  # the key reaches replicas only through the environment Ray started with
            raise ValueError(f"{error} (Ray's workers take it from the environment of `ray start`; "
                             "`make stop && make serve` starts Ray with make serve's key)") from None
        self.cache_store.warm_up()  # models and tables now, so the first requests do not pay for them
        self.metrics = CacheStoreMetrics()
        self._exporter = asyncio.create_task(self._export_stats_forever())

    async def _export_stats_forever(self) -> None:
        # stats() asks the backend for its size (a Redis round trip): poll it, not per request.
        while True:
            try:
                self.metrics.record(await asyncio.to_thread(self.cache_store.stats))
            except Exception as error:  # noqa: BLE001 - metrics must never take the cache down
                logger.warning("cache stats export failed: %r", error)
            await asyncio.sleep(STATS_EXPORT_PERIOD_S)

    # lookup runs on the replica's event loop: an exact hit takes microseconds, and a thread-pool hop
    # would cost more than that on every hit (the semantic path embeds for ~12 ms, serially anyway).
    # `exact_checked`: the ingress has read the exact key from the shared Redis itself and missed.
    async def lookup(self, query: CacheQuery, exact_checked: bool = False) -> dict | None:
        hit = self.cache_store.lookup(query, exact_checked)
        return hit.model_dump() if hit else None

    # store runs in Serve's thread pool (sync method): nobody waits on its result.
    def store(self, query: CacheQuery, response: dict, finish_reason: str | None, verdict: str | None) -> tuple[bool, str]:
        stored, outcome = self.cache_store.store(query, response, finish_reason, verdict)
        return stored, outcome.value

    def stats(self) -> dict:
        return self.cache_store.stats()
