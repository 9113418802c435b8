"""The compatibility matrix: the same cases against bare vLLM's OpenAI server and against the graph
(model=small), with the official `openai` client for well-formed requests and raw HTTP for malformed
ones. Both must answer every case with the same status class, and every 2xx must parse with the
client's typed models (streams: every chunk; and the SDK's usual `chunk.choices[0]` loop must work).
The matrix is printed (pytest -s, or in the report of a failure)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest

from tests.ports import free_port

pytestmark = pytest.mark.integration

Q = [{"role": "user", "content": "What is the capital of France?"}]
SURROGATE = b'"Hello \\ud83d world"'
TOOLS = [{"type": "function", "function": {"name": "get_weather", "description": "Weather in a city",
                                           "parameters": {"type": "object", "properties": {"city": {"type": "string"}}}}}]
SCHEMA = {"type": "json_schema", "json_schema": {"name": "answer", "schema": {
    "type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}}}
# Parameters of openai's chat.completions.create / completions.create; the rest go in extra_body.
SDK_CHAT = {"messages", "model", "frequency_penalty", "logit_bias", "logprobs", "max_completion_tokens", "max_tokens", "n",
            "presence_penalty", "response_format", "seed", "stop", "stream", "stream_options", "temperature", "tool_choice",
            "tools", "top_logprobs", "top_p", "user"}
SDK_COMPLETION = {"model", "prompt", "echo", "frequency_penalty", "logit_bias", "logprobs", "max_tokens", "n",
                  "presence_penalty", "seed", "stop", "stream", "stream_options", "temperature", "top_p", "user"}


@dataclass
class Case:
    name: str
    endpoint: str  # "chat" | "completion"
    body: dict[str, Any] | None = None
    raw: bytes | None = None  # malformed: sent as is with raw HTTP
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def stream(self) -> bool:
        return bool(self.body and self.body.get("stream"))


def chat(name: str, **fields) -> Case:
    return Case(name, "chat", {"model": "small", "messages": Q, "max_tokens": 8, "temperature": 0, **fields})


def completion(name: str, **fields) -> Case:
    return Case(name, "completion", {"model": "small", "prompt": "The capital of France is", "max_tokens": 6, "temperature": 0, **fields})


def raw(name: str, endpoint: str, data: bytes, content_type: str = "application/json") -> Case:
    return Case(name, endpoint, raw=data, headers={"content-type": content_type})


def _raw_chat(extra: bytes) -> bytes:
    return b'{"model":"small","max_tokens":4,' + extra + b"}"


CASES = [
    # ---- chat, full responses
    chat("chat basic"),
    chat("chat n=2", n=2, temperature=0.8),
    chat("chat logprobs + top_logprobs", logprobs=True, top_logprobs=3),
    chat("chat JSON mode", response_format={"type": "json_object"}, max_tokens=16),
    chat("chat JSON schema", response_format=SCHEMA, max_tokens=16),
    chat("chat penalties at 0", presence_penalty=0, frequency_penalty=0),
    chat("chat penalties", presence_penalty=0.5, frequency_penalty=0.5),
    chat("chat logit_bias", logit_bias={"100": 2}),
    chat("chat top_k", top_k=5, temperature=0.7),
    chat("chat min_p + repetition_penalty", min_p=0.05, repetition_penalty=1.1, temperature=0.7),
    chat("chat seed", seed=1234, temperature=0.9),
    chat("chat stop string", stop="Paris"),
    chat("chat stop list", stop=["Paris", "."]),
    chat("chat nulls", temperature=None, top_p=None, n=None, stream=None),
    chat("chat max_completion_tokens", max_tokens=None, max_completion_tokens=6),
    chat("chat default max_tokens", max_tokens=None, messages=[{"role": "user", "content": "Say hi."}]),
    chat("chat tools + tool_choice none", tools=TOOLS, tool_choice="none"),
    chat("chat tool-role conversation", messages=[
        {"role": "user", "content": "Weather in Paris?"},
        {"role": "assistant", "content": None, "tool_calls": [{"id": "call_1", "type": "function",
                                                               "function": {"name": "get_weather", "arguments": "{\"city\": \"Paris\"}"}}]},
        {"role": "tool", "tool_call_id": "call_1", "content": "Sunny, 21 C"}]),
    chat("chat text parts", messages=[{"role": "user", "content": [{"type": "text", "text": "What is the capital"},
                                                                    {"type": "text", "text": "of France?"}]}]),
    chat("chat developer + system roles", messages=[{"role": "developer", "content": "Be brief."},
                                                    {"role": "system", "content": "Answer in English."}, *Q]),
    chat("chat user field", user="user-123"),
    # ---- chat, streams
    chat("chat stream", stream=True),
    chat("chat stream include_usage", stream=True, stream_options={"include_usage": True}),
    chat("chat stream n=2", stream=True, n=2, temperature=0.8),
    chat("chat stream logprobs", stream=True, logprobs=True, top_logprobs=2),
    # ---- completions
    completion("completion basic"),
    completion("completion echo + logprobs", echo=True, logprobs=1, max_tokens=1),
    completion("completion prompt list", prompt=["The capital of France is", "The capital of Spain is"]),
    completion("completion token ids", prompt=[504, 3575, 282, 4649, 314]),
    completion("completion stream", stream=True),
    completion("completion stream include_usage", stream=True, stream_options={"include_usage": True}),
    completion("completion n=2 seed", n=2, temperature=0.8, seed=7),
    # ---- what the client got wrong: 4xx on both
    chat("unknown model", model="gpt-99"),
    raw("missing messages", "chat", b'{"model": "small", "max_tokens": 4}'),
    chat("max_tokens -1", max_tokens=-1),
    chat("temperature 'hot'", temperature="hot"),
    chat("prompt longer than the context", messages=[{"role": "user", "content": "lorem ipsum " * 2000}]),
    chat("n=2 with greedy sampling", n=2, temperature=0),
    chat("stream_options without stream", stream_options={"include_usage": True}),
    chat("top_logprobs without logprobs out of range", logprobs=True, top_logprobs=100),
    raw("completion missing prompt", "completion", b'{"model": "small", "max_tokens": 4}'),
    completion("completion empty prompt", prompt=""),
    raw("seed 2**64", "chat", _raw_chat(b'"messages":[{"role":"user","content":"x"}],"seed":18446744073709551616')),
    raw("stop empty string", "chat", _raw_chat(b'"messages":[{"role":"user","content":"x"}],"stop":[""]')),
    raw("malformed JSON", "chat", b'{"model": "small", "messages": ['),
    raw("body is not an object", "chat", b"[1, 2, 3]"),
    raw("JSON nested 1000 deep", "chat", b'{"model":"small","messages":' + b"[" * 1000 + b"]" * 1000 + b"}"),
    raw("integer of 5000 digits", "chat", _raw_chat(b'"messages":[{"role":"user","content":"x"}],"n":' + b"9" * 5000)),
    raw("lone surrogate in content", "chat", _raw_chat(b'"messages":[{"role":"user","content":' + SURROGATE + b"}]")),
    raw("lone surrogate in a text part", "chat",
        _raw_chat(b'"messages":[{"role":"user","content":[{"type":"text","text":' + SURROGATE + b"}]}]")),
    raw("lone surrogate in stop", "chat", _raw_chat(b'"messages":[{"role":"user","content":"x"}],"stop":[' + SURROGATE + b"]")),
    raw("not JSON content-type", "chat", b"model=small", content_type="application/x-www-form-urlencoded"),
    raw("completion malformed JSON", "completion", b'{"prompt": '),
]
for case in CASES:  # None means "leave the field out"
    if case.body:
        case.body = {k: v for k, v in case.body.items() if v is not None or k in ("temperature", "top_p", "n", "stream")}


@dataclass
class Outcome:
    status: int
    typed_ok: bool = True  # 2xx: the SDK parsed it, and the typed models' strict check found nothing vLLM's did not
    detail: str = ""
    strict_errors: frozenset = frozenset()  # (path, error type) where openai's models, validating strictly, disagree


def _strict_errors(case: Case, payload: Any) -> frozenset:
    """Where `payload` fails openai's typed models validated strictly. The SDK itself builds them without
    validation, and vLLM's own output fails some strict checks (e.g. the null first prompt logprob of
    `echo`, or `finish_reason: null` on completion chunks); the graph may differ from vLLM only in none."""
    from openai.types import Completion
    from openai.types.chat import ChatCompletion, ChatCompletionChunk
    from pydantic import ValidationError

    model = (ChatCompletionChunk if case.endpoint == "chat" else Completion) if case.stream else (
        ChatCompletion if case.endpoint == "chat" else Completion)
    errors = set()
    for item in payload if case.stream else [payload]:
        try:
            model.model_validate(item)
        except ValidationError as error:
            errors |= {(".".join(str(p) for p in e["loc"]), e["type"]) for e in error.errors()}
    return frozenset(errors)


def _no_unasked_empty_chunks(case: Case, chunks: list[dict]) -> None:
    wants_usage = bool((case.body.get("stream_options") or {}).get("include_usage"))
    for chunk in chunks:
        if not chunk.get("choices") and not (wants_usage and chunk.get("usage")):
            raise AssertionError(f"a chunk without choices the client did not ask for: {chunk}")


def _send_raw(base_url: str, api_key: str, case: Case) -> Outcome:
    path = "/v1/chat/completions" if case.endpoint == "chat" else "/v1/completions"
    headers = {"authorization": f"Bearer {api_key}", "cache-control": "no-cache", **case.headers}
    data = case.raw if case.raw is not None else json.dumps(case.body).encode()
    with httpx.Client(timeout=180) as http:
        response = http.post(base_url + path, content=data, headers=headers)
    outcome = Outcome(response.status_code, detail=response.text[:120])
    if response.status_code >= 400:
        try:
            assert set(response.json()["error"]) >= {"message", "type"}
        except Exception:  # noqa: BLE001 - any non-JSON or non-OpenAI error body
            outcome.typed_ok, outcome.detail = False, f"error body not in OpenAI's shape: {response.text[:120]}"
    return outcome


def _send_sdk(base_url: str, api_key: str, case: Case) -> Outcome:
    import openai

    client = openai.OpenAI(base_url=base_url + "/v1", api_key=api_key, max_retries=0, timeout=180,
                           default_headers={"cache-control": "no-cache"})
    known = SDK_CHAT if case.endpoint == "chat" else SDK_COMPLETION
    kwargs = {k: v for k, v in case.body.items() if k in known}
    extra = {k: v for k, v in case.body.items() if k not in known}
    create = client.chat.completions.create if case.endpoint == "chat" else client.completions.create
    try:
        if case.stream:
            chunks, text = [], []
            for chunk in create(**kwargs, extra_body=extra or None):
                chunks.append(chunk.model_dump(exclude_unset=True))
                if chunk.choices:  # the loop every SDK example writes
                    first = chunk.choices[0]
                    text.append((first.delta.content if case.endpoint == "chat" else first.text) or "")
                elif not (kwargs.get("stream_options") or {}).get("include_usage"):
                    raise AssertionError("chunk.choices[0] would raise IndexError")
            _no_unasked_empty_chunks(case, chunks)
            return Outcome(200, detail="".join(text)[:60], strict_errors=_strict_errors(case, chunks))
        response = create(**kwargs, extra_body=extra or None)
        body = response.model_dump(exclude_unset=True)
        return Outcome(200, detail=str(response.choices[0])[:60], strict_errors=_strict_errors(case, body))
    except openai.APIStatusError as error:
        return Outcome(error.status_code, detail=str(error)[:120])
    except AssertionError as error:
        return Outcome(200, typed_ok=False, detail=str(error)[:160])
    except Exception as error:  # noqa: BLE001 - a body the typed models refuse
        return Outcome(200, typed_ok=False, detail=f"{type(error).__name__}: {error}"[:160])


def send(base_url: str, api_key: str, case: Case) -> Outcome:
    return _send_raw(base_url, api_key, case) if case.raw is not None else _send_sdk(base_url, api_key, case)


@pytest.fixture(scope="module")
def bare_vllm(model_dir):
    """vLLM's own OpenAI server on the small pool's model and engine arguments."""
    from deployments.config import load_app_config, serve_config_args

    version = load_app_config(serve_config_args(), check_model_paths=False).pools["small"].versions["v1"]
    kwargs = version.llm_config["engine_kwargs"]
    port = free_port()
    command = [sys.executable, "-m", "vllm.entrypoints.openai.api_server", "--model", str(model_dir),
               "--served-model-name", "small", "--host", "127.0.0.1", "--port", str(port), "--disable-log-stats",
               "--dtype", kwargs["dtype"], "--max-model-len", str(kwargs["max_model_len"]), "--max-num-seqs", str(kwargs["max_num_seqs"]),
               "--enforce-eager", "--override-generation-config", json.dumps({"max_new_tokens": 512})]
    env = {**os.environ, "VLLM_CPU_KVCACHE_SPACE": "1"}
    log = open(os.path.join(os.environ.get("TMPDIR", "/tmp"), f"bare_vllm_{port}.log"), "w")
    process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=env, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 600
    try:
        while time.monotonic() < deadline:
            assert process.poll() is None, f"bare vLLM exited: see {log.name}"
            try:
                if httpx.get(url + "/v1/models", timeout=5).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            time.sleep(2)
        else:
            pytest.fail(f"bare vLLM not ready in time: see {log.name}")
        yield url
    finally:
        os.killpg(process.pid, 15)
        try:
            process.wait(60)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, 9)
        log.close()


def test_compatibility_matrix(bare_vllm, deployed_app):
    assert len(CASES) >= 40
    rows, failures = [], []
    for case in CASES:
        vllm_outcome = send(bare_vllm, "unused", case)
        graph_outcome = send(deployed_app.url, deployed_app.keys["tenant-a"], case)
        same_class = vllm_outcome.status // 100 == graph_outcome.status // 100
        # Where vLLM's own server fails with a 5xx on bad input, the graph must answer 4xx instead.
        better = vllm_outcome.status >= 500 and 400 <= graph_outcome.status < 500
        extra_errors = graph_outcome.strict_errors - vllm_outcome.strict_errors
        typed = graph_outcome.typed_ok and not extra_errors
        ok = (same_class or better) and typed and graph_outcome.status < 500
        verdict = "yes" if same_class else ("4xx*" if better else "NO")
        rows.append(f"{case.name:<44} {vllm_outcome.status:>5} {graph_outcome.status:>6}  {verdict:<5} {'ok' if typed else 'NO'}")
        if extra_errors:
            graph_outcome.detail += f" strict errors vLLM does not have: {sorted(extra_errors)[:3]}"
        if not ok:
            failures.append(f"{case.name}: vLLM {vllm_outcome.status} ({vllm_outcome.detail}) | graph {graph_outcome.status} "
                            f"({graph_outcome.detail})")
    matrix = "\n".join([f"{'case':<44} {'vLLM':>5} {'graph':>6}  class typed", *rows,
                        "(4xx*: vLLM's own server answers 5xx to this bad input; the graph answers 4xx)"])
    print("\n" + matrix)
    assert not failures, matrix + "\n\nfailures:\n" + "\n".join(failures)
