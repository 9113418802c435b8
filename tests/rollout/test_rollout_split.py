"""VersionSplit validation (errors name the field) and the live operations rollout/promote/rollback."""

import pytest
from pydantic import BaseModel, ValidationError

from rollout import VersionSplit


class Pools(BaseModel):
    """How the app config nests a split: the error location must read pools.<pool>.<field>."""

    pools: dict[str, VersionSplit]


def error_locations(args: dict) -> list[str]:
    with pytest.raises(ValidationError) as error:
        Pools(pools={"small": args})
    return [".".join(str(part) for part in e["loc"]) for e in error.value.errors()]


@pytest.mark.parametrize(
    "args, location",
    [
        ({"versions": ["v1", "v2"], "stable": "v1", "traffic": {"v1": 90, "v2": 5}}, "pools.small.traffic"),
        ({"versions": ["v1", "v2"], "stable": "v1", "traffic": {"v1": 90, "v3": 10}}, "pools.small.traffic"),
        ({"versions": ["v1", "v2", "v3"], "stable": "v1", "traffic": {"v1": 80, "v2": 10, "v3": 10}}, "pools.small.traffic"),
        ({"versions": ["v1"], "stable": "v1", "traffic": {"v1": 101}}, "pools.small.traffic.v1"),
        ({"versions": ["v1", "v2"], "stable": "v9", "traffic": {"v1": 100}}, "pools.small.stable"),
        ({"versions": ["v1", "v1"], "stable": "v1"}, "pools.small.versions"),
        ({"versions": [], "stable": "v1"}, "pools.small.versions"),
        ({"versions": ["v1"], "stable": "v1", "trafic": {"v1": 100}}, "pools.small.trafic"),
    ],
    ids=["sum-not-100", "unknown-version", "two-canaries", "percent-over-100", "unknown-stable", "duplicate", "empty", "misspelt-field"],
)
def test_a_bad_split_fails_naming_the_field(args, location):
    assert location in error_locations(args)


def test_the_error_message_says_what_is_wrong():
    with pytest.raises(ValidationError) as error:
        Pools(pools={"small": {"versions": ["v1", "v2"], "stable": "v1", "traffic": {"v1": 90, "v3": 10}}})
    assert "v3" in str(error.value) and "pools.small.traffic" in str(error.value)
    with pytest.raises(ValidationError, match="sum to 95"):
        VersionSplit(versions=["v1", "v2"], stable="v1", traffic={"v1": 90, "v2": 5})


def test_traffic_defaults_to_everything_on_stable():
    split = VersionSplit(versions=["v1", "v2"], stable="v2")
    assert split.traffic == {"v2": 100}
    assert split.canary is None
    assert split.percent("v1") == 0


def test_canary_is_the_other_version_with_traffic():
    split = VersionSplit(versions=["v1", "v2", "v3"], stable="v1", traffic={"v1": 90, "v2": 0, "v3": 10})
    assert split.canary == "v3"


def test_rollout_moves_percent_from_stable_to_the_canary_and_says_so():
    before = VersionSplit(versions=["v1", "v2"], stable="v1")
    change = before.rollout("v2", 25, pool="small")
    assert change.split.traffic == {"v1": 75, "v2": 25}
    assert change.split.stable == "v1" and change.split.canary == "v2"
    assert change.diff == "small: v1 100% -> v1 75%, v2 25%"
    assert change.changed
    assert before.traffic == {"v1": 100}  # operations return a new split

    grown = change.split.rollout("v2", 100, pool="small")
    assert grown.split.traffic == {"v2": 100} and grown.split.stable == "v1"


def test_rollout_of_another_version_replaces_the_canary():
    split = VersionSplit(versions=["v1", "v2", "v3"], stable="v1", traffic={"v1": 90, "v2": 10})
    change = split.rollout("v3", 20)
    assert change.split.traffic == {"v1": 80, "v3": 20}
    assert change.diff == "v1 90%, v2 10% -> v1 80%, v3 20%"


@pytest.mark.parametrize("version, percent, message", [("v9", 10, "v9"), ("v1", 10, "stable"), ("v2", 101, "percent"), ("v2", -1, "percent"), ("v2", 2.5, "percent")])
def test_rollout_rejects_unknown_versions_the_stable_version_and_bad_percents(version, percent, message):
    split = VersionSplit(versions=["v1", "v2"], stable="v1")
    with pytest.raises(ValueError, match=message):
        split.rollout(version, percent)


def test_promote_makes_the_canary_stable_with_all_traffic():
    split = VersionSplit(versions=["v1", "v2"], stable="v1", traffic={"v1": 75, "v2": 25})
    change = split.promote(pool="small")
    assert change.split.stable == "v2" and change.split.traffic == {"v2": 100} and change.split.canary is None
    assert change.diff == "small: v1 75%, v2 25% -> v2 100% (stable v1 -> v2)"


def test_promote_without_a_canary_is_an_error():
    with pytest.raises(ValueError, match="no canary"):
        VersionSplit(versions=["v1", "v2"], stable="v1").promote()


def test_rollback_sends_everything_to_stable_and_is_idempotent():
    split = VersionSplit(versions=["v1", "v2"], stable="v1", traffic={"v1": 75, "v2": 25})
    change = split.rollback(pool="small")
    assert change.split.traffic == {"v1": 100} and change.split.stable == "v1" and change.changed
    assert change.diff == "small: v1 75%, v2 25% -> v1 100%"
    again = change.split.rollback(pool="small")
    assert not again.changed and again.split == change.split
    assert "unchanged" in again.diff
