import pytest
from pydantic import ValidationError

from engines import EngineConfig


def test_unknown_vllm_engine_kwarg_is_named():
    with pytest.raises(ValidationError, match="max_model_length"):
        EngineConfig(kind="vllm", model="org/model", engine_kwargs={"max_model_length": 4096})


def test_known_vllm_engine_kwargs_pass_through():
    config = EngineConfig(
        kind="vllm", model="org/model", engine_kwargs={"tensor_parallel_size": 4, "enable_prefix_caching": True}
    )
    assert config.engine_kwargs["tensor_parallel_size"] == 4


def test_transformers_kwargs_are_checked():
    with pytest.raises(ValidationError, match="tensor_parallel_size"):
        EngineConfig(kind="transformers", model="org/model", engine_kwargs={"tensor_parallel_size": 2})


def test_missing_local_model_directory_fails_only_when_checked(tmp_path):
    missing = str(tmp_path / "nowhere")
    EngineConfig(model=missing)  # linting a config elsewhere: paths are not checked
    with pytest.raises(ValidationError, match="has no config.json"):
        EngineConfig.model_validate({"model": missing}, context={"check_model_paths": True})


def test_home_relative_path_is_expanded():
    assert not EngineConfig(model="~/models/x").model_path.startswith("~")
    assert EngineConfig(model="HuggingFaceTB/SmolLM2-135M-Instruct").model_path == "HuggingFaceTB/SmolLM2-135M-Instruct"


def test_custom_engine_needs_a_class_path():
    with pytest.raises(ValidationError, match="engine_class"):
        EngineConfig(kind="custom", model="m")
    with pytest.raises(ValidationError, match="engine_class"):
        EngineConfig(kind="custom", model="m", engine_class="not a path")
    with pytest.raises(ValidationError, match="engine_class"):
        EngineConfig(kind="vllm", model="m", engine_class="pkg.mod:Engine")
    assert EngineConfig(kind="custom", model="m", engine_class="pkg.mod:Engine", engine_kwargs={"latency_s": 0.1})
