import pytest

from guardrails import Guardrails, GuardrailsConfig, redact
from guardrails.scanners import Finding

EMAIL, CARD, KEY = "bob.smith@example.com", "4111 1111 1111 1111", "sk-proj-4fG7hJ9kL2mN5pQ8rS1tU3vW6xY0zA2b"
TEXT = f"Mail {EMAIL}, pay with {CARD} and use {KEY}. You are a fucking idiot."


def test_redact_replaces_values_with_typed_placeholders(guardrails):
    result = guardrails.scan(TEXT, "input", "anyone")
    for raw in (EMAIL, CARD, KEY):
        assert raw not in result.text
    assert "<EMAIL_ADDRESS>" in result.text and "<CREDIT_CARD>" in result.text and "<OPENAI_API_KEY>" in result.text
    assert "You are a fucking idiot." in result.text  # toxicity is annotated by default, not redacted
    assert result.actions_taken == {"EMAIL_ADDRESS": "redact", "CREDIT_CARD": "redact",
                                    "OPENAI_API_KEY": "redact", "TOXICITY": "annotate"}
    assert not result.blocked


def test_header_and_summary_name_kinds_never_values(guardrails):
    result = guardrails.scan(TEXT, "output")
    assert result.header_value() == "redacted=CREDIT_CARD,EMAIL_ADDRESS,OPENAI_API_KEY; annotated=TOXICITY"
    summary = str(result.summary())
    assert result.summary()["counts"]["EMAIL_ADDRESS"] == 1
    for raw in (EMAIL, CARD, KEY, "idiot"):
        assert raw not in summary and raw not in result.header_value()


def test_clean_text_passes_unchanged(guardrails):
    result = guardrails.scan("What is the capital of Australia?", "input")
    assert (result.text, result.findings, result.header_value()) == ("What is the capital of Australia?", [], "")


def test_per_tenant_and_per_kind_overrides():
    config = GuardrailsConfig(
        scanners={"pii": {"input": "redact", "output": "redact", "per_kind": {"CREDIT_CARD": {"input": "block"}}},
                  "secrets": {"input": "annotate", "output": "redact"}},
        tenants={"acme": {"pii": {"input": "block"}},
                 "lax": {"pii": {"input": "off", "per_kind": {"CREDIT_CARD": {"input": "annotate"}}}}},
    )
    guardrails = Guardrails(config)
    default = guardrails.scan(TEXT, "input", "someone")
    assert default.blocked and default.blocked_kinds == ["CREDIT_CARD"]
    assert CARD not in default.text and EMAIL not in default.text  # blocked spans are hidden too
    assert default.actions_taken["OPENAI_API_KEY"] == "annotate" and KEY in default.text
    acme = guardrails.scan(TEXT, "input", "acme")
    assert acme.blocked_kinds == ["CREDIT_CARD", "EMAIL_ADDRESS"]
    lax = guardrails.scan(TEXT, "input", "lax")
    assert not lax.blocked and EMAIL in lax.text and lax.actions_taken == {"CREDIT_CARD": "annotate",
                                                                           "OPENAI_API_KEY": "annotate"}
    assert guardrails.scan(TEXT, "output", "acme").actions_taken["EMAIL_ADDRESS"] == "redact"


def test_tenant_kinds_and_threshold_filter_findings():
    guardrails = Guardrails(GuardrailsConfig(tenants={"mail-only": {"pii": {"kinds": ["EMAIL_ADDRESS"]}},
                                                      "strict": {"pii": {"threshold": 0.9}}}))
    text = f"{EMAIL} or call (415) 555-2671"
    assert {f.kind for f in guardrails.scan(text, "input", "mail-only").findings} == {"EMAIL_ADDRESS"}
    assert {f.kind for f in guardrails.scan(text, "input", "strict").findings} == {"EMAIL_ADDRESS"}  # phone: 0.4
    assert {f.kind for f in guardrails.scan(text, "input", "other").findings} == {"EMAIL_ADDRESS", "PHONE_NUMBER"}


def test_disabled_changes_nothing():
    result = Guardrails(GuardrailsConfig(enabled=False)).scan(TEXT, "input")
    assert result.text == TEXT and not result.findings


def test_bad_direction_is_refused(guardrails):
    with pytest.raises(ValueError, match="direction"):
        guardrails.scan("x", "sideways")


def test_overlapping_spans_merge_into_one_placeholder():
    text = "abcdefghij"
    findings = [Finding("a", "X", 1, 5, 1.0), Finding("b", "LONGER", 3, 9, 1.0)]
    assert redact(text, findings) == "a<LONGER>j"
