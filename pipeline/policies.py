"""What a contradicted answer gets: a registry of validation policies (annotate | escalate | block).

Each policy is one class: its rule for full responses, the refusal text where it has one, and its
streaming rule (a stream's tokens are already out when its verdict is known, so every policy can only
annotate a stream). A new policy is one more class in `VALIDATION_POLICIES`."""

from __future__ import annotations

import copy
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import Any, Awaitable, Callable

VERDICT_ORDER = {"supported": 0, "unverified": 1, "contradicted": 2}


@dataclass(frozen=True)
class Validation:
    """The fact checker's results for one response, per choice index (`{verdict, score, claims}` each)."""

    per_choice: dict[int, dict[str, Any]]

    @property
    def verdict(self) -> str:
        """The worst verdict over the choices."""
        return max((r["verdict"] for r in self.per_choice.values()), key=lambda v: VERDICT_ORDER.get(v, 1))

    @property
    def contradicted(self) -> bool:
        return self.verdict == "contradicted"

    def contradicted_choices(self) -> list[int]:
        return [i for i, r in self.per_choice.items() if r["verdict"] == "contradicted"]

    def body_field(self, action: str) -> dict[str, Any]:
        """The `validation` object added to the response body (and to a stream's final chunk)."""
        claims = []
        for index, result in sorted(self.per_choice.items()):
            for claim in result.get("claims", []):
                claims.append({**claim, "choice": index} if len(self.per_choice) > 1 else claim)
        scores = [r.get("score") for r in self.per_choice.values() if r.get("score") is not None]
        return {"verdict": self.verdict, "score": min(scores) if scores else None, "claims": claims, "action": action}


@dataclass
class PolicyResult:
    body: dict[str, Any]
    validation: Validation | None
    action: str  # annotated | escalated | escalation_failed | blocked
    pool: str  # the pool whose answer is returned
    escalated_from: str | None = None


@dataclass
class PolicyContext:
    """What a policy may do: regenerate on another pool, validate again, rewrite a choice."""

    pool: str
    escalation_pool: str
    regenerate: Callable[[str], Awaitable[dict[str, Any]]]  # pool -> full response body
    validate: Callable[[dict[str, Any]], Awaitable[Validation | None]]
    replace_choice: Callable[[dict[str, Any], int, str, str], None]
    policy_for: Callable[[str], "ValidationPolicy"]
    extra: dict[str, Any] = field(default_factory=dict)


class ValidationPolicy(ABC):
    name: str

    @abstractmethod
    async def apply(self, context: PolicyContext, body: dict[str, Any], validation: Validation) -> PolicyResult:
        """Act on a full response whose validation is contradicted."""

    def streaming_action(self) -> str:
        """A stream's tokens are out before its verdict: the verdict is annotated on the final chunk."""
        return "annotated"


class Annotate(ValidationPolicy):
    """Keep the answer; the verdict goes in the x-validation header and the body's `validation`."""

    name = "annotate"

    async def apply(self, context: PolicyContext, body: dict[str, Any], validation: Validation) -> PolicyResult:
        return PolicyResult(body, validation, "annotated", context.pool)


class Block(ValidationPolicy):
    """Replace each contradicted choice with a refusal citing the fact it contradicted
    (`finish_reason: content_filter`, as OpenAI's own content filter does)."""

    name = "block"

    async def apply(self, context: PolicyContext, body: dict[str, Any], validation: Validation) -> PolicyResult:
        blocked = copy.deepcopy(body)
        for index in validation.contradicted_choices():
            claims = [c for c in validation.per_choice[index].get("claims", []) if c.get("verdict") == "contradicted"]
            context.replace_choice(blocked, index, refusal_text(claims), "content_filter")
        usage = blocked.get("usage")
        if usage:  # the refusal is ours, not the model's: only the prompt was spent on what the client gets
            blocked["usage"] = {**usage, "completion_tokens": 0, "total_tokens": usage.get("prompt_tokens", 0)}
        return PolicyResult(blocked, validation, "blocked", context.pool)


class Escalate(ValidationPolicy):
    """Regenerate once on the escalation (large) pool, validate again, then apply that pool's policy."""

    name = "escalate"

    async def apply(self, context: PolicyContext, body: dict[str, Any], validation: Validation) -> PolicyResult:
        if context.pool == context.escalation_pool:  # nowhere to go: annotate
            return PolicyResult(body, validation, "annotated", context.pool)
        try:
            second = await context.regenerate(context.escalation_pool)
        except Exception:  # noqa: BLE001 - the large pool cannot take it (a parameter it refuses, capacity): keep the first
            return PolicyResult(body, validation, "escalation_failed", context.pool)
        second_validation = await context.validate(second)
        if second_validation is None or not second_validation.contradicted:
            return PolicyResult(second, second_validation, "escalated", context.escalation_pool, context.pool)
        then = context.policy_for(context.escalation_pool)
        # In the escalation pool's context, escalating again is a no-op (it annotates).
        nested = PolicyContext(context.escalation_pool, context.escalation_pool, context.regenerate, context.validate,
                               context.replace_choice, context.policy_for)
        result = await then.apply(nested, second, second_validation)
        action = "blocked" if result.action == "blocked" else "escalated"
        return PolicyResult(result.body, result.validation, action, context.escalation_pool, context.pool)


def refusal_text(contradicted_claims: list[dict[str, Any]]) -> str:
    """The short refusal that replaces a blocked answer, citing the knowledge-base fact it contradicted."""
    if not contradicted_claims:
        return "I can't give that answer: it contradicts a known fact."
    claim = contradicted_claims[0]
    evidence = claim.get("evidence") or {}
    fact = f"{evidence.get('subject', '')} {str(evidence.get('relation', '')).replace('_', ' ')}: {evidence.get('value', '')}"
    unit = evidence.get("unit")
    source = evidence.get("source")
    return (
        "I can't give that answer: it contradicts a known fact. "
        f"It said \"{str(claim.get('text', '')).strip()}\", but the knowledge base has {fact.strip()}"
        f"{' ' + unit if unit else ''}{f' (source: {source})' if source else ''}."
    )


VALIDATION_POLICIES: dict[str, ValidationPolicy] = {p.name: p for p in (Annotate(), Escalate(), Block())}
