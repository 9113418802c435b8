"""The benchmark's parts without Ray or a model: the interleaving order, pooling of rounds, and waiting for
the compute cores to go idle between targets."""

import os
import subprocess
import sys
from collections import Counter

from bench._load import LevelResult, Sample, cpu_busy_ticks, wait_for_quiet_cpus
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


def _burner(cpu: int, seconds: float) -> subprocess.Popen:
    """A process that keeps one CPU busy for `seconds` (forever if negative)."""
    code = ("import os, time; os.sched_setaffinity(0, {%d}); end = time.monotonic() + %r\n"
            "while %r < 0 or time.monotonic() < end: pass" % (cpu, seconds, seconds))
    return subprocess.Popen([sys.executable, "-c", code])


def test_waits_for_the_compute_cores_to_go_idle():
    cpu = max(os.sched_getaffinity(0))
    burner = _burner(cpu, 1.5)
    try:
        busy_at_start = cpu_busy_ticks([cpu])
        quiet, _ = wait_for_quiet_cpus([cpu], busy_below=0.3, timeout_s=30)
        assert quiet
        assert burner.poll() is not None, "returned while the CPU was still being burnt"
        assert cpu_busy_ticks([cpu])[0] > busy_at_start[0]
    finally:
        burner.kill()
        burner.wait()


def test_gives_up_at_the_deadline_when_the_cores_stay_busy():
    cpu = max(os.sched_getaffinity(0))
    burner = _burner(cpu, -1)
    try:
        quiet, waited = wait_for_quiet_cpus([cpu], busy_below=0.3, timeout_s=1.0)
        assert not quiet and waited >= 1.0
        assert burner.poll() is None
    finally:
        burner.kill()
        burner.wait()
