"""Sticky assignment: deterministic, monotone as the canary grows, distributed as the split says."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from rollout import VersionSplit, assign, bucket, conversation_key, sticky_key

REPO_ROOT = Path(__file__).resolve().parents[2]
KEYS = [f"tenant:{i}" for i in range(20_000)]


def split_at(percent: int) -> VersionSplit:
    """v1 stable, v2 the canary at `percent` %."""
    return VersionSplit(versions=["v1", "v2"], stable="v1", traffic={"v1": 100 - percent, "v2": percent})


def canary_keys(percent: int, pool: str = "small") -> set[str]:
    split = split_at(percent)
    return {key for key in KEYS if assign(split, key, pool=pool) == "v2"}


def test_the_same_key_gets_the_same_version_while_the_split_is_unchanged():
    split = split_at(25)
    first = [assign(split, key, pool="small") for key in KEYS[:2000]]
    again = [assign(split.model_copy(), key, pool="small") for key in KEYS[:2000]]
    assert first == again
    assert set(first) == {"v1", "v2"}


def test_buckets_do_not_depend_on_the_process_hash_seed():
    # Python's own hash() of a str changes per process; replicas must agree on a tenant's version.
    keys = KEYS[:200]
    script = "import sys; from rollout import bucket; print(','.join(str(bucket('small', k)) for k in sys.argv[1:]))"
    env = {**os.environ, "PYTHONHASHSEED": "12345", "PYTHONPATH": str(REPO_ROOT)}
    other = subprocess.run([sys.executable, "-c", script, *keys], env=env, capture_output=True, text=True, check=True, cwd=REPO_ROOT)
    assert other.stdout.strip() == ",".join(str(bucket("small", k)) for k in keys)


def test_growing_the_canary_keeps_everyone_already_on_it():
    steps = [0, 1, 10, 25, 50, 99, 100]
    on_canary = [canary_keys(percent) for percent in steps]
    for smaller, larger in zip(on_canary, on_canary[1:]):
        assert smaller <= larger
    assert not on_canary[0] and on_canary[-1] == set(KEYS)


@pytest.mark.parametrize("percent", [1, 10, 25, 50, 90])
def test_assignment_shares_match_the_split_within_two_points(percent):
    share = len(canary_keys(percent)) / len(KEYS)
    assert abs(share - percent / 100) <= 0.02


def test_pools_pick_their_canary_users_independently():
    # Expected overlap of two independent 25 % draws is 6.25 %; the same draw would overlap 25 %.
    overlap = len(canary_keys(25, "small") & canary_keys(25, "large")) / len(KEYS)
    assert abs(overlap - 0.0625) <= 0.01


def test_promote_and_rollback_move_every_key():
    split = split_at(25)
    promoted, rolled_back = split.promote().split, split.rollback().split
    assert {assign(promoted, key, pool="small") for key in KEYS[:1000]} == {"v2"}
    assert {assign(rolled_back, key, pool="small") for key in KEYS[:1000]} == {"v1"}


def test_conversation_key_is_stable_as_the_conversation_grows():
    opening = [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "What is Ray?"}]
    later = opening + [{"role": "assistant", "content": "A framework."}, {"role": "user", "content": "And Serve?"}]
    assert conversation_key(opening) == conversation_key(later)


def test_conversation_key_tells_conversations_apart():
    base = [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "What is Ray?"}]
    other_question = [base[0], {"role": "user", "content": "What is vLLM?"}]
    other_system = [{"role": "system", "content": "Be thorough."}, base[1]]
    keys = {conversation_key(base), conversation_key(other_question), conversation_key(other_system), conversation_key(base[1:])}
    assert len(keys) == 4


def test_conversation_key_reads_content_parts_like_the_engine():
    as_text = [{"role": "user", "content": "line one\nline two"}]
    as_parts = [{"role": "user", "content": [{"type": "text", "text": "line one"}, {"type": "image_url", "image_url": {"url": "x"}}, {"type": "text", "text": "line two"}]}]
    assert conversation_key(as_text) == conversation_key(as_parts)


def test_sticky_key_prefers_the_tenant_and_falls_back_to_the_conversation():
    messages = [{"role": "user", "content": "hello"}]
    other = [{"role": "user", "content": "bonjour"}]
    assert sticky_key("tenant-a", messages) == sticky_key("tenant-a", other)
    assert sticky_key(None, messages) != sticky_key(None, other)
    assert sticky_key(None, messages) == sticky_key("", messages)
    # A tenant whose name equals a conversation hash still gets its own key.
    assert sticky_key(conversation_key(messages), messages) != sticky_key(None, messages)
