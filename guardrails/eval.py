"""Evaluation of the scanners on labelled texts.

    python -m guardrails.eval [--set dev|test|PATH] [--show-errors]

Data: JSON lines `{"text": str, "findings": [{"kind": str, "text": str}], "tag": str}`. Each expected finding
names a kind (PHONE_NUMBER, OPENAI_API_KEY, TOXICITY, ...: see guardrails.scanners) and the exact substring of
`text` it covers; `findings: []` marks a clean text or a look-alike (order numbers, ISBNs, dates, versions).
`tag` is free (e.g. pii, secret, toxic, clean, lookalike) and groups the figures; "lookalike" is special.

Method: one `Guardrails` with every scanner's default kinds and thresholds, all actions `annotate`, scans each
text as input. A predicted finding matches an expected one of the same kind whose substring it overlaps.
Prints, per kind: precision (matched predictions / predictions, over all texts) and recall (matched expected /
expected), with n and Wilson 95% intervals; look-alike precision (look-alike texts with no finding / look-alike
texts); and latency: p50 / p99 ms of `scan` (default actions: redact PII and secrets, annotate toxicity) per
100-word text, on passages made by joining consecutive texts until they reach 100 words.
"""

from __future__ import annotations

from common.stats import wilson_interval

import argparse
import json
import math
import os
import sys
import time
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from guardrails.config import GuardrailsConfig, ScannerPolicy
from guardrails.guard import Guardrails
from guardrails.scanners import SCANNERS

DATA_DIR = Path(__file__).parent / "data"
SETS = {"dev": DATA_DIR / "dev.jsonl", "test": DATA_DIR / "test.jsonl"}


@dataclass(frozen=True)
class Example:
    text: str
    expected: list[tuple[str, int, int]]  # (kind, start, end)
    tag: str


wilson = wilson_interval  # the shared Wilson interval (common/stats.py)


def load(path: Path) -> list[Example]:
    """Examples of a JSONL file; ValueError names the line of a substring that is not in its text."""
    examples = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        row = json.loads(line)
        expected = []
        for finding in row.get("findings", []):
            start = row["text"].find(finding["text"])
            if start < 0:
                raise ValueError(f"{path}:{number}: {finding['text']!r} is not a substring of the text")
            expected.append((finding["kind"], start, start + len(finding["text"])))
        examples.append(Example(row["text"], expected, row.get("tag", "")))
    return examples


def annotate_all_config() -> GuardrailsConfig:
    return GuardrailsConfig(scanners={name: ScannerPolicy(input="annotate", output="annotate") for name in SCANNERS})


@dataclass
class Scores:
    predicted: Counter
    correct_predicted: Counter
    expected: Counter
    found: Counter
    lookalike_texts: int
    lookalike_clean: int
    errors: list[str]


def score(examples: list[Example], guardrails: Guardrails) -> Scores:
    s = Scores(Counter(), Counter(), Counter(), Counter(), 0, 0, [])
    for example in examples:
        findings = guardrails.scan(example.text, "input").findings

        def overlaps(kind, start, end, f):
            return f.kind == kind and f.start < end and start < f.end

        for f in findings:
            s.predicted[f.kind] += 1
            if any(overlaps(kind, start, end, f) for kind, start, end in example.expected):
                s.correct_predicted[f.kind] += 1
            else:
                s.errors.append(f"FP [{f.kind}] {example.text[f.start:f.end]!r} in {example.text!r}")
        for kind, start, end in example.expected:
            s.expected[kind] += 1
            if any(overlaps(kind, start, end, f) for f in findings):
                s.found[kind] += 1
            else:
                s.errors.append(f"FN [{kind}] {example.text[start:end]!r} in {example.text!r}")
        if example.tag == "lookalike":
            s.lookalike_texts += 1
            s.lookalike_clean += not findings
    return s


def passages(texts: list[str], words: int = 100) -> list[str]:
    out, current = [], []
    for text in texts:
        current.append(text)
        if sum(len(t.split()) for t in current) >= words:
            out.append(" ".join(current))
            current = []
    if current and not out:  # a set shorter than one passage is timed as it is, scaled to 100 words
        out.append(" ".join(current))
    return out


def latency_ms_per_100_words(texts: list[str], guardrails: Guardrails, repeats: int = 5
                             ) -> tuple[np.ndarray, np.ndarray]:
    """(wall ms, CPU ms of this thread) per scan, scaled to 100 words. CPU time is what the scan costs; wall
    time adds waiting for a core, which on a shared machine can dwarf it."""
    wall, cpu = [], []
    for passage in passages(texts):
        scale = 100 / len(passage.split())
        for _ in range(repeats):
            start, start_cpu = time.perf_counter(), time.thread_time()
            guardrails.scan(passage, "input")
            wall.append((time.perf_counter() - start) * 1000 * scale)
            cpu.append((time.thread_time() - start_cpu) * 1000 * scale)
    return np.array(wall), np.array(cpu)


def fmt(successes: int, n: int) -> str:
    if n == 0:
        return f"{'-':>6} {'':>15} n={n:<3}"
    lo, hi = wilson(successes, n)
    return f"{successes / n:>6.3f} [{lo:.3f}, {hi:.3f}] n={n:<3}"


def report(examples: list[Example], show_errors: bool = False, out=sys.stdout) -> Scores:
    guardrails = Guardrails(annotate_all_config())
    tags = Counter(e.tag for e in examples)
    print(f"{len(examples)} texts: " + ", ".join(f"{n} {tag or '(untagged)'}" for tag, n in sorted(tags.items())),
          file=out)
    s = score(examples, guardrails)
    print(f"\n{'kind':<24} {'precision [95% CI]':<32} {'recall [95% CI]':<32}", file=out)
    for kind in sorted(set(s.predicted) | set(s.expected)):
        print(f"{kind:<24} {fmt(s.correct_predicted[kind], s.predicted[kind]):<32} "
              f"{fmt(s.found[kind], s.expected[kind]):<32}", file=out)
    by_scanner: dict[str, list[str]] = defaultdict(list)
    for name, cls in SCANNERS.items():
        by_scanner[name] = [k for k in cls.kinds if s.expected[k] or s.predicted[k]]
    for name, kinds in by_scanner.items():
        p = sum(s.correct_predicted[k] for k in kinds), sum(s.predicted[k] for k in kinds)
        r = sum(s.found[k] for k in kinds), sum(s.expected[k] for k in kinds)
        print(f"{'all ' + name:<24} {fmt(*p):<32} {fmt(*r):<32}", file=out)
    print(f"\nlook-alike precision (look-alike texts left without any finding): "
          f"{fmt(s.lookalike_clean, s.lookalike_texts)}", file=out)
    wall, cpu = latency_ms_per_100_words([e.text for e in examples], Guardrails(GuardrailsConfig()))
    if len(wall):
        load = f"{os.getloadavg()[0]:.1f}" if hasattr(os, "getloadavg") else "?"
        print(f"latency per 100-word text (default config, {len(wall)} scans, load average {load} on "
              f"{os.cpu_count()} cores): wall p50 {np.percentile(wall, 50):.2f} ms, p99 {np.percentile(wall, 99):.2f} ms;"
              f" CPU p50 {np.percentile(cpu, 50):.2f} ms, p99 {np.percentile(cpu, 99):.2f} ms", file=out)
    if show_errors:
        print("\nerrors:", file=out)
        for line in s.errors:
            print("  " + line, file=out)
    return s


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--set", default="dev", help="dev, test, or a path to a JSONL file")
    parser.add_argument("--show-errors", action="store_true", help="list false positives and misses")
    args = parser.parse_args(argv)
    path = SETS.get(args.set, Path(args.set))
    if not path.exists():
        if args.set == "test":
            print(f"The test set {path} does not exist yet. It is written by someone who has not seen the scanners "
                  f"or the dev set (issue 12); until then, run --set dev (the tuning set) or --set PATH.",
                  file=sys.stderr)
        else:
            print(f"No such data set: {path}", file=sys.stderr)
        return 2
    report(load(path), show_errors=args.show_errors)
    return 0


if __name__ == "__main__":
    sys.exit(main())
