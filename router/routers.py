"""Complexity routers: each is one class behind one scoring method, `score_batch`, which returns
P(the request needs the large model) per conversation; routers are looked up by name in
`ROUTER_REGISTRY` (as RouteLLM does with `calculate_strong_win_rate`).

Weights are JSON files in router/weights/ written by `python -m router.train` (trees or a
logistic-regression head as plain arrays), with the scores the router gave the held-out split,
which calibration uses."""

from __future__ import annotations

import json
import math
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar, Literal

import numpy as np

from router.features import FEATURE_NAMES, Message, extract_features, feature_matrix, last_user_text

WEIGHTS_DIR = Path(__file__).parent / "weights"
Route = Literal["small", "large"]
SignalValue = float | int | str | bool
TOP_SIGNALS = 6


@dataclass(frozen=True)
class RouteDecision:
    """Where one request goes and why: `signals` holds the features that pushed the score most
    (their raw values), plus `top_signals`, a readable summary with each one's contribution."""

    route: Route
    score: float
    threshold: float
    signals: dict[str, SignalValue] = field(default_factory=dict)


def default_weights_path(kind: str) -> Path:
    return WEIGHTS_DIR / f"{kind}.json"


class TreeEnsemble:
    """Gradient-boosted regression trees stored as plain arrays (exported from scikit-learn's
    HistGradientBoostingClassifier by router.train). A sample goes left when x[feature] <= threshold.
    Every node has a value (internal nodes: the shrunk mean there), which lets a prediction be split
    into per-feature contributions along its path (Saabas' method)."""

    def __init__(self, spec: dict):
        trees = spec["trees"]
        width = max(len(tree["feature"]) for tree in trees)
        shape = (len(trees), width)
        self.feature = np.zeros(shape, dtype=np.int64)
        self.threshold = np.zeros(shape)
        self.value = np.zeros(shape)
        self.left = np.tile(np.arange(width), (len(trees), 1))  # padding and leaves point to themselves
        self.right = self.left.copy()
        for t, tree in enumerate(trees):
            n = len(tree["feature"])
            self.feature[t, :n] = tree["feature"]
            self.threshold[t, :n] = tree["threshold"]
            self.value[t, :n] = tree["value"]
            for i, (left, right) in enumerate(zip(tree["left"], tree["right"])):
                if left >= 0:  # -1 marks a leaf
                    self.left[t, i], self.right[t, i] = left, right
        self.depth = int(spec["max_depth"])
        self.tree_index = np.arange(len(trees))

    def _step(self, x: np.ndarray, node: np.ndarray) -> np.ndarray:
        goes_left = x[self.feature[self.tree_index, node]] <= self.threshold[self.tree_index, node]
        return np.where(goes_left, self.left[self.tree_index, node], self.right[self.tree_index, node])

    def leaf_sum(self, x: np.ndarray) -> float:
        node = np.zeros(len(self.tree_index), dtype=np.int64)
        for _ in range(self.depth):
            node = self._step(x, node)
        return float(self.value[self.tree_index, node].sum())

    def contributions(self, x: np.ndarray, n_features: int) -> np.ndarray:
        """Per-feature share of `leaf_sum(x)`: each split credits its feature with the value change."""
        contributions = np.zeros(n_features)
        node = np.zeros(len(self.tree_index), dtype=np.int64)
        for _ in range(self.depth):
            child = self._step(x, node)
            np.add.at(contributions, self.feature[self.tree_index, node], self.value[self.tree_index, child] - self.value[self.tree_index, node])
            node = child
        return contributions


class ComplexityRouter(ABC):
    """Base class: subclasses implement `score_batch` (the one scoring method) and say how much each
    fast feature contributed; deciding and explaining are shared."""

    kind: ClassVar[str]

    def __init__(self, weights: dict):
        if weights.get("kind") != self.kind:
            raise ValueError(f"weights are for kind {weights.get('kind')!r}, not {self.kind!r}")
        unknown = [name for name in weights["feature_names"] if name not in FEATURE_NAMES]
        if unknown:
            raise ValueError(f"weights use features this code no longer computes ({', '.join(unknown)}); "
                             "retrain with `python -m router.train`")
        # Weights read the features they were trained on, by name: features added later leave older weights
        # (e.g. the slow-to-retrain embedding head) valid.
        self.columns = np.array([FEATURE_NAMES.index(name) for name in weights["feature_names"]], dtype=np.int64)
        self.weights = weights
        self.heldout_scores: list[float] = list(weights.get("heldout_scores", []))

    @classmethod
    def from_file(cls, path: str | Path | None = None) -> "ComplexityRouter":
        path = Path(path) if path else default_weights_path(cls.kind)
        if not path.exists():
            raise FileNotFoundError(f"no weights for router kind {cls.kind!r} at {path}; run `python -m router.train --kind {cls.kind}`")
        return cls(json.loads(path.read_text()))

    @abstractmethod
    def score_batch(self, conversations: list[list[Message]]) -> list[float]:
        """P(needs the large model) for each conversation (OpenAI-style message lists)."""

    def features(self, conversations: list[list[Message]]) -> np.ndarray:
        """The fast features these weights read, in their order: (n, len(weights' feature_names))."""
        return feature_matrix(conversations)[:, self.columns]

    @abstractmethod
    def feature_contributions(self, features: np.ndarray) -> np.ndarray:
        """How much each of the weights' features (in their order) moved this request's logit."""

    def score(self, messages: list[Message]) -> float:
        return self.score_batch([messages])[0]

    def decide(self, messages: list[Message], threshold: float) -> RouteDecision:
        return self.decide_batch([messages], threshold)[0]

    def decide_batch(self, conversations: list[list[Message]], threshold: float) -> list[RouteDecision]:
        """Decisions for a batch, scored together (what the batched classifier deployment calls)."""
        decisions = []
        for messages, score in zip(conversations, self.score_batch(conversations)):
            route: Route = "large" if score >= threshold else "small"
            decisions.append(RouteDecision(route=route, score=score, threshold=threshold, signals=self.signals(messages)))
        return decisions

    def signals(self, messages: list[Message]) -> dict[str, SignalValue]:
        """The fast features that moved the score most, with their raw values."""
        raw = extract_features(messages)
        names = self.weights["feature_names"]
        contributions = self.feature_contributions(np.array([raw[name] for name in names]))
        top = [i for i in np.argsort(-np.abs(contributions))[:TOP_SIGNALS] if contributions[i] != 0]
        signals: dict[str, SignalValue] = {"router": self.kind}
        for i in top:
            signals[names[i]] = _compact(raw[names[i]])
        signals["top_signals"] = ", ".join(f"{names[i]}({contributions[i]:+.2f})" for i in top)
        return signals


def _compact(value: float) -> SignalValue:
    return int(value) if float(value).is_integer() else round(value, 3)


def _sigmoid(logits) -> list[float]:
    return [1.0 / (1.0 + math.exp(-float(z))) for z in np.clip(logits, -50, 50)]


ROUTER_REGISTRY: dict[str, type[ComplexityRouter]] = {}


def register_router(cls: type[ComplexityRouter]) -> type[ComplexityRouter]:
    ROUTER_REGISTRY[cls.kind] = cls
    return cls


@register_router
class FeatureRouter(ComplexityRouter):
    """Gradient-boosted trees over the hand-made features of router.features: sub-millisecond."""

    kind = "features"

    def __init__(self, weights: dict):
        super().__init__(weights)
        self.baseline = float(weights["baseline"])
        self.trees = TreeEnsemble(weights)

    def score_batch(self, conversations: list[list[Message]]) -> list[float]:
        if not conversations:
            return []
        return _sigmoid([self.baseline + self.trees.leaf_sum(x) for x in self.features(conversations)])

    def feature_contributions(self, features: np.ndarray) -> np.ndarray:
        return self.trees.contributions(features, len(self.columns))


@register_router
class EmbeddingRouter(ComplexityRouter):
    """Logistic regression over the all-MiniLM-L6-v2 embedding of the last user turn, concatenated
    with the standardised fast features (which carry conversation depth and size)."""

    kind = "embedding"

    def __init__(self, weights: dict, embedder=None):
        super().__init__(weights)
        self.feature_mean = np.asarray(weights["feature_mean"], dtype=np.float64)
        self.feature_scale = np.asarray(weights["feature_scale"], dtype=np.float64)
        self.feature_coef = np.asarray(weights["feature_coef"], dtype=np.float64)
        self.embedding_coef = np.asarray(weights["embedding_coef"], dtype=np.float64)
        self.intercept = float(weights["intercept"])
        self._embedder = embedder

    @property
    def embedder(self):
        if self._embedder is None:
            from common.embedding import shared_embedder

            self._embedder = shared_embedder()
        return self._embedder

    def score_batch(self, conversations: list[list[Message]]) -> list[float]:
        if not conversations:
            return []
        texts = [last_user_text(c) for c in conversations]
        embeddings = self.embedder.embed(texts).astype(np.float64)
        if len(texts) == 1:
            self._last_embedding = (texts[0], embeddings[0])
        standardized = (self.features(conversations) - self.feature_mean) / self.feature_scale
        return _sigmoid(standardized @ self.feature_coef + embeddings @ self.embedding_coef + self.intercept)

    def feature_contributions(self, features: np.ndarray) -> np.ndarray:
        return (features - self.feature_mean) / self.feature_scale * self.feature_coef

    def signals(self, messages: list[Message]) -> dict[str, SignalValue]:
        signals = super().signals(messages)
        text = last_user_text(messages)
        # decide() scores first, so the embedding of this very text is usually at hand.
        cached_text, embedding = getattr(self, "_last_embedding", (None, None))
        if cached_text != text:
            embedding = self.embedder.embed([text])[0].astype(np.float64)
        signals["embedding_contribution"] = round(float(embedding @ self.embedding_coef), 3)
        return signals


def load_router(kind: str | None = None, weights_path: str | Path | None = None) -> ComplexityRouter:
    """The router registered under `kind` (default: DEFAULT_ROUTER_KIND) with its shipped weights."""
    from router.config import DEFAULT_ROUTER_KIND

    kind = kind or DEFAULT_ROUTER_KIND
    try:
        router_class = ROUTER_REGISTRY[kind]
    except KeyError:
        raise ValueError(f"unknown router kind {kind!r}; registered kinds: {sorted(ROUTER_REGISTRY)}") from None
    return router_class.from_file(weights_path)
