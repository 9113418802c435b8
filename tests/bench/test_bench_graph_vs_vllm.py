"""The benchmark's pure parts: the interleaving order and pooling of rounds (no Ray, no model)."""

from collections import Counter

from bench._load import LevelResult, Sample
from bench.graph_vs_vllm import interleaved_order


def test_every_target_runs_in_every_position_equally_often():
    targets = ["vllm", "graph", "raysllm"]
    positions = Counter()
    for round_index in range(3):
        for level_index in range(3):
            order = interleaved_order(targets, round_index, level_index)
            assert sorted(order) == sorted(targets)
            positions.update((target, i) for i, target in enumerate(order))
    assert set(positions.values()) == {3}, positions


def test_pooled_rounds_count_all_tokens_over_all_time():
    fast = LevelResult("graph", 4, [Sample(1.0, 0.1, 60, 200), Sample(1.2, 0.1, 40, 200)], wall_s=2.0)
    slow = LevelResult("graph", 4, [Sample(3.0, 0.3, 100, 200), Sample(0.1, 0.1, 0, 503)], wall_s=8.0)
    pooled = LevelResult.pooled([fast, slow])
    assert len(pooled.samples) == 4 and pooled.errors == 1
    assert pooled.tokens_per_s == 200 / 10.0  # not the mean of 50 and 12.5 tok/s
