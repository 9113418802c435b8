"""One evaluation run against a live deployment: every task on both pools, the router's score for every
generative prompt, the routing curves, and the results folder (results.json, report.md, answers.jsonl,
routing.png)."""

from __future__ import annotations

import json
import time
from pathlib import Path

import httpx
import yaml

from evals.client import EvalHTTPError, ServingClient
from evals.config import EvalConfig, PoolPrices
from evals.data import resolve_set
from evals.report import plot_routing, write_report
from evals.routing import RoutedPrompt, routing_curve, token_cost
from evals.tasks import TASKS, RoutingRow, TaskResult, gather_with_progress


def prices_from_file(path: Path | None, pool: str) -> PoolPrices | None:
    """`pools.<pool>.prices` of the first application in a Serve config file (serve_config.yaml)."""
    if path is None or not Path(path).is_file():
        return None
    config = yaml.safe_load(Path(path).read_text())
    for application in config.get("applications", []):
        prices = ((application.get("args") or {}).get("pools") or {}).get(pool, {}).get("prices")
        if prices:
            return PoolPrices(**prices)
    return None


def resolve_prices(config: EvalConfig, models: list[dict]) -> dict[str, dict]:
    """pool → {input_per_million, output_per_million, source}. Explicit `--price` flags win (what-if
    pricing), then the deployment's own `pricing` in GET /v1/models, then the prices file.
    Raises ValueError naming the pool when none has a price."""
    by_id = {entry.get("id"): entry for entry in models}
    resolved = {}
    for pool in config.pools:
        pricing = (by_id.get(pool) or {}).get("pricing")
        if pool in config.prices:
            prices, source = config.prices[pool], "--price"
        elif pricing:
            prices, source = PoolPrices(**{k: pricing[k] for k in ("input_per_million", "output_per_million")}), \
                "GET /v1/models"
        elif (prices := prices_from_file(config.prices_file, pool)) is not None:
            source = str(config.prices_file)
        else:
            raise ValueError(f"no price for pool {pool!r}: not in GET /v1/models, --price or {config.prices_file}")
        resolved[pool] = {**prices.model_dump(), "source": source}
    return resolved


def _curves(rows: list[RoutingRow], scores: dict[str, float], prices: dict[str, dict], config: EvalConfig,
            threshold: float | None) -> dict[str, dict]:
    weak, strong = config.pools

    def routed(row: RoutingRow) -> RoutedPrompt:
        cost = {pool: token_cost(*row.tokens[pool], prices[pool]["input_per_million"], prices[pool]["output_per_million"])
                for pool in config.pools}
        return RoutedPrompt(scores[f"{row.task}/{row.item_id}"], row.quality[weak], row.quality[strong],
                            cost[weak], cost[strong])

    scored = [row for row in rows if f"{row.task}/{row.item_id}" in scores]
    scopes = {"all": scored}
    for task in sorted({row.task for row in scored}):
        scopes[task] = [row for row in scored if row.task == task]
    return {scope: routing_curve([routed(row) for row in members], threshold).as_dict()
            for scope, members in scopes.items() if members}


def flat_metrics(task_results: list[TaskResult], routing: dict[str, dict]) -> dict[str, dict]:
    """"task/pool/metric" → {value, low, high, n, method, higher_is_better, gate}: what `compare` reads."""
    flat = {}
    for result in task_results:
        for pool, metrics in result.metrics.items():
            for metric, estimate in metrics.items():
                base = metric.split("[")[0]
                flat[f"{result.task}/{pool}/{metric}"] = {
                    **estimate.as_dict(), "higher_is_better": result.higher_is_better.get(base, True),
                    "gate": base in result.higher_is_better}
    for scope, curve in routing.items():
        if curve["apgr"] is not None:
            flat[f"routing/{scope}/apgr"] = {"value": curve["apgr"], "low": None, "high": None, "n": curve["n"],
                                            "method": "none", "higher_is_better": True, "gate": True}
        if curve["current"] is not None:
            flat[f"routing/{scope}/cost_per_1k_at_threshold"] = {
                "value": curve["current"]["cost_per_1k"], "low": None, "high": None, "n": curve["n"],
                "method": "none", "higher_is_better": False, "gate": False}
    return flat


async def run_eval(config: EvalConfig, out_dir: Path, transport: httpx.AsyncBaseTransport | None = None) -> dict:
    """Runs the evaluation and writes the results folder. Returns what results.json holds.
    Raises DataError for a missing or malformed set, ValueError when a pool has no price."""
    started = time.time()
    folder = resolve_set(config.set)
    options = {"bootstrap_samples": config.bootstrap_samples, "seed": config.seed}
    tasks, notes = [], []
    for name in config.tasks:
        task = TASKS[name].load(folder, config.limit, **options)
        if task is None:
            notes.append(f"{name}: no {TASKS[name].file} in {folder}; skipped")
        elif not task.items:
            notes.append(f"{name}: {TASKS[name].file} is empty; skipped")
        else:
            tasks.append(task)
    print(f"set {config.set} ({folder}): " + ", ".join(f"{t.name} {len(t.items)}" for t in tasks), flush=True)

    async with ServingClient(config.url, config.api_key, config.timeout_s, config.concurrency,
                             seed=config.seed, transport=transport) as client:
        try:
            models = await client.models()
        except (EvalHTTPError, httpx.HTTPError) as error:
            models = []
            notes.append(f"GET /v1/models failed ({error}); model versions unknown")
        prices = resolve_prices(config, models)
        task_results = [await task.run(client, config.pools) for task in tasks]
        rows = [row for result in task_results for row in result.routing_rows]
        decisions = await gather_with_progress([lambda row=row: client.classify(row.messages) for row in rows],
                                               "router scores") if rows else []
    scores, thresholds, classify_errors = {}, set(), []
    for row, decision in zip(rows, decisions):
        if isinstance(decision, Exception):
            classify_errors.append(f"{row.task}/{row.item_id}: {decision}")
            continue
        scores[f"{row.task}/{row.item_id}"] = float(decision["score"])
        thresholds.add(float(decision["threshold"]))
    if classify_errors:
        notes.append(f"router: {len(classify_errors)} prompt(s) could not be scored; left out of the routing curve")
    if len(thresholds) > 1:
        notes.append(f"router: replicas answered with different thresholds {sorted(thresholds)}; marking the lowest")
    threshold = min(thresholds) if thresholds else None
    routing = _curves(rows, scores, prices, config, threshold)

    versions = {entry["id"]: entry.get("root", entry["id"]) for entry in models if entry.get("id") in config.pools}
    results = {
        "run": {
            "started": time.strftime("%Y-%m-%dT%H:%M:%S", time.localtime(started)),
            "seconds": round(time.time() - started, 1),
            "url": config.url, "weak": config.weak, "strong": config.strong, "set": config.set,
            "set_folder": str(folder), "limit": config.limit, "versions": versions, "prices": prices,
            "router_threshold": threshold, "bootstrap_samples": config.bootstrap_samples,
            "items": {result.task: result.n_items for result in task_results},
        },
        "metrics": flat_metrics(task_results, routing),
        "routing": routing,
        "errors": {result.task: result.errors for result in task_results if result.errors} | (
            {"router": classify_errors} if classify_errors else {}),
        "notes": notes + [note for result in task_results for note in result.notes],
    }
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "results.json").write_text(json.dumps(results, indent=2, default=str) + "\n")
    with (out_dir / "answers.jsonl").open("w", encoding="utf-8") as handle:
        for result in task_results:
            for answer in result.answers:
                handle.write(json.dumps(answer, ensure_ascii=False) + "\n")
    if "all" in routing:
        plot_routing(routing["all"], out_dir / "routing.png", config.weak, config.strong)
    report = write_report(results, out_dir / "report.md")
    print(report, flush=True)
    return results
