"""Verification: one claim against the knowledge base -> supported, contradicted or unverified.

Precision comes first: a claim is contradicted only when the KB knows the subject, holds facts for the
relation, and the claimed value is clearly something else (a number outside the tolerance, a name the
KB knows as another value of that relation, or a plainly stated different capital). Anything the KB
cannot speak to is unverified."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from validators.config import FactCheckerConfig
from validators.extraction import Claim
from validators.kb import Fact, KnowledgeBase
from validators.normalize import normalize_value
from validators.relations import relation_spec

Verdict = Literal["supported", "contradicted", "unverified"]

# Words that may differ between two spellings of one place: "Luxembourg" / "Luxembourg City".
_PLACE_FILLER = {"city", "town", "d", "c", "dc"}


@dataclass(frozen=True)
class Verification:
    verdict: Verdict
    evidence: Fact | None
    reason: str


class Verifier:
    def __init__(self, kb: KnowledgeBase, config: FactCheckerConfig):
        self.kb = kb
        self.config = config

    def verify(self, claim: Claim) -> Verification:
        if claim.subject is None:
            return Verification("unverified", None, "the answer does not say what this is about")
        entity = claim.subject.entity
        if entity is None:
            return Verification("unverified", None, f"{claim.subject.text!r} is not in the knowledge base")
        facts = self.kb.facts(entity, claim.relation)
        if not facts:
            return Verification("unverified", None, f"the knowledge base has no {claim.relation} for {entity.name}")
        if claim.quantity is not None:
            if facts[0].number is None:
                return Verification("unverified", None, f"{claim.relation} is not a number in the knowledge base")
            result = self._verify_number(claim, facts)
        else:
            result = self._verify_name(claim, facts)
        if claim.negated and result.verdict != "unverified":
            flipped = "contradicted" if result.verdict == "supported" else "supported"
            return Verification(flipped, result.evidence, f"negated claim; {result.reason}")
        return result

    def _verify_number(self, claim: Claim, facts: list[Fact]) -> Verification:
        quantity = claim.quantity
        if quantity.unit is not None and facts[0].unit is not None and quantity.unit != facts[0].unit:
            return Verification("unverified", None, f"unit {quantity.unit} cannot be compared with {facts[0].unit}")
        tolerance = self.config.tolerance_for(claim.relation)
        rounding = min(quantity.rounding, self.config.max_rounding_allowance * abs(quantity.value))
        low, high = quantity.low - rounding, quantity.high + rounding
        for fact in facts:
            if high >= fact.number * (1 - tolerance.below) and low <= fact.number * (1 + tolerance.above):
                return Verification("supported", fact, f"{quantity.text} is within tolerance of {fact.value}")
        closest = min(facts, key=lambda fact: abs(fact.number - quantity.value))
        return Verification("contradicted", closest,
                            f"{quantity.text} is outside -{tolerance.below:.0%}/+{tolerance.above:.0%} of {closest.value}")

    def _verify_name(self, claim: Claim, facts: list[Fact]) -> Verification:
        canonical = self.kb.canonical_values(claim.relation, claim.value)
        for fact in facts:
            if fact.value in canonical or _same_name(claim.value, fact.value, claim.relation == "capital"):
                return Verification("supported", fact, f"{claim.value} matches {fact.value}")
        spec = relation_spec(claim.relation)
        known_value = bool(canonical) or (claim.relation == "symbol" and claim.value in
                                          {v for s in self.kb.value_spellings("symbol").values() for v in s})
        listed = ", ".join(fact.value for fact in facts)
        if spec.value_type == "set" and claim.partial:
            return Verification("unverified", None, f"{claim.value} is not among {listed}, which may be incomplete")
        if spec.open_world and not known_value:
            return Verification("unverified", None, f"{claim.value} is not a known {claim.relation}")
        if known_value or (spec.value_type == "entity" and claim.strict_value and claim.value[:1].isupper()):
            return Verification("contradicted", facts[0], f"{claim.value} is not {listed}")
        return Verification("unverified", None, f"{claim.value} is not a known {claim.relation}")


def _same_name(claimed: str, known: str, allow_longer_claim: bool) -> bool:
    """"Washington" is "Washington D.C."; a claim naming less than the KB value still matches it."""
    claimed_tokens, known_tokens = set(normalize_value(claimed).split()), set(normalize_value(known).split())
    if not claimed_tokens:
        return False
    if claimed_tokens == known_tokens:
        return True
    if claimed_tokens < known_tokens and claimed_tokens - _PLACE_FILLER:
        return True
    return allow_longer_claim and known_tokens < claimed_tokens and claimed_tokens - known_tokens <= _PLACE_FILLER
