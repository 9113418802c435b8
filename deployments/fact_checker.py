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

    def check(self, text: str, question: str | None = None) -> dict:
        # Sync on purpose: checks take milliseconds of CPU; Serve runs sync methods in a thread pool.
        return self.checker.check(text, question).model_dump()
