"""Generate school-math questions with DeepMind's `mathematics_dataset` at an easy and a hard level.

`mathematics_dataset` 1.0.1 needs an old sympy/numpy, so this script runs in its own throwaway
virtualenv (never the project's); its output is committed and `build_dataset.py` only reads that:

    python3.8 -m venv /tmp/mdvenv
    /tmp/mdvenv/bin/pip install "sympy==1.2" "numpy<1.23" absl-py six mathematics-dataset==1.0.1
    /tmp/mdvenv/bin/python router/data/generate_math_questions.py  # -> router/data/sources/mathematics_dataset.jsonl
"""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path

import numpy as np
from mathematics_dataset.modules import modules

OUTPUT = Path(__file__).parent / "sources" / "mathematics_dataset.jsonl"
SEED = 20261121
PER_MODULE_AND_LEVEL = 12
MAX_QUESTION_CHARS = 200


def entropy_for(level_low: float, level_high: float):
    """Restrict a module's entropy range to a fraction of it (0 = easiest, 1 = hardest), as generate.py does."""

    def restrict(entropy_range):
        low, high = entropy_range
        return (low + level_low * (high - low), low + level_high * (high - low))

    return restrict


def flatten(tree, prefix=""):
    for name, value in sorted(tree.items()):
        full_name = f"{prefix}__{name}" if prefix else name
        if isinstance(value, dict):
            yield from flatten(value, full_name)
        else:
            yield full_name, value


def main() -> None:
    random.seed(SEED)
    np.random.seed(SEED)
    levels = {"easy": entropy_for(0.0, 1 / 3), "hard": entropy_for(2 / 3, 1.0)}
    rows = []
    for level, entropy_fn in levels.items():
        for module_name, make_problem in flatten(modules.train(entropy_fn)):
            made = 0
            while made < PER_MODULE_AND_LEVEL:
                problem = make_problem()
                question = str(problem.question)
                if len(question) > MAX_QUESTION_CHARS:
                    continue
                rows.append({"module": module_name, "level": level, "question": question, "answer": str(problem.answer)})
                made += 1
            print(f"{level:4s} {module_name}", file=sys.stderr)
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    with OUTPUT.open("w") as out:
        for row in rows:
            out.write(json.dumps(row) + "\n")
    print(f"wrote {len(rows)} questions to {OUTPUT}", file=sys.stderr)


if __name__ == "__main__":
    main()
