"""Encryption at rest of the cache entries kept in Redis: AES-256-GCM (the `cryptography` package).

The key comes from the environment (`LLM_SERVE_CACHE_KEY` by default): 32 random bytes, URL-safe
base64, e.g. `python -c "import base64, os; print(base64.urlsafe_b64encode(os.urandom(32)).decode())"`.
Each field is sealed as b"g1" + 12-byte random nonce + ciphertext+tag, with the entry key and the field
name as associated data, so a sealed value cannot be moved to another entry or field. A value that
does not open with the current key (the key was rotated, the entry was written in clear, or it was
tampered with) raises `Unreadable`; the backend then treats the entry as a miss.
"""

from __future__ import annotations

import base64
import binascii
import logging
import os
from typing import Literal

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

logger = logging.getLogger(__name__)

MARKER = b"g1"
NONCE_BYTES = 12


class Unreadable(Exception):
    """A sealed value that the current key cannot open."""


class EntryCipher:
    """Seals and opens the fields of one entry with AES-256-GCM."""

    def __init__(self, key: bytes):
        if len(key) != 32:
            raise ValueError(f"cache encryption key must be 32 bytes, got {len(key)}")
        self._aead = AESGCM(key)

    @classmethod
    def from_text(cls, text: str) -> "EntryCipher":
        """From URL-safe base64 of 32 bytes; raises ValueError naming the problem."""
        try:
            key = base64.urlsafe_b64decode(text.strip().encode("ascii"))
        except (binascii.Error, ValueError, UnicodeEncodeError) as error:
            raise ValueError(f"cache encryption key is not URL-safe base64: {error}") from None
        return cls(key)

    def seal(self, value: bytes, entry_key: str, field: str) -> bytes:
        nonce = os.urandom(NONCE_BYTES)
        return MARKER + nonce + self._aead.encrypt(nonce, value, f"{entry_key}\0{field}".encode())

    def open(self, sealed: bytes, entry_key: str, field: str) -> bytes:
        if not sealed.startswith(MARKER) or len(sealed) < len(MARKER) + NONCE_BYTES + 16:
            raise Unreadable(f"{field} of {entry_key} is not sealed")
        nonce = sealed[len(MARKER) : len(MARKER) + NONCE_BYTES]
        try:
            return self._aead.decrypt(nonce, sealed[len(MARKER) + NONCE_BYTES :], f"{entry_key}\0{field}".encode())
        except InvalidTag:
            raise Unreadable(f"{field} of {entry_key} does not open with the current key") from None


def cipher_from_environment(variable: str, mode: Literal["required", "optional"]) -> EntryCipher | None:
    """The cipher for the key in `variable`; None when it is unset and `mode` is "optional" (entries
    are then stored in clear, with a warning). Raises ValueError when it is required but unset, or set
    but malformed."""
    text = os.environ.get(variable, "")
    if not text.strip():
        if mode == "required":
            raise ValueError(f"cache encryption is required but the environment variable {variable} is not set")
        logger.warning("%s is not set: Redis cache entries are stored unencrypted", variable)
        return None
    try:
        return EntryCipher.from_text(text)
    except ValueError as error:
        raise ValueError(f"{variable}: {error}") from None
