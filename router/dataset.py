"""The labeled requests in router/data/prompts.jsonl (built by router/data/build_dataset.py)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

DATASET_PATH = Path(__file__).parent / "data" / "prompts.jsonl"
Split = Literal["train", "heldout"]


@dataclass(frozen=True)
class LabeledRequest:
    id: str
    messages: list[dict]
    label: Literal["small", "large"]
    source: str
    split: Split

    @property
    def needs_large(self) -> int:
        return int(self.label == "large")


def load_requests(split: Split | None = None, path: Path = DATASET_PATH) -> list[LabeledRequest]:
    requests = []
    with path.open() as lines:
        for line in lines:
            row = json.loads(line)
            if split is None or row["split"] == split:
                requests.append(LabeledRequest(row["id"], row["messages"], row["label"], row["source"], row["split"]))
    return requests
