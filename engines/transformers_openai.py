"""OpenAI chat and text completions on the transformers engine, in vLLM's request and response models,
following Ray Serve LLM's engine conventions (an async generator per request yielding ready SSE strings
when streaming, else one response object; an `ErrorResponse` for a bad request). Ray-free:
deployments/engines.py plugs it into Ray Serve LLM's `LLMServer` as an `LLMEngine`.

What it serves: messages (string or text parts), prompt (a string), max_tokens / max_completion_tokens
(default: the room left in the context, bounded by the pool's limit), temperature, top_p, stop, seed,
stream and stream_options. Anything else set to a non-neutral value is refused with a 400 naming it,
never silently ignored (see `UNSUPPORTED`).
"""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from typing import Any, AsyncIterator, Callable

from engines.base import GenerationChunk, GenerationRequest
from engines.transformers_engine import TransformersEngine

logger = logging.getLogger(__name__)

# Parameter -> "is it set to something this engine cannot do?" (neutral values, e.g. penalties of 0, pass).
UNSUPPORTED: dict[str, Callable[[Any], bool]] = {
    "n": lambda v: v not in (None, 1),
    "best_of": lambda v: v not in (None, 1),
    "logprobs": lambda v: bool(v),
    "top_logprobs": lambda v: bool(v),
    "prompt_logprobs": lambda v: v is not None,
    "echo": lambda v: bool(v),
    "tools": lambda v: bool(v),
    "tool_choice": lambda v: v not in (None, "none", "auto"),
    "response_format": lambda v: v is not None and getattr(v, "type", "text") != "text",
    "structured_outputs": lambda v: v is not None,
    "logit_bias": lambda v: bool(v),
    "presence_penalty": lambda v: bool(v),
    "frequency_penalty": lambda v: bool(v),
    "repetition_penalty": lambda v: v not in (None, 1.0),
    "top_k": lambda v: v not in (None, 0, -1),
    "min_p": lambda v: bool(v),
    "min_tokens": lambda v: bool(v),
    "use_beam_search": lambda v: bool(v),
    "suffix": lambda v: bool(v),
    "stop_token_ids": lambda v: bool(v),
    "ignore_eos": lambda v: bool(v),
}


class BadRequest(ValueError):
    def __init__(self, message: str, param: str | None = None):
        super().__init__(message)
        self.param = param


class TransformersOpenAIServer:
    """Micro-batches concurrent requests into `TransformersEngine.generate_batch` (requests that arrive
    while a batch decodes wait for the next one) and shapes the results as OpenAI responses."""

    def __init__(
        self,
        model_path: str,
        model_id: str,
        max_model_len: int | None = None,
        max_tokens_limit: int | None = None,
        dtype: str = "auto",
        device: str = "auto",
        max_batch_size: int = 8,
        batch_wait_timeout_s: float = 0.02,
    ):
        self.model_id = model_id
        self.engine = TransformersEngine(model_path, dtype=dtype, device=device, max_model_len=max_model_len)
        self.max_model_len = max_model_len
        self.max_tokens_limit = max_tokens_limit
        self.max_batch_size, self.batch_wait_timeout_s = max_batch_size, batch_wait_timeout_s
        self._queue: asyncio.Queue[tuple[GenerationRequest, asyncio.Queue]] | None = None
        self._worker: asyncio.Task | None = None

    @property
    def tokenizer(self) -> Any:
        return self.engine.tokenizer

    async def start(self) -> None:
        await self.engine.start()
        if self.max_model_len is None:
            self.max_model_len = int(getattr(self.engine.model.config, "max_position_embeddings", 2048))
        self._start_batching()

    def _start_batching(self) -> None:
        self._queue = asyncio.Queue()
        self._worker = asyncio.create_task(self._batches_forever())

    async def check_health(self) -> None:
        await self.engine.check_health()
        if self._worker is not None and self._worker.done():
            raise RuntimeError(f"transformers batch worker stopped: {self._worker.exception()!r}")

    async def shutdown(self) -> None:
        if self._worker is not None:
            self._worker.cancel()
        await self.engine.shutdown()

    # ---- batching ------------------------------------------------------------------------------

    async def _batches_forever(self) -> None:
        while True:
            batch = [await self._queue.get()]
            deadline = time.monotonic() + self.batch_wait_timeout_s
            while len(batch) < self.max_batch_size and (left := deadline - time.monotonic()) > 0:
                try:
                    batch.append(await asyncio.wait_for(self._queue.get(), left))
                except asyncio.TimeoutError:
                    break
            outputs = [out for _, out in batch]
            try:
                async for step in self.engine.generate_batch([request for request, _ in batch]):
                    for chunk, out in zip(step, outputs):
                        if chunk is not None:
                            out.put_nowait(chunk)
                for out in outputs:
                    out.put_nowait(None)
            except Exception as error:  # noqa: BLE001 - every waiting request learns of the failure
                for out in outputs:
                    out.put_nowait(error)

    async def _generate(self, request: GenerationRequest) -> AsyncIterator[GenerationChunk]:
        out: asyncio.Queue = asyncio.Queue()
        self._queue.put_nowait((request, out))
        while (item := await out.get()) is not None:
            if isinstance(item, BaseException):
                raise item
            yield item

    # ---- OpenAI shapes -------------------------------------------------------------------------

    def _check_supported(self, request: Any) -> None:
        for param, unsupported in UNSUPPORTED.items():
            if param in request.model_fields_set and unsupported(getattr(request, param, None)):
                raise BadRequest(f"'{param}' is not supported by the transformers engine of this pool", param)

    def _generation_request(self, request: Any, prompt_ids: list[int], param: str) -> GenerationRequest:
        room = self.max_model_len - len(prompt_ids)
        requested = getattr(request, "max_completion_tokens", None) or vars(request).get("max_tokens")
        if room < 1 or (requested is not None and requested > room):
            raise BadRequest(
                f"This model's maximum context length is {self.max_model_len} tokens. However, you requested "
                f"{len(prompt_ids) + (requested or 1)} tokens ({len(prompt_ids)} in the input, {requested or 1} in the "
                "completion). Please reduce the length of the input or completion.",
                param,
            )
        max_tokens = min(x for x in (requested, room, self.max_tokens_limit) if x is not None)
        stop = request.stop if isinstance(request.stop, list) else ([request.stop] if request.stop else [])
        if any(s == "" for s in stop):
            raise BadRequest("stop cannot contain an empty string.", "stop")
        return GenerationRequest(
            request_id=uuid.uuid4().hex,
            prompt_token_ids=prompt_ids,
            max_tokens=max_tokens,
            temperature=1.0 if request.temperature is None else request.temperature,
            top_p=1.0 if request.top_p is None else request.top_p,
            stop=stop,
            seed=request.seed,
        )

    async def chat(self, request: Any) -> AsyncIterator[Any]:
        from vllm.entrypoints.openai.chat_completion.protocol import (
            ChatCompletionResponse, ChatCompletionResponseChoice, ChatCompletionResponseStreamChoice,
            ChatCompletionStreamResponse, ChatMessage, DeltaMessage,
        )

        try:
            self._check_supported(request)
            from common.messages import content_text

            messages = [{"role": m.get("role"), "content": content_text(m.get("content"))} for m in request.messages]
            prompt_ids = list(self.tokenizer.apply_chat_template(
                messages, add_generation_prompt=True, tokenize=True, return_dict=False
            ))
            generation = self._generation_request(request, prompt_ids, "messages")
        except BadRequest as error:
            yield _error_response(error)
            return
        response_id, created = f"chatcmpl-{generation.request_id}", int(time.time())
        if request.stream:
            envelope = dict(id=response_id, created=created, model=self.model_id)

            def delta_chunk(delta, finish=None, usage=None):
                choice = ChatCompletionResponseStreamChoice(index=0, delta=delta, finish_reason=finish)
                return ChatCompletionStreamResponse(**envelope, choices=[choice], usage=usage)

            yield _sse(delta_chunk(DeltaMessage(role="assistant", content="")))
            async for text, finish, usage in self._stream(generation, request):
                if text is None:  # the usage-only chunk
                    yield _sse(ChatCompletionStreamResponse(**envelope, choices=[], usage=usage))
                else:
                    yield _sse(delta_chunk(DeltaMessage(content=text), finish, usage))
            yield "data: [DONE]\n\n"
            return
        text, finish, usage = await self._complete(generation)
        choice = ChatCompletionResponseChoice(index=0, message=ChatMessage(role="assistant", content=text), finish_reason=finish)
        yield ChatCompletionResponse(id=response_id, created=created, model=self.model_id, choices=[choice], usage=usage)

    async def completions(self, request: Any) -> AsyncIterator[Any]:
        from vllm.entrypoints.openai.completion.protocol import (
            CompletionResponse, CompletionResponseChoice, CompletionResponseStreamChoice, CompletionStreamResponse,
        )

        try:
            self._check_supported(request)
            if not isinstance(request.prompt, str):
                raise BadRequest("the transformers engine of this pool takes one string prompt", "prompt")
            prompt_ids = list(self.tokenizer.encode(request.prompt))
            generation = self._generation_request(request, prompt_ids, "prompt")
        except BadRequest as error:
            yield _error_response(error)
            return
        response_id, created = f"cmpl-{generation.request_id}", int(time.time())
        if request.stream:
            envelope = dict(id=response_id, created=created, model=self.model_id)
            async for text, finish, usage in self._stream(generation, request):
                choices = [] if text is None else [CompletionResponseStreamChoice(index=0, text=text, finish_reason=finish)]
                yield _sse(CompletionStreamResponse(**envelope, choices=choices, usage=usage))
            yield "data: [DONE]\n\n"
            return
        text, finish, usage = await self._complete(generation)
        choice = CompletionResponseChoice(index=0, text=text, finish_reason=finish)
        yield CompletionResponse(id=response_id, created=created, model=self.model_id, choices=[choice], usage=usage)

    async def _complete(self, generation: GenerationRequest) -> tuple[str, str | None, Any]:
        parts, last = [], None
        async for chunk in self._generate(generation):
            parts.append(chunk.text)
            last = chunk
        return "".join(parts), (last.finish_reason if last else "stop"), _usage(generation, last)

    async def _stream(self, generation: GenerationRequest, request: Any) -> AsyncIterator[tuple[str | None, str | None, Any]]:
        """(text, finish_reason, usage or None) per token; then (None, None, usage) when usage was asked."""
        options = request.stream_options
        include_usage = bool(options and options.include_usage)
        continuous = bool(include_usage and options.continuous_usage_stats)
        last = None
        async for chunk in self._generate(generation):
            last = chunk
            if chunk.text or chunk.finish_reason:
                yield chunk.text, chunk.finish_reason, _usage(generation, chunk) if continuous else None
        if include_usage:
            yield None, None, _usage(generation, last)


def _usage(generation: GenerationRequest, chunk: GenerationChunk | None) -> Any:
    from vllm.entrypoints.serve.engine.protocol import UsageInfo

    completion = chunk.completion_tokens if chunk else 0
    prompt = len(generation.prompt_token_ids)
    return UsageInfo(prompt_tokens=prompt, completion_tokens=completion, total_tokens=prompt + completion)


def _sse(response: Any) -> str:
    return f"data: {response.model_dump_json(exclude_unset=True)}\n\n"


def _error_response(error: BadRequest) -> Any:
    from vllm.entrypoints.serve.engine.protocol import ErrorInfo, ErrorResponse

    return ErrorResponse(error=ErrorInfo(message=str(error), type="BadRequestError", param=error.param, code=400))
