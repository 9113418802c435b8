"""`ResponseCache`: exact and semantic response cache in front of routing (cache/ does the work)."""

from __future__ import annotations

import asyncio
import logging

from ray import serve

from cache import CacheConfig, CacheQuery, ResponseCacheStore
from router.embedding import shared_embedder

logger = logging.getLogger("ray.serve")


@serve.deployment
class ResponseCache:
    def __init__(self, config: CacheConfig):
        self.store_ = ResponseCacheStore(config)
        if config.semantic_enabled:
            # Load the embedding model now, so the first request does not pay for it.
            shared_embedder().embed_one("warm up")

    async def lookup(self, query: CacheQuery) -> dict | None:
        # Store calls are blocking (embedding, Redis); keep them off the replica's event loop.
        hit = await asyncio.to_thread(self.store_.lookup, query)
        return hit.model_dump() if hit else None

    async def store(
        self, query: CacheQuery, response: dict, finish_reason: str | None, verdict: str | None
    ) -> tuple[bool, str]:
        stored, outcome = await asyncio.to_thread(self.store_.store, query, response, finish_reason, verdict)
        return stored, outcome.value

    def stats(self) -> dict:
        return self.store_.stats()
