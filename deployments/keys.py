"""API key administration (a thin CLI over `tenancy.KeyStore`; imports nothing from Ray).

    python -m deployments.keys create --tenant acme --rpm 60 --tpm 20000 --budget-usd 5 [--budget-period month]
                                      [--models small,auto] [--expires-in-days 30]
    python -m deployments.keys list [--tenant acme]
    python -m deployments.keys revoke KEY_ID
    python -m deployments.keys rotate KEY_ID
    python -m deployments.keys spend TENANT
    python -m deployments.keys admin-key          # a new admin key and the hash for tenancy.admin_key_hash

`create`, `rotate` and `admin-key` print the secret once; only its hash is stored. Every command takes
--redis-url (default: $LLM_SERVE_REDIS_URL, else redis://127.0.0.1:6380/0), --prefix and --json.
Exit status: 0 done, 1 no such key or bad argument, 2 Redis unreachable."""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys

from pydantic import ValidationError

from tenancy import BudgetLedger, KeyNotFound, KeyStore, LimitsUnavailable, RevokedKey, connect, hash_secret, new_secret
from tenancy.config import DEFAULT_REDIS_URL

REDIS_URL_ENV = "LLM_SERVE_REDIS_URL"


def _parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--redis-url", default=os.environ.get(REDIS_URL_ENV) or DEFAULT_REDIS_URL,
                        help=f"Redis holding the keys (default: ${REDIS_URL_ENV} or {DEFAULT_REDIS_URL})")
    common.add_argument("--prefix", default="llmtenancy", help="tenancy.key_prefix of the deployment")
    common.add_argument("--json", action="store_true", help="print JSON instead of text")

    parser = argparse.ArgumentParser(prog="python -m deployments.keys", description="Manage llm-serve API keys.")
    commands = parser.add_subparsers(dest="command", required=True)
    create = commands.add_parser("create", parents=[common], help="create a key and print its secret once")
    create.add_argument("--tenant", required=True)
    create.add_argument("--rpm", type=int, help="requests per minute (default: unlimited)")
    create.add_argument("--tpm", type=int, help="tokens per minute, prompt + completion (default: unlimited)")
    create.add_argument("--budget-usd", type=float, help="spend allowed per budget period (default: unlimited)")
    create.add_argument("--budget-period", choices=["day", "month", "total"], default="month")
    create.add_argument("--models", help="comma-separated allow-list of auto, small, large (default: all)")
    create.add_argument("--expires-in-days", type=float, help="expiry from now (default: never)")
    listing = commands.add_parser("list", parents=[common], help="list keys (never their secrets)")
    listing.add_argument("--tenant")
    for name, text in (("revoke", "revoke a key at once"), ("rotate", "replace a key's secret; the old one stops working")):
        sub = commands.add_parser(name, parents=[common], help=text)
        sub.add_argument("key_id")
    spend = commands.add_parser("spend", parents=[common], help="a tenant's spend this day, month and in total")
    spend.add_argument("tenant")
    commands.add_parser("admin-key", parents=[common], help="print a new admin key and its hash (stores nothing)")
    return parser


def _row(record) -> str:
    limits = ", ".join(
        f"{name}={value}" for name, value in (
            ("rpm", record.rpm), ("tpm", record.tpm),
            ("budget", f"${record.budget_usd:g}/{record.budget_period}" if record.budget_usd is not None else None),
            ("models", ",".join(record.models) if record.models is not None else None),
            ("expires", record.expires_at.isoformat(timespec="seconds") if record.expires_at else None),
        ) if value is not None
    ) or "unlimited"
    state = "revoked" if record.revoked else ("expired" if record.is_expired() else "active")
    return f"{record.key_id}  {record.tenant}  {record.hint}  {state}  {limits}"


def _show_secret(args, record, secret: str) -> None:
    if args.json:
        print(json.dumps({"key": record.model_dump(mode="json"), "secret": secret}))
        return
    print(_row(record))
    print(f"secret (shown once, store it now): {secret}")


def run(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "admin-key":
        secret = new_secret()
        if args.json:
            print(json.dumps({"secret": secret, "admin_key_hash": hash_secret(secret)}))
        else:
            print(f"admin key (shown once): {secret}\ntenancy.admin_key_hash: {hash_secret(secret)}")
        return 0
    logging.getLogger("tenancy").setLevel(logging.ERROR)  # the outage warning would repeat our own error line
    client = connect(args.redis_url, timeout_s=2.0)
    store = KeyStore(client, args.prefix)
    try:
        if args.command == "create":
            models = [name.strip() for name in args.models.split(",") if name.strip()] if args.models else None
            record, secret = store.create(
                args.tenant, models=models, rpm=args.rpm, tpm=args.tpm, budget_usd=args.budget_usd,
                budget_period=args.budget_period, expires_in_days=args.expires_in_days,
            )
            _show_secret(args, record, secret)
        elif args.command == "rotate":
            record, secret = store.rotate(args.key_id)
            _show_secret(args, record, secret)
        elif args.command == "revoke":
            record = store.revoke(args.key_id)
            print(json.dumps(record.model_dump(mode="json")) if args.json else f"revoked {_row(record)}")
        elif args.command == "list":
            records = store.list(tenant=args.tenant)
            if args.json:
                print(json.dumps([record.model_dump(mode="json") for record in records]))
            else:
                print("\n".join(_row(record) for record in records) or "no keys")
        elif args.command == "spend":
            ledger = BudgetLedger(client, args.prefix)
            spend = {period: ledger.spend(args.tenant, period).spent_usd for period in ("day", "month", "total")}
            print(json.dumps({"tenant": args.tenant, "spent_usd": spend}) if args.json else
                  f"{args.tenant}: " + ", ".join(f"{period} ${usd:.6f}" for period, usd in spend.items()))
    except (KeyNotFound, RevokedKey) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except ValidationError as exc:
        fields = "; ".join(f"{'.'.join(map(str, error['loc']))}: {error['msg']}" for error in exc.errors())
        print(f"error: {fields}", file=sys.stderr)
        return 1
    except LimitsUnavailable as exc:
        print(f"error: cannot reach Redis at {args.redis_url} ({exc})", file=sys.stderr)
        return 2
    return 0


def main() -> None:
    sys.exit(run())


if __name__ == "__main__":
    main()
