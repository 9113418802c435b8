"""The transformers (torch) engine: for machines where vLLM is not installed.

It decodes a batch of requests step by step with a shared KV cache, so a batch assembled by
`@serve.batch` costs one forward pass per token for all of its requests, and each request's new text
is yielded after every step (streaming). Each request keeps its own sampling settings and stops on
its own (end-of-sequence, a stop string or its `max_tokens`).
"""

from __future__ import annotations

import asyncio
import logging
from typing import AsyncIterator

from engines.base import EngineDeadError, GenerationChunk, GenerationRequest

logger = logging.getLogger(__name__)


class _Row:
    """Decoding state of one request in the batch."""

    def __init__(self, request: GenerationRequest, generator):
        self.request = request
        self.generator = generator  # a seeded torch.Generator, or None
        self.token_ids: list[int] = []
        self.sent_text = ""
        self.finish_reason: str | None = None


class TransformersEngine:
    def __init__(self, model_path: str, dtype: str = "auto", device: str = "auto", max_model_len: int | None = None):
        self.model_path = model_path
        self.dtype_name = dtype
        self.device_name = device
        self.max_model_len = max_model_len
        self.model = None
        self.tokenizer = None
        self._dead: BaseException | None = None

    async def start(self) -> None:
        await asyncio.to_thread(self._load)

    def _load(self) -> None:
        import torch
        from transformers import AutoModelForCausalLM, AutoTokenizer

        device = self.device_name
        if device == "auto":
            device = "cuda" if torch.cuda.is_available() else "cpu"
        dtype = self.dtype_name
        if dtype == "auto":
            # bf16 on GPU; fp32 on CPU, where bf16 matmuls are slower on most CPUs.
            dtype = "bfloat16" if device.startswith("cuda") else "float32"
        self.device = torch.device(device)
        self.tokenizer = AutoTokenizer.from_pretrained(self.model_path)
        self.model = AutoModelForCausalLM.from_pretrained(self.model_path, dtype=getattr(torch, dtype))
        self.model.to(self.device).eval()
        self.eos_token_ids = self._eos_token_ids()
        self.pad_token_id = self.tokenizer.pad_token_id
        if self.pad_token_id is None:
            self.pad_token_id = next(iter(self.eos_token_ids))
        logger.info("transformers engine loaded %s on %s (%s)", self.model_path, self.device, dtype)

    def _eos_token_ids(self) -> set[int]:
        ids = self.model.generation_config.eos_token_id
        if ids is None:
            ids = self.tokenizer.eos_token_id
        return set(ids) if isinstance(ids, (list, tuple)) else {ids}

    async def generate_batch(self, requests: list[GenerationRequest]) -> AsyncIterator[list[GenerationChunk | None]]:
        if self._dead is not None:
            raise EngineDeadError(f"transformers engine failed earlier: {self._dead!r}")
        import torch

        rows = [_Row(r, self._row_generator(r)) for r in requests]
        try:
            input_ids, attention_mask = self._left_padded(requests)
            past = None
            position_ids = (attention_mask.cumsum(-1) - 1).clamp(min=0)
            while True:
                logits, past = await asyncio.to_thread(
                    self._forward, input_ids, attention_mask, position_ids, past
                )
                next_ids = [self._sample(row, logits[i]) for i, row in enumerate(rows)]
                yield [self._advance(row, token_id) for row, token_id in zip(rows, next_ids)]
                if all(row.finish_reason is not None for row in rows):
                    return
                input_ids = torch.tensor([[t] for t in next_ids], device=self.device)
                attention_mask = torch.cat(
                    [attention_mask, torch.ones((len(rows), 1), dtype=attention_mask.dtype, device=self.device)], dim=1
                )
                position_ids = position_ids[:, -1:] + 1
        except (RuntimeError, MemoryError) as error:  # torch failures (CUDA errors, OOM) are not recoverable here
            self._dead = error
            raise EngineDeadError(f"transformers engine failed: {error!r}") from error

    def _row_generator(self, request: GenerationRequest):
        if request.seed is None:
            return None
        import torch

        return torch.Generator(device=self.device).manual_seed(request.seed)

    def _left_padded(self, requests: list[GenerationRequest]):
        import torch

        longest = max(len(r.prompt_token_ids) for r in requests)
        ids, mask = [], []
        for r in requests:
            pad = longest - len(r.prompt_token_ids)
            ids.append([self.pad_token_id] * pad + r.prompt_token_ids)
            mask.append([0] * pad + [1] * len(r.prompt_token_ids))
        return torch.tensor(ids, device=self.device), torch.tensor(mask, device=self.device)

    def _forward(self, input_ids, attention_mask, position_ids, past):
        import torch

        with torch.inference_mode():
            out = self.model(
                input_ids=input_ids,
                attention_mask=attention_mask,
                position_ids=position_ids,
                past_key_values=past,
                use_cache=True,
            )
        return out.logits[:, -1, :].float(), out.past_key_values

    def _sample(self, row: _Row, logits) -> int:
        import torch

        if row.finish_reason is not None:
            return self.pad_token_id
        request = row.request
        if request.temperature <= 0:
            return int(torch.argmax(logits))
        probs = torch.softmax(logits / request.temperature, dim=-1)
        if request.top_p < 1.0:
            sorted_probs, order = torch.sort(probs, descending=True)
            outside = sorted_probs.cumsum(-1) - sorted_probs > request.top_p
            sorted_probs[outside] = 0
            probs = torch.zeros_like(probs).scatter(0, order, sorted_probs)
        return int(torch.multinomial(probs, 1, generator=row.generator))

    def _advance(self, row: _Row, token_id: int) -> GenerationChunk | None:
        """Record one sampled token and return the text it adds (None for a request already finished)."""
        if row.finish_reason is not None:
            return None
        request = row.request
        if token_id in self.eos_token_ids:
            row.finish_reason = "stop"
        else:
            row.token_ids.append(token_id)
        text = self.tokenizer.decode(row.token_ids, skip_special_tokens=True)
        for stop in request.stop:
            at = text.find(stop)
            if at != -1:
                text, row.finish_reason = text[:at], "stop"
        if row.finish_reason is None and len(row.token_ids) >= request.max_tokens:
            row.finish_reason = "length"
        # A multi-byte character split across tokens decodes as U+FFFD until its last byte arrives.
        if row.finish_reason is None and text.endswith("\ufffd"):
            return GenerationChunk(text="", completion_tokens=len(row.token_ids), prompt_tokens=len(request.prompt_token_ids))
        delta, row.sent_text = text[len(row.sent_text):], text
        return GenerationChunk(
            text=delta,
            completion_tokens=len(row.token_ids),
            prompt_tokens=len(request.prompt_token_ids),
            finish_reason=row.finish_reason,
        )

    async def check_health(self) -> None:
        if self._dead is not None:
            raise EngineDeadError(f"transformers engine failed: {self._dead!r}")
        if self.model is None:
            raise EngineDeadError("transformers engine is not loaded")

    async def shutdown(self) -> None:
        self.model = None
