"""Release a pool's model version as a live operation: change the traffic split, promote or roll back,
without reloading any model (`make rollout|promote|rollback` call this).

    python -m deployments.rollout rollout  --pool small --version v2 --percent 25
    python -m deployments.rollout promote  --pool small
    python -m deployments.rollout rollback --pool small
    python -m deployments.rollout status

The split is the Ingress' `user_config` (`traffic.<pool>`): this writes serve_config.yaml with that
user_config to `.rollout/serve_config.deployed.yaml` (the live state, kept next to the repository's file,
whose comments stay untouched) and runs `serve deploy` on it. Serve applies a changed user_config to the
running Ingress replicas in place; every version's deployment keeps its replicas and loaded model. A
wrong version or percent fails here (and at deploy) naming the field. `promote` first prints what the
canary analysis concluded (GET /v1/rollout): promotable, or why not yet.
"""

from __future__ import annotations

import argparse
import copy
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import yaml

from deployments.config import REPO_ROOT, PoolConfig

STATE_DIR = REPO_ROOT / ".rollout"
DEPLOYED = STATE_DIR / "serve_config.deployed.yaml"


def load_deployed(base: Path) -> dict[str, Any]:
    """The live serve config: the last one this tool deployed, or the repository's."""
    return yaml.safe_load((DEPLOYED if DEPLOYED.is_file() else base).read_text())


def ingress_user_config(config: dict[str, Any]) -> dict[str, Any]:
    app = config["applications"][0]
    for deployment in app.setdefault("deployments", []):
        if deployment.get("name") == "Ingress":
            return deployment.setdefault("user_config", {})
    app["deployments"].append({"name": "Ingress", "user_config": {}})
    return app["deployments"][-1]["user_config"]


def current_split(config: dict[str, Any], pool: str):
    pool_config = PoolConfig.model_validate(config["applications"][0]["args"]["pools"][pool], context={})
    live = ingress_user_config(config).get("traffic", {}).get(pool, {})
    return pool_config.split(live.get("traffic"), live.get("stable"))


def analysis_verdict(api: str, pool: str) -> str:
    try:
        pools = httpx.get(f"{api}/v1/rollout", timeout=10).json()["pools"]
    except (httpx.HTTPError, KeyError, ValueError) as error:
        return f"canary analysis: not readable from {api}/v1/rollout ({error})"
    decision = (pools.get(pool) or {}).get("last_decision")
    if decision is None:
        return "canary analysis: no decision yet (no canary traffic analysed)"
    if decision["action"] == "promotable":
        return f"canary analysis: no worse than stable after {decision['requests']['canary']} canary requests: promotable"
    return f"canary analysis: {decision['action']}: {decision['reason']}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("action", choices=["rollout", "promote", "rollback", "status"])
    parser.add_argument("--pool", default="small")
    parser.add_argument("--version")
    parser.add_argument("--percent", type=int)
    parser.add_argument("--config", type=Path, default=REPO_ROOT / "serve_config.yaml", help="the repository's serve config")
    parser.add_argument("--api", default="http://127.0.0.1:8000")
    parser.add_argument("--no-deploy", action="store_true", help="write the config, do not run serve deploy")
    args = parser.parse_args(argv)

    config = load_deployed(args.config)
    if args.action == "status":
        for pool in config["applications"][0]["args"]["pools"]:
            split = current_split(config, pool)
            print(f"{pool}: {split.describe()} (stable {split.stable})")
        return 0
    split = current_split(config, args.pool)
    try:
        if args.action == "rollout":
            if args.version is None or args.percent is None:
                parser.error("rollout needs --version and --percent")
            change = split.rollout(args.version, args.percent, pool=args.pool)
        elif args.action == "promote":
            print(analysis_verdict(args.api, args.pool))
            change = split.promote(pool=args.pool)
        else:
            change = split.rollback(pool=args.pool)
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(change.diff)
    if not change.changed:
        return 0
    updated = copy.deepcopy(config)
    ingress_user_config(updated).setdefault("traffic", {})[args.pool] = {
        "traffic": dict(change.split.traffic), "stable": change.split.stable,
    }
    STATE_DIR.mkdir(exist_ok=True)
    DEPLOYED.write_text(yaml.safe_dump(updated, sort_keys=False))
    print(f"wrote {DEPLOYED}")
    if args.no_deploy:
        return 0
    result = subprocess.run([str(Path(sys.executable).with_name("serve")), "deploy", str(DEPLOYED)])
    if result.returncode == 0:
        print(json.dumps({"pool": args.pool, "traffic": change.split.traffic, "stable": change.split.stable}))
    return result.returncode


if __name__ == "__main__":
    sys.exit(main())
