"""Application config validation: what `serve deploy` accepts, and how a wrong field fails."""

import copy

import pytest
from pydantic import ValidationError

from deployments.app import ConfigError, build_app
from deployments.config import AppConfig, load_app_config, pipeline_settings, serve_config_args


def test_serve_config_yaml_is_valid():
    config = load_app_config(serve_config_args(), check_model_paths=False)
    assert set(config.pools) == {"small", "large"}
    assert config.pools["small"].versions["v1"].engine == "vllm"
    assert config.pools["small"].traffic == {"v1": 100}


def test_gpu_serve_config_is_valid_and_realistic():
    config = load_app_config(serve_config_args("serve_config.gpu.yaml"), check_model_paths=False)
    large = config.pools["large"].versions["v1"].llm_config
    gpus = sum(b.get("GPU", 0) for b in large["placement_group_config"]["bundles"])
    assert large["engine_kwargs"]["tensor_parallel_size"] == gpus == 4
    assert all(v.llm_config["engine_kwargs"]["enable_prefix_caching"] for p in config.pools.values() for v in p.versions.values())
    assert config.cache.cache.backend == "redis"  # shared entries let the cache autoscale
    assert config.classifier.router.large_fraction is not None


def _args_with(path: list[str], value, file_name: str = "serve_config.yaml"):
    args = copy.deepcopy(serve_config_args(file_name))
    node = args
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    return args


V1 = ["pools", "small", "versions", "v1"]


@pytest.mark.parametrize(
    "path, value, named",
    [
        ([*V1, "engine"], "tensorrt", "pools.small.versions.v1.engine"),
        ([*V1, "llm_config", "engine_kwargs"], {"max_model_length": 1}, "max_model_length"),
        ([*V1, "llm_config", "model_loading_configs"], {}, "model_loading_configs"),
        ([*V1, "llm_config", "deployment_config", "autoscaling_config"], {"max_replica": 3}, "max_replica"),
        ([*V1, "llm_config", "deployment_config", "max_ongoing_request"], 3, "max_ongoing_request"),
        (["pools", "large", "max_tokens_limit"], -5, "pools.large.max_tokens_limit"),
        (["pools", "small", "traffic"], {"v1": 90, "v2": 10}, "traffic"),
        (["pools", "small", "traffic"], {"v1": 90}, "sum to 100"),
        (["ingress", "default_pool"], "medium", "ingress.default_pool"),
        (["ingress", "colour"], "blue", "ingress.colour"),
        (["fact_checker", "policy"], {"small": "shout"}, "policy.small"),
    ],
)
def test_wrong_field_fails_with_its_name(path, value, named):
    with pytest.raises(ValidationError) as error:
        load_app_config(_args_with(path, value), check_model_paths=False)
    assert named in str(error.value)


def test_transformers_engine_options_are_checked():
    args = _args_with([*V1, "engine"], "transformers")
    with pytest.raises(ValidationError, match="enforce_eager"):
        load_app_config(args, check_model_paths=False)
    version = args["pools"]["small"]["versions"]["v1"]
    version["llm_config"]["engine_kwargs"] = {"max_model_len": 2048}
    version["llm_config"]["experimental_configs"] = {"transformers": {"max_batch_size": 4, "colour": 1}}
    with pytest.raises(ValidationError, match="colour"):
        load_app_config(args, check_model_paths=False)


def test_missing_pool_is_reported():
    args = copy.deepcopy(serve_config_args())
    del args["pools"]["large"]
    with pytest.raises(ValidationError, match="large"):
        AppConfig.model_validate(args)


def test_build_app_fails_at_deploy_with_field_name(tmp_path):
    args = _args_with([*V1, "llm_config", "model_loading_config", "model_source"], str(tmp_path / "no-model-here"))
    with pytest.raises(ConfigError, match=r"pools\.small\.versions\.v1\.llm_config"):
        build_app(args)


def test_pool_limit_reaches_vllm_as_its_max_new_tokens_and_the_pipeline_settings():
    config = load_app_config(serve_config_args(), check_model_paths=False)
    llm_config = config.pools["small"].versions["v1"].ray_llm_config(config.pools["small"].max_tokens_limit)
    assert llm_config.engine_kwargs["override_generation_config"]["max_new_tokens"] == 512
    assert "~" not in llm_config.model_loading_config.model_source
    settings = pipeline_settings(config)
    assert settings.pools["large"].max_tokens_limit == 1024 and settings.pools["small"].model_ids == {"v1": "SmolLM2-135M-Instruct"}
