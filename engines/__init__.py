"""Inference engines behind one small interface (see base.py). No Ray imports: the pool deployment wraps them."""

import importlib

from engines.base import (
    BatchEngine,
    EngineDeadError,
    GenerationChunk,
    GenerationRequest,
    StreamingEngine,
)
from engines.config import EngineConfig


def create_engine(config: EngineConfig) -> StreamingEngine | BatchEngine:
    if config.kind == "custom":
        module_name, class_name = config.engine_class.split(":")
        return getattr(importlib.import_module(module_name), class_name)(config.model_path, **config.engine_kwargs)
    if config.kind == "vllm":
        from engines.vllm_engine import VLLMEngine

        return VLLMEngine(config.model_path, config.engine_kwargs)
    from engines.transformers_engine import TransformersEngine

    return TransformersEngine(config.model_path, **config.engine_kwargs)


__all__ = [
    "BatchEngine",
    "EngineConfig",
    "EngineDeadError",
    "GenerationChunk",
    "GenerationRequest",
    "StreamingEngine",
    "create_engine",
]
