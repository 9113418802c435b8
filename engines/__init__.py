"""What Ray Serve LLM does not cover, Ray-free: preparing the offline default model (model_prep), and
the transformers engine (batched torch decoding, transformers_engine) with its OpenAI shapes
(transformers_openai) for pools on machines or models without a vLLM build."""

from engines.base import EngineDeadError, GenerationChunk, GenerationRequest

__all__ = ["EngineDeadError", "GenerationChunk", "GenerationRequest"]
