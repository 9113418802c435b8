"""Model and system evaluation against a live deployment, through its OpenAI HTTP API only (no Ray):
perplexity per pool, QA exact match / token F1, BLEU / chrF, ROUGE, and the routing cost/quality curve
(RouteLLM's PGR, APGR, calls for 50 %/80 % of the gap), with `compare` as the quality gate before a rollout.

    python -m evals --url http://127.0.0.1:8000 --limit 50 --out results/DIR
    python -m evals compare results/BASELINE results/CANDIDATE
"""

from evals.compare import compare_runs, load_results
from evals.config import EvalConfig, PoolPrices
from evals.routing import RoutedPrompt, RoutingCurve, routing_curve

__all__ = ["EvalConfig", "PoolPrices", "RoutedPrompt", "RoutingCurve", "compare_runs", "load_results",
           "routing_curve", "run_eval"]


def __getattr__(name: str):
    if name == "run_eval":  # imports httpx, tqdm, matplotlib lazily
        from evals.runner import run_eval

        return run_eval
    raise AttributeError(name)
