"""`Ingress`: the OpenAI-compatible HTTP front door (FastAPI through `@serve.ingress`).

For each request: authenticate and validate (4xx on bad input), choose the pool, stream from it, and
answer with OpenAI's shapes plus headers that say what happened (`x-route`, `x-request-id`).
"""

from __future__ import annotations

import logging
import time
import uuid
from dataclasses import dataclass
from typing import AsyncIterator

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from ray import serve
from ray.exceptions import RayActorError
from ray.serve.exceptions import BackPressureError, DeploymentUnavailableError
from ray.serve.handle import DeploymentHandle
from starlette.responses import JSONResponse, Response, StreamingResponse

from deployments.config import POOL_NAMES, AppConfig, PoolConfig
from deployments.openai_protocol import (
    APIError,
    ChatCompletionRequest,
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


@app.exception_handler(APIError)
async def _api_error(_: Request, error: APIError) -> JSONResponse:
    return error.response()


@app.exception_handler(RequestValidationError)
async def _validation_error(_: Request, error: RequestValidationError) -> JSONResponse:
    return APIError(400, str(error)).response()


@dataclass
class Route:
    pool: str
    reason: str  # "forced" (model named a pool) | "default" (model=auto, no classifier decision)


@dataclass
class Generation:
    text: str
    finish_reason: str | None
    prompt_tokens: int
    completion_tokens: int


def _api_error_for(error: Exception, retry_after_s: int) -> APIError:
    """Map failures from the pools to client-facing errors: client mistakes are 4xx, capacity 503."""
    retry = {"Retry-After": str(retry_after_s)}
    if isinstance(error, APIError):
        return error
    if isinstance(error, PromptTooLongError):
        # Errors raised in a replica arrive wrapped (RayTaskError); its message is the original one's.
        original = getattr(error, "cause", None) or error
        return APIError(400, str(original), param="messages", code="context_length_exceeded")
    if isinstance(error, BackPressureError):
        return APIError(
            503, "The model pool is at capacity; retry shortly.", type="server_error", code="overloaded", headers=retry
        )
    if isinstance(error, (DeploymentUnavailableError, RayActorError, EngineDeadError)):
        return APIError(
            503, "The model pool is unavailable; retry shortly.", type="server_error", code="unavailable", headers=retry
        )
    logger.exception("unexpected error from a model pool", exc_info=error)
    return APIError(500, "Internal error while generating.", type="server_error", code="internal_error")


async def _prepend(first: GenerationChunk, rest: AsyncIterator[GenerationChunk]) -> AsyncIterator[GenerationChunk]:
    yield first
    async for chunk in rest:
        yield chunk


async def _empty() -> AsyncIterator[GenerationChunk]:
    return
    yield  # pragma: no cover - makes this an async generator


async def _collect(chunks: AsyncIterator[GenerationChunk]) -> Generation:
    parts: list[str] = []
    last: GenerationChunk | None = None
    async for chunk in chunks:
        parts.append(chunk.text)
        last = chunk
    return Generation(
        text="".join(parts),
        finish_reason=last.finish_reason if last else "stop",
        prompt_tokens=last.prompt_tokens if last else 0,
        completion_tokens=last.completion_tokens if last else 0,
    )


@serve.deployment
@serve.ingress(app)
class Ingress:
    def __init__(self, config: AppConfig, small_pool: DeploymentHandle, large_pool: DeploymentHandle):
        self.config = config
        self.pools: dict[str, DeploymentHandle] = {"small": small_pool, "large": large_pool}
        self.streaming_pools = {name: handle.options(stream=True) for name, handle in self.pools.items()}

    # ---- endpoints ----------------------------------------------------------------------------

    @app.get("/healthz")
    async def healthz(self) -> dict:
        return {"status": "ok", "pools": list(self.pools)}

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

    # ---- the request pipeline ---------------------------------------------------------------

    async def _complete(self, http_request: Request, request_type: type) -> Response:
        # Serve's proxy gives every request an id (the client's x-request-id, or a new one), logs with
        # it and returns it as the x-request-id response header; use the same id everywhere.
        request_id = http_request.headers.get("x-request-id") or uuid.uuid4().hex
        headers: dict[str, str] = {}
        try:
            self._authenticate(http_request)
            request = parse_request(await self._read_body(http_request), request_type)
            route = self._route(request)
            headers["x-route"] = route.pool
            pool_config = self.config.pools[route.pool]
            pool_request = self._pool_request(request, pool_config, request_id)
            model_name = pool_config.display_name
            chunks = await self._start_generation(route.pool, pool_request)
            if request.stream:
                return StreamingResponse(
                    self._sse(request, request_id, model_name, chunks), media_type="text/event-stream", headers=headers
                )
            try:
                generation = await _collect(chunks)
            except Exception as error:  # noqa: BLE001 - a pool failing mid-answer
                raise _api_error_for(error, self.config.ingress.retry_after_s) from error
            body_fn = chat_completion_body if isinstance(request, ChatCompletionRequest) else text_completion_body
            body = body_fn(
                request_id,
                model_name,
                generation.text,
                generation.finish_reason,
                generation.prompt_tokens,
                generation.completion_tokens,
            )
            return JSONResponse(body, headers=headers)
        except APIError as error:
            return error.response(headers)

    def _authenticate(self, http_request: Request) -> str:
        """Returns the tenant. Without configured keys every caller is the 'default' tenant."""
        keys = self.config.ingress.api_keys
        if not keys:
            return "default"
        auth = http_request.headers.get("authorization", "")
        token = auth.removeprefix("Bearer ").strip()
        if token not in keys:
            raise APIError(401, "Incorrect API key provided.", type="authentication_error", code="invalid_api_key")
        return keys[token]

    async def _read_body(self, http_request: Request) -> bytes:
        limit = self.config.ingress.max_request_bytes
        declared = http_request.headers.get("content-length")
        if declared and declared.isdigit() and int(declared) > limit:
            raise APIError(413, f"request body is larger than {limit} bytes", code="request_too_large")
        body = await http_request.body()
        if len(body) > limit:
            raise APIError(413, f"request body is larger than {limit} bytes", code="request_too_large")
        return body

    def _route(self, request: ChatCompletionRequest | CompletionRequest) -> Route:
        if request.model in self.pools:
            return Route(pool=request.model, reason="forced")
        if request.model == "auto":
            return Route(pool=self.config.ingress.default_pool, reason="default")
        raise APIError(
            404,
            f"The model '{request.model}' does not exist. Available models: auto, small, large.",
            param="model",
            code="model_not_found",
        )

    def _pool_request(
        self, request: ChatCompletionRequest | CompletionRequest, pool: PoolConfig, request_id: str
    ) -> PoolRequest:
        limit = pool.sampling.max_tokens_limit
        max_tokens = request.max_tokens if request.max_tokens is not None else pool.sampling.default_max_tokens
        if max_tokens > limit:
            raise APIError(
                400, f"max_tokens is too large: {max_tokens}. This model supports at most {limit} completion tokens.",
                param="max_tokens", code="max_tokens_exceeded",
            )
        is_chat = isinstance(request, ChatCompletionRequest)
        return PoolRequest(
            request_id=request_id,
            max_tokens=max_tokens,
            messages=request.plain_messages() if is_chat else None,
            prompt=None if is_chat else request.prompt,
            temperature=request.temperature,
            top_p=request.top_p,
            stop=request.stop_list,
            seed=request.seed,
        )

    async def _start_generation(self, pool: str, pool_request: PoolRequest) -> AsyncIterator[GenerationChunk]:
        """Starts the pool's stream and waits for its first chunk, so that errors (prompt too long,
        pool saturated) become a proper status code before any response byte is sent."""
        stream = self.streaming_pools[pool].generate.remote(pool_request)
        try:
            first = await stream.__anext__()
        except StopAsyncIteration:
            return _empty()
        except Exception as error:  # noqa: BLE001 - mapped to a status below, re-raised if unknown
            raise _api_error_for(error, self.config.ingress.retry_after_s) from error
        return _prepend(first, stream)

    async def _sse(
        self, request: ChatCompletionRequest | CompletionRequest, request_id: str, model: str, chunks
    ) -> AsyncIterator[str]:
        is_chat = isinstance(request, ChatCompletionRequest)
        prompt_tokens = completion_tokens = 0
        if is_chat:
            yield sse_event(chat_chunk_body(request_id, model, {"role": "assistant", "content": ""}, None))
        try:
            async for chunk in chunks:
                prompt_tokens, completion_tokens = chunk.prompt_tokens, chunk.completion_tokens
                if not chunk.text and chunk.finish_reason is None:
                    continue
                if is_chat:
                    yield sse_event(chat_chunk_body(request_id, model, {"content": chunk.text}, chunk.finish_reason))
                else:
                    yield sse_event(text_chunk_body(request_id, model, chunk.text, chunk.finish_reason))
        except Exception as error:  # noqa: BLE001 - the status line is gone; report in-band as OpenAI does
            logger.warning("stream %s failed: %r", request_id, error)
            yield sse_event(_api_error_for(error, self.config.ingress.retry_after_s).body())
            return
        if request.include_usage_in_stream:
            final = chat_chunk_body(request_id, model, {}, None) if is_chat else text_chunk_body(request_id, model, "", None)
            final["choices"] = []
            final["usage"] = usage_body(prompt_tokens, completion_tokens)
            yield sse_event(final)
        yield sse_event("[DONE]")
