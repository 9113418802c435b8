"""Sticky assignment of a request to one of its pool's versions.

Each (pool, sticky key) hashes to a bucket in [0, 100). The stable version owns the low buckets
[0, 100 - canary%), the canary the high buckets [100 - canary%, 100). So:
- the same key gets the same version as long as the split is unchanged (the hash is deterministic and
  process-independent: BLAKE2b, not Python's salted `hash`);
- growing the canary (10 % -> 25 %) only moves keys from stable to canary: everyone already on the canary
  stays (buckets [90, 100) lie inside [75, 100)); shrinking only moves keys back;
- the pool is part of the hash, so a tenant on the small pool's canary is not systematically on the large
  pool's canary too.

The sticky key is the tenant when one is known, otherwise a hash of the conversation's opening turns,
which do not change as the conversation grows (`sticky_key`).
"""

from __future__ import annotations

import hashlib
import json
from typing import Any, Mapping

from common.messages import content_text
from rollout.split import VersionSplit

BUCKETS = 100
# Roles whose opening turns identify a conversation ("developer" is OpenAI's newer name for "system").
OPENING_ROLES = ("system", "developer", "user")


def bucket(pool: str, sticky_key: str) -> int:
    """The bucket in [0, 100) of `sticky_key` in `pool`: BLAKE2b-64 of "pool\\0key" modulo 100 (the
    modulo bias of a 64-bit hash is ~1e-17, negligible)."""
    digest = hashlib.blake2b(f"{pool}\0{sticky_key}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") % BUCKETS


def assign(split: VersionSplit, sticky_key: str, *, pool: str) -> str:
    """The version that serves `sticky_key` in `pool` under `split`: the canary when the key's bucket is
    in the top `canary%` buckets, otherwise the stable version."""
    canary = split.canary
    if canary is None:
        return split.stable
    return canary if bucket(pool, sticky_key) >= BUCKETS - split.percent(canary) else split.stable


def conversation_key(messages: list[Mapping[str, Any]]) -> str:
    """A stable 128-bit hex hash of a conversation's opening: the leading system/developer turns and the
    first user turn (texts via `common.messages.content_text`, as sent). Later turns are not part of it, so
    every request of one conversation gets the same key. Messages are OpenAI chat dicts {role, content}."""
    opening: list[tuple[str, str]] = []
    for message in messages:
        role = str(message.get("role", ""))
        if role not in OPENING_ROLES:
            break
        opening.append((role, content_text(message.get("content"))))
        if role == "user":
            break
    payload = json.dumps(opening, ensure_ascii=False, separators=(",", ":"))
    return hashlib.blake2b(payload.encode(), digest_size=16).hexdigest()


def sticky_key(tenant: str | None, messages: list[Mapping[str, Any]]) -> str:
    """"tenant:<tenant>" when a tenant is known, else "conversation:<conversation_key(messages)>" (the
    prefixes keep a tenant named like a hash from sharing its bucket)."""
    if tenant:
        return f"tenant:{tenant}"
    return f"conversation:{conversation_key(messages)}"
