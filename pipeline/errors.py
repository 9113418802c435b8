"""`APIError`: every error a client sees, in OpenAI's shape `{"error": {"message", "type", "param", "code"}}`.

Raised anywhere in the pipeline; the HTTP layer renders it with its status code and headers."""

from __future__ import annotations

from typing import Any

# A request larger than the caller's whole tokens-per-minute window: it can never be admitted, so it is a
# 400 (the client must lower max_tokens, n or the input), not a 429 that clients retry. OpenAI answers 429.
REQUEST_TOO_LARGE = "request_too_large"


class APIError(Exception):
    """An error the client should see. 4xx for anything the client controls; 429/503 carry Retry-After."""

    def __init__(
        self,
        status_code: int,
        message: str,
        *,
        type: str | None = None,
        param: str | None = None,
        code: str | None = None,
        headers: dict[str, str] | None = None,
    ):
        super().__init__(message)
        self.status_code, self.message, self.param, self.code = status_code, message, param, code
        self.type = type or ("invalid_request_error" if status_code < 500 else "server_error")
        self.headers = dict(headers or {})

    @classmethod
    def unavailable(cls, message: str, code: str, retry_after_s: int) -> "APIError":
        """503 with Retry-After: the answer to capacity or dependency failures, never a hang or a 500."""
        return cls(503, message, type="server_error", code=code, headers={"Retry-After": str(retry_after_s)})

    def body(self) -> dict[str, Any]:
        return {"error": {"message": self.message, "type": self.type, "param": self.param, "code": self.code}}


class PoolUnavailable(Exception):
    """A model pool could not take or finish the request: `reason` is 'overloaded' (its queue is full) or
    'unavailable' (no healthy replica, or the replica died). Raised by the pools collaborator; the
    pipeline fails over to another pool when no token has gone out yet."""

    def __init__(self, reason: str, detail: str = ""):
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
