"""The request pipeline with fakes: routing limits, fallbacks, failover, validation policies, the cache
rules and the stream's shape, without Ray or a model."""

from __future__ import annotations

import asyncio

import pytest

from pipeline import COMPLETION, APIError, PoolUnavailable, Reply, StreamReply
from tests.pipeline.conftest import FakeCache, FakeChecker, Harness, chat_request, collect, completion_request, job, run, run_stream

SYDNEY = "The capital of Australia is Sydney."


# ---- routing -----------------------------------------------------------------------------------


@pytest.mark.parametrize("route", ["small", "large"])
def test_auto_follows_the_classifier(route):
    h = Harness(route=route)
    reply = run(h.pipeline().run(job(chat_request())))
    assert isinstance(reply, Reply)
    assert reply.trace.route == route and reply.trace.route_reason == "classifier"
    assert h.pools.calls[0][0] == route
    assert h.pools.calls[0][1].model == f"{route}-model"  # the pool gets its own model id
    assert reply.trace.headers()["x-route"] == route


def test_forced_model_skips_the_classifier():
    h = Harness(route="large")
    reply = run(h.pipeline().run(job(chat_request(model="small"))))
    assert reply.trace.route == "small" and reply.trace.route_reason == "forced"
    assert "x-complexity-score" not in reply.trace.headers()


def test_auto_never_picks_a_pool_that_cannot_serve_max_tokens():
    h = Harness(route="small")
    reply = run(h.pipeline().run(job(chat_request(max_tokens=800))))
    assert reply.trace.route == "large" and reply.trace.route_reason == "capacity"


@pytest.mark.parametrize("field", ["max_tokens", "max_completion_tokens"])
def test_no_pool_can_serve_names_the_largest_limit_and_the_field(field):
    h = Harness()
    with pytest.raises(APIError) as error:
        run(h.pipeline().run(job(chat_request(**{field: 5000}))))
    assert error.value.status_code == 400 and error.value.param == field
    assert "1024" in error.value.message and "large" in error.value.message


def test_forced_pool_over_its_limit_is_a_400():
    with pytest.raises(APIError) as error:
        run(Harness().pipeline().run(job(chat_request(model="small", max_tokens=800))))
    assert error.value.status_code == 400 and error.value.param == "max_tokens" and "512" in error.value.message


@pytest.mark.parametrize("model, field", [("auto", "max_tokens"), ("small", "max_tokens"), ("auto", "max_completion_tokens")])
def test_a_request_no_pool_can_serve_is_a_400_before_the_limits_count_it(model, field):
    from tests.pipeline.conftest import FakeLimits

    h = Harness(limits=FakeLimits(allow=0))  # any admission would be a 429
    with pytest.raises(APIError) as error:
        run(h.pipeline().run(job(chat_request(model=model, **{field: 250_000}))))
    assert error.value.status_code == 400 and error.value.param == field and error.value.code == "max_tokens_exceeded"
    assert h.limits.grants == [] and h.classifier_calls == 0  # neither the limits nor the classifier were asked


@pytest.mark.parametrize("field", ["max_tokens", "max_completion_tokens"])
def test_a_request_larger_than_the_callers_window_names_the_field_to_lower(field):
    from pipeline.errors import REQUEST_TOO_LARGE
    from tests.pipeline.conftest import FakeLimits

    class TooLarge(FakeLimits):
        async def admit(self, caller, estimated_tokens, estimated_cost_usd):
            raise APIError(400, f"request needs up to {estimated_tokens} tokens", code=REQUEST_TOO_LARGE)

    h = Harness(limits=TooLarge())
    with pytest.raises(APIError) as error:
        run(h.pipeline().run(job(chat_request(model="small", n=50, **{field: 500}))))
    assert error.value.status_code == 400 and error.value.code == REQUEST_TOO_LARGE and error.value.param == field


def test_unknown_model_is_a_404():
    with pytest.raises(APIError) as error:
        run(Harness().pipeline().run(job(chat_request(model="gpt-99"))))
    assert error.value.status_code == 404 and error.value.param == "model"


def test_slow_classifier_falls_back():
    h = Harness(route="large", classifier_delay_s=0.2)
    reply = run(h.pipeline(classifier_timeout_s=0.01, classifier_fallback_pool="small").run(job(chat_request())))
    assert reply.trace.route == "small" and reply.trace.route_reason == "fallback"
    assert reply.trace.headers()["x-route-fallback"] == "classifier-unavailable"
    assert ("classifier", "timeout") in reply.trace.failures


# ---- failover ------------------------------------------------------------------------------------


@pytest.mark.parametrize("stream", [False, True])
def test_unavailable_pool_fails_over_before_the_first_token(stream):
    h = Harness(route="small")
    h.pools.fail["small"] = PoolUnavailable("unavailable", "replica died")

    async def go():
        reply = await h.pipeline().run(job(chat_request(stream=stream)))
        if stream:
            await collect(reply)
        return reply

    reply = run(go())
    assert reply.trace.route == "large"
    assert "pool-unavailable" in reply.trace.fallbacks
    assert [pool for pool, _ in h.pools.calls] == ["small", "large"]


def test_no_pool_available_is_a_503_with_retry_after():
    h = Harness()
    h.pools.fail = {"small": PoolUnavailable("overloaded"), "large": PoolUnavailable("overloaded")}
    with pytest.raises(APIError) as error:
        run(h.pipeline(retry_after_s=3).run(job(chat_request())))
    assert error.value.status_code == 503 and error.value.headers["Retry-After"] == "3"
    assert error.value.code == "overloaded"
    assert len(h.traces) == 1 and h.traces[0].status == 503


def test_failover_skips_pools_that_cannot_serve_the_request():
    h = Harness(route="large")
    h.pools.fail["large"] = PoolUnavailable("unavailable")
    with pytest.raises(APIError) as error:  # the small pool's limit is 512: no failover for 800 tokens
        run(h.pipeline().run(job(chat_request(max_tokens=800))))
    assert error.value.status_code == 503
    assert [pool for pool, _ in h.pools.calls] == ["large"]


def test_engine_context_error_names_the_endpoints_field():
    h = Harness()
    h.pools.fail["small"] = APIError(400, "This model's maximum context length is 2048 tokens. However, ...")
    with pytest.raises(APIError) as error:
        run(h.pipeline().run(job(completion_request(model="small"), COMPLETION)))
    assert error.value.param == "prompt" and error.value.code == "context_length_exceeded"


# ---- validation policies ---------------------------------------------------------------------------


def test_supported_answer_is_annotated():
    reply = run(Harness().pipeline().run(job(chat_request(model="small"))))
    assert reply.body["validation"]["verdict"] == "supported"
    assert reply.trace.headers()["x-validation"] == "supported"


def test_annotate_keeps_a_contradicted_answer():
    h = Harness()
    h.pools.answers["large"] = SYDNEY
    reply = run(h.pipeline().run(job(chat_request(model="large"))))
    assert reply.body["choices"][0]["message"]["content"] == SYDNEY
    assert reply.body["validation"] == {**reply.body["validation"], "verdict": "contradicted", "action": "annotated"}


def test_escalate_regenerates_on_the_large_pool():
    h = Harness()
    h.pools.answers["small"] = SYDNEY
    reply = run(h.pipeline().run(job(chat_request(model="small"))))
    assert [pool for pool, _ in h.pools.calls] == ["small", "large"]
    assert reply.trace.route == "large" and reply.trace.escalated_from == "small"
    assert reply.trace.headers()["x-escalated-from"] == "small"
    assert reply.body["validation"]["verdict"] == "supported" and reply.body["validation"]["action"] == "escalated"
    assert reply.trace.cost_usd > 0 and reply.trace.completion_tokens == len(SYDNEY.split()) + len(h.pools.answers["large"].split())  # both paid


def test_escalation_still_contradicted_then_takes_the_large_pools_policy():
    h = Harness()
    h.pools.answers = {"small": SYDNEY, "large": SYDNEY}
    reply = run(h.pipeline(policies={"small": "escalate", "large": "block"}).run(job(chat_request(model="small"))))
    choice = reply.body["choices"][0]
    assert choice["finish_reason"] == "content_filter" and "Canberra" in choice["message"]["content"]
    assert reply.trace.validation_action == "blocked"


def test_escalation_the_large_pool_refuses_keeps_the_first_answer():
    h = Harness()
    h.pools.answers["small"] = SYDNEY
    h.pools.fail["large"] = APIError(400, "'n' is not supported by this pool", param="n")
    reply = run(h.pipeline().run(job(chat_request(model="small"))))
    assert reply.trace.status == 200 and reply.trace.route == "small"
    assert reply.body["choices"][0]["message"]["content"] == SYDNEY
    assert reply.body["validation"]["action"] == "escalation_failed"


def test_block_replaces_the_answer_with_a_refusal_citing_the_fact():
    h = Harness()
    h.pools.answers["small"] = SYDNEY
    reply = run(h.pipeline(policies={"small": "block", "large": "block"}).run(job(chat_request(model="small"))))
    choice = reply.body["choices"][0]
    assert choice["finish_reason"] == "content_filter"
    assert "Canberra" in choice["message"]["content"] and "Sydney" in choice["message"]["content"]
    assert reply.trace.headers()["x-validation-action"] == "blocked"


def test_block_applies_per_choice():
    h = Harness()
    h.pools.answers["small"] = SYDNEY
    reply = run(h.pipeline(policies={"small": "block", "large": "block"}).run(job(chat_request(model="small", n=2, temperature=0.7))))
    assert [c["finish_reason"] for c in reply.body["choices"]] == ["content_filter", "content_filter"]
    assert {claim["choice"] for claim in reply.body["validation"]["claims"]} == {0, 1}


def test_slow_validator_fails_open():
    h = Harness(checker=FakeChecker(delay_s=0.2))
    reply = run(h.pipeline(validation_timeout_s=0.01).run(job(chat_request(model="small"))))
    assert reply.trace.validation == "skipped" and reply.trace.validation_action == "failed_open"
    assert "validation" not in reply.body


def test_slow_validator_fail_closed_is_a_503():
    h = Harness(checker=FakeChecker(delay_s=0.2))
    with pytest.raises(APIError) as error:
        run(h.pipeline(validation_timeout_s=0.01, validation_fail_closed=True).run(job(chat_request(model="small"))))
    assert error.value.status_code == 503 and error.value.code == "validation_unavailable" and error.value.headers["Retry-After"]


# ---- cache -------------------------------------------------------------------------------------------


def test_repeat_is_answered_from_the_cache_with_its_own_id():
    h = Harness(cache=FakeCache())
    pipeline = h.pipeline()
    first = run(pipeline.run(job(chat_request(model="small", temperature=0))))
    again = run(pipeline.run(job(chat_request(model="small", temperature=0))))
    assert first.trace.cache == "miss" and again.trace.cache == "exact"
    assert again.body["choices"] == first.body["choices"] and len(h.pools.calls) == 1
    assert again.trace.headers()["x-cache"] == "exact"


def test_no_cache_bypasses_and_contradicted_answers_are_stored_as_such():
    h = Harness(cache=FakeCache())
    h.pools.answers["large"] = SYDNEY
    reply = run(h.pipeline().run(job(chat_request(model="large", temperature=0))))
    assert h.cache.stores[-1][2] == "contradicted"
    bypass = run(h.pipeline().run(job(chat_request(model="large", temperature=0), no_cache=True)))
    assert bypass.trace.cache == "bypass" and reply.trace.cache == "miss"


def test_cache_key_separates_endpoints_and_max_tokens():
    h = Harness(cache=FakeCache())
    pipeline = h.pipeline()
    run(pipeline.run(job(chat_request(model="small", temperature=0, max_tokens=8))))
    other = run(pipeline.run(job(chat_request(model="small", temperature=0, max_tokens=9))))
    assert other.trace.cache == "miss"
    query = h.cache.stores[0][0]
    assert query.model == "chat:small" and query.sampling["max_tokens"] == 8


@pytest.mark.parametrize("make_request", [lambda: chat_request(model="small", messages=[], temperature=0),
                                          lambda: completion_request(model="small", prompt=[], temperature=0)])
def test_a_request_with_nothing_to_key_skips_the_cache(make_request):
    """An empty conversation or prompt list has no cache key: it goes on to the engine (vLLM answers 400), where
    building its cache query used to fail the request with a 500."""
    h = Harness(cache=FakeCache())
    reply = run(h.pipeline().run(job(make_request())))
    assert reply.trace.cache == "uncacheable" and h.cache.stores == [] and len(h.pools.calls) == 1


def test_only_chat_questions_may_share_answers_with_paraphrases():
    h = Harness(cache=FakeCache())
    pipeline = h.pipeline()
    run(pipeline.run(job(chat_request(model="small", temperature=0))))
    run(pipeline.run(job(completion_request(model="small", temperature=0))))
    assert [store[0].paraphrases for store in h.cache.stores] == [True, False]


# ---- streams ------------------------------------------------------------------------------------------


def test_stream_is_a_plain_openai_stream_with_the_verdict_on_its_final_chunk():
    h = Harness()
    reply, events = run_stream(h.pipeline(), job(chat_request(model="small", stream=True)))
    assert isinstance(reply, StreamReply)
    assert events[-1] == "[DONE]"
    chunks = events[:-1]
    assert all(chunk["choices"] for chunk in chunks), "no choices: [] chunk unless the client asked for usage"
    assert all("usage" not in chunk for chunk in chunks)
    assert chunks[-1]["choices"][0]["finish_reason"] == "stop"
    assert chunks[-1]["validation"]["verdict"] == "supported"
    assert "".join(c["choices"][0]["delta"].get("content", "") for c in chunks) == h.pools.answers["small"]
    assert len(h.traces) == 1 and h.traces[0].completion_tokens == len(h.pools.answers["small"].split())


def test_stream_writes_once_per_pool_batch_with_the_same_events():
    from tests.pipeline.conftest import sse_events

    def writes(batch_size):
        h = Harness()
        h.pools.answers["small"] = "one two three four five six seven"
        h.pools.batch_size = batch_size

        async def go():
            reply = await h.pipeline().run(job(chat_request(model="small", stream=True)))
            return [w async for w in reply.events]

        return run(go())

    single, batched = writes(1), writes(3)
    # 7 words in batches of 3: [1-3] [4-6] [7 + the usage-only chunk]; the final chunk is held for the
    # verdict and leaves with [DONE] in the last write.
    assert len(single) == 7 and len(batched) == 3
    assert [sse_events(w) for w in batched] == [sse_events("".join(single[0:3])), sse_events("".join(single[3:6])),
                                                 sse_events(single[6])]
    assert sse_events(batched[-1])[-1] == "[DONE]" and sse_events(batched[-1])[-2]["validation"]["verdict"] == "supported"


def test_stream_usage_chunk_only_when_asked():
    h = Harness()
    _, events = run_stream(h.pipeline(), job(chat_request(model="small", stream=True, stream_options={"include_usage": True})))
    assert events[-2]["choices"] == [] and events[-2]["usage"]["completion_tokens"] == 4
    assert events[-3]["validation"]["verdict"] == "supported"


def test_stream_cut_mid_way_ends_with_an_error_event_and_done():
    h = Harness()
    h.pools.fail_after["small"] = 2
    _, events = run_stream(h.pipeline(), job(chat_request(model="small", stream=True)))
    assert events[-1] == "[DONE]"
    assert events[-2]["error"]["code"] == "unavailable"
    assert h.traces[0].status == 503


def test_cancelled_stream_still_counts_what_was_generated():
    h = Harness()
    h.pools.answers["small"] = "one two three four five six"

    async def go():
        reply = await h.pipeline().run(job(chat_request(model="small", stream=True)))
        events = reply.events
        await events.__anext__()
        await events.__anext__()
        await events.aclose()  # the client went away

    run(go())
    trace = h.traces[0]
    assert trace.cancelled and trace.completion_tokens == 2 and trace.cost_usd > 0


def test_streamed_cache_hit_is_replayed():
    h = Harness(cache=FakeCache())
    pipeline = h.pipeline()
    run(pipeline.run(job(chat_request(model="small", temperature=0))))
    reply, events = run_stream(pipeline, job(chat_request(model="small", temperature=0, stream=True)))
    assert reply.trace.cache == "exact" and events[-1] == "[DONE]"
    assert "".join(c["choices"][0]["delta"].get("content") or "" for c in events[:-1]) == h.pools.answers["small"]
    assert events[-2]["validation"]["verdict"] == "supported"


def test_completion_stream():
    h = Harness()
    _, events = run_stream(h.pipeline(), job(completion_request(model="small", stream=True), COMPLETION))
    assert "".join(c["choices"][0]["text"] for c in events[:-1]) == h.pools.answers["small"]


# ---- bookkeeping ---------------------------------------------------------------------------------------


def test_every_request_is_observed_exactly_once_and_logs_no_text():
    h = Harness(keys={"k": "acme"}, cache=FakeCache())
    pipeline = h.pipeline()
    with pytest.raises(APIError):
        run(pipeline.run(job(chat_request(), authorization="Bearer wrong")))
    run(pipeline.run(job(chat_request(temperature=0), authorization="Bearer k")))
    run(pipeline.run(job(chat_request(temperature=0), authorization="Bearer k")))  # a cache hit
    run_stream(pipeline, job(chat_request(stream=True), authorization="Bearer k"))
    assert [t.status for t in h.traces] == [401, 200, 200, 200]
    assert [t.tenant for t in h.traces[1:]] == ["acme"] * 3
    for trace in h.traces:
        assert "capital" not in repr(trace.summary()) and "Paris" not in repr(trace.summary())


def test_run_needs_no_event_loop_magic():
    # The pipeline is plain asyncio: two requests run concurrently on one loop.
    h = Harness()

    async def both():
        return await asyncio.gather(*(h.pipeline().run(job(chat_request(model="small"))) for _ in range(2)))

    assert all(r.trace.status == 200 for r in run(both()))


# ---- tenancy: model allow-lists, limits, settlement ------------------------------------------------------


def test_model_allow_list_is_a_403_and_auto_stays_within_the_allowed_pools():
    from pipeline import Caller

    h = Harness(route="large", keys={"k": Caller("acme", "key_1", models=("auto", "small"), pools=("small",))})
    with pytest.raises(APIError) as error:
        run(h.pipeline().run(job(chat_request(model="large"), authorization="Bearer k")))
    assert error.value.status_code == 403 and error.value.code == "model_not_allowed" and error.value.param == "model"
    reply = run(h.pipeline().run(job(chat_request(), authorization="Bearer k")))  # the classifier says large
    assert reply.trace.route == "small"
    h.pools.fail["small"] = PoolUnavailable("unavailable")
    with pytest.raises(APIError) as error:  # no failover outside the key's pools
        run(h.pipeline().run(job(chat_request(), authorization="Bearer k")))
    assert error.value.status_code == 503


def test_limits_headers_on_every_response_and_429_with_retry_after():
    from tests.pipeline.conftest import FakeLimits

    h = Harness(limits=FakeLimits(allow=1))
    reply = run(h.pipeline().run(job(chat_request(model="small", max_tokens=10))))
    assert reply.trace.headers()["x-ratelimit-remaining-requests"] == "0"
    grant = h.limits.grants[0]
    assert grant.estimated_tokens >= 10 and grant.estimated_cost_usd > 0  # prompt estimate + max_tokens at the dearest pool
    with pytest.raises(APIError) as error:
        run(h.pipeline().run(job(chat_request(model="small"))))
    assert error.value.status_code == 429 and error.value.headers["Retry-After"] == "7"


@pytest.mark.parametrize("stream", [False, True])
def test_usage_is_settled_once_from_what_was_really_generated(stream):
    from tests.pipeline.conftest import FakeLimits

    h = Harness(limits=FakeLimits())

    async def go():
        pipeline = h.pipeline()
        reply = await pipeline.run(job(chat_request(model="small", max_tokens=50, stream=stream)))
        if stream:
            await collect(reply)
        await pipeline.drain()

    run(go())
    [(grant, prompt, completion, cost)] = h.limits.settled
    assert (prompt, completion) == (7, len(h.pools.answers["small"].split())) and cost == h.traces[0].cost_usd > 0


def test_cancelled_stream_is_settled_with_its_tokens_so_far():
    from tests.pipeline.conftest import FakeLimits

    h = Harness(limits=FakeLimits())
    h.pools.answers["small"] = "one two three four five six"

    async def go():
        pipeline = h.pipeline()
        reply = await pipeline.run(job(chat_request(model="small", stream=True)))
        await reply.events.__anext__()
        await reply.events.__anext__()
        await reply.events.aclose()
        await pipeline.drain()

    run(go())
    [(_, _, completion, cost)] = h.limits.settled
    assert completion == 2 and cost > 0


# ---- model versions ---------------------------------------------------------------------------------------


def _two_version_settings(traffic):
    from pipeline import PoolSpec
    from rollout import VersionSplit
    from tests.pipeline.conftest import settings

    base = settings()
    small = PoolSpec("small", {"v1": "small-v1", "v2": "small-v2"}, 512, 2048, 1, 2,
                     VersionSplit(versions=["v1", "v2"], stable="v1", traffic=traffic))
    return type(base)(pools={"small": small, "large": base.pools["large"]})


def test_versions_are_sticky_per_tenant_and_follow_the_split():
    from pipeline import Caller, Collaborators, Pipeline

    h = Harness()
    tenants = [f"tenant-{i}" for i in range(200)]

    async def go(traffic):
        counts = {}
        pipeline = None
        for tenant in tenants:
            async def authenticate(_, tenant=tenant):
                return Caller(tenant)
            pipeline = Pipeline(_two_version_settings(traffic), Collaborators(pools=h.pools, authenticate=authenticate))
            reply = await pipeline.run(job(chat_request(model="small")))
            counts[tenant] = reply.trace.version
            assert reply.trace.headers()["x-model-version"] == reply.trace.version
            assert h.pools.calls[-1][1].model == f"small-{reply.trace.version}"
        return counts

    at_25 = run(go({"v1": 75, "v2": 25}))
    again = run(go({"v1": 75, "v2": 25}))
    at_50 = run(go({"v1": 50, "v2": 50}))
    assert at_25 == again  # sticky while the split is unchanged
    share = sum(v == "v2" for v in at_25.values()) / len(tenants)
    assert 0.15 < share < 0.35
    assert all(at_50[t] == "v2" for t, v in at_25.items() if v == "v2")  # growing the canary keeps its users


def test_canary_monitor_rolls_a_contradicting_canary_back():
    from rollout import CanaryAnalysisConfig, CanaryMonitor, PoolAnalysis, VersionSplit
    from pipeline.versions import TrafficTable

    table = TrafficTable({"small": VersionSplit(versions=["v1", "v2"], stable="v1", traffic={"v1": 50, "v2": 50})})
    clock = [0.0]
    rolled = []
    monitor = CanaryMonitor({"small": PoolAnalysis(CanaryAnalysisConfig(window_s=600, min_requests=30))},
                            table.split, table.set, lambda pool, d: rolled.append(d), evaluate_every_s=0, clock=lambda: clock[0])
    for i in range(200):
        clock[0] += 0.5
        version = "v1" if i % 2 else "v2"
        monitor.observe("small", version, ok=True, latency_ms=100, contradicted=(version == "v2" and i % 4 == 0) or False,
                        escalated=False, cost_usd=1e-5)
        if rolled:
            break
    assert rolled and rolled[0].metrics["contradicted_rate"].verdict == "worse"
    assert table.split("small").traffic == {"v1": 100}
    assert monitor.decisions()["small"]["rollbacks"][0]["diff"].startswith("small: v1 50%, v2 50% -> v1 100%")
