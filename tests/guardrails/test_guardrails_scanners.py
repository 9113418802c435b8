import numpy as np
import pytest

from guardrails.scanners import SCANNERS, PiiScanner, SecretsScanner, ToxicityScanner


@pytest.fixture(scope="module")
def pii():
    return PiiScanner()


@pytest.fixture(scope="module")
def secrets():
    return SecretsScanner()


def kinds_and_values(scanner, text, threshold=0.3):
    return {(f.kind, text[f.start:f.end]) for f in scanner.scan(text) if f.score >= threshold}


def test_registry_names_the_three_scanners():
    assert set(SCANNERS) == {"pii", "secrets", "toxicity"}
    assert all(cls.name == name for name, cls in SCANNERS.items())


@pytest.mark.parametrize("kind, value, context", [
    ("EMAIL_ADDRESS", "bob.smith@example.com", "write to {} today"),
    ("PHONE_NUMBER", "(415) 555-2671", "call {} please"),
    ("PHONE_NUMBER", "+44 20 7946 0958", "London desk {}"),
    ("CREDIT_CARD", "4111 1111 1111 1111", "card {} exp 04/27"),
    ("CREDIT_CARD", "378282246310005", "amex {}"),
    ("IBAN_CODE", "GB29 NWBK 6016 1331 9268 19", "IBAN {}"),
    ("IP_ADDRESS", "203.0.113.42", "from {} twice"),
    ("US_SSN", "536-22-8726", "SSN {}"),
    ("STREET_ADDRESS", "742 Evergreen Terrace, Springfield", "we live at {}"),
])
def test_pii_finds_formatted_identifiers(pii, kind, value, context):
    assert (kind, value) in kinds_and_values(pii, context.format(value))


@pytest.mark.parametrize("text", [
    "The card 4111 1111 1111 1112 was rejected.",  # Luhn fails
    "ISBN-10: 0-306-40615-2", "Invoice INV-2024-000318 is overdue.", "Meeting on 2024-03-05 at 10:30.",
    "Install version 4.2.1.7 from the mirror.", "IBAN DE89 3704 0044 0532 0130 01 has a bad checksum.",
    "SSN 123-45-6789 is the sample number.",
])
def test_pii_skips_look_alikes(pii, text):
    assert kinds_and_values(pii, text) == set()


def test_pii_spans_are_offsets_into_the_text(pii):
    text = "a: bob@example.com, b: 4111-1111-1111-1111"
    for finding in pii.scan(text):
        assert text[finding.start:finding.end] in {"bob@example.com", "4111-1111-1111-1111"}


def test_unknown_kind_is_refused_by_name():
    with pytest.raises(ValueError, match="EMAIL"):
        PiiScanner(kinds=["EMAIL"])


@pytest.mark.parametrize("kind, value", [
    ("AWS_ACCESS_KEY", "AKIAIOSFODNN7EXAMPLE"),
    ("GITHUB_TOKEN", "ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789"),
    ("OPENAI_API_KEY", "sk-proj-4fG7hJ9kL2mN5pQ8rS1tU3vW6xY0zA2bC4dE6fG8hJ0k"),
    ("SLACK_TOKEN", "xoxb-2048123456-4095123456789-AbCdEfGhIjKlMnOpQrStUvWx"),
    ("STRIPE_KEY", "sk_live_4eC39HqLyjWDarjtT1zdp7dc"),
    ("JSON_WEB_TOKEN", "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV"),
    ("GENERIC_SECRET", "Zx8Qw3Rt6Yu1Io4Pa7Sd"),
])
def test_secrets_found_with_exact_span(secrets, kind, value):
    assert (kind, value) in kinds_and_values(secrets, f"here: api_key={value} ok" if kind == "GENERIC_SECRET"
                                             else f"the token {value} leaked")


def test_private_key_block_is_one_finding_even_unterminated(secrets):
    block = "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePz\n-----END RSA PRIVATE KEY-----"
    assert kinds_and_values(secrets, f"key:\n{block}\nbye") == {("PRIVATE_KEY", block)}
    truncated = block[:70]
    assert kinds_and_values(secrets, f"key:\n{truncated}") == {("PRIVATE_KEY", truncated)}


@pytest.mark.parametrize("text", [
    "password: correcthorsebatterystaple",  # words, low entropy, no digits
    "The token ring network was popular in 1990.", "Release v1.2.3 fixed it; commit a3f5c9e2b7d1.",
])
def test_secrets_skip_ordinary_text(secrets, text):
    assert kinds_and_values(secrets, text) == set()


def test_toxicity_flags_the_toxic_sentence_only():
    scanner = ToxicityScanner()
    text = "Thanks for the help. You are a fucking idiot. See you tomorrow."
    toxic = [f for f in scanner.scan(text) if f.score >= scanner.default_threshold]
    assert [text[f.start:f.end] for f in toxic] == ["You are a fucking idiot."]


def test_linear_profanity_model_equals_the_library():
    from profanity_check import predict_prob

    from guardrails.scanners.toxicity import shared_model

    texts = ["you are a fucking idiot", "have a nice day", "kill the process", "this is shit", "I hate you, moron"]
    np.testing.assert_allclose(shared_model().predict_prob(texts), predict_prob(texts), atol=1e-9)
