"""Command line.

    python -m evals --url http://127.0.0.1:8000 [--api-key KEY] [--set dev|test|DIR] [--limit N]
                    [--tasks perplexity qa translation summarization] [--price large=0.5,1.5] --out results/DIR
    python -m evals compare RUN_A RUN_B [--tolerance 0.02] [--metric-tolerance KEY=VALUE ...]
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from pathlib import Path

from pydantic import ValidationError

from evals.compare import compare_runs, load_results, render
from evals.config import EvalConfig, PoolPrices
from evals.data import DataError
from evals.tasks import TASKS


def _price(text: str) -> tuple[str, PoolPrices]:
    try:
        pool, values = text.split("=", 1)
        input_price, output_price = (float(v) for v in values.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r}: expected POOL=INPUT,OUTPUT (USD per 1M tokens)") from None
    return pool, PoolPrices(input_per_million=input_price, output_per_million=output_price)


def _key_value(text: str) -> tuple[str, float]:
    try:
        key, value = text.rsplit("=", 1)
        return key, float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r}: expected METRIC=TOLERANCE") from None


def run_main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m evals", description="Evaluate a live deployment's pools "
                                     "(perplexity, QA EM/F1, BLEU/chrF, ROUGE) and its routing curve.")
    parser.add_argument("--url", default="http://127.0.0.1:8000")
    parser.add_argument("--api-key", default=None)
    parser.add_argument("--weak", default="small", help="model id of the cheap pool")
    parser.add_argument("--strong", default="large", help="model id of the expensive pool")
    parser.add_argument("--set", default="dev", help="dev | test | a folder of task JSONL files")
    parser.add_argument("--limit", type=int, default=None, help="items per task (quick runs)")
    parser.add_argument("--tasks", nargs="+", default=list(TASKS), choices=list(TASKS))
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--timeout", type=float, default=300.0, help="seconds per request")
    parser.add_argument("--bootstrap", type=int, default=1000, help="bootstrap resamples for the intervals")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--price", type=_price, action="append", default=[], metavar="POOL=IN,OUT",
                        help="USD per 1M input/output tokens; wins over /v1/models and the prices file")
    parser.add_argument("--prices-file", type=Path, default=EvalConfig.model_fields["prices_file"].default)
    parser.add_argument("--out", type=Path, default=None, help="results folder (default results/eval-<time>)")
    args = parser.parse_args(argv)
    try:
        config = EvalConfig(
            url=args.url, api_key=args.api_key, weak=args.weak, strong=args.strong, set=args.set, limit=args.limit,
            tasks=args.tasks, concurrency=args.concurrency, timeout_s=args.timeout, bootstrap_samples=args.bootstrap,
            seed=args.seed, prices=dict(args.price), prices_file=args.prices_file)
    except ValidationError as error:
        print(f"invalid options: {error}", file=sys.stderr)
        return 2
    out = args.out or Path("results") / time.strftime("eval-%Y%m%d-%H%M%S")
    from evals.runner import run_eval

    try:
        asyncio.run(run_eval(config, out))
    except (DataError, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(f"results in {out}/ (report.md, results.json, answers.jsonl, routing.png)")
    return 0


def compare_main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m evals compare",
                                     description="Per-metric deltas of run B against baseline A, and the quality gate.")
    parser.add_argument("run_a", help="baseline results folder (or results.json)")
    parser.add_argument("run_b", help="candidate results folder (or results.json)")
    parser.add_argument("--tolerance", type=float, default=0.02,
                        help="largest allowed relative worsening of a gated metric (default 0.02 = 2 %%)")
    parser.add_argument("--metric-tolerance", type=_key_value, action="append", default=[], metavar="KEY=TOL",
                        help="per-metric tolerance, e.g. perplexity/small/ppl=0.05")
    args = parser.parse_args(argv)
    deltas = compare_runs(load_results(args.run_a), load_results(args.run_b), args.tolerance,
                          dict(args.metric_tolerance))
    print(render(deltas))
    return 0 if all(d.passed for d in deltas) else 1


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] == "compare":
        return compare_main(argv[1:])
    return run_main(argv[1:] if argv and argv[0] == "run" else argv)
