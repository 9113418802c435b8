"""Configuration of the fact checker (pydantic v2; unknown or bad fields fail at load, naming the field)."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, field_validator


class Tolerance(BaseModel):
    """How far a claimed number may sit from the KB value and still count as right, as fractions of the
    KB value: with below=0.1, above=0.1 a population of 100 accepts claims from 90 to 110."""

    model_config = ConfigDict(extra="forbid")

    below: float = Field(ge=0.0, le=1.0, description="Largest shortfall accepted, as a fraction of the KB value.")
    above: float = Field(ge=0.0, le=10.0, description="Largest excess accepted, as a fraction of the KB value.")
    widen_per_year: float = Field(
        0.0, ge=0.0, le=1.0,
        description="For quantities that change: how uncertain the change per year since the fact's as_of date "
                    "is. The bounds move by (1 -/+ widen_per_year) ** age (age: years from as_of to "
                    "reference_date), around the trend's projection when follow_trend applies, else around the "
                    "KB value; so an older figure accepts more.")
    growth_per_year: float = Field(
        0.0, ge=0.0, le=1.0,
        description="Fastest plausible growth per year. A claim above the widened tolerance but within "
                    "(1 + growth_per_year) ** age of the KB value may state a newer figure: unverified, not "
                    "contradicted. Also the highest trend follow_trend projects with.")
    decline_per_year: float = Field(
        0.0, ge=0.0, le=1.0,
        description="Fastest plausible decline per year; the same rule below the KB value, and the steepest "
                    "decline follow_trend projects with.")
    follow_trend: bool = Field(
        False,
        description="For quantities that change steadily (population): when the KB holds figures of two "
                    "different dates for a subject, the freshest is projected to reference_date along their "
                    "yearly trend (clamped to -decline_per_year..growth_per_year) and claims are judged against "
                    "that projection. A claim on the side the quantity came from (below it for a growing one: "
                    "a figure it had years ago) is contradicted; one on the side it is heading stays unverified "
                    "up to the fastest plausible change. Needs dated facts; a lone figure keeps the rule above.")
    newer_margin_per_year: float | None = Field(
        None, ge=0.0, le=1.0,
        description="With follow_trend: the 'may be newer' allowance on the side a quantity is heading reaches "
                    "only the subject's own trend + widen_per_year + this margin per year (within "
                    "growth_per_year/decline_per_year), so a figure far beyond a slow-growing country's trend "
                    "is contradicted. None: up to the fastest plausible change of any subject.")
    trend_uncertainty: float = Field(
        0.0, ge=0.0, le=1.0,
        description="With follow_trend: the share of the trend that may not have happened since the freshest "
                    "figure. Toward where the quantity came from, the band's edge moves along "
                    "(1 - trend_uncertainty) × the trend (less the part of the measured trend clamped off), or "
                    "trend - widen_per_year where that is further out: two sources' figures a few years apart "
                    "overstate or understate the trend (World Bank 2018 estimates later revised down, figures "
                    "older than their stated date).")


def _default_tolerances() -> dict[str, Tolerance]:
    return {
        # Populations change: about 1 %/year typical, up to ~3 %/year growth (Niger, Angola) and ~1.5 %/year
        # decline (emigration, war) across countries in 2010-2024 (UN WPP ranges).
        # Each country's own trend comes from its two dated figures (countryinfo ~2014, GeoNames 2018);
        # the projection runs to today, so a figure above its band (trend + widen_per_year) is contradicted
        # (Canada ~1 %/yr: not "fifty million"); newer_margin_per_year > 0 adds a "may be newer" zone above it.
        "population": Tolerance(below=0.10, above=0.10, widen_per_year=0.01, growth_per_year=0.03,
                                decline_per_year=0.015, follow_trend=True,
                                trend_uncertainty=0.67, newer_margin_per_year=0.0),
        "area": Tolerance(below=0.10, above=0.10),  # stable: no widening with age
        "atomic_mass": Tolerance(below=0.01, above=0.01),
        "atomic_number": Tolerance(below=0.0, above=0.0),
    }


class FactCheckerConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kb_path: Path | None = Field(
        None, description="SQLite knowledge base written by `python -m validators.build_kb`. None: the default "
                          "KB (validators/data/knowledge_base.sqlite), built from the bundled sources on first use.")
    tolerances: dict[str, Tolerance] = Field(
        default_factory=_default_tolerances,
        description="Numeric tolerance per relation; a number is shorthand for the same fraction both ways "
                    "(population: 0.1). Relations not listed here use default_tolerance.")
    default_tolerance: Tolerance = Field(
        default_factory=lambda: Tolerance(below=0.02, above=0.02),
        description="Tolerance of numeric relations missing from `tolerances` (e.g. ones from user facts).")
    max_rounding_allowance: float = Field(
        0.25, ge=0.0, le=1.0,
        description="A round number stands for an interval: '1 billion' for 0.5-1.5 billion. The interval is "
                    "added to the tolerance, but never wider than this fraction of the claimed value.")
    stale_after_years: dict[str, float] = Field(
        default_factory=lambda: {"capital": 15.0, "currency": 5.0},
        description="For named values that change (a currency replaced, a capital moved): a claim that disagrees "
                    "with the KB is contradicted only while the freshest fact of that relation for the subject is "
                    "at most this many years old (counted from its as_of to reference_date); older, it is "
                    "unverified, since the KB may be the one out of date. Undated facts never go stale.")
    seats_of_government: dict[str, list[str]] = Field(
        default_factory=lambda: {"Netherlands": ["The Hague"], "Ivory Coast": ["Abidjan"], "Benin": ["Cotonou"],
                                 "Tanzania": ["Dar es Salaam"], "Chile": ["Valparaíso", "Valparaiso"]},
        description="Where a country's government or parliament sits outside the capitals the KB lists (KB "
                    "entity name -> places; Wikipedia, 'List of countries with multiple capitals'): 'the "
                    "government sits in Y' said without the word capital is supported for these; any other "
                    "place than the capital is contradicted as usual.")
    reference_date: date | None = Field(
        None, description="The date a fact's age is counted to (ISO date). None: today. Fixed in tests and evals "
                          "that must not drift with the calendar.")
    max_answer_chars: int = Field(
        20_000, gt=0, description="Only the first this many characters of an answer are checked (latency bound).")

    @field_validator("tolerances", mode="before")
    @classmethod
    def _numbers_are_symmetric(cls, value):
        if not isinstance(value, dict):
            return value
        for relation in value:
            if not isinstance(relation, str) or not re.fullmatch(r"[a-z][a-z0-9_]*", relation):
                raise ValueError(f"relation name {relation!r} must be snake_case, like 'population'")
        return {relation: {"below": tolerance, "above": tolerance} if isinstance(tolerance, (int, float)) else tolerance
                for relation, tolerance in value.items()}

    def tolerance_for(self, relation: str) -> Tolerance:
        return self.tolerances.get(relation, self.default_tolerance)
