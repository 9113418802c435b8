"""In-process backend: entries in an LRU-ordered dict bounded in bytes, vectors in a local index."""

from __future__ import annotations

from collections import OrderedDict

import numpy as np

from cache.entry import CacheEntry, ExpiryQueue
from cache.vector_index import PartitionedIndex


class MemoryBackend:
    """Entries of this process only. Not thread-safe: `ResponseCacheStore` holds a lock around it."""

    def __init__(self, max_bytes: int, index_probes: int = 8):
        self.max_bytes = max_bytes
        self.evictions = 0
        self._entries: OrderedDict[str, CacheEntry] = OrderedDict()  # least recently used first
        self._bytes = 0
        self._index = PartitionedIndex(probes=index_probes)
        self._expiry = ExpiryQueue()

    def get(self, key: str, now: float) -> CacheEntry | None:
        self._drop_expired(now)
        entry = self._entries.get(key)
        if entry is None:
            return None
        self._entries.move_to_end(key)
        return entry

    def put(self, entry: CacheEntry, now: float) -> None:
        self._drop_expired(now)
        self._remove(entry.key)
        self._entries[entry.key] = entry
        self._bytes += entry.size_bytes()
        self._expiry.push(entry.key, entry.expires_at)
        if entry.vector is not None and entry.partition is not None:
            self._index.add(entry.partition, entry.key, entry.vector)
        while self._bytes > self.max_bytes and len(self._entries) > 1:
            oldest = next(iter(self._entries))
            self._remove(oldest)
            self.evictions += 1

    def nearest(self, partition: str, vector: np.ndarray, k: int, now: float) -> list[tuple[CacheEntry, float]]:
        self._drop_expired(now)
        return [(self._entries[key], score) for key, score in self._index.search(partition, vector, k)]

    def touch(self, key: str, now: float) -> None:
        if key in self._entries:
            self._entries.move_to_end(key)

    def usage(self) -> tuple[int, int]:
        """(bytes used, entries)."""
        return self._bytes, len(self._entries)

    def clear(self) -> None:
        self._entries.clear()
        self._index.clear()
        self._expiry.clear()
        self._bytes = 0

    def close(self) -> None:
        pass

    def _remove(self, key: str) -> None:
        entry = self._entries.pop(key, None)
        if entry is not None:
            self._bytes -= entry.size_bytes()
            self._index.remove(key)

    def _drop_expired(self, now: float) -> None:
        for key, expires_at in self._expiry.due(now):
            entry = self._entries.get(key)
            if entry is not None and entry.expires_at == expires_at:
                self._remove(key)
