"""A real redis-server on a free port for tests (tenancy, cache, the deployed graph), which a test may
stop and start again on the same port; and a condition-based wait."""

from __future__ import annotations

import socket
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import pytest
import redis

from tests.ports import free_port


class RedisServer:
    """A throwaway redis-server without persistence, which tests may stop and start again."""

    def __init__(self, workdir: Path, persistent: bool = False):
        self.workdir = workdir
        # persistent: an append-only file synced at every write, so data survives stop() + start()
        self.persistence = ["--appendonly", "yes", "--appendfsync", "always"] if persistent else ["--appendonly", "no"]
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--dir", str(self.workdir),
             "--save", "", *self.persistence],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        wait_until(self._accepts, what=f"redis-server on port {self.port}")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None

    def client(self) -> redis.Redis:
        return redis.Redis.from_url(self.url)

    def _accepts(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.1):
                return True
        except OSError:
            return False


def wait_until(condition: Callable[[], object], timeout_s: float = 10.0, what: str = "condition", interval_s: float = 0.02):
    """Poll `condition` until truthy (-> its value) or fail after `timeout_s`: waiting on a condition,
    not on a fixed time."""
    deadline = time.monotonic() + timeout_s
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout_s}s waiting for {what}")
        time.sleep(interval_s)


@pytest.fixture
def redis_server(tmp_path):
    """A fresh redis-server for one test (skipped where the binary is missing)."""
    import shutil

    if shutil.which("redis-server") is None:
        pytest.skip("redis-server binary not installed (apt-get install -y redis-server)")
    server = RedisServer(tmp_path)
    server.start()
    yield server
    server.stop()
