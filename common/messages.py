"""The one conversion from OpenAI chat messages to the text a model sees.

Used by the router (features of the last user turn), the cache (keys), the fact checker (the question)
and the guardrails (what to scan), so that all of them read a message the same way the engine does.

Text parts are joined with "\\n", as vLLM does for models whose chat template takes string content
(`vllm.entrypoints.chat_utils`, "string" content format); whitespace inside content is kept as sent,
because code, YAML and tables depend on it. Non-text parts (images, audio) contribute no text.
"""

from __future__ import annotations

from typing import Any, Mapping

Message = Mapping[str, Any]  # an OpenAI chat message: {"role": ..., "content": str | list[part] | None, ...}

TEXT_PART_SEPARATOR = "\n"


def content_text(content: Any) -> str:
    """The text of one message's `content`: a string as is, a list of parts as its text parts joined
    with "\\n" (vLLM's rule), None as "". Parts may be dicts or pydantic models with `type`/`text`."""
    if content is None:
        return ""
    if isinstance(content, str):
        return content
    texts = []
    for part in content:
        kind = part.get("type") if isinstance(part, Mapping) else getattr(part, "type", None)
        if kind == "text":
            texts.append(part.get("text", "") if isinstance(part, Mapping) else getattr(part, "text", ""))
    return TEXT_PART_SEPARATOR.join(str(t) for t in texts)


def last_user_text(messages: list[Message]) -> str:
    """The text of the last `user` message, or "" when there is none."""
    for message in reversed(messages):
        if message.get("role") == "user":
            return content_text(message.get("content"))
    return ""
