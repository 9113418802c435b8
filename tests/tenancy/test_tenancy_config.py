"""TenancyConfig: wrong fields fail with their name."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from tenancy import TenancyConfig, hash_secret


def test_unknown_field_is_refused_by_name():
    with pytest.raises(ValidationError, match="fail_opne"):
        TenancyConfig(fail_opne=True)
    with pytest.raises(ValidationError, match="rmp"):
        TenancyConfig(anonymous={"rmp": 5})


@pytest.mark.parametrize("fields, name", [
    ({"redis_url": "http://localhost:6379"}, "redis_url"),
    ({"admin_key_hash": "sk-ls-the-key-itself"}, "admin_key_hash"),
    ({"redis_timeout_s": 2.0, "redis_retry_interval_s": 1.0}, "redis_timeout_s"),
    ({"window_s": 0}, "window_s"),
    ({"anonymous": {"models": ["huge"]}}, "models"),
])
def test_bad_values_name_their_field(fields, name):
    with pytest.raises(ValidationError, match=name):
        TenancyConfig(**fields)


def test_defaults_are_fail_closed_with_keys_required():
    config = TenancyConfig(admin_key_hash=hash_secret("sk-ls-admin", pepper=""))
    assert config.enabled and not config.fail_open and not config.allow_anonymous
