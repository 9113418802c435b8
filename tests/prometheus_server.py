"""A real `prometheus` server (Debian's package, /usr/bin/prometheus) on a free loopback port for tests,
with its storage in a test directory, and thin wrappers over its HTTP API (/api/v1/query, /api/v1/rules)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import httpx
import yaml

from tests.ports import free_port
from tests.redis_server import wait_until


class PrometheusServer:
    """`prometheus --config.file=<workdir>/prometheus.yml`, listening on 127.0.0.1 only.

    `config`: the configuration as a dict (written to workdir/prometheus.yml; relative `rule_files` resolve
    against workdir, so copy them there). `files`: extra files to write into workdir, name -> text."""

    def __init__(self, workdir: Path, config: dict[str, Any], files: dict[str, str] | None = None,
                 binary: str = "prometheus"):
        self.workdir = workdir
        self.config, self.files = config, files or {}
        self.binary = shutil.which(binary) or binary
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = workdir / "prometheus.log"
        self.process: subprocess.Popen | None = None
        self.http = httpx.Client(base_url=self.url, timeout=10)

    def start(self, timeout_s: float = 30.0) -> None:
        """Write the config, start the server, wait for /-/ready (config and rules loaded). Raises
        AssertionError with the server's log when it exits or is not ready within `timeout_s`."""
        config_path = self.workdir / "prometheus.yml"
        config_path.write_text(yaml.safe_dump(self.config, sort_keys=False))
        for name, text in self.files.items():
            (self.workdir / name).write_text(text)
        (self.workdir / "data").mkdir(exist_ok=True)
        self._log = self.log_path.open("wb")
        self.process = subprocess.Popen(
            [self.binary, f"--config.file={config_path}", f"--storage.tsdb.path={self.workdir / 'data'}",
             f"--web.listen-address=127.0.0.1:{self.port}", "--log.level=warn"],
            stdout=self._log, stderr=subprocess.STDOUT,
        )
        try:
            wait_until(self._ready, timeout_s=timeout_s, what=f"prometheus ready on port {self.port}", interval_s=0.1)
        except AssertionError as error:
            self.stop()
            raise AssertionError(f"{error}\n--- prometheus log ---\n{self.log()}") from None

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()  # SIGTERM: Prometheus shuts down cleanly (closes its TSDB)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)
            self.process = None
            self._log.close()
        self.http.close()

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def _ready(self) -> bool:
        if self.process is not None and self.process.poll() is not None:
            raise AssertionError(f"prometheus exited with {self.process.returncode}\n--- prometheus log ---\n{self.log()}")
        try:
            return self.http.get("/-/ready").status_code == 200
        except httpx.TransportError:
            return False

    def query(self, expr: str) -> dict[str, Any]:
        """The JSON answer of an instant query (`/api/v1/query`, POSTed as a form so long expressions fit):
        {"status": "success", "data": {"resultType": ..., "result": [...]}} or {"status": "error",
        "errorType": ..., "error": ...} (a parse error is HTTP 400 with that body)."""
        return self.http.post("/api/v1/query", data={"query": expr}).json()

    def series_count(self, expr: str) -> int:
        """Number of series an instant query returns (a scalar or string result counts as one).
        Raises AssertionError when the query fails."""
        answer = self.query(expr)
        assert answer["status"] == "success", f"{expr}: {answer.get('errorType')}: {answer.get('error')}"
        result = answer["data"]["result"]
        return len(result) if answer["data"]["resultType"] in ("vector", "matrix") else 1

    def rule_groups(self) -> list[dict[str, Any]]:
        """`/api/v1/rules`'s groups: name, file, interval, rules (each with health, lastError, lastEvaluation)."""
        answer = self.http.get("/api/v1/rules").json()
        assert answer["status"] == "success", answer
        return answer["data"]["groups"]

    def targets(self) -> list[dict[str, Any]]:
        """`/api/v1/targets`'s active targets (scrapeUrl, health, lastError)."""
        return self.http.get("/api/v1/targets").json()["data"]["activeTargets"]
