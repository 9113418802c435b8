"""`Pipeline`: one request through its stages, Ray-free.

    authenticate -> cache lookup -> route -> generate (failover) -> validate and act -> cache store

Every collaborator is a plain async callable (`Collaborators`), so the whole flow is unit-tested with
fakes; the Ray Serve ingress wires DeploymentHandles into it. A stage returns values; the pipeline
writes what happened into the request's `Trace` (headers, metrics, the summary log line).

Streams: tokens are relayed as they come, one write per batch the pool sends (Ray Serve LLM batches a
stream's chunks every `stream_batching_interval_ms`; one write per batch, as Ray Serve LLM's own ingress
does, instead of one per token, saves a Serve message per token). The chunks that carry a
`finish_reason` are held back until the answer is complete and validated; the verdict then rides on the
last of them as a `validation` field, so the stream stays a plain OpenAI stream (no `choices: []` chunk
unless the client asked for usage with `stream_options.include_usage`).
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from dataclasses import dataclass, field, replace
from typing import Any, AsyncIterator, Awaitable, Callable, Protocol

from cache.protocol import CacheQuery
from common.messages import content_text
from pipeline.access import Caller, Grant, estimate_prompt_tokens
from pipeline.endpoints import Endpoint
from pipeline.errors import REQUEST_TOO_LARGE, APIError, PoolUnavailable
from pipeline.guarding import StreamGuard, guard_input, guard_output
from pipeline.policies import VALIDATION_POLICIES, PolicyContext, PolicyResult, Validation, ValidationPolicy
from pipeline.routing import (AUTO, RouteDecision, check_model, check_servable, failover_order, fit_decision, forced_route,
                              pools_that_fit)
from pipeline.settings import PipelineSettings
from pipeline.trace import AnswerShape, Trace
from pipeline.versions import TrafficTable, choose_version

logger = logging.getLogger("ray.serve")

# Request fields that do not change the generated text, left out of cache keys.
OUTPUT_NEUTRAL_FIELDS = frozenset(
    {"messages", "prompt", "model", "stream", "stream_options", "user", "request_id", "priority", "session_id", "cache_salt"}
)


class Pools(Protocol):
    """Talks to the model pools (Ray Serve LLM LLMServer deployments in production)."""

    async def complete(self, pool: str, version: str, endpoint: Endpoint, request: Any) -> dict[str, Any]:
        """The full response body of `version` of `pool`. Raises APIError for the engine's 4xx,
        PoolUnavailable for capacity."""

    def stream(self, pool: str, version: str, endpoint: Endpoint, request: Any) -> AsyncIterator[list[dict[str, Any]]]:
        """Stream chunks as dicts, in batches as the pool sent them (never empty). Each chunk has `usage`
        so far (continuous usage); the final one has `choices: []` and the totals. Raises like
        `complete`, before or during the stream."""


@dataclass
class Collaborators:
    pools: Pools
    authenticate: Callable[[str | None], Awaitable[Caller]]  # Authorization header -> caller; raises APIError 401/503
    # (caller, estimated tokens, estimated cost USD) -> Grant; raises APIError 429 (Retry-After) or 503
    admit: Callable[[Caller, int, float], Awaitable[Grant]] | None = None
    settle: Callable[[Grant, int, int, float], Awaitable[None]] | None = None  # (grant, prompt, completion tokens, cost)
    classify: Callable[[list[dict]], Awaitable[dict]] | None = None  # messages -> {route, score, threshold, signals}
    check_facts: Callable[[str, str], Awaitable[dict]] | None = None  # (answer, question) -> {verdict, score, claims}
    cache_lookup: Callable[[CacheQuery], Awaitable[dict | None]] | None = None  # -> {kind, response, similarity}
    cache_store: Callable[[CacheQuery, dict, str | None, str | None], Awaitable[Any]] | None = None
    guardrails: Any | None = None  # guardrails.Guardrails: scan(text, direction, tenant), output_stream(tenant)
    observe: Callable[[Trace], None] = lambda trace: None  # metrics and the summary log, once per request


@dataclass(frozen=True)
class Job:
    """One parsed request: the endpoint, vLLM's request model, and what the HTTP layer read from headers
    (`caller` is filled in by the authentication stage)."""

    endpoint: Endpoint
    request: Any
    request_id: str
    authorization: str | None = None
    no_cache: bool = False
    caller: Caller | None = None

    @property
    def allowed_pools(self) -> tuple[str, ...] | None:
        return self.caller.pools if self.caller is not None else None


@dataclass
class Reply:
    """A full (non-streaming) response."""

    body: dict[str, Any]
    trace: Trace


@dataclass
class StreamReply:
    """A streaming response: `events` yields ready writes, each one or more whole SSE events (`data: ...\\n\\n`);
    `trace` is final once they are consumed."""

    events: AsyncIterator[str]
    trace: Trace
    headers: dict[str, str] = field(default_factory=dict)


def sse(payload: dict[str, Any] | str) -> str:
    data = payload if isinstance(payload, str) else json.dumps(payload, separators=(",", ":"), ensure_ascii=False)
    return f"data: {data}\n\n"


async def _prepend(first: list[dict], rest: AsyncIterator[list[dict]]) -> AsyncIterator[list[dict]]:
    yield first
    async for batch in rest:
        yield batch


class Pipeline:
    def __init__(self, settings: PipelineSettings, collaborators: Collaborators, traffic: TrafficTable | None = None):
        self.settings = settings
        self.c = collaborators
        self.traffic = traffic or TrafficTable.from_settings(settings)
        self._settling: set[asyncio.Task] = set()

    # ---- entry -----------------------------------------------------------------------------------

    async def run(self, job: Job) -> Reply | StreamReply:
        """Raises APIError (with the trace's headers) for anything that ends without a response."""
        request = job.request
        trace = Trace(request_id=job.request_id, endpoint=job.endpoint.path, stream=bool(request.stream))
        try:
            caller = await self.c.authenticate(job.authorization)
            trace.tenant = caller.tenant
            model = request.model or AUTO
            trace.requested_model = model
            check_model(self.settings, model)
            if not caller.may_use(model):
                allowed = ", ".join(caller.models or ())
                raise APIError(403, f"This API key may not use model '{model}' (allowed: {allowed}).", type="permission_error",
                               param="model", code="model_not_allowed")
            job = replace(job, caller=caller)
            check_servable(self.settings, model, *job.endpoint.max_tokens(request), job.allowed_pools)
            await self._admit(job, trace)
            if self.c.guardrails is not None:
                with trace.timed("guard_input"):
                    job = replace(job, request=guard_input(self.c.guardrails, job.endpoint, job.request, caller.tenant, trace.guardrails))
            query = self._cache_query(job, trace)
            hit = await self._cache_lookup(query, trace) if query is not None else None
            if hit is not None:
                return self._cached(job, hit, trace)
            decision = await self._route(job, model, trace)
            if request.stream:
                return await self._stream(job, decision, query, trace)
            return await self._complete(job, decision, query, trace)
        except APIError as error:
            trace.status, trace.error_code = error.status_code, error.code
            error.headers = {**trace.headers(), **error.headers}
            self._observe(trace)
            raise

    # ---- limits ----------------------------------------------------------------------------------

    async def _admit(self, job: Job, trace: Trace) -> None:
        """Reserve the request's worst case (its prompt estimate plus max_tokens, at the dearest pool it
        may use) against the caller's rpm/tpm/budget; settled from the real usage when it ends."""
        if self.c.admit is None:
            return
        max_tokens, param = job.endpoint.max_tokens(job.request)
        pools = [self.settings.pools[name] for name in pools_that_fit(self.settings, None, job.allowed_pools)]
        prompt = estimate_prompt_tokens([content_text(m.get("content")) for m in job.endpoint.messages(job.request)])
        completion = max_tokens if max_tokens is not None else max((p.max_tokens_limit for p in pools), default=0)
        completion *= job.request.n or 1
        cost = max((p.cost_usd(prompt, completion) for p in pools), default=0.0)
        with trace.timed("limits"):
            try:
                grant = await self.c.admit(job.caller, prompt + completion, cost)
            except APIError as error:
                if error.code == REQUEST_TOO_LARGE:  # names the field the client can lower
                    error.param = param
                raise
        trace.grant = grant
        trace.ratelimit_headers = dict(grant.headers)

    # ---- cache -----------------------------------------------------------------------------------

    def _cache_query(self, job: Job, trace: Trace) -> CacheQuery | None:
        if self.c.cache_lookup is None:
            return None
        if job.no_cache:
            trace.cache = "bypass"
            return None
        request = job.request
        messages = job.endpoint.messages(request)
        if not messages:  # nothing to key (an empty conversation or prompt list): the engine answers the 400
            trace.cache = "uncacheable"
            return None
        sampling = request.model_dump(exclude_unset=True, exclude=OUTPUT_NEUTRAL_FIELDS)
        if job.endpoint.max_tokens(request)[0] is None:
            sampling["max_tokens"] = None  # the default depends on the pool: part of the key as "unset"
        return CacheQuery(
            tenant=trace.tenant,
            # The endpoint is part of the key: a chat answer and a text completion are different bodies.
            model=f"{job.endpoint.name}:{trace.requested_model}",
            messages=messages,
            sampling=sampling,
            paraphrases=job.endpoint.paraphrases_share_answers,
        )

    async def _cache_lookup(self, query: CacheQuery, trace: Trace) -> dict | None:
        with trace.timed("cache"):
            try:
                return await asyncio.wait_for(self.c.cache_lookup(query), self.settings.cache_timeout_s)
            except Exception as error:  # noqa: BLE001 - a cache failure is a miss, never a failed request
                self._fallback(trace, "cache", error)
                return None

    async def _cache_store(self, endpoint: Endpoint, query: CacheQuery | None, body: dict, verdict: str | None, trace: Trace) -> None:
        if query is None or self.c.cache_store is None:
            return
        reasons = [r for r in endpoint.finish_reasons(body) if r is not None]
        finish_reason = next((r for r in reasons if r != "stop"), "stop") if reasons else None
        try:
            await asyncio.wait_for(self.c.cache_store(query, body, finish_reason, verdict), self.settings.cache_timeout_s)
        except Exception as error:  # noqa: BLE001 - not storing is harmless
            self._fallback(trace, "cache_store", error)

    def _cached(self, job: Job, hit: dict, trace: Trace) -> Reply | StreamReply:
        trace.cache = hit["kind"]
        body = dict(hit["response"])
        body["id"] = f"{str(body.get('id', 'cmpl')).split('-', 1)[0]}-{job.request_id}"
        body["created"] = int(time.time())
        validation = body.get("validation") or {}
        trace.validation = validation.get("verdict", "skipped")
        if not job.request.stream:
            self._observe(trace)
            return Reply(body, trace)
        return StreamReply(self._replay(job, body, trace), trace, trace.headers(streaming=True))

    async def _replay(self, job: Job, body: dict, trace: Trace) -> AsyncIterator[str]:
        try:
            chunks = job.endpoint.replay(body)
            if body.get("validation") and chunks:
                chunks[-1]["validation"] = body["validation"]
            events = [sse(chunk) for chunk in chunks]
            if _include_usage(job.request) and body.get("usage"):
                events.append(sse(_usage_chunk(job.endpoint, body, body["usage"])))
            yield "".join([*events, sse("[DONE]")])  # a stored answer: one write
        finally:
            self._observe(trace)

    # ---- routing ---------------------------------------------------------------------------------

    async def _route(self, job: Job, model: str, trace: Trace) -> RouteDecision:
        max_tokens, param = job.endpoint.max_tokens(job.request)
        if model != AUTO:
            decision = forced_route(self.settings, model, max_tokens, param)
        else:
            decision = fit_decision(self.settings, await self._classify(job, trace), max_tokens, param, job.allowed_pools)
        trace.route, trace.route_reason, trace.complexity_score = decision.pool, decision.reason, decision.score
        trace.fallbacks.extend(decision.fallbacks)
        return decision

    async def _classify(self, job: Job, trace: Trace) -> RouteDecision:
        if self.c.classify is None:
            return RouteDecision(self.settings.default_pool, "default")
        with trace.timed("classify"):
            try:
                result = await asyncio.wait_for(
                    self.c.classify(job.endpoint.messages(job.request)), self.settings.classifier_timeout_s
                )
            except Exception as error:  # noqa: BLE001 - routing must never fail the request
                self._fallback(trace, "classifier", error)
                return RouteDecision(self.settings.classifier_fallback_pool, "fallback", fallbacks=("classifier-unavailable",))
        return RouteDecision(result["route"], "classifier", result.get("score"), result.get("threshold"))

    def _version(self, job: Job, pool: str, trace: Trace) -> str:
        version = choose_version(self.traffic, pool, trace.tenant, job.endpoint.messages(job.request))
        trace.version = version
        return version

    def _pool_request(self, job: Job, pool: str, version: str) -> Any:
        return job.request.model_copy(update={"model": self.settings.pools[pool].model_ids[version]})

    def _engine_error(self, job: Job, error: APIError) -> APIError:
        """The engine's errors, with `param` naming the field of the endpoint that was called."""
        if error.status_code == 400 and "context length" in error.message.lower():
            error.param, error.code = job.endpoint.prompt_param, error.code or "context_length_exceeded"
        return error

    def _unavailable(self, error: PoolUnavailable) -> APIError:
        if error.reason == "overloaded":
            return APIError.unavailable("The model pool is at capacity; retry shortly.", "overloaded", self.settings.retry_after_s)
        return APIError.unavailable("The model pool is unavailable; retry shortly.", "unavailable", self.settings.retry_after_s)

    # ---- generation (full) -----------------------------------------------------------------------

    async def _on_a_pool(self, job: Job, pool: str, trace: Trace, attempt: Callable[[str, str], Awaitable[Any]]) -> tuple[str, Any]:
        """`attempt(pool, version)` on the chosen pool, failing over (when configured) to another pool that can
        serve the request if this one is unavailable before any token went out. -> (the pool, its result)."""
        max_tokens, _ = job.endpoint.max_tokens(job.request)
        last: PoolUnavailable | None = None
        for candidate in failover_order(self.settings, pool, max_tokens, job.allowed_pools):
            version = self._version(job, candidate, trace)
            try:
                result = await attempt(candidate, version)
            except PoolUnavailable as error:
                last = error
                self._fallback(trace, f"pool_{candidate}", error)
                continue
            except APIError as error:
                raise self._engine_error(job, error) from None
            if candidate != pool:
                trace.fallbacks.append("pool-unavailable")
                trace.route = candidate
            return candidate, result
        raise self._unavailable(last) from None

    async def _generate(self, job: Job, pool: str, trace: Trace) -> tuple[str, dict]:
        """(the pool that answered, its full response, through the output guardrails)."""

        async def complete(candidate: str, version: str) -> dict:
            with trace.timed("generate"):
                return await self.c.pools.complete(candidate, version, job.endpoint, self._pool_request(job, candidate, version))

        answered, body = await self._on_a_pool(job, pool, trace, complete)
        trace.mark_first_token()
        self._count_usage(trace, answered, body.get("usage"))
        if self.c.guardrails is not None:
            with trace.timed("guard_output"):
                guard_output(self.c.guardrails, job.endpoint, body, trace.tenant, trace.guardrails)
        return answered, body

    async def _complete(self, job: Job, decision: RouteDecision, query: CacheQuery | None, trace: Trace) -> Reply:
        pool, body = await self._generate(job, decision.pool, trace)
        question = job.endpoint.question(job.request)
        validation = await self._validate(job.endpoint, body, question, trace)
        result = PolicyResult(body, validation, "annotated" if validation else trace.validation_action, pool)
        if validation is not None and validation.contradicted:
            result = await self._policy(pool).apply(self._policy_context(job, pool, question, trace), body, validation)
        trace.route = result.pool
        trace.escalated_from = result.escalated_from
        if result.validation is not None:
            trace.validation, trace.validation_action = result.validation.verdict, result.action
            result.body["validation"] = result.validation.body_field(result.action)
        if trace.guardrails.body_field() is not None:
            result.body["guardrails"] = trace.guardrails.body_field()
        verdict = "blocked" if result.action == "blocked" else (result.validation.verdict if result.validation else None)
        trace.answer = AnswerShape.of(list(job.endpoint.choice_texts(result.body).values()), job.endpoint.finish_reasons(result.body))
        await self._cache_store(job.endpoint, query, result.body, verdict, trace)
        self._observe(trace)
        return Reply(result.body, trace)

    def _policy(self, pool: str) -> ValidationPolicy:
        return VALIDATION_POLICIES[self.settings.policies.get(pool, "annotate")]

    def _policy_context(self, job: Job, pool: str, question: str, trace: Trace) -> PolicyContext:
        async def regenerate(target: str) -> dict:
            _, body = await self._generate(job, target, trace)
            return body

        async def validate(body: dict) -> Validation | None:
            return await self._validate(job.endpoint, body, question, trace)

        return PolicyContext(pool, self.settings.escalation_pool, regenerate, validate, job.endpoint.replace_choice, self._policy)

    # ---- validation ------------------------------------------------------------------------------

    async def _validate(self, endpoint: Endpoint, body: dict, question: str, trace: Trace) -> Validation | None:
        """The fact checker's verdicts per choice, or None when it is off, has nothing to check, or
        fails (fail-open: x-validation 'skipped'; fail-closed: 503)."""
        texts = {i: t for i, t in endpoint.choice_texts(body).items() if t.strip()}
        if self.c.check_facts is None or not texts:
            return None
        with trace.timed("validate"):
            try:
                results = await asyncio.wait_for(
                    asyncio.gather(*(self.c.check_facts(text, question) for text in texts.values())),
                    self.settings.validation_timeout_s,
                )
            except Exception as error:  # noqa: BLE001 - validator failure: fail open unless configured closed
                self._fallback(trace, "fact_checker", error)
                if self.settings.validation_fail_closed:
                    trace.validation_action = "failed_closed"
                    raise APIError.unavailable(
                        "The answer could not be validated; retry shortly.", "validation_unavailable", self.settings.retry_after_s
                    ) from None
                trace.validation, trace.validation_action = "skipped", "failed_open"
                return None
        return Validation(dict(zip(texts, results)))

    # ---- generation (stream) ---------------------------------------------------------------------

    async def _stream(self, job: Job, decision: RouteDecision, query: CacheQuery | None, trace: Trace) -> StreamReply:
        """Opens the pool's stream and waits for its first batch of chunks, so that errors (prompt too long,
        pool saturated) become a status code, and an unavailable pool fails over, before any byte is sent."""

        async def open_stream(candidate: str, version: str) -> tuple[list[dict] | None, AsyncIterator[list[dict]]]:
            chunks = self.c.pools.stream(candidate, version, job.endpoint, self._pool_request(job, candidate, version))
            try:
                return await chunks.__anext__(), chunks
            except StopAsyncIteration:
                return None, chunks

        pool, (first, chunks) = await self._on_a_pool(job, decision.pool, trace, open_stream)
        return StreamReply(self._relay(job, pool, first, chunks, query, trace), trace, trace.headers(streaming=True))

    async def _relay(
        self, job: Job, pool: str, first: list[dict] | None, batches: AsyncIterator[list[dict]], query: CacheQuery | None,
        trace: Trace,
    ) -> AsyncIterator[str]:
        endpoint = job.endpoint
        client_usage, continuous = _include_usage(job.request), _continuous_usage(job.request)
        guard = StreamGuard(self.c.guardrails, endpoint, trace.tenant, trace.guardrails) if self.c.guardrails is not None else None
        relayed: list[dict] = []  # for the cache, without usage or validation
        held: list[dict] = []  # chunks with a finish_reason, sent once the answer is validated
        usage: dict | None = None
        counted = False
        started = time.perf_counter()
        try:
            source = _prepend(first, batches) if first is not None else batches
            try:
                async for batch in source:
                    out: list[str] = []
                    for chunk in batch:
                        usage = chunk.get("usage") or usage
                        if not chunk.get("choices"):
                            continue  # the usage-only chunk: re-sent at the end if the client asked
                        if not continuous:
                            chunk.pop("usage", None)
                        if guard is not None:
                            guard.filter(chunk)  # redacted spans never leave in a chunk
                        pieces = endpoint.chunk_pieces(chunk)
                        if any(p.text for p in pieces):
                            trace.mark_first_token()
                        relayed.append({k: v for k, v in chunk.items() if k != "usage"})
                        if any(p.finish_reason is not None for p in pieces):
                            held.append(chunk)
                            continue
                        out.extend(sse(waiting) for waiting in held)  # an earlier choice finished (n > 1)
                        held.clear()
                        out.append(sse(chunk))
                    if out:
                        yield "".join(out)
            except (PoolUnavailable, APIError) as error:  # the status line is gone: report in-band, as OpenAI does
                yield "".join(_ended_in_band(error if isinstance(error, APIError) else self._unavailable(error), held, trace))
                return
            finally:
                trace.stages_ms["generate"] = (time.perf_counter() - started) * 1000
            self._count_usage(trace, pool, usage)
            counted = True
            body = endpoint.assemble(relayed, usage)
            validation = None
            if body is not None:
                try:
                    validation = await self._validate(endpoint, body, endpoint.question(job.request), trace)
                except APIError as refused:  # fail-closed: the tokens are out; say so in-band
                    yield "".join(_ended_in_band(refused, held, trace))
                    return
            if validation is not None:
                action = self._policy(pool).streaming_action()
                trace.validation, trace.validation_action = validation.verdict, action
                field_value = validation.body_field(action)
                if held:
                    held[-1]["validation"] = field_value
                body["validation"] = field_value
            if held and trace.guardrails.body_field() is not None:
                held[-1]["guardrails"] = trace.guardrails.body_field()
            tail = [sse(waiting) for waiting in held]
            if body is not None:
                trace.answer = AnswerShape.of(list(endpoint.choice_texts(body).values()), endpoint.finish_reasons(body))
            if client_usage and usage is not None:
                tail.append(sse(_usage_chunk(endpoint, relayed[0] if relayed else {}, usage)))
            yield "".join([*tail, sse("[DONE]")])
            if body is not None:
                verdict = validation.verdict if validation is not None else None
                await self._cache_store(endpoint, query, body, verdict, trace)
        except (asyncio.CancelledError, GeneratorExit):
            trace.cancelled = True  # the client went away: spend is what was generated so far
            raise
        finally:
            if not counted:
                self._count_usage(trace, pool, usage)
            self._observe(trace)

    # ---- bookkeeping -----------------------------------------------------------------------------

    def _count_usage(self, trace: Trace, pool: str, usage: dict | None) -> None:
        if not usage:
            return
        prompt, completion = int(usage.get("prompt_tokens") or 0), int(usage.get("completion_tokens") or 0)
        trace.add_usage(prompt, completion, self.settings.pools[pool].cost_usd(prompt, completion))

    def _fallback(self, trace: Trace, component: str, error: BaseException) -> None:
        reason = "timeout" if isinstance(error, (asyncio.TimeoutError, TimeoutError)) else "error"
        logger.warning("request %s: %s %s (%r); continuing without it", trace.request_id, component, reason, error)
        trace.failures.append((component, reason))

    def _observe(self, trace: Trace) -> None:
        """Once per request, however it ended: settle its reservation with what it really used (a
        background task: a cancelled stream's generator cannot await any more), then metrics and log."""
        trace.finish()
        if self.c.settle is not None and trace.grant is not None:
            task = asyncio.get_running_loop().create_task(
                self.c.settle(trace.grant, trace.prompt_tokens, trace.completion_tokens, trace.cost_usd)
            )
            self._settling.add(task)
            task.add_done_callback(self._settled)
        try:
            self.c.observe(trace)
        except Exception:  # noqa: BLE001 - metrics must never fail a request
            logger.exception("request %s: recording metrics failed", trace.request_id)

    def _settled(self, task: asyncio.Task) -> None:
        self._settling.discard(task)
        if not task.cancelled() and task.exception() is not None:
            logger.warning("settling a request's usage failed: %r", task.exception())

    async def drain(self) -> None:
        """Wait for pending settlements (tests; graceful shutdown)."""
        while self._settling:
            await asyncio.gather(*list(self._settling), return_exceptions=True)


def _ended_in_band(error: APIError, held: list[dict], trace: Trace) -> list[str]:
    """How a stream ends after its status line went out: the chunks still held back, the OpenAI error
    event, then [DONE]."""
    trace.status, trace.error_code = error.status_code, error.code
    return [*(sse(chunk) for chunk in held), sse(error.body()), sse("[DONE]")]


def _include_usage(request: Any) -> bool:
    options = getattr(request, "stream_options", None)
    return bool(options and getattr(options, "include_usage", False))


def _continuous_usage(request: Any) -> bool:
    options = getattr(request, "stream_options", None)
    return bool(options and getattr(options, "continuous_usage_stats", False))


def _usage_chunk(endpoint: Endpoint, envelope: dict, usage: dict) -> dict:
    return {
        "id": envelope.get("id"),
        "object": endpoint.chunk_object_name,
        "created": envelope.get("created", int(time.time())),
        "model": envelope.get("model"),
        "choices": [],
        "usage": usage,
    }
