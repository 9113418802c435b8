"""A stand-in for the deployment's OpenAI API, served through httpx.MockTransport (no sockets, no model):
/v1/models, /v1/completions (echo + logprobs), /v1/chat/completions and /v1/classify, with behaviour the
tests set per pool, so that every metric of a run has a known answer."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field

import httpx


@dataclass
class FakePool:
    token_logprob: float  # every scored prompt token gets this log-probability
    answers: dict[str, str]  # last user message → answer; anything else gets `default`
    default: str = "I do not know"
    pricing: dict | None = None  # exposed in /v1/models when set


@dataclass
class FakeDeployment:
    pools: dict[str, FakePool]
    scores: dict[str, float]  # last user message → router score
    threshold: float = 0.5
    echo_supported: bool = True
    requests: list[dict] = field(default_factory=list)

    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self.handle)

    def handle(self, request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content) if request.content else {}
        self.requests.append({"path": request.url.path, "headers": dict(request.headers), "body": body})
        path = request.url.path
        if path == "/v1/models":
            return httpx.Response(200, json={"object": "list", "data": [
                {"id": name, "object": "model", "root": f"{name}-model-v1", **({"pricing": pool.pricing} if pool.pricing else {})}
                for name, pool in self.pools.items()]})
        if path == "/v1/classify":
            text = body["messages"][-1]["content"]
            score = self.scores[text]
            return httpx.Response(200, json={"route": "large" if score >= self.threshold else "small", "score": score,
                                             "threshold": self.threshold, "signals": {}})
        pool = self.pools.get(body.get("model"))
        if pool is None:
            return self.error(404, f"The model '{body.get('model')}' does not exist.")
        if path == "/v1/completions":
            if not self.echo_supported and ("echo" in body or "logprobs" in body):
                return self.error(400, "Unrecognized request argument supplied: echo")
            tokens = body["prompt"].split()  # one token per word
            token_logprobs = [None] + [pool.token_logprob] * (len(tokens) - 1) + [math.log(0.9)]  # + the generated one
            return httpx.Response(200, json={
                "object": "text_completion", "model": body["model"],
                "choices": [{"index": 0, "text": body["prompt"] + " x", "finish_reason": "length",
                             "logprobs": {"tokens": tokens + ["x"], "token_logprobs": token_logprobs}}],
                "usage": {"prompt_tokens": len(tokens), "completion_tokens": 1, "total_tokens": len(tokens) + 1}})
        if path == "/v1/chat/completions":
            question = body["messages"][-1]["content"]
            answer = pool.answers.get(question, pool.default)
            prompt_tokens = sum(len(m["content"].split()) for m in body["messages"])
            return httpx.Response(200, headers={"x-route": body["model"]}, json={
                "object": "chat.completion", "model": f"{body['model']}-model-v1",
                "choices": [{"index": 0, "message": {"role": "assistant", "content": answer}, "finish_reason": "stop"}],
                "usage": {"prompt_tokens": prompt_tokens, "completion_tokens": len(answer.split()),
                          "total_tokens": prompt_tokens + len(answer.split())}})
        return self.error(404, f"no route {path}")

    @staticmethod
    def error(status: int, message: str) -> httpx.Response:
        return httpx.Response(status, json={"error": {"message": message, "type": "invalid_request_error",
                                                       "param": None, "code": None}})
