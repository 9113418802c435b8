"""Model locations and engine-argument checks shared by the config and the engines."""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path


def looks_like_local_path(model: str) -> bool:
    """Hub ids are `org/name`; anything absolute, home- or dot-relative is a local directory."""
    return model.startswith(("/", "~", "./", "../")) or model in (".", "..")


def resolve_model_path(model: str) -> str:
    return str(Path(os.path.expandvars(model)).expanduser()) if looks_like_local_path(model) else model


# vLLM engine_kwargs the transformers engine reads (Ray Serve LLM checks every engine_kwargs name against vLLM's).
TRANSFORMERS_ENGINE_KWARGS = {"dtype", "max_model_len", "override_generation_config"}
# Its own options, in llm_config.experimental_configs.transformers.
TRANSFORMERS_ENGINE_OPTIONS = {"device", "max_batch_size", "batch_wait_timeout_s"}


def vllm_engine_arg_names() -> set[str] | None:
    """Field names of vLLM's AsyncEngineArgs, so a typo fails at deploy rather than inside a replica.
    None where vLLM is not installed."""
    try:
        from vllm.engine.arg_utils import AsyncEngineArgs
    except ImportError:
        return None
    return {f.name for f in dataclasses.fields(AsyncEngineArgs)}
