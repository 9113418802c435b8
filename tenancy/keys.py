"""API keys: records in Redis, secrets never stored.

A secret is `sk-ls-` + 32 random bytes (urlsafe base64, 256 bits), shown once by `create`/`rotate`.
Redis holds only its digest: SHA-256 of the secret, or HMAC-SHA256 keyed with a server-side pepper
when the environment variable LLM_SERVE_KEY_PEPPER is set. A slow KDF (bcrypt, argon2) protects
low-entropy passwords against guessing; a 256-bit random secret cannot be guessed, so a fast digest
is as safe and keeps authentication at one Redis GET. The pepper adds that a copy of Redis alone is
not enough to check a leaked secret against it; changing the pepper invalidates every key.

Redis layout (prefix p):
    {p}:key:<key_id>      JSON of the `ApiKey` record plus `secret_hash`
    {p}:hash:<digest>     key_id (the lookup from a presented secret)
    {p}:keys              set of every key_id (for `list`)
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
import threading
from collections import OrderedDict
from collections.abc import Callable
from datetime import datetime, timedelta, timezone

import redis
from pydantic import BaseModel, ConfigDict, Field, field_validator

from tenancy.config import BudgetPeriod, ModelName
from tenancy.errors import ExpiredKey, InvalidKey, KeyNotFound, LimitsUnavailable, ModelNotAllowed, RevokedKey
from tenancy.outage import RedisGuard

SECRET_PREFIX = "sk-ls-"
PEPPER_ENV = "LLM_SERVE_KEY_PEPPER"
_SECRET_BYTES = 32


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def new_secret() -> str:
    """`sk-ls-` + 43 urlsafe characters (32 random bytes from `secrets`)."""
    return SECRET_PREFIX + base64.urlsafe_b64encode(secrets.token_bytes(_SECRET_BYTES)).decode().rstrip("=")


def hash_secret(secret: str, pepper: str | None = None) -> str:
    """Hex digest stored for `secret`: HMAC-SHA256(pepper, secret) when a pepper is given or set in
    LLM_SERVE_KEY_PEPPER, else SHA-256(secret). Also the form of `TenancyConfig.admin_key_hash`."""
    if pepper is None:
        pepper = os.environ.get(PEPPER_ENV)
    if pepper:
        return hmac.new(pepper.encode(), secret.encode(), hashlib.sha256).hexdigest()
    return hashlib.sha256(secret.encode()).hexdigest()


def secret_matches(secret: str, expected_hash: str | None) -> bool:
    """Constant-time check of a presented secret against a stored hash (e.g. the admin key)."""
    return bool(expected_hash) and hmac.compare_digest(hash_secret(secret), expected_hash)


class ApiKey(BaseModel):
    """One API key's record (everything but the secret). Limits are per key; spend is per tenant.

    `models`: names the key may request (None: all). `rpm`/`tpm`: requests / tokens (prompt +
    completion) per `TenancyConfig.window_s` (None: unlimited). `budget_usd` per `budget_period`
    (None: unlimited): 'day' and 'month' are UTC calendar periods, 'total' never resets."""

    model_config = ConfigDict(extra="forbid")

    key_id: str
    tenant: str = Field(min_length=1, max_length=128)
    models: list[ModelName] | None = None
    rpm: int | None = Field(None, ge=1)
    tpm: int | None = Field(None, ge=1)
    budget_usd: float | None = Field(None, ge=0)
    budget_period: BudgetPeriod = "month"
    expires_at: datetime | None = None
    created_at: datetime = Field(default_factory=utcnow)
    revoked: bool = False
    hint: str = Field("", description="`sk-ls-…` + the secret's last 4 characters, to tell keys apart in listings.")

    @field_validator("expires_at", "created_at")
    @classmethod
    def _utc(cls, value: datetime | None) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value.astimezone(timezone.utc)

    def allows(self, model: str) -> bool:
        """True when this key may request `model` ('auto', 'small', 'large')."""
        return self.models is None or model in self.models

    def check_model(self, model: str) -> None:
        """Raises ModelNotAllowed (403) unless `allows(model)`."""
        if not self.allows(model):
            allowed = ", ".join(self.models or [])
            raise ModelNotAllowed(f"this API key may not use model '{model}' (allowed: {allowed})")

    def allowed_pools(self, pools: tuple[str, ...] = ("small", "large")) -> tuple[str, ...]:
        """The pools that model='auto' may route this key to (all when 'auto' alone is allowed: 'auto'
        means the router chooses). Failover must stay within these too."""
        if self.models is None or set(self.models) <= {"auto"}:
            return pools
        return tuple(pool for pool in pools if pool in self.models)

    def is_expired(self, now: datetime | None = None) -> bool:
        return self.expires_at is not None and (now or utcnow()) >= self.expires_at


def _hint(secret: str) -> str:
    return f"{SECRET_PREFIX}…{secret[-4:]}"


class KeyStore:
    """Create, authenticate, list, revoke and rotate keys in Redis (shared by every process).

    `redis_client`: a redis.Redis (see `tenancy.outage.connect`). Redis errors raise LimitsUnavailable.
    With a fail-open `guard`, `authenticate` serves keys this process verified before from memory while
    Redis is down (a secret it never saw is still refused: without Redis it cannot be told from a guess)."""

    def __init__(
        self,
        redis_client: redis.Redis,
        prefix: str = "llmtenancy",
        guard: RedisGuard | None = None,
        known_keys_cache: int = 10_000,
        clock: Callable[[], datetime] = utcnow,
    ):
        self._redis = redis_client
        self._prefix = prefix
        self._guard = guard or RedisGuard()
        self._clock = clock
        self._known: OrderedDict[str, ApiKey] = OrderedDict()
        self._known_max = known_keys_cache
        self._known_lock = threading.Lock()

    # ---- keys ---------------------------------------------------------------------------------

    def _record_key(self, key_id: str) -> str:
        return f"{self._prefix}:key:{key_id}"

    def _hash_key(self, digest: str) -> str:
        return f"{self._prefix}:hash:{digest}"

    @property
    def _ids_key(self) -> str:
        return f"{self._prefix}:keys"

    # ---- operations ---------------------------------------------------------------------------

    def create(
        self,
        tenant: str,
        models: list[str] | None = None,
        rpm: int | None = None,
        tpm: int | None = None,
        budget_usd: float | None = None,
        budget_period: str = "month",
        expires_at: datetime | None = None,
        expires_in_days: float | None = None,
    ) -> tuple[ApiKey, str]:
        """-> (record, secret). The secret is returned this once; Redis keeps only its hash.
        Raises pydantic.ValidationError on a bad field (unknown model, negative limit)."""
        if expires_in_days is not None:
            expires_at = self._clock() + timedelta(days=expires_in_days)
        secret = new_secret()
        record = ApiKey(
            key_id="key_" + secrets.token_hex(8), tenant=tenant, models=models, rpm=rpm, tpm=tpm,
            budget_usd=budget_usd, budget_period=budget_period, expires_at=expires_at, created_at=self._clock(),
            hint=_hint(secret),
        )
        digest = hash_secret(secret)

        def write():
            pipe = self._redis.pipeline(transaction=True)
            pipe.set(self._record_key(record.key_id), self._dump(record, digest))
            pipe.set(self._hash_key(digest), record.key_id)
            pipe.sadd(self._ids_key, record.key_id)
            pipe.execute()

        self._guard.call(write)
        return record, secret

    def authenticate(self, secret: str) -> ApiKey:
        """-> the key's record. Raises InvalidKey, ExpiredKey, RevokedKey (all 401), LimitsUnavailable."""
        if not secret or not secret.startswith(SECRET_PREFIX):
            raise InvalidKey("invalid API key")  # no Redis round trip for what cannot be one of ours
        digest = hash_secret(secret)
        try:
            record = self._guard.call(lambda: self._lookup(digest))
        except LimitsUnavailable:
            if not self._guard.fail_open:
                raise
            with self._known_lock:
                record = self._known.get(digest)
            if record is None:
                raise
        if record is None:
            raise InvalidKey("invalid API key")
        if record.revoked:
            raise RevokedKey(f"API key {record.key_id} was revoked")
        if record.is_expired(self._clock()):
            raise ExpiredKey(f"API key {record.key_id} expired at {record.expires_at.isoformat()}")
        self._remember(digest, record)
        return record

    def get(self, key_id: str) -> ApiKey:
        """-> the record of `key_id`. Raises KeyNotFound."""
        raw = self._guard.call(lambda: self._redis.get(self._record_key(key_id)))
        if raw is None:
            raise KeyNotFound(f"no API key {key_id}")
        return self._load(raw)[0]

    def list(self, tenant: str | None = None) -> list[ApiKey]:
        """Every key (revoked and expired included), oldest first; only `tenant`'s when given."""

        def read():
            ids = sorted(member.decode() for member in self._redis.smembers(self._ids_key))
            return self._redis.mget([self._record_key(key_id) for key_id in ids]) if ids else []

        records = [self._load(raw)[0] for raw in self._guard.call(read) if raw is not None]
        if tenant is not None:
            records = [record for record in records if record.tenant == tenant]
        return sorted(records, key=lambda record: (record.created_at, record.key_id))

    def revoke(self, key_id: str) -> ApiKey:
        """Marks the key revoked (its secret then raises RevokedKey everywhere at once). Raises KeyNotFound."""
        return self._update(key_id, lambda record, digest: (record.model_copy(update={"revoked": True}), digest, None))

    def rotate(self, key_id: str) -> tuple[ApiKey, str]:
        """-> (record, new secret): same key_id, tenant, limits and spend; the old secret stops working
        (InvalidKey) at once. Raises KeyNotFound, RevokedKey (a revoked key stays revoked)."""
        secret = new_secret()

        def change(record: ApiKey, digest: str):
            if record.revoked:
                raise RevokedKey(f"API key {key_id} is revoked; create a new one")
            return record.model_copy(update={"hint": _hint(secret)}), hash_secret(secret), digest

        return self._update(key_id, change), secret

    # ---- internals ----------------------------------------------------------------------------

    def _lookup(self, digest: str) -> ApiKey | None:
        key_id = self._redis.get(self._hash_key(digest))
        if key_id is None:
            return None
        raw = self._redis.get(self._record_key(key_id.decode()))
        return None if raw is None else self._load(raw)[0]

    def _update(self, key_id: str, change) -> ApiKey:
        """Read-modify-write of one record under WATCH (two admins at once cannot lose an update)."""
        record_key = self._record_key(key_id)

        def transaction(pipe):
            raw = pipe.get(record_key)
            if raw is None:
                raise KeyNotFound(f"no API key {key_id}")
            record, digest = self._load(raw)
            new_record, new_digest, old_digest = change(record, digest)
            pipe.multi()
            pipe.set(record_key, self._dump(new_record, new_digest))
            if old_digest is not None:
                pipe.delete(self._hash_key(old_digest))
                pipe.set(self._hash_key(new_digest), key_id)
            result.append(new_record)

        result: list[ApiKey] = []
        self._guard.call(lambda: self._redis.transaction(transaction, record_key))
        with self._known_lock:  # a rotated or revoked key must not live on in this process's memory
            for digest, known in list(self._known.items()):
                if known.key_id == key_id:
                    del self._known[digest]
        return result[-1]

    def _remember(self, digest: str, record: ApiKey) -> None:
        if self._known_max <= 0:
            return
        with self._known_lock:
            self._known[digest] = record
            self._known.move_to_end(digest)
            while len(self._known) > self._known_max:
                self._known.popitem(last=False)

    @staticmethod
    def _dump(record: ApiKey, digest: str) -> str:
        return json.dumps({**record.model_dump(mode="json"), "secret_hash": digest})

    @staticmethod
    def _load(raw: bytes) -> tuple[ApiKey, str]:
        data = json.loads(raw)
        digest = data.pop("secret_hash")
        return ApiKey.model_validate(data), digest
