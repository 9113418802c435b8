"""Semantic cache evaluation on paraphrase / near-miss pairs.

    python -m cache.eval [--threshold 0.8] [--data cache/data/eval_pairs.jsonl] [--show-errors]

Each pair is a stored question and a probe, labelled "hit" (a paraphrase: the stored answer fits) or
"miss" (a near-miss: the answer differs; `kind` names the guard that should catch it). For every pair
a fresh in-memory `ResponseCacheStore` stores the first question and looks up the probe, so the
figures measure the real lookup path: partitioning, threshold and guards. Prints the paraphrase hit
rate and the near-miss false-hit rate at the threshold, per guard, and a threshold sweep with and
without the guards (without = the embedding similarity alone).
"""

from __future__ import annotations

import argparse
import json
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from cache.config import DEFAULT_SIMILARITY_THRESHOLD, CacheConfig
from cache.protocol import CacheQuery
from cache.store import ResponseCacheStore

DEFAULT_DATA = Path(__file__).parent / "data" / "eval_pairs.jsonl"
SWEEP = (0.70, 0.75, 0.78, 0.80, 0.82, 0.83, 0.84, 0.85, 0.88, 0.90, 0.93)
ANSWER = {"object": "chat.completion", "choices": [{"index": 0, "message": {"role": "assistant", "content": "."},
                                                    "finish_reason": "stop"}]}


@dataclass(frozen=True)
class Pair:
    kind: str  # "paraphrase" or the guard that should turn it into a miss
    expect: str  # "hit" or "miss"
    stored: str
    probe: str


class PrecomputedEmbedder:
    """Embeds every text of the data set in one batch, then answers from memory."""

    def __init__(self, texts: list[str]):
        from router.embedding import shared_embedder

        unique = sorted(set(texts))
        vectors = shared_embedder().embed(unique)
        self.vectors = dict(zip(unique, vectors))

    def embed_one(self, text: str) -> np.ndarray:
        return self.vectors[text]


def load_pairs(path: Path) -> list[Pair]:
    return [Pair(**json.loads(line)) for line in path.read_text().splitlines() if line.strip()]


def query(text: str) -> CacheQuery:
    return CacheQuery(tenant="eval", model="auto", messages=[{"role": "user", "content": text}],
                      sampling={"temperature": 0.0, "max_tokens": 256})


def cache_hits(pairs: list[Pair], embedder: PrecomputedEmbedder, threshold: float) -> list[bool]:
    """For each pair: does looking up the probe hit after storing the stored question?"""
    hits = []
    for pair in pairs:
        store = ResponseCacheStore(CacheConfig(similarity_threshold=threshold), embedder=embedder)
        store.store(query(pair.stored), response=ANSWER)
        hits.append(store.lookup(query(pair.probe)) is not None)
    return hits


def rates(pairs: list[Pair], hits: list[bool]) -> tuple[float, float]:
    """(hit rate on paraphrases, false-hit rate on near-misses)."""
    paraphrase = [h for p, h in zip(pairs, hits) if p.expect == "hit"]
    near_miss = [h for p, h in zip(pairs, hits) if p.expect == "miss"]
    return float(np.mean(paraphrase)), float(np.mean(near_miss))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--threshold", type=float, default=DEFAULT_SIMILARITY_THRESHOLD)
    parser.add_argument("--show-errors", action="store_true", help="list the pairs the cache gets wrong")
    args = parser.parse_args(argv)

    pairs = load_pairs(args.data)
    embedder = PrecomputedEmbedder([t for p in pairs for t in (p.stored, p.probe)])
    similarity = [float(embedder.embed_one(p.stored) @ embedder.embed_one(p.probe)) for p in pairs]
    n_para = sum(p.expect == "hit" for p in pairs)
    print(f"{len(pairs)} pairs: {n_para} paraphrases (should hit), {len(pairs) - n_para} near-misses (should miss)")

    hits = cache_hits(pairs, embedder, args.threshold)
    hit_rate, false_hit_rate = rates(pairs, hits)
    print(f"\nthreshold {args.threshold:.2f}: paraphrase hit rate {hit_rate:.1%}, "
          f"near-miss false-hit rate {false_hit_rate:.1%}")
    by_kind: dict[str, list[tuple[bool, float]]] = defaultdict(list)
    for pair, hit, sim in zip(pairs, hits, similarity):
        by_kind[pair.kind].append((hit, sim))
    print(f"  {'kind':<11} {'pairs':>5} {'hits':>5} {'mean sim':>9} {'above thr':>9}")
    for kind, results in sorted(by_kind.items()):
        n_hits = sum(h for h, _ in results)
        above = sum(s >= args.threshold for _, s in results)
        print(f"  {kind:<11} {len(results):>5} {n_hits:>5} {np.mean([s for _, s in results]):>9.3f} {above:>9}")

    print("\nthreshold sweep   with guards: hit / false-hit   embedding only: hit / false-hit")
    for threshold in SWEEP:
        with_guards = rates(pairs, cache_hits(pairs, embedder, threshold))
        embedding_only = rates(pairs, [s >= threshold for s in similarity])
        print(f"  {threshold:.2f}            {with_guards[0]:>6.1%} / {with_guards[1]:>5.1%}"
              f"                  {embedding_only[0]:>6.1%} / {embedding_only[1]:>5.1%}")

    if args.show_errors:
        print("\nerrors at the threshold:")
        for pair, hit, sim in zip(pairs, hits, similarity):
            if hit != (pair.expect == "hit"):
                print(f"  [{pair.kind}] sim {sim:.3f} {'HIT ' if hit else 'MISS'}: {pair.stored!r} | {pair.probe!r}")


if __name__ == "__main__":
    main()
