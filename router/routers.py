"""Complexity routers: each is one class behind one scoring method, `score_batch`, which returns
P(the request needs the large model) per conversation; routers are looked up by name in
`ROUTER_REGISTRY` (as RouteLLM does with `calculate_strong_win_rate`).

Weights are JSON files in router/weights/ written by `python -m router.train`: a standardiser and a
logistic-regression head, plus the scores the router gave the held-out split (for calibration)."""

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


class ComplexityRouter(ABC):
    """Base class: subclasses implement `score_batch`; deciding and explaining are shared."""

    kind: ClassVar[str]

    def __init__(self, weights: dict):
        if weights.get("kind") != self.kind:
            raise ValueError(f"weights are for kind {weights.get('kind')!r}, not {self.kind!r}")
        if weights["feature_names"] != FEATURE_NAMES:
            raise ValueError("weights were trained on a different feature set; retrain with `python -m router.train`")
        self.weights = weights
        self.feature_mean = np.asarray(weights["feature_mean"], dtype=np.float64)
        self.feature_scale = np.asarray(weights["feature_scale"], dtype=np.float64)
        self.feature_coef = np.asarray(weights["feature_coef"], dtype=np.float64)
        self.intercept = float(weights["intercept"])
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

    def score(self, messages: list[Message]) -> float:
        return self.score_batch([messages])[0]

    def decide(self, messages: list[Message], threshold: float) -> RouteDecision:
        return self.decide_batch([messages], threshold)[0]

    def decide_batch(self, conversations: list[list[Message]], threshold: float) -> list[RouteDecision]:
        """Decisions for a batch, scored together (what the batched deployment calls)."""
        decisions = []
        for messages, score in zip(conversations, self.score_batch(conversations)):
            route: Route = "large" if score >= threshold else "small"
            decisions.append(RouteDecision(route=route, score=score, threshold=threshold, signals=self.signals(messages)))
        return decisions

    def signals(self, messages: list[Message]) -> dict[str, SignalValue]:
        """The fast features with the largest contributions to the logit, with their raw values."""
        raw = extract_features(messages)
        values = np.array([raw[name] for name in FEATURE_NAMES])
        contributions = (values - self.feature_mean) / self.feature_scale * self.feature_coef
        top = np.argsort(-np.abs(contributions))[:TOP_SIGNALS]
        signals: dict[str, SignalValue] = {"router": self.kind}
        for i in top:
            signals[FEATURE_NAMES[i]] = _compact(raw[FEATURE_NAMES[i]])
        signals["top_signals"] = ", ".join(f"{FEATURE_NAMES[i]}({contributions[i]:+.2f})" for i in top)
        return signals

    def _feature_logits(self, conversations: list[list[Message]]) -> np.ndarray:
        standardized = (feature_matrix(conversations) - self.feature_mean) / self.feature_scale
        return standardized @ self.feature_coef + self.intercept


def _compact(value: float) -> SignalValue:
    return int(value) if float(value).is_integer() else round(value, 3)


def _sigmoid(logits: np.ndarray) -> list[float]:
    return [1.0 / (1.0 + math.exp(-float(z))) for z in np.clip(logits, -50, 50)]


ROUTER_REGISTRY: dict[str, type[ComplexityRouter]] = {}


def register_router(cls: type[ComplexityRouter]) -> type[ComplexityRouter]:
    ROUTER_REGISTRY[cls.kind] = cls
    return cls


@register_router
class FeatureRouter(ComplexityRouter):
    """Logistic regression over the hand-made features of router.features: sub-millisecond."""

    kind = "features"

    def score_batch(self, conversations: list[list[Message]]) -> list[float]:
        if not conversations:
            return []
        return _sigmoid(self._feature_logits(conversations))


@register_router
class EmbeddingRouter(ComplexityRouter):
    """Logistic regression over the all-MiniLM-L6-v2 embedding of the last user turn, concatenated
    with the standardised fast features (which carry conversation depth and size)."""

    kind = "embedding"

    def __init__(self, weights: dict, embedder=None):
        super().__init__(weights)
        self.embedding_coef = np.asarray(weights["embedding_coef"], dtype=np.float64)
        self._embedder = embedder

    @property
    def embedder(self):
        if self._embedder is None:
            from router.embedding import shared_embedder

            self._embedder = shared_embedder()
        return self._embedder

    def score_batch(self, conversations: list[list[Message]]) -> list[float]:
        if not conversations:
            return []
        texts = [last_user_text(c) for c in conversations]
        embeddings = self.embedder.embed(texts).astype(np.float64)
        if len(texts) == 1:
            self._last_embedding = (texts[0], embeddings[0])
        return _sigmoid(self._feature_logits(conversations) + embeddings @ self.embedding_coef)

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
