"""`ComplexityClassifier`: scores requests for the large model (router/ does the work), batched."""

from __future__ import annotations

from dataclasses import asdict

from ray import serve

from router import RouterConfig


@serve.deployment
class ComplexityClassifier:
    def __init__(self, config: RouterConfig, max_batch_size: int = 32, batch_wait_timeout_s: float = 0.002):
        self.router = config.load_router()
        self.threshold = config.effective_threshold(self.router)
        self.classify_batch.set_max_batch_size(max_batch_size)
        self.classify_batch.set_batch_wait_timeout_s(batch_wait_timeout_s)

    async def classify(self, messages: list[dict[str, str]]) -> dict:
        """{route, score, threshold, signals} for one request."""
        return await self.classify_batch(messages)

    @serve.batch(max_batch_size=32, batch_wait_timeout_s=0.002)
    async def classify_batch(self, batch: list[list[dict[str, str]]]) -> list[dict]:
        return [asdict(decision) for decision in self.router.decide_batch(batch, self.threshold)]
