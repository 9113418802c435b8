"""Verification: one claim against the knowledge base -> supported, contradicted or unverified.

Precision comes first: a claim is contradicted only when the KB knows the subject, holds facts for the
relation, and the claimed value is clearly something else (a number outside the tolerance, a name the
KB knows as another value of that relation, or a plainly stated different capital). Anything the KB
cannot speak to is unverified.

Dated facts: a number of a relation that changes (population) is compared with a tolerance that widens
with the fact's age (`Tolerance.widen_per_year`); a claim beyond that but within the change the quantity
could plausibly have had since the as-of date (`growth_per_year`, `decline_per_year`) may state a newer
figure than the KB holds, so it is unverified rather than contradicted. With two figures of different
dates (`Tolerance.follow_trend`), the freshest is projected along the subject's own trend instead, and a
claim on the side the quantity came from (a figure a growing country had years ago) is contradicted.
A named value that changes
(currency, capital) contradicts a claim only while the KB's freshest fact for it is younger than
`FactCheckerConfig.stale_after_years`."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import date
from typing import Literal

from validators.config import FactCheckerConfig, Tolerance
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
        if tolerance.follow_trend:
            trend = fit_trend(facts, today, tolerance)
            if trend is not None:
                return self._verify_projected(quantity.text, low, high, trend, tolerance, quantity.value)
            facts = freshest(facts, today)  # an older figure is the trend's start, not an accepted value
        stale = None
        for fact in facts:
            band = Band.around(fact, fact_age_years(fact.as_of, today), tolerance)
            if band.supports(low, high):
                dated = f" (as of {fact.as_of}, {band.low / fact.number - 1:+.0%}/{band.high / fact.number - 1:+.0%} " \
                        f"for its age)" if band.age else ""
                return Verification("supported", fact, f"{quantity.text} is within tolerance of {fact.value}{dated}")
            if stale is None and band.plausible(low, high):
                stale = fact
        if stale is not None:
            return Verification("unverified", stale, f"{quantity.text} differs from {stale.value} (as of {stale.as_of}) "
                                                     f"by no more than {claim.relation} may have changed since")
        closest = min(facts, key=lambda fact: abs(fact.number - quantity.value))
        # an exact relation (atomic number) says "is not", not "outside -0%/+0%" (new-user trial)
        where = (f"is not {closest.value}" if tolerance.below == tolerance.above == 0 else
                 f"is outside -{tolerance.below:.0%}/+{tolerance.above:.0%} of {closest.value}")
        return Verification("contradicted", closest, f"{quantity.text} {where}"
                            + (f" (as of {closest.as_of}, allowing for change since)" if closest.as_of else ""))

    @staticmethod
    def _verify_projected(text: str, low: float, high: float, trend: Trend, tolerance: Tolerance,
                          value: float | None = None) -> Verification:
        """A claim (interval low..high) against the freshest figure projected along the subject's own trend.
        Supported within the band (`Band.around`); beyond it on the side the quantity came from (below a
        growing one: a figure it had years ago), contradicted; on the side it is heading, unverified up to
        the fastest plausible change, since the claim may be newer than the KB. With
        `Tolerance.newer_margin_per_year`, "may be newer" needs the stated `value` itself (not the interval its
        rounding allows: "about 12 million" is not 11.5 million) within the subject's own trend + margin."""
        band = Band.around(trend.newest, trend.age, tolerance, trend)
        where = f"{_short(band.low)}-{_short(band.high)}"
        source = (f"KB {trend.newest.value} as of {trend.newest.as_of}, {trend.rate:+.1%}/yr since "
                  f"{trend.older.value} as of {trend.older.as_of}: about {_short(trend.projected)} by {trend.today}")
        if band.supports(low, high):
            return Verification("supported", trend.newest, f"{text} is within {where} ({source})")
        if trend.rate != 0 and (high < band.low) == (trend.rate > 0):
            return Verification("contradicted", trend.newest,
                                f"{text} is outside {where}, where it was years ago ({source})")
        newer = (value, value) if tolerance.newer_margin_per_year is not None and value is not None else (low, high)
        if band.plausible(*newer):
            return Verification("unverified", trend.newest, f"{text} is outside {where} but within the fastest "
                                                            f"plausible change; it may be newer ({source})")
        return Verification("contradicted", trend.newest, f"{text} is beyond any plausible change ({source})")

    def _verify_name(self, claim: Claim, facts: list[Fact]) -> Verification:
        canonical = self.kb.canonical_values(claim.relation, claim.value)
        for fact in facts:
            if fact.value in canonical or _same_name(claim.value, fact.value, claim.relation == "capital"):
                return Verification("supported", fact, f"{claim.value} matches {fact.value}")
        if claim.seat_only and claim.subject and claim.subject.entity:  # "the government sits in The Hague"
            seats = self.config.seats_of_government.get(claim.subject.entity.name, [])
            if any(_same_name(claim.value, seat, True) for seat in seats):
                return Verification("supported", facts[0], f"{claim.value} is where the government sits; the "
                                                           f"capital is {facts[0].value}")
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


# A measured change beyond this multiple of the plausible range (growth_per_year, decline_per_year) is not
# growth but a change in what the two sources count (refugees, a census rebase, an older figure than its
# stated date): such a subject is judged as if it had one figure. Lebanon +13.7 %/yr, Syria -7.4 %/yr,
# Zimbabwe +6.6 %/yr between countryinfo and GeoNames.
NOT_A_TREND = 2.0


@dataclass(frozen=True)
class Trend:
    """A dated quantity's change per year, from its two freshest figures of different dates."""

    newest: Fact
    older: Fact
    raw: float  # change per year the two figures imply, as a fraction (0.02: +2 %/year)
    rate: float  # raw clamped to -decline_per_year..growth_per_year
    age: float  # years from newest.as_of to today
    today: date

    @property
    def projected(self) -> float:
        return self.newest.number * (1 + self.rate) ** self.age


def fit_trend(facts: list[Fact], today: date, tolerance: Tolerance, min_years: float = 1.0) -> Trend | None:
    """The trend of a subject's dated numeric facts: the freshest figure against the freshest one at least
    `min_years` older, as compound yearly change, clamped to the tolerance's plausible change
    (-decline_per_year..growth_per_year). None when there are not two such figures, or when the change they
    imply is beyond NOT_A_TREND times that range."""
    dated = sorted(((fact_age_years(f.as_of, today), f) for f in facts if f.as_of and f.number and f.number > 0),
                   key=lambda pair: pair[0])
    if len(dated) < 2:
        return None
    age, newest = dated[0]
    older = next((f for a, f in dated[1:] if a - age >= min_years), None)
    if older is None:
        return None
    raw = (newest.number / older.number) ** (1 / _years_between(older.as_of, newest.as_of)) - 1
    if not -NOT_A_TREND * tolerance.decline_per_year <= raw <= NOT_A_TREND * tolerance.growth_per_year:
        return None
    rate = min(max(raw, -tolerance.decline_per_year), tolerance.growth_per_year)
    return Trend(newest, older, raw, rate, age, today)


def freshest(facts: list[Fact], today: date) -> list[Fact]:
    """The facts of the freshest as-of date (undated ones count as current)."""
    youngest = min(fact_age_years(fact.as_of, today) for fact in facts)
    return [fact for fact in facts if fact_age_years(fact.as_of, today) == youngest]


@dataclass(frozen=True)
class Band:
    """The values a dated figure accepts today: `low`-`high` is supported; `floor`-`ceiling` is what the
    fastest plausible change since its as-of date could reach."""

    low: float
    high: float
    floor: float
    ceiling: float
    age: float

    @classmethod
    def around(cls, fact: Fact, age: float, tolerance: Tolerance, trend: Trend | None = None) -> Band:
        """The band of `fact` at `age` years: the base tolerance around the figure, moved along the trend's
        slowest and fastest likely change per year, within the fastest plausible change. A lone figure
        (no trend): -widen_per_year..+widen_per_year. A trend: rate + widen_per_year on the side it is
        heading; on the side it came from, the change that is likely at the least, (1 - trend_uncertainty)
        × (rate - the part of the measured change clamped off), or rate - widen_per_year where that is
        further out."""
        slowest, fastest = -tolerance.decline_per_year, tolerance.growth_per_year
        widen = tolerance.widen_per_year
        if trend is None:
            slow, fast = -widen, widen
            slowest, fastest = min(slowest, slow), max(fastest, fast)  # a lone figure may change either way
        else:
            rate, excess = trend.rate, abs(trend.raw - trend.rate)
            least = (1 - tolerance.trend_uncertainty) * (rate - math.copysign(excess, rate))
            slow, fast = (min(rate - widen, least), rate + widen) if rate >= 0 else (rate - widen, max(rate + widen, least))
            margin = tolerance.newer_margin_per_year
            if margin is not None:  # "may be newer" only near the subject's own trend, not any country's
                if rate >= 0:
                    fastest = min(fastest, max(fast + margin, 0.0))
                else:
                    slowest = max(slowest, min(slow - margin, 0.0))

        def low(per_year: float) -> float:
            return fact.number * (1 - tolerance.below) * (1 + max(per_year, slowest)) ** age

        def high(per_year: float) -> float:
            return fact.number * (1 + tolerance.above) * (1 + min(per_year, fastest)) ** age

        return cls(low(slow), high(fast), low(slowest), high(fastest), age)

    def supports(self, low: float, high: float) -> bool:
        return high >= self.low and low <= self.high

    def plausible(self, low: float, high: float) -> bool:
        return high >= self.floor and low <= self.ceiling


def _years_between(earlier: str, later: str) -> float:
    return fact_age_years(earlier, _as_date(later))


def _as_date(as_of: str) -> date:
    parts = [int(p) for p in re.findall(r"\d+", as_of)]
    return date(parts[0], parts[1] if len(parts) > 1 else 7, parts[2] if len(parts) > 2 else (1 if len(parts) == 1 else 15))


def _short(number: float) -> str:
    """12345678 -> '12.3 million' (figures in reasons)."""
    for size, word in ((1e9, "billion"), (1e6, "million")):
        if abs(number) >= size:
            return f"{number / size:.3g} {word}"
    return f"{number:,.0f}"


def fact_age_years(as_of: str | None, today: date) -> float:
    """Years from a fact's as-of date to `today` (0 for undated facts and future dates). A bare year
    stands for its middle (1 July), as yearly population estimates do; "YYYY-MM" for the 15th."""
    if not as_of:
        return 0.0
    return max(0.0, (today - _as_date(as_of)).days / 365.25)


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
