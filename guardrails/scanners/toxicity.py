"""Offensive language per sentence, by alt-profanity-check's model (a TF-IDF vectorizer and a calibrated
linear SVM trained on labelled tweets and Wikipedia comments; it ships in the wheel, nothing is downloaded).

Its `predict_prob` goes through scikit-learn's `CalibratedClassifierCV`, whose per-call overhead (~3 ms for
five sentences) is most of the budget. The model is linear, so `LinearProfanityModel` folds its five
calibrated folds into one sparse-matrix product; `tests/guardrails` checks it gives `predict_prob`'s numbers.
"""

from __future__ import annotations

import re
from typing import ClassVar

import numpy as np
from pydantic import Field

from guardrails.scanners.base import Finding, Scanner, ScannerOptions

# A sentence ends at . ! ? (runs of them) or a line break; the span excludes the whitespace after it.
_SENTENCE = re.compile(r"[^\s].*?(?:[.!?]+(?=\s|$)|(?=\n)|$)", re.DOTALL)


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence in `text`, in order; a trailing unfinished sentence included."""
    return [m.span() for m in _SENTENCE.finditer(text) if m.end() > m.start()]


class LinearProfanityModel:
    """alt-profanity-check's model as arrays: p = mean over folds of sigmoid(-(a * (x·w + b) + c)).

    Source: `profanity_check.profanity_check.{vectorizer, model}` (TfidfVectorizer; CalibratedClassifierCV
    of LinearSVC with sigmoid calibration)."""

    def __init__(self):
        from profanity_check import profanity_check as pc  # loads the joblib files once

        self.vectorizer = pc.vectorizer
        folds = pc.model.calibrated_classifiers_
        self.weights = np.stack([fold.estimator.coef_.ravel() for fold in folds], axis=1)  # (features, folds)
        self.intercepts = np.array([fold.estimator.intercept_[0] for fold in folds])
        self.slopes = np.array([fold.calibrators[0].a_ for fold in folds])
        self.offsets = np.array([fold.calibrators[0].b_ for fold in folds])

    def predict_prob(self, texts: list[str]) -> np.ndarray:
        """Probability that each text is offensive, shape (len(texts),)."""
        features = self.vectorizer.transform(texts)
        decision = features @ self.weights + self.intercepts  # (texts, folds)
        return (1.0 / (1.0 + np.exp(self.slopes * decision + self.offsets))).mean(axis=1)


_MODEL: LinearProfanityModel | None = None


def shared_model() -> LinearProfanityModel:
    global _MODEL
    if _MODEL is None:
        _MODEL = LinearProfanityModel()
    return _MODEL


class ToxicityOptions(ScannerOptions):
    max_sentence_chars: int = Field(
        default=400, ge=20,
        description="A stream holds an unfinished sentence back at most this long before scoring what it has.",
    )


class ToxicityScanner(Scanner):
    """One TOXICITY finding per sentence whose offensive probability is at least the threshold; the span is
    the sentence and the score the probability."""

    name = "toxicity"
    kinds = ("TOXICITY",)
    default_kinds = kinds
    # From guardrails/data/dev.jsonl: the highest clean sentence scores 0.50, the lowest toxic one 0.99; 0.6 stays
    # near the library's own 0.5 so that milder insults than the dev set's still count.
    default_threshold = 0.6
    hold_back_chars: ClassVar[int] = 400  # only as a fallback: streams hold the open sentence (stream_cut)
    Options = ToxicityOptions

    def __init__(self, kinds=None, options: ToxicityOptions | None = None):
        super().__init__(kinds, options)
        self.model = shared_model()

    def scan(self, text: str) -> list[Finding]:
        spans = sentence_spans(text)
        if not spans:
            return []
        probs = self.model.predict_prob([text[start:end] for start, end in spans])
        # Every sentence gets its probability; the caller's threshold decides which count.
        return [Finding(self.name, "TOXICITY", start, end, float(p)) for (start, end), p in zip(spans, probs)
                if p >= 0.05]

    def stream_cut(self, text: str) -> int:
        """The start of the last sentence, unless it has ended (then the end of the text): a sentence is
        scored whole. An open sentence longer than `max_sentence_chars` is released up to that bound."""
        spans = sentence_spans(text)
        if not spans:
            return len(text)
        start, end = spans[-1]
        if end < len(text):  # a terminator and whitespace, or a line break, follow: the sentence is whole
            return len(text)
        return max(start, len(text) - self.options.max_sentence_chars)
