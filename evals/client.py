"""The deployment as the evaluation sees it: its OpenAI-compatible HTTP API and nothing else (httpx).

Every generation asks for greedy decoding (temperature 0, a fixed seed) and sends `Cache-Control:
no-cache`, so the response cache never answers for a pool, and a rerun measures the same thing."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

import httpx

from evals.metrics import prompt_logprobs

RETRY_STATUSES = (429, 503)


class EvalHTTPError(RuntimeError):
    """The server answered an error (after retries for 429/503). `status` is the HTTP status."""

    def __init__(self, status: int, message: str):
        super().__init__(f"HTTP {status}: {message}")
        self.status = status
        self.message = message


@dataclass(frozen=True)
class Answer:
    text: str
    prompt_tokens: int
    completion_tokens: int
    model: str  # the response's `model` field
    route: str | None  # the x-route header: the pool that finally answered (an escalation shows here)


class ServingClient:
    """Async client for one deployment. `concurrency` bounds requests in flight (a CPU deployment is slow;
    more in flight only queues there). `transport` lets tests plug in an httpx.MockTransport."""

    def __init__(self, base_url: str, api_key: str | None = None, timeout_s: float = 300.0, concurrency: int = 4,
                 max_retries: int = 3, seed: int = 0, transport: httpx.AsyncBaseTransport | None = None):
        headers = {"Cache-Control": "no-cache"}
        if api_key:
            headers["Authorization"] = f"Bearer {api_key}"
        self._http = httpx.AsyncClient(base_url=base_url.rstrip("/"), headers=headers, timeout=timeout_s,
                                       transport=transport)
        self._slots = asyncio.Semaphore(concurrency)
        self.max_retries = max_retries
        self.seed = seed

    async def __aenter__(self) -> "ServingClient":
        return self

    async def __aexit__(self, *exc) -> None:
        await self._http.aclose()

    async def _request(self, method: str, path: str, json: dict | None = None) -> httpx.Response:
        async with self._slots:
            for attempt in range(self.max_retries + 1):
                response = await self._http.request(method, path, json=json)
                if response.status_code not in RETRY_STATUSES or attempt == self.max_retries:
                    break
                # Overload or a limit: the server says when to come back (Retry-After, seconds).
                await asyncio.sleep(min(30.0, float(response.headers.get("retry-after", 2))))
        if response.status_code >= 400:
            try:
                message = response.json()["error"]["message"]
            except (ValueError, KeyError, TypeError):
                message = response.text[:300]
            raise EvalHTTPError(response.status_code, message)
        return response

    async def models(self) -> list[dict]:
        """GET /v1/models → its `data` entries."""
        return (await self._request("GET", "/v1/models")).json().get("data", [])

    async def prompt_logprobs(self, model: str, text: str) -> list[float]:
        """Log-probabilities of `text`'s tokens under `model` (the first token has none): POST
        /v1/completions with echo, logprobs 1 and max_tokens 1 (vLLM's way to score a prompt)."""
        body = {"model": model, "prompt": text, "max_tokens": 1, "echo": True, "logprobs": 1, "temperature": 0.0}
        data = (await self._request("POST", "/v1/completions", body)).json()
        return prompt_logprobs(data["choices"][0].get("logprobs"), (data.get("usage") or {}).get("prompt_tokens"))

    async def chat(self, model: str, messages: list[dict], max_tokens: int) -> Answer:
        """One greedy chat completion with its real token counts (`usage`)."""
        body = {"model": model, "messages": messages, "max_tokens": max_tokens, "temperature": 0.0, "seed": self.seed}
        response = await self._request("POST", "/v1/chat/completions", body)
        data = response.json()
        usage = data.get("usage") or {}
        return Answer(
            text=data["choices"][0]["message"].get("content") or "",
            prompt_tokens=int(usage.get("prompt_tokens", 0)),
            completion_tokens=int(usage.get("completion_tokens", 0)),
            model=data.get("model", model),
            route=response.headers.get("x-route"),
        )

    async def classify(self, messages: list[dict]) -> dict:
        """POST /v1/classify → {route, score, threshold, signals}: the router's decision, nothing generated."""
        return (await self._request("POST", "/v1/classify", {"messages": messages})).json()
