"""The pipeline's collaborators backed by Ray Serve DeploymentHandles: the pools (Ray Serve LLM
`LLMServer` deployments, called with vLLM's request models), and the classifier, fact checker and cache
as plain async callables. Ray's failures become the pipeline's own errors here, nowhere else."""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any, AsyncIterator, Awaitable, Callable

from ray import serve
from ray.exceptions import RayActorError, RayTaskError
from ray.serve.exceptions import BackPressureError, DeploymentUnavailableError
from ray.serve.handle import DeploymentHandle
from vllm.entrypoints.generate.base.protocol import StreamOptions

from cache import CacheConfig, CacheQuery, ResponseCacheStore
from pipeline import APIError, Caller, Endpoint, PoolUnavailable
from pipeline.errors import REQUEST_TOO_LARGE
from tenancy import Admission, LimitsUnavailable, Tenancy, TenancyError, bearer_secret

logger = logging.getLogger(__name__)

# Ray errors that mean "this pool cannot answer now", as opposed to a bad request.
_UNAVAILABLE = (DeploymentUnavailableError, RayActorError)


# Errors an engine raises while reading a request that passed validation come from what the client sent.
_REQUEST_ERRORS = (KeyError, ValueError, TypeError, IndexError, OverflowError)


def _pool_failure(error: BaseException) -> BaseException:
    cause = getattr(error, "cause", None)
    if isinstance(error, RayTaskError) and isinstance(cause, _REQUEST_ERRORS):
        return APIError(400, f"The model server could not process this request: {type(cause).__name__}: {cause}",
                        code="invalid_request")
    if isinstance(error, BackPressureError):
        return PoolUnavailable("overloaded", str(error))
    if isinstance(error, _UNAVAILABLE) or isinstance(getattr(error, "cause", None), _UNAVAILABLE):
        return PoolUnavailable("unavailable", type(error).__name__)
    if isinstance(error, RayTaskError) and "EngineDeadError" in str(error):
        return PoolUnavailable("unavailable", "engine dead")
    return error


def _engine_error(item: Any) -> APIError:
    """vLLM's ErrorResponse (an OpenAI error with its HTTP status as `code`) as our APIError."""
    info = item.error
    status = int(info.code) if str(info.code).isdigit() else 500
    return APIError(status, info.message, type=info.type, param=getattr(info, "param", None))


def _is_error(item: Any) -> bool:
    return hasattr(item, "error") and not hasattr(item, "choices")


class ServePools:
    """`Pools` over the pools' handles: `handles[pool][version]` is the LLMServer deployment of that version.

    A request that no replica has taken within `assign_timeout_s` fails over (PoolUnavailable
    'unavailable') when its pool version is *suspect*: one of its calls failed for want of a replica (actor
    died, engine dead), or, looked at then, its handle's router has no replica left or Serve's status shows
    it no RUNNING replica. Serve's router would
    otherwise hold the request until a replacement has loaded its model (measured: ~45-70 s on a CPU
    machine). A pool that has RUNNING replicas is busy, not gone: while it scales out its requests queue
    as Serve intends (bounded by max_queued_requests) and are looked at again every `assign_timeout_s`.
    The first request taken in time clears the suspicion.

    Serve's status is read only for a request that has waited, at most once per `status_max_age_s` for
    all of them: `serve.status()` pickles every deployment's router config, and read every second it cost
    the idle ingress ~12 % of a core (measured with py-spy)."""

    def __init__(self, handles: dict[str, dict[str, DeploymentHandle]], assign_timeout_s: float = 2.0,
                 status_max_age_s: float = 1.0):
        self.handles = {
            pool: {version: handle.options(stream=True) for version, handle in versions.items()} for pool, versions in handles.items()
        }
        self.assign_timeout_s, self.status_max_age_s = assign_timeout_s, status_max_age_s
        self.suspect: set[tuple[str, str]] = set()
        self._status: asyncio.Future | None = None
        self._status_read_at = float("-inf")
        self._status_warned = False

    async def _call(self, pool: str, version: str, endpoint: Endpoint, request: Any) -> Any:
        """The pool's response generator, once a replica has taken the request (see the class docstring)."""
        loop = asyncio.get_running_loop()
        response = getattr(self.handles[pool][version], endpoint.handle_method).remote(request)
        # Ray Serve has no public "assigned" await; this is what iterating the response awaits first.
        assigned = asyncio.ensure_future(response._fetch_future_result_async())
        started = loop.time()
        deadline = started + self.assign_timeout_s
        while not (await asyncio.wait({assigned}, timeout=max(0.0, deadline - loop.time())))[0]:
            if (pool, version) in self.suspect or not await self._has_running_replica(pool, version):
                self.suspect.add((pool, version))
                response.cancel()
                raise PoolUnavailable("unavailable", f"no replica of {pool}:{version} took the request within "
                                                     f"{self.assign_timeout_s:g} s while it had none or had just lost one")
            deadline = loop.time() + self.assign_timeout_s  # busy, not gone: queue on, look again later
        assigned.result()  # raises what assignment raised (backpressure, ...)
        if loop.time() - started < self.assign_timeout_s:
            self.suspect.discard((pool, version))
        return response

    async def _has_running_replica(self, pool: str, version: str) -> bool:
        """Whether the pool version has a replica: False at once when the handle's own router has none left
        (see `_router_replicas`), else whether Serve's status shows a RUNNING one. One status read serves
        every request waiting within `status_max_age_s`; if it cannot be read, True (wait, as Serve would)."""
        handle = self.handles[pool][version]
        if _router_replicas(handle) == 0:
            return False
        loop = asyncio.get_running_loop()
        if self._status is None or (self._status.done() and loop.time() - self._status_read_at > self.status_max_age_s):
            self._status_read_at = loop.time()
            self._status = asyncio.ensure_future(asyncio.to_thread(serve.status))
        try:
            status = await asyncio.shield(self._status)  # one waiter's cancellation must not cancel the others' read
            details = status.applications[handle.app_name].deployments.get(handle.deployment_name)
        except Exception as error:  # noqa: BLE001 - an aid: failed calls still mark pools suspect
            if not self._status_warned:
                logger.warning("reading Serve's status for the pools' replicas failed: %r", error)
                self._status_warned = True
            return True
        return details is None or bool(details.replica_states.get("RUNNING"))

    def _failure(self, pool: str, version: str, error: BaseException) -> BaseException:
        failure = _pool_failure(error)
        if isinstance(failure, PoolUnavailable) and failure.reason == "unavailable":
            self.suspect.add((pool, version))
        return failure

    async def complete(self, pool: str, version: str, endpoint: Endpoint, request: Any) -> dict[str, Any]:
        try:
            async for item in await self._call(pool, version, endpoint, request):
                if _is_error(item):
                    raise _engine_error(item)
                return item.model_dump()
        except (APIError, PoolUnavailable):
            raise
        except Exception as error:  # noqa: BLE001 - mapped to the pipeline's errors
            raise self._failure(pool, version, error) from None
        raise PoolUnavailable("unavailable", "the pool returned no response")

    async def stream(self, pool: str, version: str, endpoint: Endpoint, request: Any) -> AsyncIterator[list[dict[str, Any]]]:
        # Continuous usage: every chunk carries the tokens so far, so a cancelled stream is still charged
        # for what it generated. The pipeline strips it where the client did not ask.
        request = request.model_copy(update={"stream_options": StreamOptions(include_usage=True, continuous_usage_stats=True)})
        try:
            async for item in await self._call(pool, version, endpoint, request):
                batch, error = _stream_batch(item)
                if batch:
                    yield batch  # what came before an error is still relayed
                if error is not None:
                    raise error
        except (APIError, PoolUnavailable):
            raise
        except Exception as error:  # noqa: BLE001 - mapped to the pipeline's errors
            raise self._failure(pool, version, error) from None


def _stream_batch(item: Any) -> tuple[list[dict[str, Any]], APIError | None]:
    """One LLMServer stream message (a list of SSE events, batched every stream_batching_interval_ms, or
    one event) -> its chunks up to the first error, and that error as an APIError (None if none)."""
    batch: list[dict[str, Any]] = []
    for event in item if isinstance(item, list) else [item]:
        if _is_error(event):
            return batch, _engine_error(event)
        for chunk in _sse_payloads(event):
            if "error" in chunk and "choices" not in chunk:
                error = chunk["error"]
                status = int(error["code"]) if str(error.get("code", "")).isdigit() else 500
                return batch, APIError(status, error.get("message", "engine error"), type=error.get("type"))
            batch.append(chunk)
    return batch, None


def _sse_payloads(event: Any) -> list[dict[str, Any]]:
    """The JSON payloads of one or more `data: {...}\\n\\n` events ([DONE] dropped; the pipeline ends streams)."""
    text = event if isinstance(event, str) else f"data: {event.model_dump_json()}\n\n"
    payloads = []
    for line in text.split("\n"):
        if line.startswith("data: ") and line[6:].strip() != "[DONE]":
            payloads.append(json.loads(line[6:]))
    return payloads


def _router_replicas(handle: DeploymentHandle) -> int | None:
    """How many replicas the handle's router can still send to, or None where that is not known (router not
    started yet, or Ray's internals differ from 2.60's). The router drops a replica the moment a call finds
    its actor dead; Serve's controller notices only at its next health check (`health_check_period_s`, 10 s
    here), so the status alone kept the first request after a kill waiting ~9 s (a new-user trial)."""
    try:
        router = handle._router._asyncio_router  # private: Ray Serve has no public view of a handle's replicas
        if not router.running_replicas_populated():
            return None
        return len(router.request_router.curr_replicas)
    except AttributeError:
        return None


class TenancyAccess:
    """The authentication and limits stages over `tenancy.Tenancy` (keys, rpm/tpm windows and budgets in
    Redis, shared by every ingress replica). Its calls are a few sub-millisecond round trips to a local
    Redis (Lua scripts), made on the event loop: measured under load, a worker-thread hop per call cost
    ~100 ms of scheduling delay on a busy 2-core machine, far more than the calls themselves; a Redis that
    stops answering is cut off by `redis_timeout_s` and then skipped for `redis_retry_interval_s`.
    Tenancy's typed errors become OpenAI-shaped APIErrors."""

    # refusal reason -> OpenAI's error (status, type, code). A 429 carries Retry-After; a request larger than
    # the whole tpm window can never be admitted, so it is the client's error, without one.
    REFUSALS = {
        "budget": (429, "insufficient_quota", "insufficient_quota"),
        "rpm": (429, "requests", "rate_limit_exceeded"),
        "tpm": (429, "tokens", "rate_limit_exceeded"),
        "request_too_large": (400, "invalid_request_error", REQUEST_TOO_LARGE),
    }

    def __init__(
        self,
        tenancy: Tenancy,
        on_refusal: Callable[[str, str], None] = lambda reason, tenant: None,
        on_budget: Callable[[str, float, float | None], None] = lambda tenant, remaining, budget: None,
    ):
        self.tenancy = tenancy
        self.on_refusal, self.on_budget = on_refusal, on_budget

    def _error(self, error: TenancyError, tenant: str = "") -> APIError:
        headers = {}
        if isinstance(error, LimitsUnavailable):
            headers["Retry-After"] = str(max(1, int(error.retry_after_s + 0.999)))
        self.on_refusal("auth" if error.http_status in (401, 403) else "limits_unavailable", tenant)
        return APIError(error.http_status, str(error), type=error.error_type, code=error.code, headers=headers)

    async def authenticate(self, authorization: str | None) -> Caller:
        try:
            key = self.tenancy.authenticate(bearer_secret(authorization))
        except TenancyError as error:
            raise self._error(error) from None
        models = tuple(key.models) if key.models is not None else None
        return Caller(key.tenant, key.key_id, models, key.allowed_pools() if models is not None else None, key)

    async def admit(self, caller: Caller, estimated_tokens: int, estimated_cost_usd: float) -> Admission:
        try:
            admission = self.tenancy.admit(caller.record, estimated_tokens, estimated_cost_usd)
        except TenancyError as error:
            raise self._error(error, caller.tenant) from None
        if admission.budget_remaining_usd is not None:
            self.on_budget(caller.tenant, admission.budget_remaining_usd, caller.record.budget_usd)
        if not admission.allowed:
            self.on_refusal(admission.reason, caller.tenant)
            status, error_type, code = self.REFUSALS[admission.reason]
            retry = {"Retry-After": admission.retry_after_header or "1"} if status == 429 else {}
            raise APIError(status, admission.message, type=error_type, code=code, headers={**admission.headers, **retry})
        return admission

    async def settle(self, admission: Admission, prompt_tokens: int, completion_tokens: int, cost_usd: float) -> None:
        self.tenancy.settle(admission, prompt_tokens, completion_tokens, cost_usd)


class CacheLookup:
    """The pipeline's `cache_lookup` over the ResponseCache deployment. With the Redis backend the ingress
    reads the exact key itself (`exact_reader`: one HMGET on the event loop, bounded by the cache's
    redis_timeout_s) and asks the deployment only for the semantic tier after a miss: an exact hit skips
    a Serve hop, measured at ~3 ms of a ~15 ms hit. With the memory backend every lookup is the hop."""

    def __init__(self, handle: DeploymentHandle, exact_reader: ResponseCacheStore | None = None):
        self.handle, self.exact_reader = handle, exact_reader

    @classmethod
    def build(cls, handle: DeploymentHandle | None, config: CacheConfig) -> "CacheLookup | None":
        if handle is None:
            return None
        if config.backend != "redis":
            return cls(handle)
        try:
            return cls(handle, ResponseCacheStore(config))  # the embedder and verifier load only on semantic use
        except ValueError as error:  # encryption required and this process has no key: the hop still works
            logger.warning("exact cache lookups go through ResponseCache: %s", error)
            return cls(handle)

    async def __call__(self, query: CacheQuery) -> dict | None:
        if self.exact_reader is None:
            return await self.handle.lookup.remote(query)
        hit = self.exact_reader.lookup_exact(query)
        return hit.model_dump() if hit is not None else await self.handle.lookup.remote(query, True)


def handle_callable(handle: DeploymentHandle | None, method: str) -> Callable[..., Awaitable[Any]] | None:
    """`await f(*args)` calls `handle.method.remote(*args)`; None when the deployment is disabled."""
    if handle is None:
        return None

    async def call(*args: Any) -> Any:
        return await getattr(handle, method).remote(*args)

    return call


async def call_with_timeout(response: Any, timeout_s: float | None, what: str, retry_after_s: int) -> Any:
    """Await a handle response; any failure of the deployment is a 503 with Retry-After."""
    try:
        return await asyncio.wait_for(response, timeout_s)
    except Exception as error:  # noqa: BLE001 - any failure of the deployment
        raise APIError.unavailable(f"{what} is unavailable: {type(error).__name__}", "unavailable", retry_after_s) from None
