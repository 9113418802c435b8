"""`ResponseCache`: exact and semantic response cache in front of routing (cache/ does the work)."""

from __future__ import annotations

import asyncio
import logging

from ray import serve

from cache import CacheConfig, CacheQuery, ResponseCacheStore
from deployments.metrics import CacheStoreMetrics
from router.embedding import shared_embedder

logger = logging.getLogger("ray.serve")


STATS_EXPORT_PERIOD_S = 5.0


@serve.deployment
class ResponseCache:
    async def __init__(self, config: CacheConfig):
        self.cache_store = ResponseCacheStore(config)
        if config.semantic_enabled:
            # Load the embedding model now, so the first request does not pay for it.
            shared_embedder().embed_one("warm up")
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

    # Sync methods: Serve runs them in its thread pool, off the event loop (embedding and Redis block).

    def lookup(self, query: CacheQuery) -> dict | None:
        hit = self.cache_store.lookup(query)
        return hit.model_dump() if hit else None

    def store(self, query: CacheQuery, response: dict, finish_reason: str | None, verdict: str | None) -> tuple[bool, str]:
        stored, outcome = self.cache_store.store(query, response, finish_reason, verdict)
        return stored, outcome.value

    def stats(self) -> dict:
        return self.cache_store.stats()
