"""Cache keys: what makes two requests the same request.

The exact key hashes tenant, model, the messages and the sampling parameters that change the output.
Content is kept as sent: text is read with `common.messages.content_text` (text parts joined with "\\n",
the text vLLM gives the chat template), and nothing inside it is folded, because code, YAML and tables
depend on whitespace. Only what provably does not change the engine's input is normalised:
- JSON key order (the digest sorts keys);
- numbers in sampling parameters: 0 == 0.0 and 1 == 1.0 (integral floats become ints, so large seeds
  keep every digit);
- `stop`: "x" == ["x"], and its order and duplicates (vLLM stops at the first occurrence of any stop
  string; the list is a set to it);
- `max_completion_tokens` is the OpenAI alias of `max_tokens`;
- fields that never reach the engine (`stream`, `user`, `metadata`, ...).

The semantic partition hashes the same things except the last user turn, whose text is embedded
instead: two requests can share a semantic answer only when everything but the wording of that last
turn is identical (so `max_tokens` is always equal within a partition).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from cache.protocol import CacheQuery
from common.messages import content_text

KEY_VERSION = 2  # bump when the normalisation changes, so old entries stop matching (2: content as sent)

# Request fields that travel with the sampling parameters but do not change the generated text.
OUTPUT_NEUTRAL_PARAMETERS = frozenset({"stream", "stream_options", "user", "request_id", "metadata", "store"})


def _all_text(content: Any) -> bool:
    if content is None or isinstance(content, str):
        return True
    if not isinstance(content, list):
        return False
    return all(isinstance(part, dict) and part.get("type") == "text" for part in content)


def key_content(content: Any) -> Any:
    """What of a message's content enters the key: the text the model sees when every part is text;
    otherwise the parts as sent (images, audio: their exact description is part of the request)."""
    if _all_text(content):
        return content_text(content)
    if isinstance(content, list):
        return [part if isinstance(part, dict) else str(part) for part in content]
    return str(content)


def normalized_message(message: dict[str, Any]) -> dict[str, Any]:
    """Role, content as the model sees it, and every other field as sent (name, tool_calls, ...)."""
    normalized = {name: value for name, value in message.items() if name != "content" and value is not None}
    normalized["role"] = str(message.get("role", ""))
    normalized["content"] = key_content(message.get("content"))
    return normalized


def _canonical_number(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def canonical_sampling(sampling: dict[str, Any]) -> dict[str, Any]:
    """Sampling parameters in one canonical form: 0 == 0.0, 'x' == ['x'] == ['x', 'x'] for stop,
    max_completion_tokens == max_tokens, output-neutral fields dropped."""
    canonical: dict[str, Any] = {}
    for name, value in sampling.items():
        if name in OUTPUT_NEUTRAL_PARAMETERS or value is None:
            continue
        if name == "max_completion_tokens":
            name = "max_tokens"
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            value = _canonical_number(value)
        if name == "stop":
            value = sorted({value} if isinstance(value, str) else {str(v) for v in value})
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


def max_tokens_of(sampling: dict[str, Any]) -> int | None:
    """The request's output budget (`max_tokens` or its alias), or None when the request sets none."""
    value = canonical_sampling(sampling).get("max_tokens")
    return value if isinstance(value, int) and not isinstance(value, bool) else None


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
    text: str  # the last user turn as sent: what gets embedded and verified


def semantic_key(query: CacheQuery) -> SemanticKey | None:
    """None when the request has no user turn with plain string text to compare."""
    messages = [normalized_message(m) for m in query.messages]
    user_turns = [i for i, m in enumerate(messages) if m["role"] == "user"]
    if not user_turns:
        return None
    last_user = user_turns[-1]
    text = messages[last_user]["content"]
    if not isinstance(query.messages[last_user].get("content"), str) or not text.strip():
        return None  # multimodal or multi-part turns are matched exactly only
    context = list(messages)
    context[last_user] = {**messages[last_user], "content": None}  # the slot whose wording may vary
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
