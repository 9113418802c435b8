"""API keys: hashed storage, authentication errors, expiry, revocation, rotation, allow-lists."""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime, timedelta, timezone

import pytest
from pydantic import ValidationError

from tenancy import ApiKey, ExpiredKey, InvalidKey, KeyNotFound, KeyStore, ModelNotAllowed, RevokedKey, connect
from tenancy.keys import PEPPER_ENV, SECRET_PREFIX, hash_secret


class Clock:
    def __init__(self):
        self.now = datetime(2026, 5, 17, 12, 0, tzinfo=timezone.utc)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def store(redis_server, clock):
    return KeyStore(connect(redis_server.url), "t", clock=clock)


def _every_stored_byte(client) -> bytes:
    """All keys and values in Redis, whatever their type, as one blob."""
    blob = []
    for name in client.keys("*"):
        blob.append(name)
        kind = client.type(name)
        if kind == b"string":
            blob.append(client.get(name))
        elif kind == b"set":
            blob.extend(client.smembers(name))
        elif kind == b"hash":
            for field, value in client.hgetall(name).items():
                blob += [field, value]
        elif kind == b"zset":
            blob.extend(member for member, _ in client.zrange(name, 0, -1, withscores=True))
        elif kind == b"list":
            blob.extend(client.lrange(name, 0, -1))
    return b"\n".join(blob)


def test_secret_is_shown_once_and_stored_only_as_its_sha256(store, redis_server):
    record, secret = store.create("acme", rpm=60)
    assert secret.startswith(SECRET_PREFIX) and len(secret) >= len(SECRET_PREFIX) + 43  # 32 bytes, base64
    stored = _every_stored_byte(redis_server.client())
    assert secret.encode() not in stored
    assert secret[len(SECRET_PREFIX):].encode() not in stored  # not the random part alone either
    assert hashlib.sha256(secret.encode()).hexdigest().encode() in stored
    assert store.authenticate(secret) == record


def test_pepper_switches_the_digest_to_hmac(store, redis_server, monkeypatch):
    monkeypatch.setenv(PEPPER_ENV, "server-side-pepper")
    _, secret = store.create("acme")
    stored = _every_stored_byte(redis_server.client())
    assert hmac.new(b"server-side-pepper", secret.encode(), hashlib.sha256).hexdigest().encode() in stored
    assert hashlib.sha256(secret.encode()).hexdigest().encode() not in stored
    assert store.authenticate(secret).tenant == "acme"
    monkeypatch.setenv(PEPPER_ENV, "another-pepper")  # a changed pepper invalidates every key
    with pytest.raises(InvalidKey):
        store.authenticate(secret)


def test_secrets_differ_and_unknown_or_malformed_secrets_are_invalid(store):
    (_, first), (_, second) = store.create("a"), store.create("a")
    assert first != second
    for presented in ["", "Bearer x", "sk-other", second[:-1] + ("A" if second[-1] != "A" else "B")]:
        with pytest.raises(InvalidKey) as caught:
            store.authenticate(presented)
        assert caught.value.http_status == 401 and caught.value.code == "invalid_api_key"


def test_expired_key_is_refused_from_its_expiry_on(store, clock):
    record, secret = store.create("acme", expires_in_days=30)
    assert record.expires_at == clock.now + timedelta(days=30)
    clock.now += timedelta(days=30) - timedelta(seconds=1)
    assert store.authenticate(secret).key_id == record.key_id
    clock.now += timedelta(seconds=1)
    with pytest.raises(ExpiredKey) as caught:
        store.authenticate(secret)
    assert caught.value.http_status == 401


def test_revoked_key_is_refused_by_every_store_at_once(store, redis_server):
    record, secret = store.create("acme")
    other_replica = KeyStore(connect(redis_server.url), "t")
    assert other_replica.authenticate(secret).key_id == record.key_id
    revoked = store.revoke(record.key_id)
    assert revoked.revoked
    for replica in (store, other_replica):
        with pytest.raises(RevokedKey):
            replica.authenticate(secret)
    with pytest.raises(RevokedKey):
        store.rotate(record.key_id)  # a revoked key stays revoked


def test_rotation_keeps_the_record_and_retires_the_old_secret(store):
    record, old_secret = store.create("acme", rpm=7, tpm=700, budget_usd=1.5, models=["small"])
    rotated, new_secret = store.rotate(record.key_id)
    assert new_secret != old_secret
    assert rotated.model_dump(exclude={"hint"}) == record.model_dump(exclude={"hint"})
    assert rotated.hint.endswith(new_secret[-4:])
    with pytest.raises(InvalidKey):
        store.authenticate(old_secret)
    assert store.authenticate(new_secret).key_id == record.key_id


def test_unknown_key_id_raises_key_not_found(store):
    with pytest.raises(KeyNotFound):
        store.revoke("key_missing")
    with pytest.raises(KeyNotFound):
        store.rotate("key_missing")


def test_list_returns_records_oldest_first_filtered_by_tenant(store, clock):
    created = []
    for tenant in ("a", "b", "a"):
        clock.now += timedelta(seconds=1)
        created.append(store.create(tenant)[0])
    listed = store.list()
    assert {record.key_id for record in listed} == {record.key_id for record in created}
    assert [record.key_id for record in store.list(tenant="a")] == [created[0].key_id, created[2].key_id]
    assert all("secret" not in record.model_dump() for record in listed)


def test_model_allow_list(store):
    everything, _ = store.create("a")
    assert all(everything.allows(model) for model in ("auto", "small", "large"))
    small_only, _ = store.create("b", models=["small", "auto"])
    assert small_only.allows("small") and small_only.allows("auto") and not small_only.allows("large")
    assert small_only.allowed_pools() == ("small",)  # 'auto' may only route to an allowed pool
    with pytest.raises(ModelNotAllowed) as caught:
        small_only.check_model("large")
    assert caught.value.http_status == 403 and "large" in str(caught.value)
    assert ApiKey(key_id="k", tenant="t", models=["auto"]).allowed_pools() == ("small", "large")


def test_bad_fields_are_refused_with_their_name(store):
    with pytest.raises(ValidationError, match="models"):
        store.create("a", models=["huge"])
    with pytest.raises(ValidationError, match="rpm"):
        store.create("a", rpm=0)
    with pytest.raises(ValidationError, match="budget_period"):
        store.create("a", budget_period="week")


def test_hash_secret_matches_the_documented_digests():
    assert hash_secret("sk-ls-x", pepper="") == hashlib.sha256(b"sk-ls-x").hexdigest()
    assert hash_secret("sk-ls-x", pepper="p") == hmac.new(b"p", b"sk-ls-x", hashlib.sha256).hexdigest()
