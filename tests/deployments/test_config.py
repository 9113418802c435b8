"""Application config validation: what `serve deploy` accepts, and how a wrong field fails."""

import copy

import pytest
from pydantic import ValidationError

from deployments.app import ConfigError, build_app
from deployments.config import AppConfig, load_app_config
from deployments.config import serve_config_args


def test_serve_config_yaml_is_valid():
    config = load_app_config(serve_config_args(), check_model_paths=False)
    assert set(config.pools) == {"small", "large"}
    assert config.pools["small"].engine.kind == "vllm"


def test_gpu_serve_config_is_valid_and_realistic():
    config = load_app_config(serve_config_args("serve_config.gpu.yaml"), check_model_paths=False)
    large = config.pools["large"]
    assert large.engine.engine_kwargs["tensor_parallel_size"] == large.deployment.ray_actor_options["num_gpus"]
    assert config.pools["small"].deployment.ray_actor_options["num_gpus"] == 1
    assert all(pool.engine.engine_kwargs["enable_prefix_caching"] for pool in config.pools.values())
    assert config.cache.cache.backend == "redis"  # shared entries let the cache autoscale
    assert config.classifier.router.large_fraction is not None


def _args_with(path: list[str], value):
    args = copy.deepcopy(serve_config_args())
    node = args
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    return args


@pytest.mark.parametrize(
    "path, value, named",
    [
        (["pools", "small", "engine", "kind"], "tensorrt", "pools.small.engine.kind"),
        (["pools", "small", "engine", "engine_kwargs"], {"max_model_length": 1}, "max_model_length"),
        (["pools", "large", "sampling", "max_tokens_limit"], -5, "pools.large.sampling.max_tokens_limit"),
        (["pools", "large", "deployment", "autoscaling_config"], {"max_replica": 3}, "max_replica"),
        (["pools", "small", "deployment", "ray_actor_options"], {"num_gpu": 1}, "num_gpu"),
        (["ingress", "default_pool"], "medium", "ingress.default_pool"),
        (["ingress", "colour"], "blue", "ingress.colour"),
    ],
)
def test_wrong_field_fails_with_its_name(path, value, named):
    with pytest.raises(ValidationError) as error:
        load_app_config(_args_with(path, value), check_model_paths=False)
    assert named in str(error.value)


def test_missing_pool_is_reported():
    args = copy.deepcopy(serve_config_args())
    del args["pools"]["large"]
    with pytest.raises(ValidationError, match="large"):
        AppConfig.model_validate(args)


def test_default_max_tokens_above_limit_is_refused():
    with pytest.raises(ValidationError, match="default_max_tokens"):
        load_app_config(
            _args_with(["pools", "small", "sampling"], {"max_tokens_limit": 10, "default_max_tokens": 20}),
            check_model_paths=False,
        )


def test_build_app_fails_at_deploy_with_field_name(tmp_path):
    args = _args_with(["pools", "small", "engine", "model"], str(tmp_path / "no-model-here"))
    with pytest.raises(ConfigError, match=r"pools\.small\.engine\.model"):
        build_app(args)
