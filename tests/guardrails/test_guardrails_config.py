import pytest
from pydantic import ValidationError

from guardrails import GuardrailsConfig


@pytest.mark.parametrize("config, field", [
    ({"enabld": True}, "enabld"),
    ({"scanners": {"pii": {"input": "redact", "mode": "x"}}}, "mode"),
    ({"scanners": {"pii": {"input": "erase"}}}, "input"),
    ({"scanners": {"pii": {"threshold": 1.5}}}, "threshold"),
    ({"scanners": {"virus": {}}}, "scanners.virus"),
    ({"scanners": {"pii": {"kinds": ["EMAIL"]}}}, "EMAIL"),
    ({"scanners": {"pii": {"per_kind": {"CREDIT_CARD": {"output": "blok"}}}}}, "output"),
    ({"scanners": {"pii": {"options": {"phone_regions": []}}}}, "scanners.pii.options: phone_regions"),
    ({"scanners": {"pii": {"options": {"regions": ["US"]}}}}, "scanners.pii.options: regions"),
    ({"tenants": {"acme": {"pii": {"input": "block", "extra": 1}}}}, "extra"),
    ({"tenants": {"acme": {"pii": {"kinds": ["NAME"]}}}}, "tenants.acme.pii"),
    ({"scanners": {"pii": {}}, "tenants": {"acme": {"secrets": {"input": "block"}}}}, "tenants.acme.secrets"),
])
def test_a_wrong_field_fails_naming_it(config, field):
    with pytest.raises(ValidationError) as error:
        GuardrailsConfig(**config)
    assert field in str(error.value)


def test_defaults_validate_and_round_trip():
    config = GuardrailsConfig()
    assert set(config.scanners) == {"pii", "secrets", "toxicity"}
    assert GuardrailsConfig(**config.model_dump()) == config
