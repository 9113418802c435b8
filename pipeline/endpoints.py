"""One object per OpenAI endpoint: everything that differs between `/v1/chat/completions` and
`/v1/completions` lives here, so the pipeline has no chat-vs-completion branches.

Requests are vLLM's own request models (`vllm.entrypoints.openai.{chat_completion,completion}.protocol`),
parsed by the HTTP layer; responses and stream chunks are the JSON objects vLLM's OpenAI layer produces
(dicts). Nothing here imports vLLM: the pipeline reads requests through these accessors only.
"""

from __future__ import annotations

import json
import time
from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import Any, Callable

from common.messages import Message, content_text


@dataclass(frozen=True)
class ChoicePiece:
    """What one stream chunk adds to one choice: new text and, on its last chunk, the finish reason."""

    index: int
    text: str
    finish_reason: str | None


class Endpoint(ABC):
    name: str  # "chat" | "completion"
    path: str  # the HTTP path
    handle_method: str  # the Ray Serve LLM LLMServer method: "chat" | "completions"
    paraphrases_share_answers: bool  # may a reworded request take a stored answer (the cache's semantic tier)
    prompt_param: str  # the request field that holds the input, for errors about it
    object_name: str  # OpenAI's `object` of a full response
    chunk_object_name: str

    # ---- requests ------------------------------------------------------------------------------

    @abstractmethod
    def messages(self, request: Any) -> list[Message]:
        """The input as chat messages ({role, content}): what the router, cache key, fact checker and
        guardrails read. A text prompt is one user message."""

    def question(self, request: Any) -> str:
        """The last user turn's text (what an answer is checked against)."""
        for message in reversed(self.messages(request)):
            if message.get("role") == "user":
                return content_text(message.get("content"))
        return ""

    @abstractmethod
    def max_tokens(self, request: Any) -> tuple[int | None, str]:
        """(requested completion tokens or None, the field the client set it with)."""

    @abstractmethod
    def map_texts(self, request: Any, change: Callable[[str], str]) -> Any:
        """A copy of the request with every text the model reads passed through `change` (redaction)."""

    @abstractmethod
    def set_piece_text(self, chunk: dict[str, Any], index: int, text: str) -> None:
        """Replace what a stream chunk adds to choice `index` (in place)."""

    def set_piece_finish(self, chunk: dict[str, Any], index: int, finish_reason: str) -> None:
        for choice in chunk.get("choices") or []:
            if choice.get("index", 0) == index:
                choice["finish_reason"] = finish_reason

    # ---- responses -----------------------------------------------------------------------------

    @abstractmethod
    def choice_texts(self, body: dict[str, Any]) -> dict[int, str]:
        """Text of each choice of a full response, by choice index (tool calls have no text)."""

    @abstractmethod
    def replace_choice(self, body: dict[str, Any], index: int, text: str, finish_reason: str) -> None:
        """Replace one choice's answer in place (a blocked answer becomes a refusal)."""

    @abstractmethod
    def chunk_pieces(self, chunk: dict[str, Any]) -> list[ChoicePiece]:
        """What a stream chunk adds to each choice."""

    @abstractmethod
    def chunk_has_structured_output(self, chunk: dict[str, Any]) -> bool:
        """True when a chunk carries more than text (tool calls): such streams are not re-assembled."""

    @abstractmethod
    def _choice(self, index: int, text: str, finish_reason: str | None) -> dict[str, Any]: ...

    @abstractmethod
    def _chunk_choice(self, index: int, text: str | None, finish_reason: str | None, first: bool) -> dict[str, Any]: ...

    def finish_reasons(self, body: dict[str, Any]) -> list[str | None]:
        return [c.get("finish_reason") for c in body.get("choices", [])]

    def assemble(self, chunks: list[dict[str, Any]], usage: dict[str, Any] | None) -> dict[str, Any] | None:
        """The full response a stream amounts to (for the cache), or None when it cannot be rebuilt
        exactly (tool calls, logprobs)."""
        if not chunks:
            return None
        texts: dict[int, list[str]] = {}
        finish: dict[int, str | None] = {}
        for chunk in chunks:
            if self.chunk_has_structured_output(chunk):
                return None
            for piece in self.chunk_pieces(chunk):
                texts.setdefault(piece.index, []).append(piece.text)
                if piece.finish_reason is not None:
                    finish[piece.index] = piece.finish_reason
        first = chunks[0]
        body = {
            "id": first.get("id"),
            "object": self.object_name,
            "created": first.get("created", int(time.time())),
            "model": first.get("model"),
            "choices": [self._choice(i, "".join(texts[i]), finish.get(i)) for i in sorted(texts)],
        }
        if usage is not None:
            body["usage"] = usage
        return body

    def replay(self, body: dict[str, Any]) -> list[dict[str, Any]]:
        """A stored full response as stream chunks (a cache hit for a streaming request): per choice a
        chunk with the whole text, then one with its finish reason."""
        envelope = {"id": body.get("id"), "object": self.chunk_object_name, "created": body.get("created"), "model": body.get("model")}
        chunks = []
        for index, text in self.choice_texts(body).items():
            chunks.append({**envelope, "choices": [self._chunk_choice(index, text, None, first=True)]})
        for choice in body.get("choices", []):
            chunks.append({**envelope, "choices": [self._chunk_choice(choice.get("index", 0), None, choice.get("finish_reason"), first=False)]})
        return chunks


class ChatEndpoint(Endpoint):
    name, path, handle_method, prompt_param = "chat", "/v1/chat/completions", "chat", "messages"
    object_name, chunk_object_name = "chat.completion", "chat.completion.chunk"
    # A reworded question may take a stored answer (the cache's semantic tier).
    paraphrases_share_answers = True

    def messages(self, request: Any) -> list[Message]:
        return [dict(m) if not isinstance(m, dict) else m for m in request.messages]

    def map_texts(self, request: Any, change: Callable[[str], str]) -> Any:
        messages = []
        for message in self.messages(request):
            content = message.get("content")
            if isinstance(content, str):
                content = change(content)
            elif isinstance(content, list):
                content = [{**part, "text": change(part["text"])} if isinstance(part, dict) and part.get("type") == "text" else part
                           for part in content]
            messages.append({**message, "content": content})
        return request.model_copy(update={"messages": messages})

    def set_piece_text(self, chunk: dict[str, Any], index: int, text: str) -> None:
        for choice in chunk.get("choices") or []:
            if choice.get("index", 0) == index:
                choice.setdefault("delta", {})["content"] = text

    def max_tokens(self, request: Any) -> tuple[int | None, str]:
        if getattr(request, "max_completion_tokens", None) is not None:
            return request.max_completion_tokens, "max_completion_tokens"
        # vars(): vLLM marks chat's max_tokens deprecated, and reading the attribute warns on every request.
        return vars(request).get("max_tokens"), "max_tokens"

    def choice_texts(self, body: dict[str, Any]) -> dict[int, str]:
        return {c.get("index", 0): (c.get("message") or {}).get("content") or "" for c in body.get("choices", [])}

    def replace_choice(self, body: dict[str, Any], index: int, text: str, finish_reason: str) -> None:
        for choice in body.get("choices", []):
            if choice.get("index", 0) == index:
                choice["message"] = {"role": "assistant", "content": text}
                choice["finish_reason"] = finish_reason
                choice["logprobs"] = None

    def chunk_pieces(self, chunk: dict[str, Any]) -> list[ChoicePiece]:
        return [
            ChoicePiece(c.get("index", 0), (c.get("delta") or {}).get("content") or "", c.get("finish_reason"))
            for c in chunk.get("choices") or []
        ]

    def chunk_has_structured_output(self, chunk: dict[str, Any]) -> bool:
        return any((c.get("delta") or {}).get("tool_calls") or c.get("logprobs") for c in chunk.get("choices") or [])

    def _choice(self, index: int, text: str, finish_reason: str | None) -> dict[str, Any]:
        return {"index": index, "message": {"role": "assistant", "content": text}, "logprobs": None, "finish_reason": finish_reason}

    def _chunk_choice(self, index: int, text: str | None, finish_reason: str | None, first: bool) -> dict[str, Any]:
        delta = {"role": "assistant", "content": text} if first else {}
        return {"index": index, "delta": delta, "logprobs": None, "finish_reason": finish_reason}


class CompletionEndpoint(Endpoint):
    name, path, handle_method, prompt_param = "completion", "/v1/completions", "completions", "prompt"
    object_name, chunk_object_name = "text_completion", "text_completion"
    # The model continues the prompt verbatim: a trailing newline or a reworded prefix changes the answer,
    # so only the exact key may match.
    paraphrases_share_answers = False

    def messages(self, request: Any) -> list[Message]:
        prompt = request.prompt
        if isinstance(prompt, str):
            return [{"role": "user", "content": prompt}]
        if isinstance(prompt, list) and all(isinstance(p, str) for p in prompt):
            return [{"role": "user", "content": p} for p in prompt]
        # Token ids (or lists of them): no text to read, but still an exact description for cache keys.
        return [{"role": "user", "content": [{"type": "token_ids", "token_ids": json.dumps(prompt)}]}]

    def max_tokens(self, request: Any) -> tuple[int | None, str]:
        return request.max_tokens, "max_tokens"

    def map_texts(self, request: Any, change: Callable[[str], str]) -> Any:
        prompt = request.prompt
        if isinstance(prompt, str):
            prompt = change(prompt)
        elif isinstance(prompt, list) and all(isinstance(p, str) for p in prompt):
            prompt = [change(p) for p in prompt]
        return request.model_copy(update={"prompt": prompt})  # token ids: no text to read

    def set_piece_text(self, chunk: dict[str, Any], index: int, text: str) -> None:
        for choice in chunk.get("choices") or []:
            if choice.get("index", 0) == index:
                choice["text"] = text

    def choice_texts(self, body: dict[str, Any]) -> dict[int, str]:
        return {c.get("index", 0): c.get("text") or "" for c in body.get("choices", [])}

    def replace_choice(self, body: dict[str, Any], index: int, text: str, finish_reason: str) -> None:
        for choice in body.get("choices", []):
            if choice.get("index", 0) == index:
                choice["text"], choice["finish_reason"], choice["logprobs"] = text, finish_reason, None

    def chunk_pieces(self, chunk: dict[str, Any]) -> list[ChoicePiece]:
        return [ChoicePiece(c.get("index", 0), c.get("text") or "", c.get("finish_reason")) for c in chunk.get("choices") or []]

    def chunk_has_structured_output(self, chunk: dict[str, Any]) -> bool:
        return any(c.get("logprobs") for c in chunk.get("choices") or [])

    def _choice(self, index: int, text: str, finish_reason: str | None) -> dict[str, Any]:
        return {"index": index, "text": text, "logprobs": None, "finish_reason": finish_reason}

    def _chunk_choice(self, index: int, text: str | None, finish_reason: str | None, first: bool) -> dict[str, Any]:
        return {"index": index, "text": text or "", "logprobs": None, "finish_reason": finish_reason}


CHAT = ChatEndpoint()
COMPLETION = CompletionEndpoint()
ENDPOINTS: dict[str, Endpoint] = {endpoint.name: endpoint for endpoint in (CHAT, COMPLETION)}
