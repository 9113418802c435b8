"""The pools' Ray Serve LLM server: `PoolServer` (LLMServer with its engine placed on the compute cores and
the first chunks of a stream sent at once), and engines besides Ray Serve LLM's own vLLM engine, plugged
in through LLMServer's `engine_cls` (its extension point), so every pool deployment has the same handle
methods. Thin: the work is in engines/ (Ray-free)."""

from __future__ import annotations

from typing import Any, AsyncGenerator

from ray.llm._internal.serve.core.engine.protocol import LLMEngine
from ray.serve.llm import LLMServer

from engines.batching import batch_stream
from engines.placement import CpuPlacement
from engines.transformers_openai import BadRequest, TransformersOpenAIServer, _error_response


class PlacedLLMServer(LLMServer):
    """Ray Serve LLM's `LLMServer` whose engine (scheduler and workers) runs on the node's compute cores
    while the replica stays on the serving cores Ray was started on (engines/placement.py). Without a
    confined Ray start it is LLMServer. The bench deploys Ray Serve LLM's own app with it, so that both
    get the same placement."""

    async def start(self) -> None:
        engine_kwargs = self._llm_config.engine_kwargs
        ranks = int(engine_kwargs.get("tensor_parallel_size", 1)) * int(engine_kwargs.get("pipeline_parallel_size", 1))
        with CpuPlacement.current().spawning_engine(ranks, engine_in_process=self._engine_in_process()):
            await super().start()

    def _engine_in_process(self) -> bool:
        # An engine class that runs its model in the replica says so; vLLM's runs in processes of its own.
        return bool(getattr(self._engine_cls, "computes_in_process", False))


class PoolServer(PlacedLLMServer):
    """`PlacedLLMServer`, except that a stream's first batch leaves as soon as the engine has produced it;
    later chunks are still batched every `stream_batching_interval_ms` (engines/batching.py).
    LLMServer's own batcher holds the first token for up to a whole interval."""

    def _batch_output_stream(self, generator: AsyncGenerator[Any, None]) -> AsyncGenerator[list[Any], None]:
        return batch_stream(generator, self._get_batch_interval_ms() / 1000)


class _UnsupportedMixin:
    """The LLMEngine methods a text-generation pool does not serve answer with a 400."""

    async def _unsupported(self, what: str) -> AsyncGenerator[Any, None]:
        yield _error_response(BadRequest(f"{what} is not served by this pool's engine"))

    def embeddings(self, request: Any, raw_request_info: Any = None):
        return self._unsupported("embeddings")

    def transcriptions(self, request: Any, raw_request_info: Any = None):
        return self._unsupported("transcriptions")

    def score(self, request: Any, raw_request_info: Any = None):
        return self._unsupported("score")

    async def resolve_lora(self, lora_model: Any) -> None:
        raise ValueError("LoRA adapters are not supported by this pool's engine")

    def routing_stats(self) -> dict:
        return {}

    async def reset_prefix_cache(self) -> None:
        return None


class TransformersLLMEngine(_UnsupportedMixin, LLMEngine):
    """The transformers (torch) engine as a Ray Serve LLM engine. `engine_kwargs`: dtype, max_model_len and
    override_generation_config.max_new_tokens (the pool's limit, set by the app builder), vLLM's names;
    `experimental_configs.transformers`: device, max_batch_size, batch_wait_timeout_s."""

    computes_in_process = True  # torch runs in the replica, so the replica keeps the node's cores

    def __init__(self, llm_config: Any):
        loading = llm_config.model_loading_config
        kwargs = llm_config.engine_kwargs
        self.server = TransformersOpenAIServer(
            loading.model_source or loading.model_id,
            loading.model_id,
            max_model_len=kwargs.get("max_model_len"),
            max_tokens_limit=(kwargs.get("override_generation_config") or {}).get("max_new_tokens"),
            dtype=kwargs.get("dtype", "auto"),
            **(llm_config.experimental_configs.get("transformers") or {}),
        )

    async def start(self) -> None:
        await self.server.start()

    async def check_health(self) -> None:
        await self.server.check_health()

    def chat(self, request: Any, raw_request_info: Any = None):
        return self.server.chat(request)

    def completions(self, request: Any, raw_request_info: Any = None):
        return self.server.completions(request)

    async def shutdown(self) -> None:
        await self.server.shutdown()
