"""One cached answer and what both backends share about it: its size and its expiry."""

from __future__ import annotations

import heapq
from dataclasses import dataclass

import numpy as np

# Memory an entry costs beyond its data, measured with tracemalloc on the memory backend
# (tests/cache/test_store_memory.py keeps the count within 25% of what Python allocates): object headers,
# the LRU dict slot and the expiry heap item; for an entry in the vector index also the index's dict
# slots and the spare rows of its growable arrays.
ENTRY_OVERHEAD_BYTES = 256
INDEXED_ENTRY_OVERHEAD_BYTES = 2816


class BackendUnavailable(Exception):
    """The backend cannot be reached; the caller bypasses the cache for this request."""


@dataclass(slots=True)
class CacheEntry:
    key: str  # the exact key
    tenant: str
    payload: bytes  # the response body as JSON
    expires_at: float
    partition: str | None = None  # semantic partition; None for exact-only entries
    text: str | None = None  # the last user turn, for the near-miss guards
    vector: np.ndarray | None = None  # its embedding (float32)

    def size_bytes(self) -> int:
        data = len(self.payload) + len(self.key) + len(self.tenant.encode())
        data += len(self.partition or "") + len((self.text or "").encode())
        if self.vector is None:
            return data + ENTRY_OVERHEAD_BYTES
        return data + self.vector.nbytes + ENTRY_OVERHEAD_BYTES + INDEXED_ENTRY_OVERHEAD_BYTES


class ExpiryQueue:
    """Keys by expiry time; `due` pops those past `now`. Stale items (a key stored again with a later
    expiry) are popped too: the caller checks the key's current expiry."""

    def __init__(self) -> None:
        self._heap: list[tuple[float, str]] = []

    def push(self, key: str, expires_at: float) -> None:
        heapq.heappush(self._heap, (expires_at, key))

    def due(self, now: float) -> list[tuple[str, float]]:
        popped = []
        while self._heap and self._heap[0][0] <= now:
            expires_at, key = heapq.heappop(self._heap)
            popped.append((key, expires_at))
        return popped

    def clear(self) -> None:
        self._heap.clear()
