"""User satisfaction: `POST /v1/feedback {request_id, score, comment?}` rates one earlier request.

Each answered request leaves a short record (tenant, pool, version; never text) in Redis for
`ttl_s`, shared by every ingress replica; feedback is accepted only from the tenant that made the
request (anyone else gets the same 404 as for an unknown id, so ids reveal nothing)."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict, Field

from pipeline.errors import APIError


class FeedbackRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    request_id: str = Field(min_length=1, max_length=200, description="The x-request-id of the rated response.")
    score: float = Field(ge=0.0, le=1.0, description="Satisfaction from 0 (bad) to 1 (good); thumbs up/down: 1/0.")
    comment: str | None = Field(None, max_length=2000, description="Stored with the rating, never in metrics or logs.")


@dataclass(frozen=True)
class RatedRequest:
    request_id: str
    tenant: str
    route: str
    version: str


class FeedbackStore:
    """`remember(...)` after each answered request; `rate(tenant, feedback)` -> the rated request.
    `redis_client`: a redis.Redis. Raises APIError 404 for an unknown id or another tenant's request."""

    def __init__(self, redis_client, prefix: str = "llmfeedback", ttl_s: int = 7 * 24 * 3600):
        self.redis, self.prefix, self.ttl_s = redis_client, prefix, ttl_s

    def _key(self, request_id: str) -> str:
        return f"{self.prefix}:req:{request_id}"

    def remember(self, request_id: str, tenant: str, route: str, version: str) -> None:
        self.redis.set(self._key(request_id), json.dumps({"tenant": tenant, "route": route, "version": version}), ex=self.ttl_s)

    def rate(self, tenant: str, feedback: FeedbackRequest) -> RatedRequest:
        raw = self.redis.get(self._key(feedback.request_id))
        record = json.loads(raw) if raw else None
        if record is None or record["tenant"] != tenant:
            raise APIError(404, f"No request '{feedback.request_id}' of yours to rate.", param="request_id", code="request_not_found")
        entry = {"score": feedback.score, "comment": feedback.comment, "at": time.time()}
        self.redis.set(f"{self.prefix}:rating:{feedback.request_id}", json.dumps(entry), ex=self.ttl_s)
        return RatedRequest(feedback.request_id, tenant, record["route"], record["version"])
