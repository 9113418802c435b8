"""Pair verifier: does a cached question ask for the same thing as a new one?

A small neural classifier (one hidden layer, numpy at run time) over features of the pair:
- the two all-MiniLM-L6-v2 sentence embeddings u, v the cache has already computed: u*v and |u-v|
  (the InferSent pair features), and their cosine;
- the token difference: content words only in one text, after pairing up typos (edit distance),
  how many function words differ, whether the difference is a single content-word substitution,
  and whether a substituted pair is a WordNet antonym pair.

It is trained by `python -m cache.train_verifier` on perturbations of BIG-bench questions (Apache-2.0)
made with WordNet 3.0 (Princeton licence): synonyms, typos and fillers keep the request (hit);
antonyms, sister terms, other words, numbers and negations change it (miss). The antonym table is
withheld from half of the training antonym pairs, so the model also learns opposition from the
embeddings and catches opposites no table lists. Weights: cache/data/verifier.npz.

    verifier = PairVerifier.load()
    p = verifier.probability(stored_text, probe_text, u, v)   # float in [0, 1]; u, v unit 384-d float32

Cost: about 0.1 ms per pair on one CPU core (bench/cache_lookup.py): the embeddings are given.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

VERIFIER_PATH = Path(__file__).parent / "data" / "verifier.npz"
_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
N_TOKEN_FEATURES = 12


def edit_distance(a: str, b: str, limit: int = 3) -> int:
    """Levenshtein distance (insert, delete, substitute, adjacent swap), capped at `limit`."""
    if abs(len(a) - len(b)) >= limit:
        return limit
    previous2: list[int] | None = None
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb))
            if previous2 is not None and i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], previous2[j - 2] + 1)
        previous2, previous = previous, current
    return min(previous[-1], limit)


def is_typo_of(a: str, b: str) -> bool:
    """One or two slips in a word of five letters or more (one slip for shorter words)."""
    if a == b or a.isdigit() or b.isdigit():
        return False
    allowed = 2 if min(len(a), len(b)) >= 7 else 1 if min(len(a), len(b)) >= 4 else 0
    return allowed > 0 and a[0] == b[0] and edit_distance(a, b) <= allowed


@dataclass(frozen=True)
class TokenDiff:
    only_stored: tuple[str, ...]  # content words only in the stored text (typos paired away)
    only_probe: tuple[str, ...]
    typos: int
    function_words_differing: int
    content_words: int  # of both texts together


def token_diff(stored: str, probe: str, stopwords: frozenset[str]) -> TokenDiff:
    a, b = _WORD.findall(stored.lower()), _WORD.findall(probe.lower())
    content_a = [w for w in a if w not in stopwords]
    content_b = [w for w in b if w not in stopwords]
    only_a, only_b = _multiset_minus(content_a, content_b), _multiset_minus(content_b, content_a)
    typos = pair_off(only_a, only_b, is_typo_of)
    function_a = [w for w in a if w in stopwords]
    function_b = [w for w in b if w in stopwords]
    function_diff = len(_multiset_minus(function_a, function_b)) + len(_multiset_minus(function_b, function_a))
    return TokenDiff(tuple(only_a), tuple(only_b), typos, function_diff, len(content_a) + len(content_b))


def pair_off(only_a: list[str], only_b: list[str], match) -> int:
    """Removes, in place, each word of `only_a` with the first word of `only_b` that `match(a, b)` accepts
    (each word pairs at most once); -> how many pairs were removed."""
    pairs = 0
    for word in list(only_a):
        partner = next((other for other in only_b if match(word, other)), None)
        if partner is not None:
            only_a.remove(word)
            only_b.remove(partner)
            pairs += 1
    return pairs


def _multiset_minus(first: list[str], second: list[str]) -> list[str]:
    remaining = list(second)
    out = []
    for word in first:
        if word in remaining:
            remaining.remove(word)
        else:
            out.append(word)
    return out


def _stem(word: str) -> str:
    for suffix in ("ies", "es", "s", "ed", "ing", "ly"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


def antonym_flag(diff: TokenDiff, antonyms: frozenset[tuple[str, str]]) -> bool:
    for a in diff.only_stored:
        for b in diff.only_probe:
            if (a, b) in antonyms or (_stem(a), _stem(b)) in antonyms or (a, _stem(b)) in antonyms or (
                _stem(a), b) in antonyms:
                return True
    return False


def token_features(diff: TokenDiff, antonym: bool) -> np.ndarray:
    n_a, n_b = len(diff.only_stored), len(diff.only_probe)
    substitution = min(n_a, n_b)
    return np.array(
        [
            np.log1p(n_a + n_b), np.log1p(abs(n_a - n_b)), np.log1p(substitution), float(n_a == 1 and n_b == 1),
            float(n_a + n_b == 0), np.log1p(diff.typos), np.log1p(diff.function_words_differing),
            (n_a + n_b) / max(diff.content_words, 1), float(antonym), float(n_a == 0 or n_b == 0),
            float(substitution >= 1 and n_a + n_b <= 3), np.log1p(diff.content_words),
        ],
        dtype=np.float32,
    )


def pair_features(u: np.ndarray, v: np.ndarray, token: np.ndarray) -> np.ndarray:
    u = np.asarray(u, dtype=np.float32)
    v = np.asarray(v, dtype=np.float32)
    return np.concatenate([u * v, np.abs(u - v), [float(u @ v)], token]).astype(np.float32)


class PairVerifier:
    """One-hidden-layer classifier; `probability` is P(same request)."""

    def __init__(self, weights: dict[str, np.ndarray], stopwords: frozenset[str], antonyms: frozenset[tuple[str, str]]):
        self.mean = weights["mean"].astype(np.float32)
        self.scale = weights["scale"].astype(np.float32)
        self.w1, self.b1 = weights["w1"].astype(np.float32), weights["b1"].astype(np.float32)
        self.w2, self.b2 = weights["w2"].astype(np.float32).reshape(-1), float(np.asarray(weights["b2"]).reshape(-1)[0])
        self.stopwords = stopwords
        self.antonyms = antonyms

    @classmethod
    def load(cls, path: Path = VERIFIER_PATH) -> "PairVerifier":
        """Raises FileNotFoundError when the weights are missing (run `python -m cache.train_verifier`)."""
        with np.load(path, allow_pickle=False) as data:
            weights = {name: data[name] for name in ("mean", "scale", "w1", "b1", "w2", "b2")}
            lexicon = json.loads(bytes(data["lexicon"]).decode("utf-8"))
        antonyms = frozenset((a, b) for a, b in lexicon["antonyms"]) | frozenset((b, a) for a, b in lexicon["antonyms"])
        return cls(weights, frozenset(lexicon["stopwords"]), antonyms)

    def features(self, stored: str, probe: str, u: np.ndarray, v: np.ndarray) -> np.ndarray:
        diff = token_diff(stored, probe, self.stopwords)
        return pair_features(u, v, token_features(diff, antonym_flag(diff, self.antonyms)))

    def probability_of(self, features: np.ndarray) -> np.ndarray:
        """P(same request) for rows of features, shape (n, d) -> (n,)."""
        x = (np.atleast_2d(features) - self.mean) / self.scale
        hidden = np.maximum(x @ self.w1 + self.b1, 0.0)
        logits = hidden @ self.w2 + self.b2
        return 1.0 / (1.0 + np.exp(-logits))

    def probability(self, stored: str, probe: str, u: np.ndarray, v: np.ndarray) -> float:
        return float(self.probability_of(self.features(stored, probe, u, v))[0])


@lru_cache(maxsize=1)
def shared_verifier() -> PairVerifier:
    return PairVerifier.load()
