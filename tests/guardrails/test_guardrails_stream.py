"""Streams: a redacted value never leaves, whatever the chunking, and the emitted text equals the one-shot
redaction."""

import random

import pytest

from guardrails import Guardrails, GuardrailsConfig

RAW = ["bob.smith@example.com", "(415) 555-2671", "4111 1111 1111 1111", "GB29 NWBK 6016 1331 9268 19",
       "sk-proj-4fG7hJ9kL2mN5pQ8rS1tU3vW6xY0zA2bC4dE6fG8hJ0k", "AKIAIOSFODNN7EXAMPLE"]
TEXTS = [
    "Sure! Write to bob.smith@example.com or call (415) 555-2671 before noon.",
    "Card 4111 1111 1111 1111, IBAN GB29 NWBK 6016 1331 9268 19. Key sk-proj-4fG7hJ9kL2mN5pQ8rS1tU3vW6xY0zA2bC4dE6fG8hJ0k "
    "and AKIAIOSFODNN7EXAMPLE end.",
    "bob.smith@example.com",  # a value at both edges of the stream
]


def stream_through(guardrails, chunks, tenant="default"):
    stream = guardrails.output_stream(tenant)
    emitted = [stream.feed(chunk) for chunk in chunks]
    emitted.append(stream.finish())
    return stream, emitted


@pytest.mark.parametrize("text", TEXTS)
def test_split_at_every_offset_never_leaks(guardrails, text):
    expected = guardrails.scan(text, "output").text
    for cut in range(len(text) + 1):
        stream, emitted = stream_through(guardrails, [text[:cut], text[cut:]])
        assert "".join(emitted) == expected, cut
        for piece in emitted:
            assert not any(raw in piece for raw in RAW)


@pytest.mark.parametrize("scan_every", [1, 7, 32])
def test_token_sized_chunks_never_leak(scan_every):
    guardrails = Guardrails(GuardrailsConfig(stream_scan_every_chars=scan_every))
    rng = random.Random(12)
    text = " ".join(TEXTS[:2]) + " That is all."
    expected = guardrails.scan(text, "output").text
    for _ in range(5):
        chunks, position = [], 0
        while position < len(text):
            size = rng.randint(1, 6)
            chunks.append(text[position:position + size])
            position += size
        _, emitted = stream_through(guardrails, chunks)
        assert "".join(emitted) == expected
        # No chunk carries a piece of a raw value that the placeholder replaced: each emitted chunk is a slice
        # of the redacted text, so concatenation equality above plus this check cover splits.
        assert not any(raw[:8] in piece for piece in emitted for raw in RAW)


def test_text_is_emitted_before_the_end_and_held_back_at_most_the_bound(guardrails):
    stream = guardrails.output_stream("default")
    assert stream.hold_back_chars == 136
    text = "word " * 100
    emitted = "".join(stream.feed(text[i:i + 4]) for i in range(0, len(text), 4))
    assert len(text) - len(emitted) <= stream.hold_back_chars + guardrails.config.stream_scan_every_chars
    assert emitted + stream.finish() == text


def test_annotate_only_output_is_not_held():
    guardrails = Guardrails(GuardrailsConfig(scanners={"pii": {"input": "redact", "output": "annotate"}}))
    stream = guardrails.output_stream("default")
    assert stream.hold_back_chars == 0
    assert stream.feed("mail bob.smith@") == "mail bob.smith@"
    assert stream.feed("example.com") == "example.com" and stream.finish() == ""
    assert stream.result().header_value() == "annotated=EMAIL_ADDRESS"


def test_block_on_output_stops_the_stream():
    guardrails = Guardrails(GuardrailsConfig(tenants={"acme": {"secrets": {"output": "block"}}}))
    stream = guardrails.output_stream("acme")
    text = "Here is some harmless text first. " * 6 + "The key is AKIAIOSFODNN7EXAMPLE and more text follows here."
    emitted = "".join(stream.feed(text[i:i + 5]) for i in range(0, len(text), 5)) + stream.finish()
    assert stream.blocked and stream.blocked_kinds == ["AWS_ACCESS_KEY"]
    assert "AKIA" not in emitted and emitted.startswith("Here is some harmless text first.")
    assert stream.result().blocked


def test_toxic_sentence_redacted_whole_in_a_stream():
    guardrails = Guardrails(GuardrailsConfig(scanners={"toxicity": {"input": "annotate", "output": "redact"}}))
    text = "Thanks for asking. You are a fucking idiot. Have a nice day."
    for cut in range(len(text) + 1):
        _, emitted = stream_through(guardrails, [text[:cut], text[cut:]])
        assert "".join(emitted) == "Thanks for asking. <TOXICITY> Have a nice day."
        assert not any("idiot" in piece or "fucking" in piece for piece in emitted)
