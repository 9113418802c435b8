"""Evaluates the fact checker on the labeled set (data/eval_set.jsonl; regenerate with
`python -m validators.eval_set`).

    python -m validators.eval [--data PATH] [--errors N]

Prints precision, recall and F1 for `contradicted` and `supported` answers, the confusion matrix, the
same split by origin (generated / hand-written) and by category, and latency: p50/p99 per answer and
p50 for answers of about 100 words (several eval answers joined)."""

from __future__ import annotations

import argparse
import json
import statistics
import time
from collections import Counter, defaultdict
from pathlib import Path

from validators.checker import FactChecker
from validators.config import FactCheckerConfig
from validators.eval_set import EVAL_SET_PATH

LABELS = ("supported", "contradicted", "unverified")
TARGETS = {"contradicted precision": 0.95, "contradicted recall": 0.85, "supported recall": 0.85}


def precision_recall_f1(pairs: list[tuple[str, str]], label: str) -> tuple[float, float, float]:
    true_positive = sum(1 for expected, got in pairs if expected == got == label)
    predicted = sum(1 for _, got in pairs if got == label)
    actual = sum(1 for expected, _ in pairs if expected == label)
    precision = true_positive / predicted if predicted else 0.0
    recall = true_positive / actual if actual else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def hundred_word_answers(items: list[dict], count: int = 60) -> list[str]:
    """Answers of ~100 words made by joining consecutive eval answers."""
    answers, current = [], []
    for item in items:
        current.append(item["answer"])
        if sum(len(a.split()) for a in current) >= 100:
            words = " ".join(current).split()
            answers.append(" ".join(words[:110]))
            current = []
        if len(answers) == count:
            break
    return answers


def report(pairs: list[tuple[str, str]], title: str) -> list[str]:
    lines = [f"{title} ({len(pairs)} answers)"]
    for label in ("contradicted", "supported"):
        precision, recall, f1 = precision_recall_f1(pairs, label)
        lines.append(f"  {label:<13} precision {precision:.3f}  recall {recall:.3f}  F1 {f1:.3f}")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m validators.eval", description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=EVAL_SET_PATH)
    parser.add_argument("--errors", type=int, default=10, help="how many misjudged answers to print")
    args = parser.parse_args(argv)
    items = [json.loads(line) for line in args.data.read_text(encoding="utf-8").splitlines() if line.strip()]

    started = time.perf_counter()
    checker = FactChecker(FactCheckerConfig())
    load_seconds = time.perf_counter() - started
    checker.check("Warm-up: the capital of France is Paris.")

    pairs, latencies_ms, errors = [], [], []
    by_origin, by_category = defaultdict(list), defaultdict(list)
    for item in items:
        started = time.perf_counter()
        result = checker.check(item["answer"], item.get("question"))
        latencies_ms.append((time.perf_counter() - started) * 1000)
        pair = (item["label"], result.verdict)
        pairs.append(pair)
        by_origin[item.get("origin", "?")].append(pair)
        by_category[item.get("category", "?")].append(pair)
        if pair[0] != pair[1]:
            errors.append((item, result))

    long_answers = hundred_word_answers(items)
    long_latencies_ms = []
    for _ in range(3):
        for answer in long_answers:
            started = time.perf_counter()
            checker.check(answer)
            long_latencies_ms.append((time.perf_counter() - started) * 1000)

    lines = [f"fact checker eval: {args.data.name}, {len(items)} answers; KB {len(checker.kb)} facts "
             f"(checker ready in {load_seconds:.2f}s)", ""]
    lines += report(pairs, "all")
    for origin, origin_pairs in sorted(by_origin.items()):
        lines += report(origin_pairs, f"origin={origin}")
    lines += ["", "confusion matrix (rows: expected, columns: predicted)",
              f"  {'':<13}" + "".join(f"{label:>14}" for label in LABELS)]
    counts = Counter(pairs)
    for expected in LABELS:
        lines.append(f"  {expected:<13}" + "".join(f"{counts[(expected, got)]:>14}" for got in LABELS))
    lines += ["", "accuracy by category"]
    for category, category_pairs in sorted(by_category.items()):
        correct = sum(expected == got for expected, got in category_pairs)
        lines.append(f"  {category:<24} {correct:>3}/{len(category_pairs):<3}")
    word_counts = [len(answer.split()) for answer in long_answers]
    lines += ["", f"latency per answer: p50 {percentile(latencies_ms, 0.5):.2f} ms, p99 {percentile(latencies_ms, 0.99):.2f} ms",
              f"latency for ~100-word answers ({len(long_answers)} answers, {statistics.mean(word_counts):.0f} words "
              f"on average, 3 passes): p50 {percentile(long_latencies_ms, 0.5):.2f} ms, "
              f"p99 {percentile(long_latencies_ms, 0.99):.2f} ms (target p50 <= 20 ms)"]
    lines += ["", "targets"]
    measured = {"contradicted precision": precision_recall_f1(pairs, "contradicted")[0],
                "contradicted recall": precision_recall_f1(pairs, "contradicted")[1],
                "supported recall": precision_recall_f1(pairs, "supported")[1]}
    for name, target in TARGETS.items():
        lines.append(f"  {name:<24} {measured[name]:.3f} (target >= {target}) {'ok' if measured[name] >= target else 'MISSED'}")
    if errors and args.errors:
        lines += ["", f"first {min(args.errors, len(errors))} of {len(errors)} misjudged answers"]
        for item, result in errors[: args.errors]:
            lines.append(f"  [{item['category']}] expected {item['label']}, got {result.verdict}: "
                         f"{(item.get('question') or '') + ' -> ' if item.get('question') else ''}{item['answer']}")
            for claim in result.claims:
                lines.append(f"      {claim.verdict:<12} {claim.relation}={claim.claimed_value!r} "
                             f"(subject {claim.subject!r}): {claim.reason}")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
