"""`Trace`: what happened to one request, written by the pipeline from the values its stages return.

It is the request's record for the outside world: response headers (`headers()`), metrics and the one
structured log line (`summary()`, which never holds prompt or answer text). Stages never read it to
decide anything; they get and return values."""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field, fields
from typing import Any

from pipeline.guarding import GuardReport

HEADER_PREFIX = "x-"


# Answers that decline the task (the "refusal rate" quality signal): their usual openings in English.
REFUSAL_OPENINGS = re.compile(r"^\s*(i'?m sorry|i am sorry|sorry, (but )?i|i can(no|')t|i cannot|i am unable|i'?m unable|as an ai)", re.I)


@dataclass(frozen=True)
class AnswerShape:
    """What an answer looked like, for the rolling quality signals: `outcome` ok | empty | blocked | refused
    and its length in characters (all choices)."""

    outcome: str
    chars: int

    @classmethod
    def of(cls, texts: list[str], finish_reasons: list[str | None]) -> "AnswerShape":
        chars = sum(len(t) for t in texts)
        if "content_filter" in finish_reasons:
            return cls("blocked", chars)
        if not any(t.strip() for t in texts):
            return cls("empty", chars)
        if any(REFUSAL_OPENINGS.match(t) for t in texts):
            return cls("refused", chars)
        return cls("ok", chars)


@dataclass
class Trace:
    request_id: str
    endpoint: str = ""
    tenant: str = "default"
    requested_model: str = ""
    stream: bool = False
    route: str = ""  # the pool that answered: small | large
    route_reason: str = ""  # forced | classifier | default | fallback | capacity
    complexity_score: float | None = None
    version: str = ""  # the model version that answered
    fallbacks: list[str] = field(default_factory=list)  # e.g. classifier-unavailable, pool-unavailable
    failures: list[tuple[str, str]] = field(default_factory=list)  # (component, timeout | error) it went on without
    cache: str = "miss"  # miss | exact | semantic | bypass | uncacheable
    validation: str = "skipped"  # supported | contradicted | unverified | skipped
    validation_action: str = "none"  # none | annotated | escalated | blocked | failed_open | failed_closed
    escalated_from: str | None = None
    status: int = 200
    error_code: str | None = None
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cost_usd: float = 0.0
    ttft_ms: float | None = None
    cancelled: bool = False
    grant: Any = field(default=None, repr=False)  # the limits stage's admission, settled when the request ends
    ratelimit_headers: dict[str, str] = field(default_factory=dict)  # OpenAI's x-ratelimit-*
    guardrails: GuardReport = field(default_factory=GuardReport)  # kinds and counts found, never values
    answer: AnswerShape | None = None
    stages_ms: dict[str, float] = field(default_factory=dict)
    started: float = field(default_factory=time.perf_counter)

    def timed(self, stage: str) -> "_StageTimer":
        """Context manager adding the wall time of a block to `stages_ms[stage]` (ms)."""
        return _StageTimer(self, stage)

    def add_usage(self, prompt_tokens: int, completion_tokens: int, cost_usd: float) -> None:
        self.prompt_tokens += prompt_tokens
        self.completion_tokens += completion_tokens
        self.cost_usd += cost_usd

    def mark_first_token(self) -> None:
        if self.ttft_ms is None:
            self.ttft_ms = (time.perf_counter() - self.started) * 1000

    def finish(self) -> None:
        self.stages_ms["total"] = (time.perf_counter() - self.started) * 1000

    def headers(self, streaming: bool = False) -> dict[str, str]:
        """Our response headers (x-route, x-cache, ...; see the README's HTTP contract) and Server-Timing."""
        headers = {**self.ratelimit_headers, "x-cache": self.cache if self.cache in ("exact", "semantic") else "miss"}
        if self.route:
            headers["x-route"] = self.route
        if self.version:
            headers["x-model-version"] = self.version
        if self.complexity_score is not None:
            headers["x-complexity-score"] = f"{self.complexity_score:.4f}"
        if self.fallbacks:
            headers["x-route-fallback"] = ",".join(self.fallbacks)
        if self.escalated_from:
            headers["x-escalated-from"] = self.escalated_from
        if self.guardrails.header():
            headers["x-guardrails"] = self.guardrails.header()
        if not streaming:  # a stream's verdict rides on its final chunk (headers are gone by then)
            headers["x-validation"] = self.validation
            if self.validation_action not in ("none", "annotated"):
                headers["x-validation-action"] = self.validation_action
        if self.stages_ms:
            headers["server-timing"] = ", ".join(f"{stage};dur={ms:.2f}" for stage, ms in self.stages_ms.items())
        return headers

    def summary(self) -> dict:
        """The request summary for the log: ids, decisions, token counts, cost and stage times; no text."""
        data = {f.name: getattr(self, f.name) for f in fields(self)
                if f.name not in ("started", "grant", "ratelimit_headers", "guardrails", "answer")}
        data["answer"] = {"outcome": self.answer.outcome, "chars": self.answer.chars} if self.answer else None
        data["guardrails"] = self.guardrails.body_field()
        data["fallbacks"], data["failures"] = list(self.fallbacks), [list(f) for f in self.failures]
        data["stages_ms"] = {k: round(v, 2) for k, v in self.stages_ms.items()}
        data["cost_usd"] = round(self.cost_usd, 8)
        return data


class _StageTimer:
    def __init__(self, trace: Trace, stage: str):
        self.trace, self.stage = trace, stage

    def __enter__(self) -> "_StageTimer":
        self.started = time.perf_counter()
        return self

    def __exit__(self, *exc) -> None:
        elapsed = (time.perf_counter() - self.started) * 1000
        self.trace.stages_ms[self.stage] = self.trace.stages_ms.get(self.stage, 0.0) + elapsed
