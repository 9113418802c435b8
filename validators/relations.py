"""The relations the checker knows how to read in text and compare. User facts may add relations of
their own; those are compared like built-in ones of the same value type (see README)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

ValueType = Literal["entity", "set", "number"]


@dataclass(frozen=True)
class RelationSpec:
    name: str
    value_type: ValueType  # entity: one true value; set: several (languages); number: compared with tolerance
    unit: str | None = None  # canonical unit of numbers, as `validators.numbers` converts to
    open_world: bool = False  # a value missing from the KB's set is unknown, not false


RELATIONS: dict[str, RelationSpec] = {spec.name: spec for spec in [
    RelationSpec("capital", "entity"),
    RelationSpec("population", "number", unit="people"),
    RelationSpec("area", "number", unit="km²"),
    RelationSpec("currency", "set"),
    RelationSpec("language", "set"),
    RelationSpec("region", "set"),
    RelationSpec("symbol", "entity"),
    RelationSpec("atomic_number", "number"),
    RelationSpec("atomic_mass", "number", unit="u"),
    # The adjective of a country ("Canadian"): not checked as a claim; names the subject of "the Canadian capital".
    RelationSpec("demonym", "entity", open_world=True),
]}


def relation_spec(name: str, numeric: bool = False) -> RelationSpec:
    """The spec of a built-in relation, or the implied one of a user relation."""
    return RELATIONS.get(name) or RelationSpec(name, "number" if numeric else "entity", open_world=not numeric)
