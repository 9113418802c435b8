"""The evaluation tasks, a registry (`TASKS`: name → class). Each task reads its file from the set folder,
asks every pool through the HTTP API, and scores the answers with evals.metrics.

A generative task also yields one `RoutingRow` per item answered by both pools: the prompt, its
per-pool quality in [0, 1] (the task's per-item metric) and real token counts, for the routing curve."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar

from pydantic import BaseModel
from tqdm.auto import tqdm

from evals.client import Answer, EvalHTTPError, ServingClient
from evals.data import QAItem, SummaryItem, TextItem, TranslationItem, load_items
from evals.metrics import (
    ROUGE_TYPES, Estimate, bootstrap, corpus_bleu, corpus_chrf, exact_match, mean, perplexity, proportion,
    rouge_scores, sentence_chrf, token_f1,
)


@dataclass
class RoutingRow:
    task: str
    item_id: str
    messages: list[dict]
    quality: dict[str, float]  # pool -> per-item quality in [0, 1]
    tokens: dict[str, tuple[int, int]]  # pool -> (prompt_tokens, completion_tokens)


@dataclass
class TaskResult:
    task: str
    n_items: int
    metrics: dict[str, dict[str, Estimate]] = field(default_factory=dict)  # pool -> metric -> estimate
    higher_is_better: dict[str, bool] = field(default_factory=dict)  # metric -> direction
    routing_rows: list[RoutingRow] = field(default_factory=list)
    answers: list[dict] = field(default_factory=list)  # one row per item and pool, for answers.jsonl
    errors: dict[str, list[str]] = field(default_factory=dict)  # pool -> messages
    notes: list[str] = field(default_factory=list)


async def gather_with_progress(jobs: Sequence[Callable[[], Awaitable]], description: str) -> list:
    """Runs the jobs concurrently (the client bounds how many are in flight), a tqdm bar counting them
    done; results in job order, an exception object in place of a failed job's result."""
    results: list = [None] * len(jobs)

    async def one(index: int, job: Callable[[], Awaitable]) -> None:
        try:
            results[index] = await job()
        except Exception as error:  # noqa: BLE001 - one failed item (HTTP, transport, bad body) is not the run's end
            results[index] = error
        progress.update(1)

    with tqdm(total=len(jobs), desc=description, unit="req", leave=True) as progress:
        await asyncio.gather(*(one(i, job) for i, job in enumerate(jobs)))
    return results


class Task:
    name: ClassVar[str]
    file: ClassVar[str]
    item_model: ClassVar[type[BaseModel]]

    def __init__(self, items: list, bootstrap_samples: int = 1000, seed: int = 0):
        self.items = items
        self.bootstrap_samples = bootstrap_samples
        self.seed = seed

    @classmethod
    def load(cls, folder: Path, limit: int | None, **options) -> "Task | None":
        path = folder / cls.file
        return cls(load_items(path, cls.item_model, limit), **options) if path.is_file() else None

    async def run(self, client: ServingClient, pools: Sequence[str]) -> TaskResult:
        raise NotImplementedError

    def _bootstrap(self, items: list, statistic) -> Estimate:
        return bootstrap(items, statistic, self.bootstrap_samples, self.seed)


class PerplexityTask(Task):
    """Perplexity of each pool's model on held-out passages, from the prompt-token log-probabilities
    (`/v1/completions` with echo + logprobs, as vLLM returns them). Token-weighted corpus PPL with a
    bootstrap interval over passages. Pools with different tokenizers are not comparable token for token."""

    name, file, item_model = "perplexity", "perplexity.jsonl", TextItem

    async def run(self, client: ServingClient, pools: Sequence[str]) -> TaskResult:
        result = TaskResult(self.name, len(self.items), higher_is_better={"ppl": False})
        for pool in pools:
            # One probe first: a server without echo/logprobs refuses every request the same way.
            try:
                first = await client.prompt_logprobs(pool, self.items[0].text)
            except (EvalHTTPError, ValueError, KeyError) as error:
                result.errors.setdefault(pool, []).append(f"perplexity unavailable: {error}")
                result.notes.append(f"{pool}: perplexity unavailable ({error})")
                continue
            rest = await gather_with_progress(
                [lambda item=item: client.prompt_logprobs(pool, item.text) for item in self.items[1:]],
                f"perplexity {pool}")
            scored = []
            for item, outcome in zip(self.items, [first, *rest]):
                if isinstance(outcome, Exception):
                    result.errors.setdefault(pool, []).append(f"{item.id}: {outcome}")
                elif outcome:
                    scored.append(outcome)
                    result.answers.append({"task": self.name, "id": item.id, "pool": pool, "tokens": len(outcome),
                                           "ppl": perplexity([outcome])})
            if scored:
                result.metrics[pool] = {
                    "ppl": self._bootstrap(scored, perplexity),
                    "tokens": Estimate(sum(map(len, scored)), 0, 0, len(scored), "none"),
                }
        return result


class GenerativeTask(Task):
    """Asks each pool for an answer per item (chat, greedy), scores it, and keeps routing rows."""

    max_tokens: ClassVar[int] = 64

    def messages(self, item) -> list[dict]:
        raise NotImplementedError

    def references(self, item) -> list[str]:
        raise NotImplementedError

    def item_quality(self, prediction: str, item) -> float:
        """Per-item quality in [0, 1]: the routing curve's quality measure."""
        raise NotImplementedError

    def pool_metrics(self, predictions: list[str], items: list) -> dict[str, Estimate]:
        raise NotImplementedError

    @staticmethod
    def clean(text: str) -> str:
        """The first non-empty line: short-answer prompts are scored on the answer, not on what follows."""
        return next((line.strip() for line in text.strip().splitlines() if line.strip()), "")

    async def run(self, client: ServingClient, pools: Sequence[str]) -> TaskResult:
        result = TaskResult(self.name, len(self.items), higher_is_better=self.directions())
        answers: dict[str, dict[str, Answer]] = {}
        for pool in pools:
            outcomes = await gather_with_progress(
                [lambda item=item: client.chat(pool, self.messages(item), self.max_tokens) for item in self.items],
                f"{self.name} {pool}")
            answers[pool] = {}
            for item, outcome in zip(self.items, outcomes):
                if isinstance(outcome, Exception):
                    result.errors.setdefault(pool, []).append(f"{item.id}: {outcome}")
                    continue
                answers[pool][item.id] = outcome
            answered = [item for item in self.items if item.id in answers[pool]]
            if answered:
                predictions = [self.clean(answers[pool][item.id].text) for item in answered]
                result.metrics[pool] = self.pool_metrics(predictions, answered)
            rerouted = sum(1 for a in answers[pool].values() if a.route and a.route != pool)
            if rerouted:
                result.notes.append(f"{pool}: {rerouted} answer(s) came from another pool (x-route; escalation)")
        for item in self.items:
            if not all(item.id in answers[pool] for pool in pools):
                continue
            quality = {pool: self.item_quality(self.clean(answers[pool][item.id].text), item) for pool in pools}
            result.routing_rows.append(RoutingRow(
                self.name, item.id, self.messages(item), quality,
                {pool: (answers[pool][item.id].prompt_tokens, answers[pool][item.id].completion_tokens) for pool in pools}))
            for pool in pools:
                answer = answers[pool][item.id]
                result.answers.append({"task": self.name, "id": item.id, "pool": pool, "answer": answer.text,
                                       "references": self.references(item), "quality": quality[pool],
                                       "prompt_tokens": answer.prompt_tokens,
                                       "completion_tokens": answer.completion_tokens, "route": answer.route})
        return result

    def directions(self) -> dict[str, bool]:
        raise NotImplementedError


QA_SYSTEM = ("Answer the question with only the answer: a name, a word, a short phrase or a number. "
             "Do not write a sentence.")


class QATask(GenerativeTask):
    """Short-answer questions: exact match (Wilson interval) and token F1 (bootstrap), SQuAD v1.1
    normalisation, best over the acceptable answers; also per source (kb, bigbench, ...)."""

    name, file, item_model = "qa", "qa.jsonl", QAItem
    max_tokens = 24

    def messages(self, item: QAItem) -> list[dict]:
        return [{"role": "system", "content": QA_SYSTEM}, {"role": "user", "content": item.question}]

    def references(self, item: QAItem) -> list[str]:
        return item.answers

    def item_quality(self, prediction: str, item: QAItem) -> float:
        return token_f1(prediction, item.answers)

    def directions(self) -> dict[str, bool]:
        return {"exact_match": True, "f1": True}

    def pool_metrics(self, predictions: list[str], items: list[QAItem]) -> dict[str, Estimate]:
        pairs = list(zip(predictions, items))
        metrics = {
            "exact_match": proportion([exact_match(p, i.answers) for p, i in pairs]),
            "f1": self._bootstrap([token_f1(p, i.answers) for p, i in pairs], mean),
        }
        families = sorted({i.source.split("/")[0] for i in items})
        if len(families) > 1:
            for family in families:
                subset = [(p, i) for p, i in pairs if i.source.split("/")[0] == family]
                metrics[f"exact_match[{family}]"] = proportion([exact_match(p, i.answers) for p, i in subset])
                metrics[f"f1[{family}]"] = self._bootstrap([token_f1(p, i.answers) for p, i in subset], mean)
        return metrics


class TranslationTask(GenerativeTask):
    """Translation: corpus BLEU and chrF (sacrebleu, 0-100) with bootstrap intervals over sentences; the
    per-item quality for routing is sentence chrF / 100."""

    name, file, item_model = "translation", "translation.jsonl", TranslationItem
    max_tokens = 64

    def messages(self, item: TranslationItem) -> list[dict]:
        ask = (f"Translate this {item.source_language} text into {item.target_language}. "
               f"Reply with the translation only.\n\n{item.text}")
        return [{"role": "user", "content": f"{item.context.strip()}\n\n{ask}" if item.context else ask}]

    def references(self, item: TranslationItem) -> list[str]:
        return item.references

    def item_quality(self, prediction: str, item: TranslationItem) -> float:
        return sentence_chrf(prediction, item.references) / 100

    def directions(self) -> dict[str, bool]:
        return {"bleu": True, "chrf": True}

    def pool_metrics(self, predictions: list[str], items: list[TranslationItem]) -> dict[str, Estimate]:
        pairs = list(zip(predictions, [i.references for i in items]))
        return {
            "bleu": self._bootstrap(pairs, lambda ps: corpus_bleu([p for p, _ in ps], [r for _, r in ps])),
            "chrf": self._bootstrap(pairs, lambda ps: corpus_chrf([p for p, _ in ps], [r for _, r in ps])),
        }


class SummarizationTask(GenerativeTask):
    """One-sentence news summaries: ROUGE-1/2/L F-measure (rouge-score, stemmed), mean over documents with
    bootstrap intervals; the per-item quality for routing is ROUGE-L."""

    name, file, item_model = "summarization", "summarization.jsonl", SummaryItem
    max_tokens = 80

    def messages(self, item: SummaryItem) -> list[dict]:
        return [{"role": "user", "content": f"Summarize the following news article in one sentence.\n\n{item.document}"}]

    def references(self, item: SummaryItem) -> list[str]:
        return item.references

    @staticmethod
    def clean(text: str) -> str:
        return " ".join(text.split())  # the whole answer: a summary may wrap

    def item_quality(self, prediction: str, item: SummaryItem) -> float:
        return rouge_scores(prediction, item.references)["rougeL"]

    def directions(self) -> dict[str, bool]:
        return {kind: True for kind in ROUGE_TYPES}

    def pool_metrics(self, predictions: list[str], items: list[SummaryItem]) -> dict[str, Estimate]:
        scores = [rouge_scores(p, i.references) for p, i in zip(predictions, items)]
        return {kind: self._bootstrap([s[kind] for s in scores], mean) for kind in ROUGE_TYPES}


TASKS: dict[str, type[Task]] = {
    task.name: task for task in (PerplexityTask, QATask, TranslationTask, SummarizationTask)
}
