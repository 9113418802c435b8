"""The traffic split of one pool between its model versions, and the live operations on it.

A split has one `stable` version (where traffic goes back on rollback) and at most one canary (the one
other version with traffic > 0). One canary at a time is a deliberate limit: the canary analysis compares
exactly two arms, and `promote`/`rollback` then need no argument. Operations return a new split and a
one-line diff for the operator (`make rollout|promote|rollback` print it); nothing is mutated.

    split = VersionSplit(versions=["v1", "v2"], stable="v1")         # traffic defaults to {stable: 100}
    change = split.rollout("v2", 25, pool="small")
    change.diff     # "small: v1 100% -> v1 75%, v2 25%"
    change.split.promote(pool="small").diff   # "small: v1 75%, v2 25% -> v2 100% (stable v1 -> v2)"
    change.split.rollback(pool="small").split.traffic   # {"v1": 100}
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator

Percent = Annotated[int, Field(ge=0, le=100)]


@dataclass(frozen=True)
class SplitChange:
    """What an operation produced: the new split, a human-readable diff line, and whether anything changed."""

    split: "VersionSplit"
    diff: str
    changed: bool


class VersionSplit(BaseModel):
    """Traffic percentages of one pool's versions.

    Fields (validated in this order, each error carries its field's location, e.g. `pools.small.traffic`
    when nested under `pools.small`):
    - `versions`: the known version names, unique, non-empty.
    - `stable`: one of `versions`; gets all traffic back on `rollback()`.
    - `traffic`: version -> integer percent in [0, 100]; only known versions; sums to 100; at most one
      version other than `stable` with traffic > 0 (the canary). Omitted: `{stable: 100}`.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    versions: list[str] = Field(min_length=1, description="Known version names of the pool.")
    stable: str = Field(description="The version that gets 100% back on rollback.")
    traffic: dict[str, Percent] = Field(description="Percent of the pool's requests per version; sums to 100.")

    @model_validator(mode="before")
    @classmethod
    def _traffic_defaults_to_all_on_stable(cls, data: Any) -> Any:
        if isinstance(data, dict) and "traffic" not in data and isinstance(data.get("stable"), str):
            data = {**data, "traffic": {data["stable"]: 100}}
        return data

    @field_validator("versions")
    @classmethod
    def _unique_names(cls, versions: list[str]) -> list[str]:
        if any(not name for name in versions):
            raise ValueError("version names must be non-empty")
        duplicates = sorted({name for name in versions if versions.count(name) > 1})
        if duplicates:
            raise ValueError(f"duplicate version name(s) {duplicates}")
        return versions

    @field_validator("stable")
    @classmethod
    def _stable_is_known(cls, stable: str, info: ValidationInfo) -> str:
        versions = info.data.get("versions")
        if versions is not None and stable not in versions:
            raise ValueError(f"unknown version {stable!r}; known versions: {versions}")
        return stable

    @field_validator("traffic")
    @classmethod
    def _traffic_is_a_split(cls, traffic: dict[str, int], info: ValidationInfo) -> dict[str, int]:
        versions = info.data.get("versions")
        if versions is not None:
            unknown = [name for name in traffic if name not in versions]
            if unknown:
                raise ValueError(f"unknown version(s) {unknown}; known versions: {versions}")
        total = sum(traffic.values())
        if total != 100:
            raise ValueError(f"percentages must sum to 100, they sum to {total}: {dict(traffic)}")
        stable = info.data.get("stable")
        if stable is not None:
            canaries = [name for name, percent in traffic.items() if percent > 0 and name != stable]
            if len(canaries) > 1:
                raise ValueError(
                    f"at most one version besides the stable {stable!r} may have traffic (one canary at a time); got {canaries}"
                )
        return traffic

    # -- reading ---------------------------------------------------------------------------------

    def percent(self, version: str) -> int:
        """Percent of requests that `version` gets (0 when not in `traffic`)."""
        return self.traffic.get(version, 0)

    @property
    def canary(self) -> str | None:
        """The version other than `stable` with traffic > 0, or None."""
        for name, percent in self.traffic.items():
            if percent > 0 and name != self.stable:
                return name
        return None

    def describe(self) -> str:
        """The versions with traffic, in `versions` order: "v1 75%, v2 25%"."""
        return ", ".join(f"{name} {self.percent(name)}%" for name in self.versions if self.percent(name) > 0)

    # -- operations (each returns a new split) ---------------------------------------------------

    def rollout(self, version: str, percent: int, *, pool: str = "") -> SplitChange:
        """Send `percent` % to `version` (the canary) and the rest to `stable`. A different canary that
        had traffic goes to 0. Raises ValueError for an unknown version, the stable version, or a percent
        outside [0, 100]."""
        self._require_known(version)
        if version == self.stable:
            raise ValueError(f"{version!r} is already the stable version; use rollback() to send it all traffic")
        if isinstance(percent, bool) or not isinstance(percent, int) or not 0 <= percent <= 100:
            raise ValueError(f"percent must be an integer in [0, 100], got {percent!r}")
        return self._change({self.stable: 100 - percent, version: percent}, self.stable, pool)

    def promote(self, *, pool: str = "") -> SplitChange:
        """The canary gets 100 % and becomes `stable`. Raises ValueError when there is no canary."""
        canary = self.canary
        if canary is None:
            raise ValueError(f"no canary to promote: {self.describe()} (stable {self.stable})")
        return self._change({canary: 100}, canary, pool)

    def rollback(self, *, pool: str = "") -> SplitChange:
        """`stable` gets 100 %; a no-op (diff says "unchanged") when it already has it."""
        return self._change({self.stable: 100}, self.stable, pool)

    def _require_known(self, version: str) -> None:
        if version not in self.versions:
            raise ValueError(f"unknown version {version!r}; known versions: {self.versions}")

    def _change(self, traffic: dict[str, int], stable: str, pool: str) -> SplitChange:
        ordered = {name: traffic[name] for name in self.versions if traffic.get(name, 0) > 0}
        after = VersionSplit(versions=list(self.versions), stable=stable, traffic=ordered)
        prefix = f"{pool}: " if pool else ""
        if after.describe() == self.describe() and stable == self.stable:
            return SplitChange(after, f"{prefix}unchanged ({self.describe()})", changed=False)
        diff = f"{prefix}{self.describe()} -> {after.describe()}"
        if stable != self.stable:
            diff += f" (stable {self.stable} -> {stable})"
        return SplitChange(after, diff, changed=True)
