"""The Tenancy facade: anonymous traffic, missing keys, the admin key, disabled tenancy, status."""

from __future__ import annotations

import pytest

from tenancy import ANONYMOUS_TENANT, MissingKey, Tenancy, TenancyConfig, bearer_secret, hash_secret


def test_anonymous_traffic_only_when_allowed(make_tenancy):
    closed = make_tenancy()
    with pytest.raises(MissingKey) as caught:
        closed.authenticate(None)
    assert caught.value.http_status == 401
    assert closed.status()["auth"] is True

    open_ = make_tenancy(allow_anonymous=True, anonymous={"rpm": 1, "tpm": 100, "models": ["small"]})
    key = open_.authenticate(None)
    assert key.tenant == ANONYMOUS_TENANT and not key.allows("large")
    assert open_.admit(key, 10).allowed and open_.admit(key, 10).reason == "rpm"  # all anonymous callers share one limit
    assert open_.status()["auth"] is False and open_.status()["anonymous_allowed"] is True
    _, secret = open_.keys.create("acme")
    assert open_.authenticate(secret).tenant == "acme"  # a key that is sent is still checked


def test_disabled_tenancy_needs_no_redis():
    tenancy = Tenancy(TenancyConfig(enabled=False, redis_url="redis://127.0.0.1:1/0"))  # nothing listens there
    key = tenancy.authenticate(None)
    admission = tenancy.admit(key, 10_000, 100.0)
    assert admission.allowed and admission.headers == {}
    tenancy.settle(admission, 1, 1, 1.0)
    assert tenancy.status()["limits"] is False and "disabled" in tenancy.describe()


def test_admin_key_is_checked_against_its_hash(make_tenancy):
    tenancy = make_tenancy(admin_key_hash=hash_secret("sk-ls-admin-secret"))
    assert tenancy.is_admin("sk-ls-admin-secret")
    assert not tenancy.is_admin("sk-ls-admin-secreT") and not tenancy.is_admin(None)
    assert not make_tenancy().is_admin("sk-ls-admin-secret")  # no admin_key_hash: no admin


@pytest.mark.parametrize("header, secret", [
    ("Bearer sk-ls-abc", "sk-ls-abc"), ("bearer  sk-ls-abc ", "sk-ls-abc"), ("sk-ls-abc", "sk-ls-abc"),
    (None, None), ("", None), ("Bearer ", None),
])
def test_bearer_secret(header, secret):
    assert bearer_secret(header) == secret
