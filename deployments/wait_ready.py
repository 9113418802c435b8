"""Wait until the deployed application is RUNNING and answers, showing progress; then print the URLs.

    python -m deployments.wait_ready [--dashboard http://127.0.0.1:8265] [--api http://127.0.0.1:8000]

Polls the Ray dashboard's Serve REST API (what `serve status` reads) and then GET /healthz.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import httpx


def ray_auth_headers() -> dict[str, str]:
    """The cluster's token (RAY_AUTH_TOKEN or ~/.ray/auth_token), as Ray's own clients send it."""
    token = os.environ.get("RAY_AUTH_TOKEN")
    token_file = Path(os.environ.get("RAY_AUTH_TOKEN_PATH", "~/.ray/auth_token")).expanduser()
    if not token and token_file.is_file():
        token = token_file.read_text().strip()
    return {"Authorization": f"Bearer {token}"} if token else {}


def deployment_states(dashboard: str) -> tuple[str, dict[str, str], str]:
    details = httpx.get(f"{dashboard}/api/serve/applications/", headers=ray_auth_headers(), timeout=10).json()
    apps = details.get("applications") or {}
    if not apps:
        return "NOT_DEPLOYED", {}, ""
    app = next(iter(apps.values()))
    states = {name: _describe(d) for name, d in (app.get("deployments") or {}).items()}
    return app.get("status", "?"), states, app.get("message", "")


def _describe(deployment: dict) -> str:
    """'HEALTHY' plus the deployment's own scaling range, e.g. 'HEALTHY (autoscaling 1-2)'."""
    config = deployment.get("deployment_config") or {}
    scaling = config.get("autoscaling_config")
    if scaling:
        return f"{deployment.get('status', '?')} (autoscaling {scaling.get('min_replicas')}-{scaling.get('max_replicas')})"
    return f"{deployment.get('status', '?')} ({config.get('num_replicas', '?')} replicas)"


def wait(dashboard: str, api: str, timeout_s: float) -> int:
    started = time.monotonic()
    last_line = ""
    while time.monotonic() - started < timeout_s:
        try:
            status, states, message = deployment_states(dashboard)
        except (httpx.HTTPError, ValueError):
            status, states, message = "WAITING_FOR_DASHBOARD", {}, ""
        line = f"[{time.monotonic() - started:5.0f}s] application {status}: " + ", ".join(
            f"{name} {state}" for name, state in sorted(states.items())
        )
        if line.split(": ", 1)[-1] != last_line.split(": ", 1)[-1] or int(time.monotonic() - started) % 30 == 0:
            print(line, flush=True)
            last_line = line
        if status == "DEPLOY_FAILED":
            print(f"deploy failed: {message}", file=sys.stderr)
            return 1
        if status == "RUNNING" and states and all(s.startswith("HEALTHY") for s in states.values()):
            try:
                if httpx.get(f"{api}/healthz", timeout=5).status_code == 200:
                    print(f"\nReady in {time.monotonic() - started:.0f} s.")
                    print(f"  OpenAI API:     {api}/v1   (models: auto, small, large)")
                    print(f"  Ray dashboard:  {dashboard}   (Serve tab: deployments, replicas, metrics)")
                    print("  Dashboard token: ~/.ray/auth_token (the dashboard asks for it once)")
                    return 0
            except httpx.HTTPError:
                pass
        time.sleep(2)
    print(f"not ready after {timeout_s:.0f} s; see `serve status` and /tmp/ray/session_latest/logs/serve/", file=sys.stderr)
    return 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dashboard", default="http://127.0.0.1:8265")
    parser.add_argument("--api", default="http://127.0.0.1:8000")
    parser.add_argument("--timeout", type=float, default=900)
    args = parser.parse_args()
    sys.exit(wait(args.dashboard, args.api, args.timeout))


if __name__ == "__main__":
    main()
