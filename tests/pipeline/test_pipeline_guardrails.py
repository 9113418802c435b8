"""The guardrails stages with the real guardrails library (Ray-free, no model): redact, block and annotate
on input and output, streaming and not; the model, the cache and the summary log never see a raw value."""

from __future__ import annotations

import json

import pytest

from guardrails import Guardrails, GuardrailsConfig
from pipeline import APIError, Caller, Collaborators, Pipeline
from tests.pipeline.conftest import FakeCache, Harness, chat_request, job, run, run_stream, settings

EMAIL, PHONE, CARD = "jane.doe@example.com", "+1 415-555-0134", "4111 1111 1111 1111"


@pytest.fixture(scope="module")
def guardrails():
    return Guardrails(GuardrailsConfig(tenants={"strict": {"pii": {"input": "block", "output": "block"}}}))


def pipeline_with(h: Harness, guardrails, tenant: str = "default") -> Pipeline:
    async def authenticate(_):
        return Caller(tenant)

    return Pipeline(settings(), Collaborators(
        pools=h.pools, authenticate=authenticate, classify=h.classify, check_facts=h.checker,
        cache_lookup=h.cache.lookup if h.cache else None, cache_store=h.cache.store if h.cache else None,
        guardrails=guardrails, observe=h.traces.append,
    ))


def test_input_is_redacted_before_the_model_and_the_cache_see_it(guardrails):
    h = Harness(cache=FakeCache())
    reply = run(pipeline_with(h, guardrails).run(job(chat_request(f"Write to {EMAIL} or call {PHONE}, card {CARD}.",
                                                                     model="small", temperature=0))))
    sent = json.dumps(h.pools.calls[0][1].messages)
    assert EMAIL not in sent and "<EMAIL_ADDRESS>" in sent and "<PHONE_NUMBER>" in sent and "<CREDIT_CARD>" in sent
    assert EMAIL not in json.dumps(list(h.cache.entries)) and EMAIL not in json.dumps([q.messages for q, *_ in h.cache.stores])
    assert "input redacted=" in reply.trace.headers()["x-guardrails"]
    assert reply.body["guardrails"]["input"][0]["counts"]["EMAIL_ADDRESS"] == 1
    assert EMAIL not in json.dumps(reply.trace.summary())


def test_blocked_input_is_a_400_naming_the_kind_not_the_data(guardrails):
    h = Harness()
    with pytest.raises(APIError) as error:
        run(pipeline_with(h, guardrails, tenant="strict").run(job(chat_request(f"My email is {EMAIL}", model="small"))))
    assert error.value.status_code == 400 and error.value.code == "content_policy_violation"
    assert "EMAIL_ADDRESS" in error.value.message and EMAIL not in error.value.message
    assert not h.pools.calls, "a blocked request never reaches a pool"


def test_output_is_redacted_and_blocked_per_tenant(guardrails):
    h = Harness()
    h.pools.answers["small"] = f"Sure, her address is {EMAIL}."
    reply = run(pipeline_with(h, guardrails).run(job(chat_request(model="small"))))
    content = reply.body["choices"][0]["message"]["content"]
    assert EMAIL not in content and "<EMAIL_ADDRESS>" in content
    assert "output redacted=EMAIL_ADDRESS" in reply.trace.headers()["x-guardrails"]
    strict = run(pipeline_with(Harness(pools=h.pools), guardrails, tenant="strict").run(job(chat_request(model="small"))))
    choice = strict.body["choices"][0]
    assert choice["finish_reason"] == "content_filter" and EMAIL not in choice["message"]["content"]


def test_streamed_answer_never_carries_a_raw_value_in_any_chunk(guardrails):
    h = Harness()
    h.pools.answers["small"] = f"You can reach the team at {EMAIL} or by phone at {PHONE} any weekday."
    reply, events = run_stream(pipeline_with(h, guardrails), job(chat_request(model="small", stream=True)))
    chunks = events[:-1]
    for chunk in chunks:
        assert EMAIL not in json.dumps(chunk) and "555-0134" not in json.dumps(chunk)
    text = "".join(c["choices"][0]["delta"].get("content") or "" for c in chunks)
    assert "<EMAIL_ADDRESS>" in text and "<PHONE_NUMBER>" in text and text.endswith("any weekday.")
    assert chunks[-1]["guardrails"]["output"] and chunks[-1]["choices"][0]["finish_reason"] == "stop"


def test_streamed_answer_hitting_a_block_ends_with_content_filter(guardrails):
    h = Harness()
    h.pools.answers["small"] = f"Her address is {EMAIL} and more text follows here."
    _, events = run_stream(pipeline_with(h, guardrails, tenant="strict"), job(chat_request(model="small", stream=True)))
    chunks = events[:-1]
    assert chunks[-1]["choices"][0]["finish_reason"] == "content_filter"
    assert EMAIL not in json.dumps(events)


def test_annotate_keeps_the_text_and_says_so():
    guardrails = Guardrails(GuardrailsConfig(scanners={"toxicity": {"input": "annotate", "output": "annotate"}}))
    h = Harness()
    h.pools.answers["small"] = "You are a stupid idiot."
    reply = run(pipeline_with(h, guardrails).run(job(chat_request(model="small"))))
    assert reply.body["choices"][0]["message"]["content"] == "You are a stupid idiot."
    assert "output annotated=TOXICITY" in reply.trace.headers()["x-guardrails"]
