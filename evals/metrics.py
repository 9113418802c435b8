"""Metric math, Ray-free and HTTP-free: answer normalisation, exact match and token F1 (SQuAD v1.1's
official definitions), perplexity from token log-probabilities, BLEU/chrF (sacrebleu) and ROUGE
(rouge-score), and the intervals every reported number comes with (Wilson for proportions, a percentile
bootstrap over items for everything else)."""

from __future__ import annotations

from common.stats import wilson_interval as _wilson

import math
import re
import string
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass

import numpy as np

_ARTICLES = re.compile(r"\b(a|an|the)\b")
_PUNCTUATION = set(string.punctuation)


@dataclass(frozen=True)
class Estimate:
    """A metric's value with its 95 % interval and the number of items behind it."""

    value: float
    low: float
    high: float
    n: int
    method: str  # "wilson" | "bootstrap" | "none"

    def as_dict(self) -> dict:
        return asdict(self)


# ---- question answering (SQuAD v1.1 evaluate script, same normalisation) ------------------------------
def normalize_answer(text: str) -> str:
    """Lower-case, drop punctuation and the articles a/an/the, collapse whitespace (SQuAD v1.1)."""
    text = "".join(ch for ch in text.lower() if ch not in _PUNCTUATION)
    return " ".join(_ARTICLES.sub(" ", text).split())


def exact_match(prediction: str, references: Sequence[str]) -> float:
    """1.0 when the normalised prediction equals any normalised reference, else 0.0."""
    if not references:
        raise ValueError("exact_match needs at least one reference")
    normalized = normalize_answer(prediction)
    return float(any(normalized == normalize_answer(reference) for reference in references))


def _f1(prediction_tokens: list[str], reference_tokens: list[str]) -> float:
    common = Counter(prediction_tokens) & Counter(reference_tokens)
    overlap = sum(common.values())
    if not prediction_tokens or not reference_tokens:
        return float(prediction_tokens == reference_tokens)  # both empty: 1, one empty: 0
    if overlap == 0:
        return 0.0
    precision, recall = overlap / len(prediction_tokens), overlap / len(reference_tokens)
    return 2 * precision * recall / (precision + recall)


def token_f1(prediction: str, references: Sequence[str]) -> float:
    """Bag-of-tokens F1 between the normalised prediction and the best-matching reference (SQuAD v1.1)."""
    if not references:
        raise ValueError("token_f1 needs at least one reference")
    tokens = normalize_answer(prediction).split()
    return max(_f1(tokens, normalize_answer(reference).split()) for reference in references)


# ---- perplexity --------------------------------------------------------------------------------------
def prompt_logprobs(choice_logprobs: dict, prompt_tokens: int | None) -> list[float]:
    """The scored prompt-token log-probabilities (natural log) from an OpenAI/vLLM `/v1/completions`
    choice's `logprobs` made with `echo: true, max_tokens: 1`: `token_logprobs` lists the prompt tokens
    (the first is null: nothing precedes it) followed by the one generated token, which is dropped.
    `prompt_tokens` (from `usage`) says where the prompt ends; without it the last entry is taken as the
    generated one. Raises ValueError when the response has no token log-probabilities."""
    values = (choice_logprobs or {}).get("token_logprobs")
    if not values:
        raise ValueError("the response has no logprobs.token_logprobs (does the server support echo + logprobs?)")
    prompt_part = values[:prompt_tokens] if prompt_tokens else values[:-1]
    return [float(value) for value in prompt_part if value is not None]


def perplexity(texts_logprobs: Sequence[Sequence[float]]) -> float:
    """Token-weighted corpus perplexity exp(-sum(logprob) / tokens) over all texts' scored tokens."""
    tokens = sum(len(lps) for lps in texts_logprobs)
    if tokens == 0:
        raise ValueError("perplexity needs at least one scored token")
    return math.exp(-sum(sum(lps) for lps in texts_logprobs) / tokens)


# ---- translation and summarisation -------------------------------------------------------------------
def corpus_bleu(hypotheses: Sequence[str], references: Sequence[Sequence[str]]) -> float:
    """sacrebleu's corpus BLEU (0-100, 13a tokenizer), each hypothesis against all its references."""
    import sacrebleu

    return sacrebleu.corpus_bleu(list(hypotheses), _reference_streams(references)).score


def corpus_chrf(hypotheses: Sequence[str], references: Sequence[Sequence[str]]) -> float:
    """sacrebleu's corpus chrF (0-100, character 6-grams, beta 2)."""
    import sacrebleu

    return sacrebleu.corpus_chrf(list(hypotheses), _reference_streams(references)).score


def sentence_chrf(hypothesis: str, references: Sequence[str]) -> float:
    """chrF of one hypothesis (0-100): the per-prompt translation quality of the routing curve."""
    import sacrebleu

    return sacrebleu.sentence_chrf(hypothesis, list(references)).score


def _reference_streams(references: Sequence[Sequence[str]]) -> list[list[str]]:
    """sacrebleu wants one stream per reference position; items with fewer references repeat their first
    (a repeated reference changes neither BLEU's clipped counts nor chrF's best match)."""
    width = max(len(refs) for refs in references)
    return [[refs[k] if k < len(refs) else refs[0] for refs in references] for k in range(width)]


ROUGE_TYPES = ("rouge1", "rouge2", "rougeL")


def rouge_scores(hypothesis: str, references: Sequence[str]) -> dict[str, float]:
    """ROUGE-1/2/L F-measure (0-1, Porter stemming; rouge-score, a re-implementation of ROUGE-1.5.5),
    the best over the references."""
    from rouge_score import rouge_scorer

    scorer = _rouge_scorer(rouge_scorer)
    best = {kind: 0.0 for kind in ROUGE_TYPES}
    for reference in references:
        scores = scorer.score(reference, hypothesis)
        for kind in ROUGE_TYPES:
            best[kind] = max(best[kind], scores[kind].fmeasure)
    return best


_SCORER = None


def _rouge_scorer(module):
    global _SCORER
    if _SCORER is None:
        _SCORER = module.RougeScorer(list(ROUGE_TYPES), use_stemmer=True)
    return _SCORER


# ---- intervals ---------------------------------------------------------------------------------------
def wilson_interval(successes: float, n: int) -> tuple[float, float]:
    """Wilson score 95 % interval for a proportion successes / n (the shared one, common/stats.py)."""
    return _wilson(successes, n)


def proportion(values: Sequence[float]) -> Estimate:
    """Mean of 0/1 values with its Wilson 95 % interval."""
    n = len(values)
    successes = float(sum(values))
    low, high = wilson_interval(successes, n)
    return Estimate(successes / n if n else float("nan"), low, high, n, "wilson")


def bootstrap(items: Sequence, statistic: Callable[[list], float], samples: int = 1000, seed: int = 0,
              confidence: float = 0.95) -> Estimate:
    """statistic(items) with a percentile bootstrap interval: `samples` resamples of the items (texts,
    questions, sentences) with replacement, so the interval reflects which items were drawn."""
    items = list(items)
    n = len(items)
    if n == 0:
        return Estimate(float("nan"), float("nan"), float("nan"), 0, "bootstrap")
    value = float(statistic(items))
    if n == 1 or samples <= 0:
        return Estimate(value, value, value, n, "none")
    rng = np.random.default_rng(seed)
    values = [float(statistic([items[i] for i in rng.integers(0, n, n)])) for _ in range(samples)]
    tail = (1 - confidence) / 2 * 100
    low, high = np.percentile(values, [tail, 100 - tail])
    return Estimate(value, float(low), float(high), n, "bootstrap")


def mean(values: Sequence[float]) -> float:
    return float(sum(values) / len(values))
