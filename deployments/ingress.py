"""`Ingress`: the OpenAI-compatible HTTP front door (FastAPI through `@serve.ingress`). HTTP only:
parse the body into vLLM's request models, read our headers, run the Ray-free `Pipeline`, render its
reply. The stages themselves live in pipeline/; the handles to the other deployments are wired into it
as plain async callables (deployments/collaborators.py)."""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator
from ray import serve
from ray.serve.handle import DeploymentHandle
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import JSONResponse, Response, StreamingResponse

from deployments.collaborators import CacheLookup, ServePools, TenancyAccess, call_with_timeout, handle_callable
from deployments.config import AppConfig, pipeline_settings
from deployments.metrics import AppMetrics
from deployments.openai_protocol import ERROR_RESPONSES, REQUEST_MODELS, parse_request, request_body_openapi
from pipeline import CHAT, COMPLETION, APIError, Collaborators, Endpoint, Job, Pipeline, Reply, Trace
from pipeline.feedback import FeedbackRequest, FeedbackStore
from pipeline.versions import TrafficTable
from rollout import CanaryMonitor, PoolAnalysis
from guardrails import Guardrails
from tenancy import Tenancy

logger = logging.getLogger("ray.serve")

app = FastAPI(
    title="llm-serve",
    description="OpenAI-compatible LLM serving with complexity routing, fact checking and a response cache.",
    version="0.2.0",
)

# Config sections the ingress applies at request time, so they can change live through user_config.
LIVE_SECTIONS = {"ingress", "classifier", "fact_checker", "cache", "tenancy", "guardrails"}
# The live traffic split per pool: {"traffic": {"small": {"traffic": {"v1": 75, "v2": 25}, "stable": "v1"}}}.
TRAFFIC_SECTION = "traffic"


def _error_response(error: APIError, extra_headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse(error.body(), status_code=error.status_code, headers={**error.headers, **(extra_headers or {})})


@app.exception_handler(APIError)
async def _api_error(_: Request, error: APIError) -> JSONResponse:
    return _error_response(error)


@app.exception_handler(RequestValidationError)
async def _validation_error(_: Request, error: RequestValidationError) -> JSONResponse:
    return _error_response(APIError(400, str(error), code="invalid_request"))


@app.exception_handler(StarletteHTTPException)
async def _http_error(_: Request, error: StarletteHTTPException) -> JSONResponse:
    # Unknown paths and methods too answer in OpenAI's error shape, never `{"detail": ...}`.
    code = {404: "not_found", 405: "method_not_allowed"}.get(error.status_code)
    return _error_response(APIError(error.status_code, str(error.detail), code=code), dict(error.headers or {}))


@app.exception_handler(Exception)
async def _unexpected(_: Request, error: Exception) -> JSONResponse:
    logger.exception("unhandled error: %r", error)
    return _error_response(APIError(500, "Internal error.", code="internal_error"))


class ClassifyRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    prompt: str | None = Field(None, min_length=1)
    messages: list[dict[str, Any]] | None = Field(None, min_length=1)

    @model_validator(mode="after")
    def _prompt_or_messages(self) -> "ClassifyRequest":
        if (self.prompt is None) == (self.messages is None):
            raise ValueError("give exactly one of 'prompt' or 'messages'")
        for message in self.messages or []:
            if message.get("role") not in ("system", "developer", "user", "assistant", "tool"):
                raise ValueError(f"unknown role {message.get('role')!r}")
        return self

    def conversation(self) -> list[dict[str, Any]]:
        return [{"role": "user", "content": self.prompt}] if self.messages is None else self.messages


class ValidateRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    text: str = Field(min_length=1)
    question: str | None = None


def _deep_merge(base: dict[str, Any], overrides: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in overrides.items():
        merged[key] = _deep_merge(merged[key], value) if isinstance(value, dict) and isinstance(merged.get(key), dict) else value
    return merged


@serve.deployment
@serve.ingress(app)
class Ingress:
    def __init__(
        self,
        config: AppConfig,
        pools: dict[str, dict[str, DeploymentHandle]],
        classifier: DeploymentHandle | None = None,
        fact_checker: DeploymentHandle | None = None,
        cache: DeploymentHandle | None = None,
    ):
        self.base_config = config
        self.pools = ServePools(pools)
        self.classifier, self.fact_checker, self.cache = classifier, fact_checker, cache
        self.metrics = AppMetrics()
        self.traffic = TrafficTable.from_settings(pipeline_settings(config))
        self._configure(config)

    def _configure(self, config: AppConfig) -> None:
        self.config = config
        self.pools.assign_timeout_s = config.ingress.pool_assign_timeout_s
        self.monitor = CanaryMonitor(
            {name: PoolAnalysis(pool.canary_analysis, pool.auto_rollback) for name, pool in config.pools.items()},
            self.traffic.split, self.traffic.set, self._rolled_back,
        )
        self.tenancy = Tenancy(config.tenancy)
        self.feedback = FeedbackStore(self.tenancy.redis)
        access = TenancyAccess(self.tenancy, self.metrics.refusal, self.metrics.budget)
        collaborators = Collaborators(
            pools=self.pools,
            authenticate=access.authenticate,
            admit=access.admit if config.tenancy.enabled else None,
            settle=access.settle if config.tenancy.enabled else None,
            classify=handle_callable(self.classifier, "classify"),
            check_facts=handle_callable(self.fact_checker, "check"),
            cache_lookup=CacheLookup.build(self.cache, config.cache.cache),
            cache_store=handle_callable(self.cache, "store"),
            guardrails=Guardrails(config.guardrails) if config.guardrails.enabled else None,
            observe=self._observe,
        )
        self.pipeline = Pipeline(pipeline_settings(config), collaborators, self.traffic)
        logger.info("ingress configured: %s", self.tenancy.describe())

    def reconfigure(self, user_config: dict[str, Any] | None) -> None:
        """Live overrides of the ingress-side config (policies, timeouts, fallback pool, API keys …) from
        the Ingress's `user_config` in serve_config.yaml's `deployments:` section. Serve applies a changed
        user_config without restarting any replica, where changing the application's `args` restarts
        them all. (Deployment options inside these sections are Serve's and are not re-read here.)"""
        overrides = dict(user_config or {})
        traffic = overrides.pop(TRAFFIC_SECTION, {})
        unknown = set(overrides) - LIVE_SECTIONS
        if unknown:
            raise ValueError(f"Ingress user_config: unknown section(s) {sorted(unknown)}; live sections: {sorted(LIVE_SECTIONS)}")
        sections = {
            name: type(getattr(self.base_config, name)).model_validate(
                _deep_merge(getattr(self.base_config, name).model_dump(), values)
            )  # a wrong field fails the deploy with its name
            for name, values in overrides.items()
        }
        config = self.base_config.model_copy(update=sections)
        splits = {name: pool.split() for name, pool in config.pools.items()}
        for pool, split in traffic.items():
            if pool not in config.pools:
                raise ValueError(f"Ingress user_config: traffic.{pool}: unknown pool; pools: {sorted(config.pools)}")
            try:  # a wrong version or a split that does not sum to 100 fails the deploy, naming the field
                splits[pool] = config.pools[pool].split(split.get("traffic"), split.get("stable"))
            except ValidationError as error:
                raise ValueError(f"Ingress user_config: traffic.{pool}: {error}") from None
        for pool, split in splits.items():
            if split != self.traffic.split(pool):
                logger.info("traffic of pool %s: %s -> %s", pool, self.traffic.split(pool).describe(), split.describe())
            self.traffic.set(pool, split)
        self._configure(config)

    def _observe(self, trace: Trace) -> None:
        self.metrics.record(trace)
        if trace.status == 200 and trace.route:  # rateable later through /v1/feedback
            try:
                self.feedback.remember(trace.request_id, trace.tenant, trace.route, trace.version)
            except Exception as error:  # noqa: BLE001 - a lost rating record must never fail a request
                logger.warning("feedback record of %s not stored: %r", trace.request_id, error)
        if trace.route and trace.version and trace.cache not in ("exact", "semantic"):
            self.monitor.observe(
                trace.route, trace.version, ok=trace.status < 500, latency_ms=trace.stages_ms.get("total", 0.0),
                contradicted=None if trace.validation in ("skipped", "unverified") else trace.validation == "contradicted",
                escalated=trace.escalated_from is not None, cost_usd=trace.cost_usd,
            )

    def _rolled_back(self, pool: str, decision: Any) -> None:
        self.metrics.rollback(pool, decision.canary or "", decision.reason)

    @property
    def retry_after_s(self) -> int:
        return self.config.ingress.retry_after_s

    # ---- OpenAI endpoints ----------------------------------------------------------------------

    @app.post("/v1/chat/completions", openapi_extra=request_body_openapi(CHAT), responses=ERROR_RESPONSES)
    async def chat_completions(self, request: Request) -> Response:
        """Creates a chat completion (OpenAI's API; every parameter vLLM accepts)."""
        return await self._complete(request, CHAT)

    @app.post("/v1/completions", openapi_extra=request_body_openapi(COMPLETION), responses=ERROR_RESPONSES)
    async def completions(self, request: Request) -> Response:
        """Creates a text completion (OpenAI's API; every parameter vLLM accepts)."""
        return await self._complete(request, COMPLETION)

    @app.get("/v1/models", responses=ERROR_RESPONSES)
    async def models(self) -> dict:
        """`auto` (the classifier decides), `small` and `large`, with the limits each accepts."""
        return {"object": "list", "data": self._model_cards()}

    @app.get("/v1/models/{model_id}", responses=ERROR_RESPONSES)
    async def model(self, model_id: str) -> dict:
        for card in self._model_cards():
            if card["id"] == model_id:
                return card
        raise APIError(404, f"The model '{model_id}' does not exist.", param="model", code="model_not_found")

    def _model_cards(self) -> list[dict]:
        created = int(time.time())
        pools = self.config.pools
        cards = [
            {
                "id": "auto", "object": "model", "created": created, "owned_by": "llm-serve",
                "max_tokens_limit": max(p.max_tokens_limit for p in pools.values()),
                "max_model_len": max((p.max_model_len or 0) for p in pools.values()) or None,
            }
        ]
        for name, pool in pools.items():
            cards.append(
                {
                    "id": name, "object": "model", "created": created, "owned_by": "llm-serve", "root": pool.model_id,
                    "max_tokens_limit": pool.max_tokens_limit, "max_model_len": pool.max_model_len,
                    "versions": {v: self.traffic.split(name).percent(v) for v in pool.versions},
                    "prices": pool.prices.model_dump(),
                }
            )
        return cards

    # ---- our endpoints -------------------------------------------------------------------------

    @app.get("/healthz")
    async def healthz(self) -> dict:
        return {
            "status": "ok",
            "pools": list(self.config.pools),
            "auth": "on" if self.tenancy.auth_required else "off",
            "tenancy": self.tenancy.status(),
            "classifier": self.classifier is not None,
            "fact_checker": self.fact_checker is not None,
            "cache": self.cache is not None,
        }

    @app.post("/v1/feedback", openapi_extra=request_body_openapi(FeedbackRequest), responses=ERROR_RESPONSES)
    async def feedback_endpoint(self, http_request: Request) -> Response:
        """`{request_id, score 0..1, comment?}`: rates one of the caller's own earlier requests (404 otherwise);
        exported per pool and version as `ray_llm_feedback_score`."""
        caller = await self.pipeline.c.authenticate(http_request.headers.get("authorization"))
        body = parse_request(await self._read_body(http_request), FeedbackRequest)
        try:
            rated = await asyncio.to_thread(self.feedback.rate, caller.tenant, body)
        except APIError:
            raise
        except Exception as error:  # noqa: BLE001 - Redis unreachable
            raise APIError.unavailable(f"feedback cannot be stored now: {type(error).__name__}", "unavailable", self.retry_after_s) from None
        self.metrics.feedback(rated.route, rated.version, body.score)
        return JSONResponse({"request_id": rated.request_id, "recorded": True, "route": rated.route, "version": rated.version})

    @app.get("/v1/rollout")
    async def rollout(self) -> dict:
        """Per pool: the live traffic split, the canary analysis' last decision with its evidence (each
        metric's arms, n, p-values, margin, verdict) and the automatic rollbacks of this replica."""
        return {"pools": self.monitor.decisions()}

    @app.post("/v1/classify", openapi_extra=request_body_openapi(ClassifyRequest), responses=ERROR_RESPONSES)
    async def classify(self, http_request: Request) -> Response:
        """`{prompt}` or `{messages}` -> `{route, score, threshold, signals}`, without generating."""
        await self.pipeline.c.authenticate(http_request.headers.get("authorization"))
        body = parse_request(await self._read_body(http_request), ClassifyRequest)
        if self.classifier is None:
            raise APIError(404, "the complexity classifier is disabled in this deployment", code="classifier_disabled")
        decision = await call_with_timeout(
            self.classifier.classify.remote(body.conversation()), None, "the classifier", self.retry_after_s
        )
        return JSONResponse(decision)

    @app.post("/v1/validate", openapi_extra=request_body_openapi(ValidateRequest), responses=ERROR_RESPONSES)
    async def validate(self, http_request: Request) -> Response:
        """`{text, question?}` -> `{verdict, score, claims: [{text, verdict, reason, evidence}]}`."""
        await self.pipeline.c.authenticate(http_request.headers.get("authorization"))
        body = parse_request(await self._read_body(http_request), ValidateRequest)
        if self.fact_checker is None:
            raise APIError(404, "the fact checker is disabled in this deployment", code="validator_disabled")
        result = await call_with_timeout(
            self.fact_checker.check.remote(body.text, body.question), None, "the fact checker", self.retry_after_s
        )
        return JSONResponse(result)

    # ---- the completion endpoints' HTTP side ---------------------------------------------------

    async def _complete(self, http_request: Request, endpoint: Endpoint) -> Response:
        # Serve's proxy gives every request an id (the client's x-request-id, or a new one) and returns it
        # as the x-request-id header; the pipeline uses the same id everywhere.
        request_id = http_request.headers.get("x-request-id") or uuid.uuid4().hex
        try:
            request = parse_request(await self._read_body(http_request), REQUEST_MODELS[endpoint.name])
        except APIError as error:
            self.metrics.refused(endpoint.path, error)
            raise
        job = Job(
            endpoint=endpoint,
            request=request,
            request_id=request_id,
            authorization=http_request.headers.get("authorization"),
            no_cache="no-cache" in http_request.headers.get("cache-control", "").lower(),
        )
        reply = await self.pipeline.run(job)
        if isinstance(reply, Reply):
            return JSONResponse(reply.body, headers=reply.trace.headers())
        return StreamingResponse(reply.events, media_type="text/event-stream", headers=reply.headers)

    async def _read_body(self, http_request: Request) -> bytes:
        content_type = http_request.headers.get("content-type", "application/json").split(";")[0].strip().lower()
        if content_type and content_type != "application/json" and not content_type.endswith("+json"):
            raise APIError(415, f"Content-Type must be application/json, got '{content_type}'", code="unsupported_media_type")
        limit = self.config.ingress.max_request_bytes
        declared = http_request.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            raise APIError(413, f"request body is larger than {limit} bytes", code="request_too_large")
        body = await http_request.body()
        if len(body) > limit:
            raise APIError(413, f"request body is larger than {limit} bytes", code="request_too_large")
        return body

