"""`ResponseCacheStore`: the one object the ResponseCache deployment (and the ingress's exact reader) talks to.

    store = ResponseCacheStore(CacheConfig(backend="redis", redis_url="redis://cache:6379/0"))
    hit = store.lookup(query)                      # CacheHit | None: exact, then semantic
    hit = store.lookup_exact(query)                # the exact tier alone: one Redis read, no embedding
    stored, outcome = store.store(query, response=body, finish_reason="stop", verdict="supported")

The calls are synchronous and thread-safe (the deployment runs `store` in a worker thread, `lookup` on its
event loop). The embedding of a lookup is kept briefly, so the store call after it does not embed the same
text again.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections import Counter, OrderedDict
from collections.abc import Callable
from typing import Any, Protocol

import numpy as np

from cache.config import CacheConfig
from cache.entry import BackendUnavailable, CacheEntry
from cache.alignment import alignment_reason
from cache.focus import expand_acronyms, request_focus
from cache.guards import near_miss_reason
from cache.keys import SemanticKey, exact_key, is_deterministic, max_tokens_of, semantic_key
from cache.memory_backend import MemoryBackend
from cache.protocol import CacheHit, CacheQuery, StoreOutcome

STORABLE_FINISH_REASONS = frozenset({"stop", "tool_calls"})
NEVER_STORED_VERDICTS = {"blocked": StoreOutcome.BLOCKED, "contradicted": StoreOutcome.CONTRADICTED}
EMBEDDING_MEMO_SIZE = 1024

logger = logging.getLogger(__name__)


class Embedder(Protocol):
    def embed_one(self, text: str) -> np.ndarray: ...


class Verifier(Protocol):
    def probability(self, stored: str, probe: str, u: np.ndarray, v: np.ndarray) -> float: ...


def whitespace_only_difference(stored: str, probe: str) -> bool:
    """The texts differ only in whitespace inside them ("x =     1" vs "x = 1"): for code, YAML or a
    table that is another request, and no embedding sees it. Leading/trailing whitespace is ignored."""
    return stored != probe and stored.strip() != probe.strip() and stored.split() == probe.split()


class ResponseCacheStore:
    """Exact + semantic response cache over a memory or Redis backend."""

    def __init__(
        self,
        config: CacheConfig | None = None,
        *,
        embedder: Embedder | None = None,
        clock: Callable[[], float] = time.time,
        verifier: Verifier | None = None,
    ):
        """`embedder` defaults to the shared all-MiniLM-L6-v2 model (loaded on first semantic use);
        `verifier` to the trained pair verifier of cache/data/verifier.npz (cache/verifier.py);
        `clock` (seconds) is injectable so TTL can be tested without sleeping.
        Raises ValueError when `encryption="required"` and the key variable is unset or malformed."""
        self.config = config or CacheConfig()
        self._embedder = embedder
        self._verifier = verifier
        self._clock = clock
        self._lock = threading.Lock()
        self._embedding_memo: OrderedDict[str, np.ndarray] = OrderedDict()
        self._counts: Counter[str] = Counter()
        self._skips: Counter[str] = Counter()
        self._guard_rejections: Counter[str] = Counter()
        if self.config.backend == "redis":
            from cache.crypto import cipher_from_environment
            from cache.redis_backend import RedisBackend

            cipher = cipher_from_environment(self.config.encryption_key_env, self.config.encryption)
            self._backend = RedisBackend(
                self.config.redis_url,
                self.config.max_bytes,
                key_prefix=self.config.redis_key_prefix,
                timeout_s=self.config.redis_timeout_s,
                retry_interval_s=self.config.redis_retry_interval_s,
                index_probes=self.config.index_probes,
                clock=clock,
                cipher=cipher,
            )
        else:
            self._backend = MemoryBackend(self.config.max_bytes, index_probes=self.config.index_probes)

    # --- lookup ------------------------------------------------------------------------------------

    def lookup(self, query: CacheQuery, exact_checked: bool = False) -> CacheHit | None:
        """The cached answer for `query` (exact first, then semantic), or None. `exact_checked`: the caller
        has just missed on the exact key in this same shared backend (`lookup_exact`, the ingress), so only
        the semantic tier runs. The question is embedded only after an exact miss."""
        if not self._cacheable(query):
            with self._lock:
                self._counts["uncacheable_lookups"] += 1
            return None
        try:
            hit = None if exact_checked else self._locked_exact(query)
            semantic = self._semantic_key(query) if hit is None else None
            if semantic is not None:
                vector = self._embed(semantic.text)  # outside the lock: the slow part
                with self._lock:
                    hit = self._semantic_locked(query, semantic, vector)
        except BackendUnavailable:
            with self._lock:
                self._counts["bypassed"] += 1
            return None
        with self._lock:
            self._counts[f"hits_{hit.kind}" if hit else "misses"] += 1
        return hit

    def lookup_exact(self, query: CacheQuery) -> CacheHit | None:
        """Only the exact tier: one backend read (a Redis HMGET and LRU touch), no embedding. Meant for a
        process that shares the Redis backend with the ResponseCache replicas (the ingress), so that an
        exact hit skips a Serve hop; it then calls the deployment's `lookup(query, exact_checked=True)` on a
        miss, which counts the miss."""
        if not self._cacheable(query):
            return None
        try:
            hit = self._locked_exact(query)
        except BackendUnavailable:
            with self._lock:
                self._counts["bypassed"] += 1
            return None
        if hit is not None:
            with self._lock:
                self._counts["hits_exact"] += 1
        return hit

    def _locked_exact(self, query: CacheQuery) -> CacheHit | None:
        with self._lock:
            entry = self._backend.get(exact_key(query), self._clock())
        if entry is not None and entry.tenant == query.tenant:
            return CacheHit(kind="exact", response=json.loads(entry.payload), similarity=1.0)
        return None

    def _semantic_locked(self, query: CacheQuery, semantic: SemanticKey, vector: np.ndarray) -> CacheHit | None:
        now = self._clock()
        candidates = self._backend.nearest(semantic.partition, vector, self.config.semantic_candidates, now)
        for candidate, similarity in candidates:  # best first
            if similarity < self.config.similarity_threshold:
                break
            if candidate.tenant != query.tenant or candidate.text is None or candidate.vector is None:
                continue  # cannot happen with distinct partitions; checked because it must never happen
            reason = self._near_miss_reason(candidate.text, semantic.text, candidate.vector, vector)
            if reason is not None:
                self._guard_rejections[reason] += 1
                continue
            self._backend.touch(candidate.key, now)
            return CacheHit(kind="semantic", response=json.loads(candidate.payload), similarity=similarity)
        return None

    # --- store -------------------------------------------------------------------------------------

    def store(
        self,
        query: CacheQuery,
        response: dict[str, Any],
        finish_reason: str | None = "stop",
        verdict: str | None = None,
        error: bool = False,
    ) -> tuple[bool, StoreOutcome]:
        """Store a validated answer; returns (stored, why). Errors, blocked or contradicted answers,
        generations that did not finish (content filter, None) and sampled requests are refused.
        An answer cut by `length` is stored only when the request set `max_tokens` (or
        `max_completion_tokens`): the key holds that budget, so only a request with the same budget
        gets it; without one the cut depends on the server's default and is refused (TRUNCATED)."""
        outcome = self._refusal(query, response, finish_reason, verdict, error)
        if outcome is None:
            entry = self._entry(query, response)
            if entry.size_bytes() > self.config.max_bytes:
                outcome = StoreOutcome.TOO_LARGE
            else:
                with self._lock:
                    try:
                        self._backend.put(entry, self._clock())
                        outcome = StoreOutcome.STORED
                    except BackendUnavailable:
                        self._counts["bypassed"] += 1
                        outcome = StoreOutcome.BACKEND_UNAVAILABLE
        with self._lock:
            if outcome is StoreOutcome.STORED:
                self._counts["stores"] += 1
            else:
                self._skips[outcome.value] += 1
        return outcome is StoreOutcome.STORED, outcome

    def _refusal(
        self, query: CacheQuery, response: dict[str, Any], finish_reason: str | None, verdict: str | None, error: bool
    ) -> StoreOutcome | None:
        if error or "error" in response:
            return StoreOutcome.ERROR
        if verdict in NEVER_STORED_VERDICTS:
            return NEVER_STORED_VERDICTS[verdict]
        choice_reasons = [c.get("finish_reason") for c in response.get("choices", []) if isinstance(c, dict)]
        truncated = finish_reason == "length" or "length" in choice_reasons
        if truncated and max_tokens_of(query.sampling) is None:
            return StoreOutcome.TRUNCATED
        storable = STORABLE_FINISH_REASONS | {"length"} if truncated else STORABLE_FINISH_REASONS
        if finish_reason not in storable or any(r not in storable for r in choice_reasons):
            return StoreOutcome.UNFINISHED
        if not self._cacheable(query):
            return StoreOutcome.NONDETERMINISTIC
        return None

    def _entry(self, query: CacheQuery, response: dict[str, Any]) -> CacheEntry:
        payload = json.dumps(response, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
        entry = CacheEntry(
            key=exact_key(query), tenant=query.tenant, payload=payload,
            expires_at=self._clock() + self.config.ttl_s,
        )
        semantic = self._semantic_key(query)
        if semantic is not None:
            entry.partition, entry.text, entry.vector = semantic.partition, semantic.text, self._embed(semantic.text)
        return entry

    # --- stats and lifecycle -----------------------------------------------------------------------

    def stats(self) -> dict[str, Any]:
        """Counters since start (this process) and the backend's current size. With Redis the size is
        shared by all replicas, and None while Redis is unreachable."""
        with self._lock:
            try:
                bytes_used, entries = self._backend.usage()
            except BackendUnavailable:
                bytes_used, entries = None, None
            return {
                "backend": self.config.backend,
                "hits": {"exact": self._counts["hits_exact"], "semantic": self._counts["hits_semantic"]},
                "misses": self._counts["misses"],
                "uncacheable_lookups": self._counts["uncacheable_lookups"],
                "stores": self._counts["stores"],
                "skips": dict(self._skips),
                "guard_rejections": dict(self._guard_rejections),
                "bypassed": self._counts["bypassed"],
                "unreadable": getattr(self._backend, "unreadable", 0),  # entries sealed with another key
                "evictions": self._backend.evictions,
                "bytes_used": bytes_used,
                "entries": entries,
            }

    def clear(self) -> None:
        """Drop every entry (with Redis: for all replicas)."""
        with self._lock:
            self._backend.clear()

    def close(self) -> None:
        self._backend.close()

    # --- helpers -----------------------------------------------------------------------------------

    def _cacheable(self, query: CacheQuery) -> bool:
        return self.config.cache_nondeterministic or is_deterministic(query.sampling)

    def _semantic_key(self, query: CacheQuery) -> SemanticKey | None:
        if not self.config.semantic_enabled or not query.paraphrases:
            return None
        semantic = semantic_key(query)
        if semantic is None or len(semantic.text) > self.config.semantic_max_chars:
            return None
        return semantic

    def warm_up(self) -> None:
        """Loads what the semantic path loads on first use (the embedding model, the pair verifier, the
        WordNet tables of the alignment rules: ~1 s in all on a CPU) by checking one pair, so that the
        first lookups do not run into the caller's timeout. No-op when the semantic tier is off."""
        if not self.config.semantic_enabled:
            return
        stored, probe = "What is the capital of France?", "What's the capital city of France?"
        self._near_miss_reason(stored, probe, self._embed(stored), self._embed(probe))

    def _near_miss_reason(
        self, stored_text: str, probe_text: str, stored_vector: np.ndarray, probe_vector: np.ndarray
    ) -> str | None:
        """Why the candidate is not the same request ("whitespace", a guard's name, an alignment rule's
        name ("question", "swap", "antonym", "substitution", "unmatched": cache/alignment.py), "verifier"),
        or None.
        A check that fails makes a miss (logged once), never a failed request."""
        try:
            if whitespace_only_difference(stored_text, probe_text):
                return "whitespace"
            # Guards and alignment read the pair with acronyms matched to their expansions and the probe cut to
            # the clause carrying the stored request (cache/focus.py); the verifier reads the texts as sent.
            # The alignment reads the whole probe: a clause the focus drops may add a constraint ("I'm vegan.").
            stored_read, probe_read = expand_acronyms(stored_text, probe_text)
            probe_focus = request_focus(stored_read, probe_read)
            similarity = float(np.dot(stored_vector, probe_vector))  # unit vectors: the cosine
            reason = near_miss_reason(stored_read, probe_focus) or alignment_reason(stored_read, probe_read, similarity)
            if reason is not None or not self.config.verifier_enabled:
                return reason
            if self._verifier is None:
                from cache.verifier import shared_verifier

                self._verifier = shared_verifier()
            probability = self._verifier.probability(stored_text, probe_text, stored_vector, probe_vector)
            return None if probability >= self.config.verifier_threshold else "verifier"
        except Exception:
            if not self._counts["guard_errors"]:
                logger.exception("near-miss guard failed on %r vs %r; treating it as a miss", stored_text, probe_text)
            self._counts["guard_errors"] += 1
            return "guard_error"

    def _embed(self, text: str) -> np.ndarray:
        with self._lock:
            vector = self._embedding_memo.get(text)
            if vector is not None:
                self._embedding_memo.move_to_end(text)
                return vector
        if self._embedder is None:
            from common.embedding import shared_embedder

            self._embedder = shared_embedder()
        vector = np.asarray(self._embedder.embed_one(text), dtype=np.float32)
        with self._lock:
            self._embedding_memo[text] = vector
            if len(self._embedding_memo) > EMBEDDING_MEMO_SIZE:
                self._embedding_memo.popitem(last=False)
        return vector
