"""ServePools' failover decision, with a double for Ray Serve's handles and status (the behaviour under
test is when a waiting request fails over, not Ray): a pool without a RUNNING replica, or one whose call
just failed, fails over after `assign_timeout_s`; a busy pool with RUNNING replicas keeps its requests
queued; Serve's status is read only for requests that waited, once for all of them."""

import asyncio
from types import SimpleNamespace

import pytest
from ray.exceptions import RayActorError

from deployments import collaborators
from deployments.collaborators import ServePools
from pipeline import CHAT, PoolUnavailable


class FakeResponse:
    """A DeploymentResponse whose assignment completes when the test says so."""

    def __init__(self):
        self.taken = asyncio.Event()
        self.cancelled = False

    async def _fetch_future_result_async(self):
        await self.taken.wait()

    def cancel(self):
        self.cancelled = True


class FakeHandle:
    app_name, deployment_name = "llm", "SmallPool:v1"

    def __init__(self):
        self.responses: list[FakeResponse] = []
        self.chat = SimpleNamespace(remote=self._remote)

    def options(self, **_):
        return self

    def _remote(self, request):
        self.responses.append(FakeResponse())
        return self.responses[-1]


class FakeStatus:
    """`serve.status()`: the SmallPool:v1 deployment with `running` RUNNING replicas; counts its reads."""

    def __init__(self, running: int, error: Exception | None = None):
        self.running, self.error, self.reads = running, error, 0

    def __call__(self):
        self.reads += 1
        if self.error is not None:
            raise self.error
        deployment = SimpleNamespace(replica_states={"RUNNING": self.running} if self.running else {"STARTING": 1})
        return SimpleNamespace(applications={"llm": SimpleNamespace(deployments={"SmallPool:v1": deployment})})


def _pools(monkeypatch, status: FakeStatus, timeout_s: float = 0.05) -> tuple[ServePools, FakeHandle]:
    monkeypatch.setattr(collaborators.serve, "status", status)
    handle = FakeHandle()
    return ServePools({"small": {"v1": handle}}, assign_timeout_s=timeout_s, status_max_age_s=60), handle


async def _wait_for(condition, deadline_s: float = 5.0):
    loop = asyncio.get_running_loop()
    end = loop.time() + deadline_s
    while not condition():
        assert loop.time() < end, "condition not met before the deadline"
        await asyncio.sleep(0.01)


def test_pool_without_running_replica_fails_over_and_cancels_once_per_status_read(monkeypatch):
    async def scenario():
        status = FakeStatus(running=0)
        pools, handle = _pools(monkeypatch, status)
        results = await asyncio.gather(*(pools._call("small", "v1", CHAT, object()) for _ in range(5)), return_exceptions=True)
        assert all(isinstance(r, PoolUnavailable) and r.reason == "unavailable" for r in results)
        assert all(r.cancelled for r in handle.responses)
        assert status.reads == 1  # five waiters, one read
        assert ("small", "v1") in pools.suspect

    asyncio.run(scenario())


def test_busy_pool_with_running_replicas_keeps_requests_queued(monkeypatch):
    async def scenario():
        status = FakeStatus(running=1)
        pools, handle = _pools(monkeypatch, status, timeout_s=0.02)
        pools.status_max_age_s = 0.0  # read again at every look, so the test sees several looks
        call = asyncio.ensure_future(pools._call("small", "v1", CHAT, object()))
        await _wait_for(lambda: status.reads >= 3)  # waited past several deadlines, still queued
        assert not call.done()
        handle.responses[0].taken.set()
        assert await call is handle.responses[0]
        assert not handle.responses[0].cancelled and ("small", "v1") not in pools.suspect

    asyncio.run(scenario())


def test_pool_whose_call_failed_fails_over_without_reading_status(monkeypatch):
    async def scenario():
        status = FakeStatus(running=1)
        pools, handle = _pools(monkeypatch, status)
        failure = pools._failure("small", "v1", RayActorError())
        assert isinstance(failure, PoolUnavailable)
        with pytest.raises(PoolUnavailable):
            await pools._call("small", "v1", CHAT, object())
        assert status.reads == 0 and handle.responses[0].cancelled
        # A request taken in time clears the suspicion.
        call = asyncio.ensure_future(pools._call("small", "v1", CHAT, object()))
        await _wait_for(lambda: len(handle.responses) == 2)
        handle.responses[1].taken.set()
        await call
        assert ("small", "v1") not in pools.suspect

    asyncio.run(scenario())


def test_unreadable_status_keeps_waiting_as_serve_would(monkeypatch):
    async def scenario():
        status = FakeStatus(running=0, error=RuntimeError("controller gone"))
        pools, handle = _pools(monkeypatch, status, timeout_s=0.02)
        pools.status_max_age_s = 0.0
        call = asyncio.ensure_future(pools._call("small", "v1", CHAT, object()))
        await _wait_for(lambda: status.reads >= 2)
        assert not call.done()
        handle.responses[0].taken.set()
        await call

    asyncio.run(scenario())


def test_pool_whose_router_lost_every_replica_fails_over_without_reading_status(monkeypatch):
    async def scenario():
        status = FakeStatus(running=1)  # the controller has not noticed the death yet
        pools, handle = _pools(monkeypatch, status)
        replicas = {"r1": object()}
        request_router = SimpleNamespace(curr_replicas=replicas)
        handle._router = SimpleNamespace(_asyncio_router=SimpleNamespace(
            running_replicas_populated=lambda: True, request_router=request_router))
        replicas.clear()  # a call found the only replica's actor dead
        with pytest.raises(PoolUnavailable):
            await pools._call("small", "v1", CHAT, object())
        assert status.reads == 0 and handle.responses[0].cancelled

    asyncio.run(scenario())


def test_a_stream_message_is_one_batch_and_an_error_in_it_ends_the_stream_after_what_came_before():
    def event(text):
        return 'data: {"choices": [{"index": 0, "delta": {"content": "%s"}}]}\n\n' % text

    batch, error = collaborators._stream_batch([event("a"), event("b") + event("c"), "data: [DONE]\n\n"])
    assert [c["choices"][0]["delta"]["content"] for c in batch] == ["a", "b", "c"] and error is None

    failed = 'data: {"error": {"message": "context too long", "type": "BadRequestError", "code": 400}}\n\n'
    batch, error = collaborators._stream_batch([event("a"), failed, event("never")])
    assert [c["choices"][0]["delta"]["content"] for c in batch] == ["a"]
    assert error.status_code == 400 and "context too long" in error.message


class FakeCacheHandle:
    """The ResponseCache handle: records lookup calls, answers a semantic hit."""

    def __init__(self):
        self.calls = []
        self.lookup = SimpleNamespace(remote=self._lookup)

    async def _lookup(self, *args):
        self.calls.append(args)
        return {"kind": "semantic", "response": {"id": "x"}, "similarity": 0.97}


class FakeExactReader:
    def __init__(self, hit=None):
        self.hit, self.queries = hit, []

    def lookup_exact(self, query):
        self.queries.append(query)
        return self.hit


def test_cache_lookup_answers_exact_hits_in_the_ingress_and_asks_the_cache_only_for_the_semantic_tier():
    from cache import CacheConfig, CacheHit
    from deployments.collaborators import CacheLookup

    query = object()
    handle, reader = FakeCacheHandle(), FakeExactReader(CacheHit(kind="exact", response={"id": "e"}, similarity=1.0))
    assert asyncio.run(CacheLookup(handle, reader)(query)) == {"kind": "exact", "response": {"id": "e"}, "similarity": 1.0}
    assert handle.calls == [] and reader.queries == [query]
    reader.hit = None
    assert asyncio.run(CacheLookup(handle, reader)(query))["kind"] == "semantic"
    assert handle.calls == [(query, True)]  # exact_checked: the replica skips the exact tier
    handle.calls.clear()
    memory = CacheLookup.build(handle, CacheConfig(backend="memory"))
    assert memory.exact_reader is None and asyncio.run(memory(query))["kind"] == "semantic" and handle.calls == [(query,)]
    assert CacheLookup.build(None, CacheConfig()) is None


def test_cache_lookup_without_the_encryption_key_goes_through_the_cache(monkeypatch):
    """encryption 'required' and no key in this process: the ingress cannot open entries, the hop still can."""
    from cache import CacheConfig
    from deployments.collaborators import CacheLookup

    monkeypatch.delenv("LLM_SERVE_CACHE_KEY", raising=False)
    lookup = CacheLookup.build(FakeCacheHandle(), CacheConfig(backend="redis", encryption="required"))
    assert lookup.exact_reader is None


@pytest.mark.parametrize("reason, status, error_type, code", [
    ("budget", 429, "insufficient_quota", "insufficient_quota"),
    ("rpm", 429, "requests", "rate_limit_exceeded"),
    ("tpm", 429, "tokens", "rate_limit_exceeded"),  # OpenAI's types: the limit that was hit
    ("request_too_large", 400, "invalid_request_error", "request_too_large"),  # never admissible: no retry
])
def test_limit_refusals_become_openai_errors_with_retry_after_only_when_waiting_helps(reason, status, error_type, code):
    from deployments.collaborators import TenancyAccess
    from pipeline import APIError, Caller
    from tenancy import Admission

    retry = None if reason == "request_too_large" else 12.2
    refused = Admission(False, "k1", "acme", reason=reason, retry_after_s=retry, message="refused",
                        headers={"x-ratelimit-limit-tokens": "1000"})
    tenancy = SimpleNamespace(admit=lambda key, tokens, cost: refused)
    seen = []
    access = TenancyAccess(tenancy, on_refusal=lambda why, tenant: seen.append((why, tenant)))
    with pytest.raises(APIError) as error:
        asyncio.run(access.admit(Caller("acme", "k1", record=None), 2000, 0.0))
    assert (error.value.status_code, error.value.type, error.value.code) == (status, error_type, code)
    assert error.value.headers.get("Retry-After") == (None if retry is None else "13")  # rounded up
    assert error.value.headers["x-ratelimit-limit-tokens"] == "1000" and seen == [(reason, "acme")]
