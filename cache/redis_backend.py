"""Redis backend: entries shared by every cache replica (process).

Keys (all under one hash tag, so they live in one slot):
    {p}:entry:<key>   hash: payload, tenant, expires_at, partition, text, vector; PEXPIRE = TTL
                      (with a cipher, payload, text and vector are sealed with AES-256-GCM, cache/crypto.py;
                      tenant, the hashed keys and partition stay in clear)
    {p}:lru           sorted set key → last use time; the lowest is evicted first
    {p}:sizes         hash key → entry bytes;  {p}:bytes  their sum (the byte bound is shared)
    {p}:expiry        sorted set key → expiry time, to release the bytes of expired entries
    {p}:semlog        sorted set key → sequence number of semantic entries, in store order
    {p}:semseq        the last sequence number;  {p}:epoch  changes when Redis lost its data

Redis (Debian's build) has no vector search, so each process keeps its own vector index and syncs it
on every semantic lookup: it reads the semlog entries after the last sequence number it has seen (one
round trip when nothing is new). Entries evicted by another process stay in the local index until a
lookup fetches them and finds them gone, or they expire.

When Redis cannot be reached, every call raises `BackendUnavailable` at once for `retry_interval_s`
(no timeout paid per request), then the next call tries Redis again. The outage is logged once.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable

import numpy as np
import redis
from redis.backoff import NoBackoff
from redis.retry import Retry

from cache.crypto import EntryCipher, Unreadable
from cache.entry import BackendUnavailable, CacheEntry, ExpiryQueue
from cache.vector_index import PartitionedIndex

logger = logging.getLogger(__name__)

SYNC_BATCH = 5000
STALE_EXPIRY_SWEEP = 256  # expired entries whose bookkeeping one store call releases, at most

# Atomic store: release expired entries, replace the key, evict least recently used over the bound.
# Atomic also gives semantic entries their sequence numbers in commit order, so a reader that has
# seen number n has seen every entry before n.
_STORE_SCRIPT = """
local lru, sizes, total, expiry, semlog, semseq = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6]
local entry_prefix, key, now, expires_at = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local ttl_ms, size, max_bytes, semantic = ARGV[5], tonumber(ARGV[6]), tonumber(ARGV[7]), ARGV[8]

local function drop(k)
  local bytes = redis.call('HGET', sizes, k)
  if bytes then redis.call('DECRBY', total, bytes) end
  redis.call('HDEL', sizes, k)
  redis.call('ZREM', lru, k)
  redis.call('ZREM', expiry, k)
  redis.call('ZREM', semlog, k)
  redis.call('DEL', entry_prefix .. k)
end

for _, k in ipairs(redis.call('ZRANGEBYSCORE', expiry, '-inf', now, 'LIMIT', 0, %d)) do drop(k) end
drop(key)
local fields = {}
for i = 9, #ARGV do fields[#fields + 1] = ARGV[i] end
redis.call('HSET', entry_prefix .. key, unpack(fields))
redis.call('PEXPIRE', entry_prefix .. key, ttl_ms)
redis.call('HSET', sizes, key, size)
redis.call('INCRBY', total, size)
redis.call('ZADD', lru, now, key)
redis.call('ZADD', expiry, expires_at, key)
if semantic == '1' then redis.call('ZADD', semlog, redis.call('INCR', semseq), key) end

local evicted = 0
while tonumber(redis.call('GET', total)) > max_bytes do
  local oldest = redis.call('ZRANGE', lru, 0, 0)[1]
  if (not oldest) or oldest == key then break end
  drop(oldest)
  evicted = evicted + 1
end
return evicted
""" % STALE_EXPIRY_SWEEP

_ENTRY_FIELDS = ("payload", "tenant", "expires_at", "partition", "text")
_CANDIDATE_FIELDS = (*_ENTRY_FIELDS, "vector")  # the verifier reads the stored question's embedding


class RedisBackend:
    """Entries in Redis, shared by all processes; a per-process vector index synced from Redis."""

    def __init__(
        self,
        url: str,
        max_bytes: int,
        key_prefix: str = "llmcache",
        timeout_s: float = 0.25,
        retry_interval_s: float = 2.0,
        index_probes: int = 8,
        clock: Callable[[], float] = time.time,
        cipher: EntryCipher | None = None,
    ):
        """`cipher` seals payload, question text and vector at rest; entries it cannot open are misses."""
        self.url = url
        self.unreadable = 0  # entries that did not open with the current key
        self._cipher = cipher
        self.max_bytes = max_bytes
        self.retry_interval_s = retry_interval_s
        self.evictions = 0
        self._clock = clock
        # One immediate retry: after Redis restarts, the first command on a pooled socket fails.
        self._redis = redis.Redis.from_url(
            url, socket_timeout=timeout_s, socket_connect_timeout=timeout_s, retry=Retry(NoBackoff(), 1)
        )
        self._store_script = self._redis.register_script(_STORE_SCRIPT)
        tag = "{" + key_prefix + "}"
        self._entry_prefix = f"{tag}:entry:"
        self._lru, self._sizes, self._total = f"{tag}:lru", f"{tag}:sizes", f"{tag}:bytes"
        self._expiry_set, self._semlog, self._semseq = f"{tag}:expiry", f"{tag}:semlog", f"{tag}:semseq"
        self._epoch_key = f"{tag}:epoch"
        self._index = PartitionedIndex(probes=index_probes)
        self._index_expiry = ExpiryQueue()
        self._index_expires_at: dict[str, float] = {}
        self._epoch: bytes | None = None
        self._seen_seq = 0.0
        self._down_until = 0.0
        self._down = False

    # --- the backend interface (same as MemoryBackend) ---------------------------------------------

    def get(self, key: str, now: float) -> CacheEntry | None:
        def fetch():
            pipe = self._redis.pipeline(transaction=False)
            pipe.hmget(self._entry_prefix + key, _ENTRY_FIELDS)
            pipe.zadd(self._lru, {key: now}, xx=True)  # touch; a no-op when the key is gone
            values, _ = pipe.execute()
            return values

        return self._entry_from(key, self._call(fetch), now)

    def put(self, entry: CacheEntry, now: float) -> None:
        ttl_ms = max(1, int((entry.expires_at - now) * 1000))
        fields: list[bytes | str] = [
            "payload", self._seal(entry.payload, entry.key, "payload"), "tenant", entry.tenant,
            "expires_at", repr(entry.expires_at),
        ]
        semantic = entry.vector is not None and entry.partition is not None
        if semantic:
            vector = np.asarray(entry.vector, dtype=np.float32).tobytes()
            fields += ["partition", entry.partition, "text", self._seal((entry.text or "").encode(), entry.key, "text"),
                       "vector", self._seal(vector, entry.key, "vector")]
        keys = [self._lru, self._sizes, self._total, self._expiry_set, self._semlog, self._semseq]
        args = [self._entry_prefix, entry.key, repr(now), repr(entry.expires_at), ttl_ms,
                entry.size_bytes(), self.max_bytes, "1" if semantic else "0", *fields]
        self.evictions += int(self._call(lambda: self._store_script(keys=keys, args=args)))
        if semantic:  # visible to this process at once; other processes see it on their next sync
            self._index_add(entry.partition, entry.key, entry.vector, entry.expires_at)

    def nearest(self, partition: str, vector: np.ndarray, k: int, now: float) -> list[tuple[CacheEntry, float]]:
        self._call(lambda: self._sync(now))
        for key, expires_at in self._index_expiry.due(now):
            if self._index_expires_at.get(key) == expires_at:
                self._index_remove(key)
        candidates = self._index.search(partition, vector, k)
        if not candidates:
            return []

        def fetch():
            pipe = self._redis.pipeline(transaction=False)
            for key, _ in candidates:
                pipe.hmget(self._entry_prefix + key, _CANDIDATE_FIELDS)
            return pipe.execute()

        found = []
        for (key, score), values in zip(candidates, self._call(fetch)):
            entry = self._entry_from(key, values, now)
            if entry is None:
                self._index_remove(key)  # evicted by some process
            else:
                found.append((entry, score))
        return found

    def touch(self, key: str, now: float) -> None:
        self._call(lambda: self._redis.zadd(self._lru, {key: now}, xx=True))

    def usage(self) -> tuple[int, int]:
        def fetch():
            pipe = self._redis.pipeline(transaction=False)
            pipe.get(self._total)
            pipe.zcard(self._lru)
            return pipe.execute()

        total, count = self._call(fetch)
        return int(total or 0), int(count)

    def clear(self) -> None:
        """Delete every key of this cache in Redis (all replicas lose their entries)."""

        def delete_all():
            names = list(self._redis.scan_iter(match=self._entry_prefix.replace(":entry:", ":*"), count=1000))
            for start in range(0, len(names), 1000):
                self._redis.delete(*names[start : start + 1000])

        self._call(delete_all)
        self._reset_index()

    def close(self) -> None:
        self._redis.close()

    # --- helpers -----------------------------------------------------------------------------------

    def _call(self, operation):
        """Run a Redis operation; on failure mark Redis down for a while and raise BackendUnavailable."""
        now = self._clock()
        if now < self._down_until:
            raise BackendUnavailable(f"redis at {self.url} is down; retrying after {self._down_until:.0f}")
        try:
            result = operation()
        except redis.RedisError as error:
            self._down_until = now + self.retry_interval_s
            if not self._down:
                logger.warning("Redis cache at %s unreachable (%s); bypassing the cache until it returns",
                               self.url, error)
                self._down = True
            raise BackendUnavailable(str(error)) from error
        if self._down:
            logger.warning("Redis cache at %s reachable again", self.url)
            self._down = False
        return result

    def _seal(self, value: bytes, key: str, field: str) -> bytes:
        return value if self._cipher is None else self._cipher.seal(value, key, field)

    def _open(self, value: bytes, key: str, field: str) -> bytes:
        return value if self._cipher is None else self._cipher.open(value, key, field)

    def _entry_from(self, key: str, values: list[bytes | None], now: float) -> CacheEntry | None:
        payload, tenant, expires_at, partition, text = values[:5]
        vector = values[5] if len(values) > 5 else None
        if payload is None or tenant is None or expires_at is None or float(expires_at) <= now:
            return None
        try:
            payload = self._open(payload, key, "payload")
            text = self._open(text, key, "text") if text else None
            vector = self._open(vector, key, "vector") if vector else None
        except Unreadable:
            self.unreadable += 1  # written under another key (rotated) or in clear: a miss
            return None
        return CacheEntry(
            key=key, tenant=tenant.decode(), payload=payload, expires_at=float(expires_at),
            partition=partition.decode() if partition else None, text=text.decode() if text else None,
            vector=np.frombuffer(vector, dtype=np.float32) if vector else None,
        )

    def _sync(self, now: float) -> None:
        """Add the semantic entries stored (by any process) since the last sync to the local index."""
        while True:
            pipe = self._redis.pipeline(transaction=False)
            pipe.set(self._epoch_key, uuid.uuid4().hex, nx=True)
            pipe.get(self._epoch_key)
            pipe.zrangebyscore(self._semlog, f"({self._seen_seq!r}", "+inf", start=0, num=SYNC_BATCH,
                               withscores=True)
            _, epoch, new = pipe.execute()
            if epoch != self._epoch:  # first sync, or Redis lost its data: rebuild from scratch
                self._reset_index()
                self._epoch = epoch
                continue
            if not new:
                return
            pipe = self._redis.pipeline(transaction=False)
            for key, _ in new:
                pipe.hmget(self._entry_prefix + key.decode(), ("partition", "vector", "expires_at"))
            for (key, seq), (partition, vector, expires_at) in zip(new, pipe.execute()):
                self._seen_seq = max(self._seen_seq, seq)
                if not (partition and vector and expires_at and float(expires_at) > now):
                    continue
                try:
                    vector = self._open(vector, key.decode(), "vector")
                except Unreadable:
                    self.unreadable += 1
                    continue
                self._index_add(partition.decode(), key.decode(), np.frombuffer(vector, dtype=np.float32),
                                float(expires_at))
            if len(new) < SYNC_BATCH:
                return

    def _index_add(self, partition: str, key: str, vector: np.ndarray, expires_at: float) -> None:
        self._index.add(partition, key, vector)
        self._index_expires_at[key] = expires_at
        self._index_expiry.push(key, expires_at)

    def _index_remove(self, key: str) -> None:
        self._index.remove(key)
        self._index_expires_at.pop(key, None)

    def _reset_index(self) -> None:
        self._index.clear()
        self._index_expiry.clear()
        self._index_expires_at.clear()
        self._seen_seq = 0.0
        self._epoch = None
