"""Evaluate the shipped routers.

    python -m router.eval                          # both kinds, threshold 0.5, --set dev
    python -m router.eval --kind features --large-fraction 0.4
    python -m router.eval --kind features --set dev-holdout   # router/data/dev_holdout.jsonl
    python -m router.eval --kind features --set test     # router/data/test_prompts.jsonl
    python -m router.eval --kind embedding --set PATH --threshold 0.6

Sets:
  dev   the fixed held-out split of prompts.jsonl (tuned on: optimistic), plus probes.jsonl.
  dev-holdout  router/data/dev_holdout.jsonl: hand-written by the developer, in the test format, before the
        second borderline batch's features were built, and never trained or tuned on: a check for overfitting
        the dev split (not independent of the developer, so no substitute for the test set).
  test  router/data/test_prompts.jsonl, written after the design froze by someone who has not seen the
        code or the dev data; one JSON object a line: {"messages": [...]} or {"prompt": "..."},
        "label": "small" | "large", "kind": "clear" | "borderline". The figure to report.
  dev-v3-train / dev-v3-holdout  the two hash-split parts of router/data/dev_v3_prompts.jsonl, written by
        someone who never saw the code: the train part is in prompts.jsonl's train split, the holdout part
        (about a third) is never trained or tuned on.
  dev-v4-train / dev-v4-holdout  the two parts of router/data/dev_v4_prompts.jsonl (another writer who never saw the
        code), split by the SHA-256 of the prompt, 65 % / 35 %: the train part is trained on, the holdout part only scored.
  PATH  a file in the test format.

Prints accuracy (with Wilson 95 % intervals) overall and separately for clear-cut and borderline
requests, F1 (large = positive), AUC, the confusion matrix, calibration (the score histogram in bins
around the threshold and the reliability curve: predicted score bins against the observed share of
large labels), per-request latency (one request per call, as serving sees it) and the share routed large."""

from __future__ import annotations

from common.stats import wilson_interval

import argparse
import json
import os
import statistics
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from sklearn.metrics import accuracy_score, confusion_matrix, f1_score, roc_auc_score

from router.calibration import calibrate_threshold
from router.dataset import DATASET_PATH, load_requests
from router.routers import ROUTER_REGISTRY, load_router

DEFAULT_THRESHOLD = 0.5
# Hand-written requests that are in no split and share no template with the data: a check that
# the router learned the task rather than the sources.
PROBES_PATH = DATASET_PATH.parent / "probes.jsonl"
TEST_PATH = DATASET_PATH.parent / "test_prompts.jsonl"
DEV_HOLDOUT_PATH = DATASET_PATH.parent / "dev_holdout.jsonl"
# Written blind after the issue-14 dev work froze (the first test set's miss kinds had informed that work).
TEST_V2_PATH = DATASET_PATH.parent / "test_v2_prompts.jsonl"
# Written blind after the second round of dev work (on dev_v3, an independent writer's prompts) froze.
TEST_V3_PATH = DATASET_PATH.parent / "test_v3_prompts.jsonl"
# Written blind after the third round of dev work (on dev_v4, an independent writer's prompts) froze.
TEST_V4_PATH = DATASET_PATH.parent / "test_v4_prompts.jsonl"
LATENCY_WARMUP = 5
BORDERLINE_SOURCE_PREFIX = "handwritten/borderline/"
TARGETS = {"clear": 0.97, "borderline": 0.9}


@dataclass(frozen=True)
class EvalRequest:
    messages: list[dict]
    label: str  # "small" | "large"
    kind: str  # "clear" | "borderline"
    source: str

    @property
    def needs_large(self) -> int:
        return int(self.label == "large")


def dev_requests() -> list[EvalRequest]:
    """The held-out split; rows from handwritten/borderline/* are the borderline kind."""
    return [EvalRequest(r.messages, r.label, "borderline" if r.source.startswith(BORDERLINE_SOURCE_PREFIX) else "clear",
                        r.source) for r in load_requests("heldout")]


def read_set(path: Path) -> list[EvalRequest]:
    """Rows of a test-format JSONL file; raises ValueError naming the first bad line."""
    requests = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("//"):
            continue
        row = json.loads(line)
        messages = row.get("messages") or ([{"role": "user", "content": row["prompt"]}] if row.get("prompt") else None)
        if not messages or row.get("label") not in ("small", "large") or row.get("kind", "clear") not in ("clear", "borderline"):
            raise ValueError(f"{path}:{number}: needs messages or prompt, label small|large, kind clear|borderline")
        requests.append(EvalRequest(messages, row["label"], row.get("kind", "clear"), str(path.name)))
    return requests


def wilson(successes: int, total: int) -> str:
    if total == 0:
        return "n/a (n=0)"
    low, high = wilson_interval(successes, total)
    return f"{successes / total:.3f} [{low:.3f}, {high:.3f}] ({successes}/{total})"


def calibration_report(scores: list[float], labels: list[int], threshold: float, width: float = 0.05, bins: int = 10) -> list[str]:
    """The score histogram in bins of `width` on either side of the threshold (by label), and the
    reliability curve: scores in `bins` equal-width bins against the observed share of large labels."""
    lines = [f"score distribution near the threshold (bins of {width}; s = small labels, L = large labels)"]
    edges = [threshold + width * k for k in range(-5, 6)]
    below = sum(1 for s in scores if s < edges[0])
    above = sum(1 for s in scores if s >= edges[-1])
    lines.append(f"  score < {edges[0]:.2f}: {below}")
    for low, high in zip(edges, edges[1:]):
        inside = [y for s, y in zip(scores, labels) if low <= s < high]
        small, large = inside.count(0), inside.count(1)
        marker = "  <- threshold" if abs(low - threshold) < 1e-9 else ""
        lines.append(f"  [{low:.2f}, {high:.2f}) small {small:4d} large {large:4d}  {'s' * min(small, 40)}{'L' * min(large, 40)}{marker}")
    lines.append(f"  score >= {edges[-1]:.2f}: {above}")
    lines.append("reliability curve (predicted score bin -> mean score, observed large share [Wilson 95 %])")
    for b in range(bins):
        low, high = b / bins, (b + 1) / bins
        inside = [(s, y) for s, y in zip(scores, labels) if low <= s < high or (b == bins - 1 and s == 1.0)]
        if not inside:
            lines.append(f"  [{low:.1f}, {high:.1f})  n=0")
            continue
        mean_score = sum(s for s, _ in inside) / len(inside)
        lines.append(f"  [{low:.1f}, {high:.1f})  mean score {mean_score:.3f}  observed large {wilson(sum(y for _, y in inside), len(inside))}")
    return lines


def percentile(sorted_values: list[float], q: float) -> float:
    index = min(len(sorted_values) - 1, max(0, round(q / 100 * (len(sorted_values) - 1))))
    return sorted_values[index]


def evaluate(kind: str, threshold: float | None, large_fraction: float | None, show_errors: int,
             set_name: str = "dev") -> dict | None:
    router = load_router(kind)
    if set_name == "dev":
        requests = dev_requests()
        if [r.id for r in load_requests("heldout")] != router.weights.get("heldout_ids"):
            print(f"WARNING: the held-out split differs from the one the {kind!r} weights were calibrated on; retrain (python -m router.train)")
    elif set_name in ("dev-v3-train", "dev-v3-holdout"):
        from router.data.build_dataset import independent_rows

        requests = [EvalRequest(r["messages"], r["label"], r["kind"], r["source"])
                    for r in independent_rows(set_name.removeprefix("dev-v3-"))]
    elif set_name in ("dev-v4-train", "dev-v4-holdout"):
        from router.data.build_dataset import V4_PATH, v4_rows

        if not V4_PATH.exists():
            print(f"no such set file: {V4_PATH}", file=sys.stderr)
            return None
        requests = [EvalRequest(r["messages"], r["label"], r["kind"], r["source"]) for r in v4_rows(set_name.removeprefix("dev-v4-"))]
    else:
        path = {"test": TEST_PATH, "test-v2": TEST_V2_PATH, "test-v3": TEST_V3_PATH, "test-v4": TEST_V4_PATH, "dev-holdout": DEV_HOLDOUT_PATH}.get(set_name) or Path(set_name)
        if not path.exists():
            if set_name == "test":
                print(f"TEST SET MISSING: {TEST_PATH} does not exist. It is written after the design is frozen, by someone "
                      "who has not seen the code or the dev data (format: router/eval.py docstring, router/README.md). "
                      "No test figure can be reported until then; `--set dev` gives the dev figures.", file=sys.stderr)
            else:
                print(f"no such set file: {path}", file=sys.stderr)
            return None
        requests = read_set(path)
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
    print(f"== router kind={kind}  set={set_name}{' (held-out split)' if set_name == 'dev' else ''}  n={result['n']}  "
          f"threshold={threshold:.4f}" + (f" (calibrated for large_fraction={large_fraction})" if large_fraction is not None else ""))
    print(f"accuracy {wilson(sum(p == y for p, y in zip(predictions, labels)), len(labels))}   F1(large) {result['f1_large']:.4f}   AUC {result['auc']:.4f}")
    for request_kind in ("clear", "borderline"):
        pairs = [(p, y) for p, y, r in zip(predictions, labels, requests) if r.kind == request_kind]
        correct = sum(p == y for p, y in pairs)
        result[f"accuracy_{request_kind}"] = correct / len(pairs) if pairs else float("nan")
        met = "" if not pairs else f"  target >= {TARGETS[request_kind]}: {'ok' if correct / len(pairs) >= TARGETS[request_kind] else 'MISSED'}"
        print(f"  {request_kind:<10} accuracy {wilson(correct, len(pairs))}{met}")
    print("confusion matrix (rows: true, cols: predicted)")
    print("              pred small  pred large")
    print(f"  true small  {tn:10d}  {fp:10d}")
    print(f"  true large  {fn:10d}  {tp:10d}")
    load_1min = os.getloadavg()[0]
    print(f"latency per request (single, unbatched): p50 {result['p50_ms']:.3f} ms   p99 {result['p99_ms']:.3f} ms"
          f"   (machine load average {load_1min:.1f} on {os.cpu_count()} CPUs)")
    print(f"large-model share at threshold: {result['large_share']:.3f}   (true share of large labels {result['true_large_share']:.3f})")
    print("\n".join(calibration_report(scores, labels, threshold)))

    errors = [(abs(s - y), s, y, r) for s, y, r in zip(scores, labels, requests) if int(s >= threshold) != y]
    by_source = Counter(r.source.rsplit("/", 1)[0] if r.source.count("/") > 1 else r.source for _, _, _, r in errors)
    if errors:
        print("errors by source: " + ", ".join(f"{source} {n}" for source, n in by_source.most_common(8)))
    for _, score, label, request in sorted(errors, key=lambda e: -e[0])[:show_errors]:
        text = str(request.messages[-1]["content"]).replace("\n", " ")
        print(f"  [{request.label:5s} score {score:.2f}] {request.source}: {text[:110]}")

    if set_name != "dev":
        return result
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
    parser.add_argument("--set", default="dev", help="dev (held-out split), dev-holdout (router/data/dev_holdout.jsonl), dev-v3-train, dev-v3-holdout, dev-v4-train, dev-v4-holdout, test (router/data/test_prompts.jsonl), test-v2, test-v3, test-v4 (blind sets written later) or a path")
    args = parser.parse_args()
    for kind in sorted(ROUTER_REGISTRY) if args.kind == "all" else [args.kind]:
        if evaluate(kind, args.threshold, args.large_fraction, args.show_errors, args.set) is None:
            raise SystemExit(2)
        print()


if __name__ == "__main__":
    main()
