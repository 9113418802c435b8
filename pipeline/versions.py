"""Which version of a pool serves a request: the pool's traffic split (rollout.VersionSplit), assigned
stickily per tenant, or per conversation when the caller is anonymous (rollout.assign), so a user does not
flip between versions mid-conversation while the split is unchanged.

`TrafficTable` holds the live splits: the operator changes them through the ingress' user_config, and the
canary monitor sends a failing canary's traffic back to the stable version on its own."""

from __future__ import annotations

import threading
from typing import Any

from rollout import VersionSplit, assign, sticky_key
from pipeline.settings import PipelineSettings

ANONYMOUS_TENANTS = frozenset({"", "default", "anonymous"})


class TrafficTable:
    """pool -> its current VersionSplit. Thread-safe; read on every request."""

    def __init__(self, splits: dict[str, VersionSplit]):
        self._splits = dict(splits)
        self._lock = threading.Lock()

    @classmethod
    def from_settings(cls, settings: PipelineSettings) -> "TrafficTable":
        return cls({name: spec.default_split() for name, spec in settings.pools.items()})

    def split(self, pool: str) -> VersionSplit:
        return self._splits[pool]

    def set(self, pool: str, split: VersionSplit) -> None:
        with self._lock:
            self._splits[pool] = split


def choose_version(table: TrafficTable, pool: str, tenant: str, messages: list[Any]) -> str:
    key = sticky_key(None if tenant in ANONYMOUS_TENANTS else tenant, messages)
    return assign(table.split(pool), key, pool=pool)
