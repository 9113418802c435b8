"""Evaluate the shipped routers on the held-out split.

    python -m router.eval                          # both kinds, threshold 0.5
    python -m router.eval --kind features --large-fraction 0.4
    python -m router.eval --kind embedding --threshold 0.6

Prints accuracy, F1 (large = positive), AUC, the confusion matrix, per-request latency (one
request per call, as serving sees it) and the share routed large at the chosen threshold."""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
from collections import Counter

from sklearn.metrics import accuracy_score, confusion_matrix, f1_score, roc_auc_score

from router.calibration import calibrate_threshold
from router.dataset import DATASET_PATH, load_requests
from router.routers import ROUTER_REGISTRY, load_router

DEFAULT_THRESHOLD = 0.5
# Hand-written requests that are in no split and share no template with the data: a check that
# the router learned the task rather than the sources.
PROBES_PATH = DATASET_PATH.parent / "probes.jsonl"
LATENCY_WARMUP = 5


def percentile(sorted_values: list[float], q: float) -> float:
    index = min(len(sorted_values) - 1, max(0, round(q / 100 * (len(sorted_values) - 1))))
    return sorted_values[index]


def evaluate(kind: str, threshold: float | None, large_fraction: float | None, show_errors: int) -> dict:
    router = load_router(kind)
    requests = load_requests("heldout")
    if [r.id for r in requests] != router.weights.get("heldout_ids"):
        print(f"WARNING: the held-out split differs from the one the {kind!r} weights were calibrated on; retrain (python -m router.train)")
    labels = [r.needs_large for r in requests]
    if large_fraction is not None:
        threshold = calibrate_threshold(router.heldout_scores, large_fraction)
    elif threshold is None:
        threshold = DEFAULT_THRESHOLD

    for request in requests[:LATENCY_WARMUP]:
        router.score_batch([request.messages])
    scores, latencies_ms = [], []
    for request in requests:
        started = time.perf_counter()
        scores.append(router.score_batch([request.messages])[0])
        latencies_ms.append((time.perf_counter() - started) * 1000)
    predictions = [int(s >= threshold) for s in scores]
    latencies_ms.sort()
    (tn, fp), (fn, tp) = confusion_matrix(labels, predictions, labels=[0, 1])
    result = {
        "kind": kind,
        "n": len(requests),
        "threshold": threshold,
        "accuracy": accuracy_score(labels, predictions),
        "f1_large": f1_score(labels, predictions),
        "auc": roc_auc_score(labels, scores),
        "confusion": {"tn": int(tn), "fp": int(fp), "fn": int(fn), "tp": int(tp)},
        "p50_ms": statistics.median(latencies_ms),
        "p99_ms": percentile(latencies_ms, 99),
        "large_share": sum(predictions) / len(predictions),
        "true_large_share": sum(labels) / len(labels),
    }
    print(f"== router kind={kind}  held-out n={result['n']}  threshold={threshold:.4f}"
          + (f" (calibrated for large_fraction={large_fraction})" if large_fraction is not None else ""))
    print(f"accuracy {result['accuracy']:.4f}   F1(large) {result['f1_large']:.4f}   AUC {result['auc']:.4f}")
    print("confusion matrix (rows: true, cols: predicted)")
    print("              pred small  pred large")
    print(f"  true small  {tn:10d}  {fp:10d}")
    print(f"  true large  {fn:10d}  {tp:10d}")
    load_1min = os.getloadavg()[0]
    print(f"latency per request (single, unbatched): p50 {result['p50_ms']:.3f} ms   p99 {result['p99_ms']:.3f} ms"
          f"   (machine load average {load_1min:.1f} on {os.cpu_count()} CPUs)")
    print(f"large-model share at threshold: {result['large_share']:.3f}   (true share of large labels {result['true_large_share']:.3f})")

    errors = [(abs(s - y), s, y, r) for s, y, r in zip(scores, labels, requests) if int(s >= threshold) != y]
    by_source = Counter(r.source.rsplit("/", 1)[0] if r.source.count("/") > 1 else r.source for _, _, _, r in errors)
    if errors:
        print("errors by source: " + ", ".join(f"{source} {n}" for source, n in by_source.most_common(8)))
    for _, score, label, request in sorted(errors, key=lambda e: -e[0])[:show_errors]:
        text = request.messages[-1]["content"].replace("\n", " ")
        print(f"  [{request.label:5s} score {score:.2f}] {request.source}: {text[:110]}")

    probes = [json.loads(line) for line in PROBES_PATH.read_text().splitlines() if line.strip()]
    probe_scores = router.score_batch([[{"role": "user", "content": p["prompt"]}] for p in probes])
    probe_misses = [(p, s) for p, s in zip(probes, probe_scores) if ("large" if s >= threshold else "small") != p["label"]]
    result["probe_accuracy"] = 1 - len(probe_misses) / len(probes)
    print(f"probes (unseen hand-written requests): {len(probes) - len(probe_misses)}/{len(probes)} routed as labeled")
    for probe, score in probe_misses:
        print(f"  [{probe['label']:5s} score {score:.2f}] {probe['prompt'][:110]!r}")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description="Evaluate complexity routers on the held-out split.")
    parser.add_argument("--kind", choices=[*sorted(ROUTER_REGISTRY), "all"], default="all")
    target = parser.add_mutually_exclusive_group()
    target.add_argument("--threshold", type=float, help=f"route large when score >= this (default {DEFAULT_THRESHOLD})")
    target.add_argument("--large-fraction", type=float, help="calibrate the threshold so this share of held-out requests goes large")
    parser.add_argument("--show-errors", type=int, default=0, help="print the N most confident mistakes")
    args = parser.parse_args()
    for kind in sorted(ROUTER_REGISTRY) if args.kind == "all" else [args.kind]:
        evaluate(kind, args.threshold, args.large_fraction, args.show_errors)
        print()


if __name__ == "__main__":
    main()
