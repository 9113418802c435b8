"""`Ingress`: the OpenAI-compatible HTTP front door (FastAPI through `@serve.ingress`).

One request, in order (each step is a deployment of its own, reached through a DeploymentHandle):
  1. authenticate (tenant) and validate the body ─ 4xx on bad input
  2. ResponseCache.lookup ─ a hit is answered at once (x-cache: exact | semantic)
  3. ComplexityClassifier.classify for model="auto" ─ small | large (fallback pool on error/timeout)
  4. LLMPool[small | large].generate ─ streamed tokens
  5. FactChecker.check ─ annotate, escalate to the large pool, or block, per pool policy
  6. ResponseCache.store ─ only clean, complete answers
Headers say what happened: x-route, x-complexity-score, x-cache, x-validation, x-request-id.
"""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from dataclasses import dataclass
from typing import Any, AsyncIterator

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ConfigDict, Field, model_validator
from ray import serve
from ray.exceptions import RayActorError
from ray.serve.exceptions import BackPressureError, DeploymentUnavailableError
from ray.serve.handle import DeploymentHandle
from starlette.responses import JSONResponse, Response, StreamingResponse

from cache import CacheQuery
from deployments.config import POOL_NAMES, AppConfig
from deployments.metrics import AppMetrics, RequestRecord
from deployments.openai_protocol import (
    APIError,
    ChatCompletionRequest,
    ChatMessage,
    CompletionRequest,
    chat_chunk_body,
    chat_completion_body,
    parse_request,
    sse_event,
    text_chunk_body,
    text_completion_body,
    usage_body,
)
from deployments.pool import PoolRequest, PromptTooLongError
from engines import EngineDeadError, GenerationChunk

logger = logging.getLogger("ray.serve")
app = FastAPI(title="llm-serve", description="OpenAI-compatible LLM serving with complexity routing.")

AnyCompletionRequest = ChatCompletionRequest | CompletionRequest
# Config sections the ingress applies at request time, so they can change live through user_config.
LIVE_SECTIONS = {"ingress", "classifier", "fact_checker", "cache"}


@app.exception_handler(APIError)
async def _api_error(_: Request, error: APIError) -> JSONResponse:
    return error.response()


@app.exception_handler(RequestValidationError)
async def _validation_error(_: Request, error: RequestValidationError) -> JSONResponse:
    return APIError(400, str(error)).response()


class ClassifyRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    prompt: str | None = Field(None, min_length=1)
    messages: list[ChatMessage] | None = Field(None, min_length=1)

    @model_validator(mode="after")
    def _prompt_or_messages(self) -> "ClassifyRequest":
        if (self.prompt is None) == (self.messages is None):
            raise ValueError("give exactly one of 'prompt' or 'messages'")
        return self

    def plain_messages(self) -> list[dict[str, str]]:
        if self.messages is None:
            return [{"role": "user", "content": self.prompt}]
        return [m.plain() for m in self.messages]


class ValidateRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    text: str = Field(min_length=1)
    question: str | None = None


@dataclass
class Generation:
    text: str
    finish_reason: str | None
    prompt_tokens: int
    completion_tokens: int


def _api_error_for(error: Exception, retry_after_s: int) -> APIError:
    """Map failures from the pools to client-facing errors: client mistakes are 4xx, capacity 503."""
    if isinstance(error, APIError):
        return error
    if isinstance(error, PromptTooLongError):
        # Errors raised in a replica arrive wrapped (RayTaskError); its message is the original one's.
        original = getattr(error, "cause", None) or error
        return APIError(400, str(original), param="messages", code="context_length_exceeded")
    if isinstance(error, BackPressureError):
        return APIError.unavailable("The model pool is at capacity; retry shortly.", "overloaded", retry_after_s)
    if isinstance(error, (DeploymentUnavailableError, RayActorError, EngineDeadError)):
        return APIError.unavailable("The model pool is unavailable; retry shortly.", "unavailable", retry_after_s)
    logger.error("unexpected error from a model pool: %r", error)
    return APIError(500, "Internal error while generating.", type="server_error", code="internal_error")


async def _prepend(first: GenerationChunk, rest: AsyncIterator[GenerationChunk]) -> AsyncIterator[GenerationChunk]:
    yield first
    async for chunk in rest:
        yield chunk


async def _empty() -> AsyncIterator[GenerationChunk]:
    return
    yield  # pragma: no cover - makes this an async generator


def _last_user_text(request: AnyCompletionRequest) -> str:
    if isinstance(request, CompletionRequest):
        return request.prompt
    users = [m.text for m in request.messages if m.role == "user"]
    return users[-1] if users else ""


def _conversation(request: AnyCompletionRequest) -> list[dict[str, str]]:
    if isinstance(request, CompletionRequest):
        return [{"role": "user", "content": request.prompt}]
    return request.plain_messages()


def _deep_merge(base: dict[str, Any], overrides: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in overrides.items():
        merged[key] = _deep_merge(merged[key], value) if isinstance(value, dict) and isinstance(merged.get(key), dict) else value
    return merged


def refusal_text(contradicted_claims: list[dict[str, Any]]) -> str:
    """The short refusal that replaces a blocked answer, citing the fact it contradicted."""
    claim = contradicted_claims[0]
    evidence = claim.get("evidence") or {}
    fact = f"{evidence.get('subject', '')} {evidence.get('relation', '').replace('_', ' ')}: {evidence.get('value', '')}"
    unit = evidence.get("unit")
    source = evidence.get("source")
    return (
        "I can't give that answer: it contradicts a known fact. "
        f"It said \"{claim.get('text', '').strip()}\", but the knowledge base has {fact.strip()}"
        f"{' ' + unit if unit else ''}{f' (source: {source})' if source else ''}."
    )


@serve.deployment
@serve.ingress(app)
class Ingress:
    def __init__(
        self,
        config: AppConfig,
        small_pool: DeploymentHandle,
        large_pool: DeploymentHandle,
        classifier: DeploymentHandle | None = None,
        fact_checker: DeploymentHandle | None = None,
        cache: DeploymentHandle | None = None,
    ):
        self.base_config = self.config = config
        self.pools: dict[str, DeploymentHandle] = {"small": small_pool, "large": large_pool}
        self.streaming_pools = {name: handle.options(stream=True) for name, handle in self.pools.items()}
        self.classifier = classifier
        self.fact_checker = fact_checker
        self.cache = cache
        self.metrics = AppMetrics()

    def reconfigure(self, user_config: dict[str, Any] | None) -> None:
        """Live overrides of the ingress-side config (policies, timeouts, fallback pool, API keys …) from
        the Ingress's `user_config` in serve_config.yaml's `deployments:` section. Serve applies a changed
        user_config without restarting any replica, where changing the application's `args` restarts
        them all. (Deployment options inside these sections are Serve's and are not re-read here.)"""
        overrides = user_config or {}
        unknown = set(overrides) - LIVE_SECTIONS
        if unknown:
            raise ValueError(f"Ingress user_config: unknown section(s) {sorted(unknown)}; live sections: {sorted(LIVE_SECTIONS)}")
        sections = {
            name: type(getattr(self.base_config, name)).model_validate(
                _deep_merge(getattr(self.base_config, name).model_dump(), values)
            )  # a wrong field fails the deploy with its name
            for name, values in overrides.items()
        }
        self.config = self.base_config.model_copy(update=sections)

    @property
    def retry_after_s(self) -> int:
        return self.config.ingress.retry_after_s

    # ---- endpoints ----------------------------------------------------------------------------

    @app.get("/healthz")
    async def healthz(self) -> dict:
        return {
            "status": "ok",
            "pools": list(self.pools),
            "classifier": self.classifier is not None,
            "fact_checker": self.fact_checker is not None,
            "cache": self.cache is not None,
        }

    @app.get("/v1/models")
    async def models(self) -> dict:
        created = int(time.time())
        entries = [{"id": "auto", "object": "model", "created": created, "owned_by": "llm-serve"}]
        for name in POOL_NAMES:
            pool = self.config.pools[name]
            entries.append(
                {
                    "id": name,
                    "object": "model",
                    "created": created,
                    "owned_by": "llm-serve",
                    "root": pool.display_name,
                    "engine": pool.engine.kind,
                    "max_tokens_limit": pool.sampling.max_tokens_limit,
                }
            )
        return {"object": "list", "data": entries}

    @app.post("/v1/chat/completions")
    async def chat_completions(self, request: Request) -> Response:
        return await self._complete(request, ChatCompletionRequest)

    @app.post("/v1/completions")
    async def completions(self, request: Request) -> Response:
        return await self._complete(request, CompletionRequest)

    @app.post("/v1/classify")
    async def classify(self, http_request: Request) -> Response:
        self._authenticate(http_request)
        request = parse_request(await self._read_body(http_request), ClassifyRequest)
        if self.classifier is None:
            raise APIError(404, "the complexity classifier is disabled in this deployment", code="classifier_disabled")
        try:
            decision = await self.classifier.classify.remote(request.plain_messages())
        except Exception as error:  # noqa: BLE001 - any failure of the classifier deployment
            raise APIError.unavailable(
                f"the classifier is unavailable: {type(error).__name__}", "unavailable", self.retry_after_s
            ) from None
        return JSONResponse(decision)

    @app.post("/v1/validate")
    async def validate(self, http_request: Request) -> Response:
        self._authenticate(http_request)
        request = parse_request(await self._read_body(http_request), ValidateRequest)
        if self.fact_checker is None:
            raise APIError(404, "the fact checker is disabled in this deployment", code="validator_disabled")
        try:
            result = await self.fact_checker.check.remote(request.text, request.question)
        except Exception as error:  # noqa: BLE001 - any failure of the fact-checker deployment
            raise APIError.unavailable(
                f"the fact checker is unavailable: {type(error).__name__}", "unavailable", self.retry_after_s
            ) from None
        return JSONResponse(result)

    # ---- the completion pipeline --------------------------------------------------------------

    async def _complete(self, http_request: Request, request_type: type) -> Response:
        # Serve's proxy gives every request an id (the client's x-request-id, or a new one), logs with
        # it and returns it as the x-request-id response header; use the same id everywhere.
        record = RequestRecord(
            request_id=http_request.headers.get("x-request-id") or uuid.uuid4().hex, endpoint=http_request.url.path
        )
        streaming = False
        try:
            record.tenant = self._authenticate(http_request)
            request = parse_request(await self._read_body(http_request), request_type)
            record.requested_model, record.stream = request.model, request.stream
            self._check_model(request.model)

            cache_query = self._cache_query(http_request, record, request)
            if cache_query is not None:
                hit = await self._cache_lookup(cache_query, record)
                if hit is not None:
                    streaming = request.stream  # a replayed stream records itself when it ends
                    return self._cached_response(request, hit, record)

            await self._route(request, record)
            pool_request = self._pool_request(request, record)
            chunks = await self._start_generation(record.route, pool_request)
            if request.stream:
                streaming = True
                return StreamingResponse(
                    self._sse(request, record, chunks, cache_query),
                    media_type="text/event-stream",
                    headers=self._headers(record, streaming=True),
                )
            generation = await self._finish_generation(record, chunks)
            generation, validation = await self._validate_and_act(request, record, generation)
            body = self._body(request, record, generation)
            if validation is not None:
                body["validation"] = {**validation, "action": record.validation_action}
            if cache_query is not None:
                await self._cache_store(cache_query, body, generation.finish_reason, record)
            return JSONResponse(body, headers=self._headers(record))
        except APIError as error:
            record.status, record.error_code = error.status_code, error.code
            return error.response(self._headers(record))
        finally:
            if not streaming:  # a stream records itself when it ends
                self._record(record)

    def _authenticate(self, http_request: Request) -> str:
        """Returns the tenant. Without configured keys every caller is the 'default' tenant."""
        keys = self.config.ingress.api_keys
        if not keys:
            return "default"
        token = http_request.headers.get("authorization", "").removeprefix("Bearer ").strip()
        if token not in keys:
            raise APIError(401, "Incorrect API key provided.", type="authentication_error", code="invalid_api_key")
        return keys[token]

    async def _read_body(self, http_request: Request) -> bytes:
        limit = self.config.ingress.max_request_bytes
        declared = http_request.headers.get("content-length", "")
        body = b"" if declared.isdigit() and int(declared) > limit else await http_request.body()
        if len(body) > limit or (declared.isdigit() and int(declared) > limit):
            raise APIError(413, f"request body is larger than {limit} bytes", code="request_too_large")
        return body

    def _check_model(self, model: str) -> None:
        if model != "auto" and model not in self.pools:
            raise APIError(
                404,
                f"The model '{model}' does not exist. Available models: auto, small, large.",
                param="model",
                code="model_not_found",
            )

    # ---- cache --------------------------------------------------------------------------------

    def _cache_query(self, http_request: Request, record: RequestRecord, request: AnyCompletionRequest) -> CacheQuery | None:
        if self.cache is None:
            return None
        if "no-cache" in http_request.headers.get("cache-control", "").lower():
            record.cache = "bypass"
            return None
        sampling = {
            "temperature": request.temperature,
            "top_p": request.top_p,
            "max_tokens": request.max_tokens,
            "seed": request.seed,
            "stop": request.stop_list,
        }
        # The endpoint is part of the key: a chat answer and a text completion are different bodies.
        model_key = request.model if isinstance(request, ChatCompletionRequest) else f"completions:{request.model}"
        return CacheQuery(tenant=record.tenant, model=model_key, messages=_conversation(request), sampling=sampling)

    async def _cache_lookup(self, query: CacheQuery, record: RequestRecord) -> dict | None:
        with record.timed("cache"):
            try:
                return await asyncio.wait_for(self.cache.lookup.remote(query), self.config.cache.timeout_s)
            except Exception as error:  # noqa: BLE001 - a cache failure is a miss, never a failed request
                self._fallback(record, "cache", error)
                return None

    async def _cache_store(self, query: CacheQuery, body: dict, finish_reason: str | None, record: RequestRecord) -> None:
        verdict = "blocked" if record.validation_action == "blocked" else record.validation
        try:
            await asyncio.wait_for(
                self.cache.store.remote(query, body, finish_reason, verdict), self.config.cache.timeout_s
            )
        except Exception as error:  # noqa: BLE001 - not storing is harmless
            self._fallback(record, "cache_store", error)

    def _cached_response(self, request: AnyCompletionRequest, hit: dict, record: RequestRecord) -> Response:
        record.cache = hit["kind"]
        body = dict(hit["response"])
        body["id"] = body["id"].split("-", 1)[0] + "-" + record.request_id
        body["created"] = int(time.time())
        validation = body.get("validation") or {}
        record.validation = validation.get("verdict", "skipped")
        if not request.stream:
            return JSONResponse(body, headers=self._headers(record))
        return StreamingResponse(
            self._replay(request, body, record), media_type="text/event-stream", headers=self._headers(record, streaming=True)
        )

    async def _replay(self, request: AnyCompletionRequest, body: dict, record: RequestRecord) -> AsyncIterator[str]:
        """A cache hit for a streaming request: the stored answer as one SSE stream."""
        model, choice = body["model"], body["choices"][0]
        if isinstance(request, ChatCompletionRequest):
            yield sse_event(chat_chunk_body(record.request_id, model, {"role": "assistant", "content": ""}, None))
            yield sse_event(chat_chunk_body(record.request_id, model, {"content": choice["message"]["content"]}, None))
            final = chat_chunk_body(record.request_id, model, {}, choice["finish_reason"])
        else:
            yield sse_event(text_chunk_body(record.request_id, model, choice["text"], None))
            final = text_chunk_body(record.request_id, model, "", choice["finish_reason"])
        yield sse_event(final)
        if body.get("validation"):
            yield sse_event(self._side_event(request, record, model, validation=body["validation"]))
        if request.include_usage_in_stream:
            yield sse_event(self._side_event(request, record, model, usage=body["usage"]))
        yield sse_event("[DONE]")
        self._record(record)

    # ---- routing ------------------------------------------------------------------------------

    async def _route(self, request: AnyCompletionRequest, record: RequestRecord) -> None:
        if request.model in self.pools:
            record.route, record.route_reason = request.model, "forced"
            return
        if self.classifier is None:
            record.route, record.route_reason = self.config.ingress.default_pool, "default"
            return
        with record.timed("classify"):
            try:
                decision = await asyncio.wait_for(
                    self.classifier.classify.remote(_conversation(request)), self.config.classifier.timeout_s
                )
            except Exception as error:  # noqa: BLE001 - routing must never fail the request
                record.route, record.route_reason = self.config.classifier.fallback_pool, "fallback"
                self._fallback(record, "classifier", error)
                return
        record.route, record.route_reason = decision["route"], "classifier"
        record.complexity_score = decision["score"]

    def _pool_request(self, request: AnyCompletionRequest, record: RequestRecord) -> PoolRequest:
        sampling = self.config.pools[record.route].sampling
        max_tokens = request.max_tokens if request.max_tokens is not None else sampling.default_max_tokens
        if max_tokens > sampling.max_tokens_limit:
            raise APIError(
                400,
                f"max_tokens is too large: {max_tokens}. This model supports at most "
                f"{sampling.max_tokens_limit} completion tokens.",
                param="max_tokens",
                code="max_tokens_exceeded",
            )
        is_chat = isinstance(request, ChatCompletionRequest)
        return PoolRequest(
            request_id=record.request_id,
            max_tokens=max_tokens,
            messages=request.plain_messages() if is_chat else None,
            prompt=None if is_chat else request.prompt,
            temperature=request.temperature,
            top_p=request.top_p,
            stop=request.stop_list,
            seed=request.seed,
        )

    # ---- generation ---------------------------------------------------------------------------

    async def _start_generation(self, pool: str, pool_request: PoolRequest) -> AsyncIterator[GenerationChunk]:
        """Starts the pool's stream and waits for its first chunk, so that errors (prompt too long,
        pool saturated) become a proper status code before any response byte is sent."""
        stream = self.streaming_pools[pool].generate.remote(pool_request)
        try:
            first = await stream.__anext__()
        except StopAsyncIteration:
            return _empty()
        except Exception as error:  # noqa: BLE001 - mapped to a status by _api_error_for
            raise _api_error_for(error, self.retry_after_s) from None
        return _prepend(first, stream)

    async def _finish_generation(self, record: RequestRecord, chunks: AsyncIterator[GenerationChunk]) -> Generation:
        parts: list[str] = []
        last: GenerationChunk | None = None
        with record.timed("generate"):
            try:
                async for chunk in chunks:
                    if record.ttft_ms is None and chunk.text:
                        record.ttft_ms = (time.perf_counter() - record.started) * 1000
                    parts.append(chunk.text)
                    last = chunk
            except Exception as error:  # noqa: BLE001 - a pool failing mid-answer
                raise _api_error_for(error, self.retry_after_s) from None
        generation = Generation(
            text="".join(parts),
            finish_reason=last.finish_reason if last else "stop",
            prompt_tokens=last.prompt_tokens if last else 0,
            completion_tokens=last.completion_tokens if last else 0,
        )
        self._count_tokens(record, record.route, generation)
        return generation

    def _count_tokens(self, record: RequestRecord, pool: str, generation: Generation) -> None:
        prices = self.config.pools[pool].prices
        record.prompt_tokens += generation.prompt_tokens
        record.completion_tokens += generation.completion_tokens
        record.cost_usd += (
            generation.prompt_tokens * prices.input_per_million + generation.completion_tokens * prices.output_per_million
        ) / 1e6

    # ---- validation ---------------------------------------------------------------------------

    async def _check_facts(self, record: RequestRecord, text: str, question: str) -> dict | None:
        """The fact checker's result, or None when it is disabled, down or too slow (fail-open), in
        which case x-validation is 'skipped'. Fail-closed deployments refuse the answer instead."""
        if self.fact_checker is None or not text.strip():
            return None
        with record.timed("validate"):
            try:
                result = await asyncio.wait_for(
                    self.fact_checker.check.remote(text, question), self.config.fact_checker.timeout_s
                )
            except Exception as error:  # noqa: BLE001 - validator failure: fail open unless configured closed
                self._fallback(record, "fact_checker", error)
                if self.config.fact_checker.fail_closed:
                    record.validation_action = "failed_closed"
                    raise APIError.unavailable(
                        "The answer could not be validated; retry shortly.", "validation_unavailable", self.retry_after_s
                    ) from None
                record.validation, record.validation_action = "skipped", "failed_open"
                return None
        record.validation = result["verdict"]
        record.validation_action = "annotated"
        return result

    async def _validate_and_act(
        self, request: AnyCompletionRequest, record: RequestRecord, generation: Generation
    ) -> tuple[Generation, dict | None]:
        question = _last_user_text(request)
        validation = await self._check_facts(record, generation.text, question)
        if validation is None or validation["verdict"] != "contradicted":
            return generation, validation
        policy = self.config.fact_checker.policy.get(record.route, "annotate")
        if policy == "escalate" and record.route == "small":
            record.escalated = True
            record.route_reason = f"{record.route_reason}+escalated"
            record.route = "large"
            pool_request = self._pool_request(request, record)
            generation = await self._finish_generation(record, await self._start_generation("large", pool_request))
            validation = await self._check_facts(record, generation.text, question)
            if validation is None:
                return generation, None
            record.validation_action = "escalated"
            if validation["verdict"] != "contradicted":
                return generation, validation
            policy = self.config.fact_checker.policy.get("large", "annotate")
        if policy == "block":
            record.validation_action = "blocked"
            contradicted = [c for c in validation["claims"] if c["verdict"] == "contradicted"]
            generation = Generation(refusal_text(contradicted), "content_filter", generation.prompt_tokens, 0)
        return generation, validation

    # ---- responses ----------------------------------------------------------------------------

    def _body(self, request: AnyCompletionRequest, record: RequestRecord, generation: Generation) -> dict:
        make = chat_completion_body if isinstance(request, ChatCompletionRequest) else text_completion_body
        return make(
            record.request_id,
            self.config.pools[record.route].display_name,
            generation.text,
            generation.finish_reason,
            generation.prompt_tokens,
            generation.completion_tokens,
        )

    def _headers(self, record: RequestRecord, streaming: bool = False) -> dict[str, str]:
        headers = {"x-cache": record.cache if record.cache in ("exact", "semantic") else "miss"}
        if record.route:
            headers["x-route"] = record.route
        if record.complexity_score is not None:
            headers["x-complexity-score"] = f"{record.complexity_score:.4f}"
        if record.route_reason == "fallback":
            headers["x-route-fallback"] = "classifier-unavailable"
        if record.escalated:
            headers["x-escalated-from"] = "small"
        if not streaming:  # a stream's verdict arrives as its last SSE event
            headers["x-validation"] = record.validation
            if record.validation_action not in ("none", "annotated"):
                headers["x-validation-action"] = record.validation_action
        # Standard Server-Timing: what each stage of this request cost (browsers' devtools show it).
        if record.stages_ms:
            headers["server-timing"] = ", ".join(f"{stage};dur={ms:.2f}" for stage, ms in record.stages_ms.items())
        return headers

    def _side_event(self, request: AnyCompletionRequest, record: RequestRecord, model: str, **fields: Any) -> dict:
        """A stream chunk without choices that carries `usage` or `validation`, in the endpoint's shape."""
        if isinstance(request, ChatCompletionRequest):
            event = chat_chunk_body(record.request_id, model, {}, None)
        else:
            event = text_chunk_body(record.request_id, model, "", None)
        event["choices"] = []
        event.update(fields)
        return event

    async def _sse(
        self,
        request: AnyCompletionRequest,
        record: RequestRecord,
        chunks: AsyncIterator[GenerationChunk],
        cache_query: CacheQuery | None,
    ) -> AsyncIterator[str]:
        """Tokens as they come; when complete, the fact-check verdict as a final event, then [DONE]."""
        is_chat = isinstance(request, ChatCompletionRequest)
        model = self.config.pools[record.route].display_name
        parts: list[str] = []
        last: GenerationChunk | None = None
        generate_started = time.perf_counter()
        try:
            if is_chat:
                yield sse_event(chat_chunk_body(record.request_id, model, {"role": "assistant", "content": ""}, None))
            try:
                async for chunk in chunks:
                    last = chunk
                    if not chunk.text and chunk.finish_reason is None:
                        continue
                    if record.ttft_ms is None and chunk.text:
                        record.ttft_ms = (time.perf_counter() - record.started) * 1000
                    parts.append(chunk.text)
                    if is_chat:
                        yield sse_event(chat_chunk_body(record.request_id, model, {"content": chunk.text}, chunk.finish_reason))
                    else:
                        yield sse_event(text_chunk_body(record.request_id, model, chunk.text, chunk.finish_reason))
            except Exception as error:  # noqa: BLE001 - the status line is gone; report in-band as OpenAI does
                failure = _api_error_for(error, self.retry_after_s)
                record.status, record.error_code = failure.status_code, failure.code
                yield sse_event(failure.body())
                return
            finally:
                record.stages_ms["generate"] = (time.perf_counter() - generate_started) * 1000
            generation = Generation(
                "".join(parts),
                last.finish_reason if last else "stop",
                last.prompt_tokens if last else 0,
                last.completion_tokens if last else 0,
            )
            self._count_tokens(record, record.route, generation)
            try:
                validation = await self._check_facts(record, generation.text, _last_user_text(request))
            except APIError as refused:  # fail-closed: the tokens are out; say so in-band
                record.status, record.error_code = refused.status_code, refused.code
                yield sse_event(refused.body())
                return
            if validation is not None:
                yield sse_event(self._side_event(request, record, model, validation={**validation, "action": "annotated"}))
            if cache_query is not None:
                body = self._body(request, record, generation)
                if validation is not None:
                    body["validation"] = {**validation, "action": "annotated"}
                await self._cache_store(cache_query, body, generation.finish_reason, record)
            if request.include_usage_in_stream:
                usage = usage_body(generation.prompt_tokens, generation.completion_tokens)
                yield sse_event(self._side_event(request, record, model, usage=usage))
            yield sse_event("[DONE]")
        finally:
            self._record(record)

    # ---- bookkeeping --------------------------------------------------------------------------

    def _fallback(self, record: RequestRecord, component: str, error: BaseException) -> None:
        reason = "timeout" if isinstance(error, (asyncio.TimeoutError, TimeoutError)) else "error"
        logger.warning("request %s: %s %s (%r); continuing without it", record.request_id, component, reason, error)
        self.metrics.fallback(component, reason)

    def _record(self, record: RequestRecord) -> None:
        record.finish()
        self.metrics.record(record)
