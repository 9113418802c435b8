"""Verification: one claim against the knowledge base -> supported, contradicted or unverified.

Precision comes first: a claim is contradicted only when the KB knows the subject, holds facts for the
relation, and the claimed value is clearly something else (a number outside the tolerance, a name the
KB knows as another value of that relation, or a plainly stated different capital). Anything the KB
cannot speak to is unverified.

Dated facts: a number of a relation that changes (population) is compared with a tolerance that widens
with the fact's age (`Tolerance.widen_per_year`); a claim beyond that but within the change the quantity
could plausibly have had since the as-of date (`growth_per_year`, `decline_per_year`) may state a newer
figure than the KB holds, so it is unverified rather than contradicted. A named value that changes
(currency, capital) contradicts a claim only while the KB's freshest fact for it is younger than
`FactCheckerConfig.stale_after_years`."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
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
        today = self.config.reference_date or date.today()
        stale = None
        for fact in facts:
            age = fact_age_years(fact.as_of, today)
            widen = tolerance.widen_per_year * age
            below, above = min(tolerance.below + widen, 1.0), tolerance.above + widen
            if high >= fact.number * (1 - below) and low <= fact.number * (1 + above):
                dated = f" (as of {fact.as_of}, ±{widen:.0%} for its age)" if widen else ""
                return Verification("supported", fact, f"{quantity.text} is within tolerance of {fact.value}{dated}")
            floor = fact.number * (1 - tolerance.below) * (1 - tolerance.decline_per_year) ** age
            ceiling = fact.number * (1 + tolerance.above) * (1 + tolerance.growth_per_year) ** age
            if stale is None and high >= floor and low <= ceiling:
                stale = fact
        if stale is not None:
            return Verification("unverified", stale, f"{quantity.text} differs from {stale.value} (as of {stale.as_of}) "
                                                     f"by no more than {claim.relation} may have changed since")
        closest = min(facts, key=lambda fact: abs(fact.number - quantity.value))
        return Verification("contradicted", closest,
                            f"{quantity.text} is outside -{tolerance.below:.0%}/+{tolerance.above:.0%} of {closest.value}"
                            + (f" (as of {closest.as_of}, allowing for change since)" if closest.as_of else ""))

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
            stale_after = self.config.stale_after_years.get(claim.relation)
            if stale_after is not None:
                today = self.config.reference_date or date.today()
                freshest = min(facts, key=lambda fact: fact_age_years(fact.as_of, today))
                if fact_age_years(freshest.as_of, today) > stale_after:
                    return Verification("unverified", freshest,
                                        f"{claim.value} is not {listed}, but the knowledge base's {claim.relation} "
                                        f"dates from {freshest.as_of} and may have changed since")
            return Verification("contradicted", facts[0], f"{claim.value} is not {listed}")
        return Verification("unverified", None, f"{claim.value} is not a known {claim.relation}")


def fact_age_years(as_of: str | None, today: date) -> float:
    """Years from a fact's as-of date to `today` (0 for undated facts and future dates). A bare year
    stands for its middle (1 July), as yearly population estimates do; "YYYY-MM" for the 15th."""
    if not as_of:
        return 0.0
    parts = [int(p) for p in re.findall(r"\d+", as_of)]
    year, month, day = parts[0], parts[1] if len(parts) > 1 else 7, parts[2] if len(parts) > 2 else (1 if len(parts) == 1 else 15)
    return max(0.0, (today - date(year, month, day)).days / 365.25)


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
