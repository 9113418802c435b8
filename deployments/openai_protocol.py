"""OpenAI-compatible request and response shapes, and the error body every 4xx/5xx uses.

Requests are validated here (pydantic) so that anything a client got wrong becomes a 4xx that names
the offending field, never a 500."""

from __future__ import annotations

import json
import time
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator
from starlette.responses import JSONResponse

ALLOWED_ROLES = ("system", "developer", "user", "assistant")


class APIError(Exception):
    """An error the client should see, in OpenAI's error shape."""

    def __init__(
        self,
        status_code: int,
        message: str,
        *,
        type: str = "invalid_request_error",
        param: str | None = None,
        code: str | None = None,
        headers: dict[str, str] | None = None,
    ):
        super().__init__(message)
        self.status_code, self.message, self.type, self.param, self.code = status_code, message, type, param, code
        self.headers = headers or {}

    @classmethod
    def unavailable(cls, message: str, code: str, retry_after_s: int) -> "APIError":
        """503 with Retry-After: the answer to capacity or dependency failures, never a hang or a 500."""
        return cls(503, message, type="server_error", code=code, headers={"Retry-After": str(retry_after_s)})

    def body(self) -> dict[str, Any]:
        return {"error": {"message": self.message, "type": self.type, "param": self.param, "code": self.code}}

    def response(self, extra_headers: dict[str, str] | None = None) -> JSONResponse:
        return JSONResponse(self.body(), status_code=self.status_code, headers={**self.headers, **(extra_headers or {})})


class _Request(BaseModel):
    # OpenAI refuses unrecognized arguments; so do we, so a misspelt `max_token` is not silently ignored.
    model_config = ConfigDict(extra="forbid")


class TextPart(BaseModel):
    model_config = ConfigDict(extra="forbid")
    type: Literal["text"]
    text: str


class ChatMessage(BaseModel):
    model_config = ConfigDict(extra="ignore")  # clients echo back fields such as `name` or `refusal`

    role: str
    content: str | list[TextPart] | None = None

    @field_validator("role")
    @classmethod
    def _known_role(cls, role: str) -> str:
        if role not in ALLOWED_ROLES:
            raise ValueError(f"unknown role '{role}'; expected one of {', '.join(ALLOWED_ROLES)}")
        return role

    @property
    def text(self) -> str:
        if isinstance(self.content, list):
            return "".join(part.text for part in self.content)
        return self.content or ""

    def plain(self) -> dict[str, str]:
        # Chat templates know system/user/assistant; OpenAI's newer 'developer' role is a system prompt.
        return {"role": "system" if self.role == "developer" else self.role, "content": self.text}


class StreamOptions(BaseModel):
    model_config = ConfigDict(extra="forbid")
    include_usage: bool = False


class _SamplingFields(_Request):
    model: str = Field(min_length=1)
    max_tokens: int | None = Field(None, ge=1)
    temperature: float = Field(1.0, ge=0.0, le=2.0)
    top_p: float = Field(1.0, gt=0.0, le=1.0)
    n: int = Field(1, ge=1, le=1, description="Only one choice per request is supported.")
    stop: str | list[str] | None = None
    seed: int | None = None
    stream: bool = False
    stream_options: StreamOptions | None = None
    user: str | None = None

    @field_validator("stop")
    @classmethod
    def _at_most_four_stops(cls, stop: str | list[str] | None) -> str | list[str] | None:
        if isinstance(stop, list) and len(stop) > 4:
            raise ValueError("at most 4 stop sequences are allowed")
        return stop

    @property
    def stop_list(self) -> list[str]:
        if self.stop is None:
            return []
        return [self.stop] if isinstance(self.stop, str) else list(self.stop)

    @property
    def include_usage_in_stream(self) -> bool:
        return bool(self.stream_options and self.stream_options.include_usage)


class ChatCompletionRequest(_SamplingFields):
    messages: list[ChatMessage] = Field(min_length=1)
    max_completion_tokens: int | None = Field(None, ge=1)

    @model_validator(mode="after")
    def _one_max_tokens(self) -> "ChatCompletionRequest":
        # The newer OpenAI name for max_tokens; accept either, not both.
        if self.max_completion_tokens is not None:
            if self.max_tokens is not None:
                raise ValueError("set max_tokens or max_completion_tokens, not both")
            self.max_tokens = self.max_completion_tokens
        return self

    def plain_messages(self) -> list[dict[str, str]]:
        return [m.plain() for m in self.messages]


class CompletionRequest(_SamplingFields):
    prompt: str = Field(min_length=1)
    max_tokens: int | None = Field(16, ge=1)  # OpenAI's default for /v1/completions


def parse_request(raw: bytes, model: type[BaseModel]) -> BaseModel:
    """Parse and validate a JSON body, turning every failure into a 400 that names the field."""
    try:
        data = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise APIError(400, f"request body is not valid JSON: {error}", code="invalid_json") from None
    if not isinstance(data, dict):
        raise APIError(400, "request body must be a JSON object", code="invalid_json")
    try:
        return model.model_validate(data)
    except ValidationError as error:
        first = error.errors()[0]
        param = ".".join(str(part) for part in first["loc"]) or None
        if first["type"] == "extra_forbidden":
            message = f"Unrecognized request argument supplied: {param}"
        elif first["type"] == "missing":
            message = f"Missing required parameter: '{param}'"
        elif param is None:  # a rule about the whole body, such as "prompt or messages"
            message = f"Invalid request: {first['msg']}"
        else:
            message = f"Invalid value for '{param}': {first['msg']}"
        raise APIError(400, message, param=param, code=first["type"]) from None


def usage_body(prompt_tokens: int, completion_tokens: int) -> dict[str, int]:
    return {
        "prompt_tokens": prompt_tokens,
        "completion_tokens": completion_tokens,
        "total_tokens": prompt_tokens + completion_tokens,
    }


def _envelope(kind: str, request_id: str, model: str, choice: dict[str, Any]) -> dict[str, Any]:
    """The fields every OpenAI completion object and chunk shares, around one choice."""
    id_prefix = "chatcmpl" if kind.startswith("chat.") else "cmpl"
    return {
        "id": f"{id_prefix}-{request_id}",
        "object": kind,
        "created": int(time.time()),
        "model": model,
        "choices": [{"index": 0, **choice, "logprobs": None}],
    }


def chat_completion_body(
    request_id: str, model: str, text: str, finish_reason: str | None, prompt_tokens: int, completion_tokens: int
) -> dict[str, Any]:
    choice = {"message": {"role": "assistant", "content": text}, "finish_reason": finish_reason}
    return {**_envelope("chat.completion", request_id, model, choice), "usage": usage_body(prompt_tokens, completion_tokens)}


def text_completion_body(
    request_id: str, model: str, text: str, finish_reason: str | None, prompt_tokens: int, completion_tokens: int
) -> dict[str, Any]:
    choice = {"text": text, "finish_reason": finish_reason}
    return {**_envelope("text_completion", request_id, model, choice), "usage": usage_body(prompt_tokens, completion_tokens)}


def chat_chunk_body(request_id: str, model: str, delta: dict[str, str], finish_reason: str | None) -> dict[str, Any]:
    return _envelope("chat.completion.chunk", request_id, model, {"delta": delta, "finish_reason": finish_reason})


def text_chunk_body(request_id: str, model: str, text: str, finish_reason: str | None) -> dict[str, Any]:
    return _envelope("text_completion", request_id, model, {"text": text, "finish_reason": finish_reason})


def sse_event(payload: dict[str, Any] | str) -> str:
    data = payload if isinstance(payload, str) else json.dumps(payload, separators=(",", ":"))
    return f"data: {data}\n\n"
