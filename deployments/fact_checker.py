"""`FactChecker`: checks generated answers against the knowledge base (validators/ does the work)."""

from __future__ import annotations

from ray import serve

from validators import FactChecker as KnowledgeBaseChecker
from validators import FactCheckerConfig


@serve.deployment
class FactChecker:
    def __init__(self, config: FactCheckerConfig):
        # Opens (or, on a fresh machine, builds) the SQLite knowledge base before the replica is ready.
        self.checker = KnowledgeBaseChecker(config)

    async def check(self, text: str, question: str | None = None) -> dict:
        # Runs on the replica's event loop, as the classifier and the cache lookup do, not in Serve's thread
        # pool: a check is ~5 ms of CPU and the replica has nothing else to do, so a thread hop only adds a
        # wake-up on a busy machine.
        return self.checker.check(text, question).model_dump()
