"""Semantic cache lookup latency with 100,000 entries in one partition, embedding time apart.

    .venv/bin/python -m bench.cache_lookup [--entries 100000] [--queries 2000] [--skip-embed]
    .venv/bin/python -m bench.cache_lookup --redis-url redis://127.0.0.1:6379/0   # the Redis backend instead

Vectors are synthetic but shaped like sentence embeddings (unit 384-d vectors around topic
directions), because embedding 100k real questions would take minutes on 2 cores. Queries go through
the full `ResponseCacheStore.lookup` (exact key, vector index, guards, JSON decode) with their
embedding precomputed; the embedding time of all-MiniLM-L6-v2 is measured separately on real text.
Recall compares each semantic hit with a brute-force scan of all entries. With --redis-url, the
entries are stored by one replica and looked up by a second one, whose first lookup syncs them all.
The bench deletes its keys (prefix "cachebench") before and after.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from cache import CacheConfig, CacheQuery, ResponseCacheStore

DIM = 384
TOPICS = 2000


class LookupTableEmbedder:
    """Returns precomputed vectors, so lookup timings exclude the model."""

    def __init__(self):
        self.vectors: dict[str, np.ndarray] = {}

    def embed_one(self, text: str) -> np.ndarray:
        return self.vectors[text]


def unit(rows: np.ndarray) -> np.ndarray:
    return (rows / np.linalg.norm(rows, axis=-1, keepdims=True)).astype(np.float32)


def percentiles(samples_s: list[float]) -> str:
    ms = np.array(samples_s) * 1000
    return f"p50 {np.percentile(ms, 50):.3f} ms, p99 {np.percentile(ms, 99):.3f} ms"


def query(text: str) -> CacheQuery:
    return CacheQuery(tenant="bench", model="auto", messages=[{"role": "user", "content": text}],
                      sampling={"temperature": 0.0, "max_tokens": 128})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=2000)
    parser.add_argument("--skip-embed", action="store_true", help="do not load the model to time embeddings")
    parser.add_argument("--redis-url", help="bench the Redis backend on this server (keys prefixed cachebench)")
    parser.add_argument("--no-verifier", action="store_true", help="guards only (the lookup path before issue 14)")
    args = parser.parse_args()
    rng = np.random.default_rng(0)

    topics = unit(rng.standard_normal((TOPICS, DIM)))
    topic_of = rng.integers(0, TOPICS, args.entries)
    vectors = unit(topics[topic_of] + 1.2 * rng.standard_normal((args.entries, DIM)) / np.sqrt(DIM) * 8)
    embedder = LookupTableEmbedder()
    if args.redis_url:
        config = CacheConfig(backend="redis", redis_url=args.redis_url, redis_key_prefix="cachebench",
                             max_bytes=4 * 1024**3, redis_timeout_s=5.0, redis_retry_interval_s=10.0,
                             verifier_enabled=not args.no_verifier)
        store = ResponseCacheStore(config, embedder=embedder)
        store.clear()
    else:
        store = ResponseCacheStore(CacheConfig(max_bytes=4 * 1024**3, verifier_enabled=not args.no_verifier),
                                   embedder=embedder)
    answer = {"object": "chat.completion", "choices": [{"index": 0, "finish_reason": "stop",
                                                        "message": {"role": "assistant", "content": "x" * 300}}]}
    store_times = []
    for i in range(args.entries):
        text = f"Question {i} about topic {topic_of[i]}: how does it work?"
        embedder.vectors[text] = vectors[i]
        started = time.perf_counter()
        store.store(query(text), response=answer)
        store_times.append(time.perf_counter() - started)
    stats = store.stats()
    print(f"{stats['backend']} backend: stored {stats['entries']:,} entries in one partition in {sum(store_times):.1f} s; "
          f"store {percentiles(store_times)}, slowest {max(store_times) * 1000:.0f} ms (re-clustering); "
          f"{stats['bytes_used'] / 2**20:.0f} MiB counted")
    if args.redis_url:  # look up from another replica, which first has to sync every entry
        store = ResponseCacheStore(store.config, embedder=embedder)
        embedder.vectors["sync"] = vectors[0]
        started = time.perf_counter()
        store.lookup(query("sync"))
        print(f"a new replica synced {args.entries:,} entries on its first lookup in {time.perf_counter() - started:.1f} s")

    # Paraphrase-like probes (cosine ~0.9 to one stored entry) and unrelated probes.
    targets = rng.choice(args.entries, args.queries, replace=False)
    hit_probes = unit(vectors[targets] + 0.45 * rng.standard_normal((args.queries, DIM)) / np.sqrt(DIM))
    miss_probes = unit(rng.standard_normal((args.queries, DIM)))
    hit_times, miss_times, hit_similarity = [], [], {}
    for n, target in enumerate(targets):
        text = f"question {target} about topic {topic_of[target]} - how does it work"
        embedder.vectors[text] = hit_probes[n]
        started = time.perf_counter()
        hit = store.lookup(query(text))
        hit_times.append(time.perf_counter() - started)
        if hit is not None:
            hit_similarity[n] = hit.similarity
    for n in range(args.queries):
        text = f"unrelated probe {n}"
        embedder.vectors[text] = miss_probes[n]
        started = time.perf_counter()
        store.lookup(query(text))
        miss_times.append(time.perf_counter() - started)
    # Recall after the timing: a 150 MB scan between lookups would slow the next one (caches, BLAS threads).
    hits = len(hit_similarity)
    found = sum(sim >= float(np.max(vectors @ hit_probes[n])) - 1e-5 for n, sim in hit_similarity.items())
    similarity = np.sum(vectors[targets] * hit_probes, axis=1)
    print(f"probes: {args.queries} paraphrase-like (cosine to their entry: median {np.median(similarity):.3f}), "
          f"{args.queries} unrelated")
    print(f"semantic lookup, hits   : {percentiles(hit_times)}  (hit rate {hits / args.queries:.1%}, "
          f"recall vs brute force {found / max(hits, 1):.1%})")
    print(f"semantic lookup, misses : {percentiles(miss_times)}")
    print(f"semantic lookup, all    : {percentiles(hit_times + miss_times)}")

    brute_times = []
    for probe in miss_probes[:50]:
        started = time.perf_counter()
        int(np.argmax(vectors @ probe))
        brute_times.append(time.perf_counter() - started)
    print(f"for comparison, brute-force float32 scan of {args.entries:,} x {DIM}: {percentiles(brute_times)}")

    if not args.no_verifier:  # the verifier alone, on the pairs of the timed hits
        from cache.verifier import shared_verifier

        verifier = shared_verifier()
        verify_times = []
        for n, target in enumerate(targets[:500]):
            stored = f"Question {target} about topic {topic_of[target]}: how does it work?"
            probe = f"question {target} about topic {topic_of[target]} - how does it work"
            started = time.perf_counter()
            verifier.probability(stored, probe, vectors[target], hit_probes[n])
            verify_times.append(time.perf_counter() - started)
        print(f"pair verifier, one candidate pair: {percentiles(verify_times)}")

    if not args.skip_embed:
        from common.embedding import shared_embedder

        model = shared_embedder()
        questions = [f"How do I convert {n} kilometres to miles in my head quickly?" for n in range(100)]
        model.embed_one("warm up")
        embed_times = []
        for question in questions:
            started = time.perf_counter()
            model.embed_one(question)
            embed_times.append(time.perf_counter() - started)
        print(f"embedding one question (all-MiniLM-L6-v2, CPU): {percentiles(embed_times)}")
    if args.redis_url:
        store.clear()


if __name__ == "__main__":
    main()
