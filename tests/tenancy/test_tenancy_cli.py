"""`python -m deployments.keys`: create, list, rotate, revoke round trip against a real Redis."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from deployments.keys import run
from tenancy import InvalidKey, KeyStore, RevokedKey, connect

ROOT = Path(__file__).resolve().parents[2]


def _cli(capsys, *argv: str) -> tuple[int, str, str]:
    code = run(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_round_trip(redis_server, capsys, monkeypatch):
    monkeypatch.setenv("LLM_SERVE_REDIS_URL", redis_server.url)  # the default --redis-url
    store = KeyStore(connect(redis_server.url), "llmtenancy")

    code, out, _ = _cli(capsys, "create", "--tenant", "acme", "--rpm", "60", "--tpm", "20000", "--budget-usd", "5",
                        "--models", "small,auto", "--expires-in-days", "30", "--json")
    assert code == 0
    created = json.loads(out)
    key = store.authenticate(created["secret"])
    assert (key.tenant, key.rpm, key.tpm, key.budget_usd, key.models) == ("acme", 60, 20000, 5.0, ["small", "auto"])
    assert key.expires_at is not None

    code, out, _ = _cli(capsys, "list")
    assert code == 0 and key.key_id in out and "acme" in out and created["secret"] not in out

    code, out, _ = _cli(capsys, "rotate", key.key_id)
    new_secret = out.strip().rsplit(" ", 1)[-1]
    assert code == 0 and new_secret.startswith("sk-ls-") and new_secret != created["secret"]
    with pytest.raises(InvalidKey):
        store.authenticate(created["secret"])
    assert store.authenticate(new_secret).key_id == key.key_id

    code, out, _ = _cli(capsys, "revoke", key.key_id)
    assert code == 0 and "revoked" in out
    with pytest.raises(RevokedKey):
        store.authenticate(new_secret)


def test_errors_exit_non_zero_with_a_message(redis_server, capsys):
    code, _, err = _cli(capsys, "revoke", "key_missing", "--redis-url", redis_server.url)
    assert code == 1 and "key_missing" in err
    code, _, err = _cli(capsys, "create", "--tenant", "a", "--models", "huge", "--redis-url", redis_server.url)
    assert code == 1 and "models" in err
    code, _, err = _cli(capsys, "list", "--redis-url", "redis://127.0.0.1:1/0")
    assert code == 2 and "cannot reach Redis" in err


def test_module_runs_without_importing_ray(redis_server):
    # a real `python -m` process; -X importtime lists every module it imports (on stderr)
    env = {**os.environ, "LLM_SERVE_REDIS_URL": redis_server.url}
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "deployments.keys", "create", "--tenant", "acme"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert "secret (shown once" in result.stdout
    imported = {line.rsplit("|", 1)[-1].strip() for line in result.stderr.splitlines() if line.startswith("import time:")}
    assert "limits" in imported and not {name for name in imported if name == "ray" or name.startswith("ray.")}
