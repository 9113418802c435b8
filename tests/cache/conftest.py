"""Fixtures of the cache tests: an injectable clock, the real embedding model (memoised), a real
redis-server on a free port, and builders for queries and responses."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from pathlib import Path

import numpy as np
import pytest

from cache import CacheQuery
from tests.redis_server import RedisServer, redis_server  # noqa: F401 - the fixture


class ManualClock:
    """A clock the test moves by hand: TTL and retry intervals without sleeping."""

    def __init__(self, start: float = 1_000_000.0):
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


class MemoEmbedder:
    """The shared all-MiniLM-L6-v2 embedder, remembering texts it has embedded (tests repeat them)."""

    def __init__(self):
        from common.embedding import shared_embedder

        self._model = shared_embedder()
        self._vectors: dict[str, np.ndarray] = {}

    def embed_one(self, text: str) -> np.ndarray:
        if text not in self._vectors:
            self._vectors[text] = self._model.embed_one(text)
        return self._vectors[text]


def _make_query(text: str, tenant: str = "default", model: str = "auto", history=(), **sampling) -> CacheQuery:
    sampling = {"temperature": 0.0, "max_tokens": 64, **sampling}
    messages = [*history, {"role": "user", "content": text}]
    return CacheQuery(tenant=tenant, model=model, messages=messages, sampling=sampling)


def _make_response(content: str, finish_reason: str = "stop") -> dict:
    return {
        "id": "chatcmpl-test",
        "object": "chat.completion",
        "model": "small",
        "choices": [{"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": finish_reason}],
        "usage": {"prompt_tokens": 10, "completion_tokens": 5, "total_tokens": 15},
    }



@pytest.fixture(scope="session")
def embedder() -> MemoEmbedder:
    return MemoEmbedder()


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def make_query():
    """make_query(text, tenant="default", model="auto", history=(), **sampling) -> CacheQuery at temperature 0."""
    return _make_query


@pytest.fixture
def make_response():
    """make_response(content, finish_reason="stop") -> an OpenAI chat.completion body."""
    return _make_response


