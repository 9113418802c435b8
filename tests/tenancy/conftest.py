"""Fixtures of the tenancy tests: a real redis-server on a free port (which a test may stop and start
again on the same port), and builders of configs and `Tenancy` objects pointing at it."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import pytest
import redis

from tenancy import Tenancy, TenancyConfig
from tests.redis_server import RedisServer, redis_server, wait_until  # noqa: F401 - fixture and helpers the tests use




@pytest.fixture
def persistent_redis(tmp_path):
    """A redis-server whose data survives a restart (the outage tests stop and start it)."""
    if shutil.which("redis-server") is None:
        pytest.skip("redis-server binary not installed (apt-get install -y redis-server)")
    server = RedisServer(tmp_path, persistent=True)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def make_config(redis_server):
    """make_config(**fields) -> TenancyConfig on the test Redis (fields override the defaults)."""

    def make(**fields) -> TenancyConfig:
        return TenancyConfig(redis_url=redis_server.url, **fields)

    return make


@pytest.fixture
def make_tenancy(make_config):
    """make_tenancy(**config_fields) -> a new Tenancy (its own Redis client: one ingress replica)."""

    def make(**fields) -> Tenancy:
        return Tenancy(make_config(**fields))

    return make
