"""`python -m deployments.rollout` (make rollout|promote|rollback) on a config with two versions of the
small pool: each operation prints its diff and writes the Ingress user_config that `serve deploy` applies."""

import copy

import pytest
import yaml

from deployments import rollout
from deployments.config import serve_config_file


@pytest.fixture
def two_versions(tmp_path, monkeypatch):
    config = copy.deepcopy(serve_config_file())
    small = config["applications"][0]["args"]["pools"]["small"]
    small["versions"]["v2"] = copy.deepcopy(small["versions"]["v1"])
    small["versions"]["v2"]["llm_config"]["model_loading_config"]["model_id"] = "SmolLM2-v2"
    small["traffic"] = {"v1": 100, "v2": 0}
    path = tmp_path / "serve_config.yaml"
    path.write_text(yaml.safe_dump(config))
    monkeypatch.setattr(rollout, "STATE_DIR", tmp_path / ".rollout")
    monkeypatch.setattr(rollout, "DEPLOYED", tmp_path / ".rollout" / "deployed.yaml")
    return path


def _live(path):
    deployments = yaml.safe_load(path.read_text())["applications"][0]["deployments"]
    return next(d for d in deployments if d["name"] == "Ingress")["user_config"]["traffic"]["small"]


def test_rollout_promote_rollback(two_versions, capsys):
    run = lambda *args: rollout.main([*args, "--config", str(two_versions), "--no-deploy", "--api", "http://127.0.0.1:9"])
    assert run("rollout", "--pool", "small", "--version", "v2", "--percent", "25") == 0
    assert "small: v1 100% -> v1 75%, v2 25%" in capsys.readouterr().out
    assert _live(rollout.DEPLOYED) == {"traffic": {"v1": 75, "v2": 25}, "stable": "v1"}
    assert run("promote", "--pool", "small") == 0
    out = capsys.readouterr().out
    assert "canary analysis: not readable" in out and "v2 100%" in out
    assert _live(rollout.DEPLOYED) == {"traffic": {"v2": 100}, "stable": "v2"}
    assert run("rollback", "--pool", "small") == 0 and "unchanged" in capsys.readouterr().out


@pytest.mark.parametrize("args", [("--version", "v9", "--percent", "10"), ("--version", "v2", "--percent", "120")])
def test_unknown_version_or_bad_percent_is_refused(two_versions, capsys, args):
    assert rollout.main(["rollout", "--pool", "small", *args, "--config", str(two_versions), "--no-deploy"]) == 2
    assert "error:" in capsys.readouterr().err
