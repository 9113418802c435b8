"""Typed errors of tenancy. Each carries the HTTP status and OpenAI error `type`/`code` the ingress
answers with, so the ingress maps them with one handler instead of one branch per class."""

from __future__ import annotations


class TenancyError(Exception):
    http_status = 400
    error_type = "invalid_request_error"
    code: str | None = None


class AuthError(TenancyError):
    """The caller is not authenticated (401)."""

    http_status = 401
    error_type = "invalid_request_error"
    code = "invalid_api_key"


class MissingKey(AuthError):
    """No API key was sent and anonymous traffic is not allowed."""


class InvalidKey(AuthError):
    """No key has this secret (never issued, mistyped, or replaced by `rotate`)."""


class ExpiredKey(AuthError):
    """The key's `expires_at` has passed."""

    code = "expired_api_key"


class RevokedKey(AuthError):
    """The key was revoked."""

    code = "revoked_api_key"


class ModelNotAllowed(TenancyError):
    """The key may not use the requested model (403)."""

    http_status = 403
    error_type = "permission_error"
    code = "model_not_allowed"


class KeyNotFound(TenancyError, LookupError):
    """No key has this key_id (admin operations: revoke, rotate)."""

    http_status = 404
    code = "key_not_found"


class LimitsUnavailable(TenancyError):
    """Redis cannot be reached and the configuration is fail-closed (503 with Retry-After)."""

    http_status = 503
    error_type = "server_error"
    code = "limits_unavailable"

    def __init__(self, message: str = "rate limits are unavailable (Redis unreachable)", retry_after_s: float = 1.0):
        super().__init__(message)
        self.retry_after_s = retry_after_s
