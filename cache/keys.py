"""Cache keys: what makes two requests the same request.

The exact key hashes tenant, model, the messages (role + whitespace-normalised content) and the
sampling parameters that change the output. The semantic partition hashes the same things except the
last user turn, whose text is embedded instead: two requests can share a semantic answer only when
everything but the wording of that last turn is identical.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from cache.protocol import CacheQuery

KEY_VERSION = 1  # bump when the normalisation changes, so old entries stop matching

# Request fields that travel with the sampling parameters but do not change the generated text.
OUTPUT_NEUTRAL_PARAMETERS = frozenset({"stream", "stream_options", "user", "request_id", "metadata", "store"})


def normalize_whitespace(text: str) -> str:
    return " ".join(text.split())


def message_text(content: Any) -> str:
    """Text of an OpenAI message content: a string, or a list of parts of which text parts count."""
    if content is None:
        return ""
    if isinstance(content, str):
        return normalize_whitespace(content)
    if isinstance(content, list):
        pieces = []
        for part in content:
            if isinstance(part, dict) and part.get("type") == "text":
                pieces.append(normalize_whitespace(str(part.get("text", ""))))
            else:  # images, audio...: their exact description is part of the request
                pieces.append(json.dumps(part, sort_keys=True, ensure_ascii=False))
        return "\n".join(pieces)
    return normalize_whitespace(str(content))


def normalized_message(message: dict[str, Any]) -> dict[str, Any]:
    normalized = {"role": str(message.get("role", "")), "content": message_text(message.get("content"))}
    for field in ("name", "tool_calls", "tool_call_id"):  # these change what the model answers
        if message.get(field) is not None:
            normalized[field] = message[field]
    return normalized


def canonical_sampling(sampling: dict[str, Any]) -> dict[str, Any]:
    """Sampling parameters in one canonical form: 0 == 0.0, 'x' == ['x'] for stop, aliases merged."""
    canonical: dict[str, Any] = {}
    for name, value in sampling.items():
        if name in OUTPUT_NEUTRAL_PARAMETERS or value is None:
            continue
        if name == "max_completion_tokens":
            name = "max_tokens"
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            value = float(value)
        if name == "stop":
            value = sorted([value] if isinstance(value, str) else [str(v) for v in value])
        canonical[name] = value
    return canonical


def is_deterministic(sampling: dict[str, Any]) -> bool:
    """Greedy decoding (temperature 0 or top_k 1) or a fixed seed. OpenAI's default temperature is 1."""
    temperature = sampling.get("temperature", 1.0)
    return (
        (temperature is not None and float(temperature) == 0.0)
        or sampling.get("seed") is not None
        or sampling.get("top_k") == 1
    )


def digest(value: Any) -> str:
    encoded = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.sha256(encoded.encode("utf-8")).hexdigest()


def exact_key(query: CacheQuery) -> str:
    return digest(
        {
            "v": KEY_VERSION,
            "tenant": query.tenant,
            "model": query.model,
            "messages": [normalized_message(m) for m in query.messages],
            "sampling": canonical_sampling(query.sampling),
        }
    )


@dataclass(frozen=True)
class SemanticKey:
    partition: str  # hash of everything but the last user turn's wording
    text: str  # the last user turn, whitespace-normalised: what gets embedded and guarded


def semantic_key(query: CacheQuery) -> SemanticKey | None:
    """None when the request has no user turn with plain text to compare."""
    messages = [normalized_message(m) for m in query.messages]
    user_turns = [i for i, m in enumerate(messages) if m["role"] == "user"]
    if not user_turns:
        return None
    last_user = user_turns[-1]
    text = messages[last_user]["content"]
    if not text.strip() or not isinstance(query.messages[last_user].get("content"), str):
        return None  # multimodal turns are matched exactly only
    context = list(messages)
    context[last_user] = {"role": "user", "content": None}  # the slot whose wording may vary
    partition = digest(
        {
            "v": KEY_VERSION,
            "tenant": query.tenant,
            "model": query.model,
            "context": context,
            "sampling": canonical_sampling(query.sampling),
        }
    )
    return SemanticKey(partition=partition, text=text)
